package io.clipline.launcher;

import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop of a process that runs ONNX Runtime,
 * instead of the JVM's shutdown.
 *
 * <p>Why not a shutdown hook: ONNX Runtime registers its own hook that frees its native
 * environment, and the JVM runs all hooks at once, so a model run in progress when the signal
 * comes crashes the JVM (SIGSEGV). Handling the signal instead lets the process stop its
 * threads and close its sessions first; the JVM's shutdown (and ONNX Runtime's hook) comes only
 * when the command returns. Further signals while stopping are ignored. A signal the process
 * inherited as ignored (SIGINT of a job started in the background by a shell) stays ignored.
 */
final class StopSignals {
  private StopSignals() {}

  /**
   * Runs {@code stop} on its own thread at the first SIGINT or SIGTERM; it should make the
   * command return. Replaces the handlers for the rest of the process's life.
   */
  static void onStop(Runnable stop) {
    AtomicBoolean stopping = new AtomicBoolean();
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> {
        if (stopping.compareAndSet(false, true)) {
          new Thread(stop, "clipline-stop").start();
        }
      });
    }
  }
}
