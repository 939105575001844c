package io.clipline.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class that needs the real schema registry when its app was not built ({@code mvn
 * -Pregistry}), with {@link RegistryServer#MISSING_MESSAGE} as the reason, and says so once per
 * test JVM in the build log. Use it as {@code @ExtendWith(RegistryAppCondition.class)}.
 */
public final class RegistryAppCondition implements ExecutionCondition {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RegistryAppCondition.class);

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    boolean built = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("app", k -> {
      boolean present = RegistryServer.appJar().isPresent();
      if (!present) {
        System.out.println("[clipline-testkit] schema registry tests skipped: "
            + RegistryServer.MISSING_MESSAGE);
      }
      return present;
    }, Boolean.class);
    return built ? ConditionEvaluationResult.enabled("the registry app is built")
        : ConditionEvaluationResult.disabled(RegistryServer.MISSING_MESSAGE);
  }
}
