package io.clipline.worker;

import java.util.HashMap;
import java.util.Map;

/**
 * Runs a worker in its own JVM and halts that JVM, like {@code kill -9}, inside the Nth
 * transaction after its records were sent and before the commit. For the crash test only.
 */
final class KilledWorkerMain {
  static final int HALT_STATUS = 137;

  private KilledWorkerMain() {}

  public static void main(String[] args) throws Exception {
    int haltInBatch = Integer.parseInt(args[0]);
    Map<String, Object> props = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      props.put(kv[0], kv[1]);
    }
    WorkerListener doomed = new WorkerListener() {
      private int batches;

      @Override
      public void beforeCommit() {
        if (++batches == haltInBatch) {
          Runtime.getRuntime().halt(HALT_STATUS);
        }
      }
    };
    InferenceWorker worker = new InferenceWorker(new WorkerConfig(props), new BrightnessScorer(), doomed);
    worker.start();
    worker.awaitTermination();
  }
}
