/** JUnit 5 support for integration tests against a real Kafka cluster. */
package io.clipline.testkit;
