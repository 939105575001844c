/**
 * JUnit 5 support for integration tests against a real Kafka cluster, and a real schema registry
 * ({@link io.clipline.testkit.RegistryServer}) for the schema-registry wire format.
 */
package io.clipline.testkit;
