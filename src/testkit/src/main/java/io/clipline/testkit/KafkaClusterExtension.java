package io.clipline.testkit;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Runs each {@link KafkaClusterTest} once per cluster kind and hands it the cluster.
 *
 * <p>A cluster is started on first use and shared by every test of the JVM (a broker start costs
 * seconds); it is closed when the test run ends. Tests isolate themselves with {@link
 * KafkaCluster#createIsolatedTopics}.
 */
public final class KafkaClusterExtension implements TestTemplateInvocationContextProvider {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaClusterExtension.class);

  /** Set to {@code false} to skip the Testcontainers run even where Docker answers. */
  static final String CONTAINERS_PROPERTY = "clipline.test.testcontainers";

  private static final String NO_DOCKER =
      "Testcontainers Kafka skipped: no Docker engine answers on this machine; the same tests"
          + " run on the in-JVM KRaft broker";

  @Override
  public boolean supportsTestTemplate(ExtensionContext context) {
    return context.getRequiredTestMethod().isAnnotationPresent(KafkaClusterTest.class);
  }

  @Override
  public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(
      ExtensionContext context) {
    return Stream.of(
        invocation("testcontainers", ContainerKafkaCluster.class, ContainerKafkaCluster::new,
            KafkaClusterExtension::containersCondition),
        invocation("embedded-kraft", EmbeddedKraftCluster.class, EmbeddedKraftCluster::new,
            ignored -> ConditionEvaluationResult.enabled("the in-JVM broker always runs")));
  }

  private static ConditionEvaluationResult containersCondition(ExtensionContext context) {
    if (!Boolean.parseBoolean(System.getProperty(CONTAINERS_PROPERTY, "true"))) {
      return ConditionEvaluationResult.disabled(
          "Testcontainers Kafka skipped: -D" + CONTAINERS_PROPERTY + "=false");
    }
    Boolean docker =
        context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent("docker", k -> {
              boolean available = ContainerKafkaCluster.dockerAvailable();
              if (!available) {
                // Printed once per test JVM so the build log says what it did not run.
                System.out.println("[clipline-testkit] " + NO_DOCKER);
              }
              return available;
            }, Boolean.class);
    return docker
        ? ConditionEvaluationResult.enabled("Docker engine found")
        : ConditionEvaluationResult.disabled(NO_DOCKER);
  }

  private static <C extends KafkaCluster & AutoCloseable> TestTemplateInvocationContext invocation(
      String kind,
      Class<C> type,
      Supplier<C> start,
      java.util.function.Function<ExtensionContext, ConditionEvaluationResult> condition) {
    return new TestTemplateInvocationContext() {
      @Override
      public String getDisplayName(int invocationIndex) {
        return "[" + kind + "]";
      }

      @Override
      public List<Extension> getAdditionalExtensions() {
        ExecutionCondition executionCondition = condition::apply;
        ParameterResolver resolver =
            new ParameterResolver() {
              @Override
              public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
                return p.getParameter().getType() == KafkaCluster.class;
              }

              @Override
              public Object resolveParameter(ParameterContext p, ExtensionContext e) {
                return e.getRoot().getStore(NAMESPACE)
                    .getOrComputeIfAbsent(type, k -> start.get(), type);
              }
            };
        return List.of(executionCondition, resolver);
      }
    };
  }
}
