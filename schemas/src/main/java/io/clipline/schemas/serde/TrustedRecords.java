package io.clipline.schemas.serde;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Lets Avro instantiate Clipline's generated record classes.
 *
 * <p>Since 1.12, Avro refuses to create classes it was not told to trust when it decodes. This
 * adds the {@code io.clipline.schemas} package to whatever the process already trusts (including
 * the {@code org.apache.avro.SERIALIZABLE_*} system properties), once per JVM.
 */
public final class TrustedRecords {
  private static final String PACKAGE = "io.clipline.schemas.";
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private TrustedRecords() {}

  /** Trusts Clipline's record classes; later calls do nothing. */
  public static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              ClassSecurityValidator.getGlobal(),
              type -> type.getName().startsWith(PACKAGE)));
    }
  }
}
