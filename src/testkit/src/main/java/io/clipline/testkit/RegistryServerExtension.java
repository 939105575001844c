package io.clipline.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real schema registry ({@link RegistryServer}) for a test class: started before its first
 * test, stopped after its last; the class is skipped, with {@link RegistryServer#MISSING_MESSAGE}
 * as the reason, when the registry app was not built (said once per test JVM in the build log).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RegistryServerExtension REGISTRY = new RegistryServerExtension();
 * ... SerdeSettings.registry(REGISTRY.url(), Map.of()) ...
 * }</pre>
 */
public final class RegistryServerExtension
    implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RegistryServerExtension.class);

  private RegistryServer server;

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

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server = RegistryServer.start();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /**
   * Base address of the running registry, as {@code schema.registry.url} takes it.
   *
   * @throws IllegalStateException outside the class's tests
   */
  public String url() {
    if (server == null) {
      throw new IllegalStateException("the registry runs only while the test class runs");
    }
    return server.url();
  }
}
