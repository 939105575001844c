package io.clipline.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test that runs once per kind of Kafka cluster: on Testcontainers' Kafka
 * (skipped, with the reason, where no Docker engine answers) and on the in-JVM KRaft broker. The
 * test method takes a {@link KafkaCluster} parameter.
 *
 * <pre>{@code
 * @KafkaClusterTest
 * void shouldRoundTripFrames(KafkaCluster cluster) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@TestTemplate
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
public @interface KafkaClusterTest {}
