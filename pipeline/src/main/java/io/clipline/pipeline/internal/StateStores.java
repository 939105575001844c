package io.clipline.pipeline.internal;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** The pipeline's state stores: persistent, change-logged key-value stores. */
public final class StateStores {
  public static final String FUSION = "item-fusion-store";
  public static final String FUSION_TIMERS = "item-fusion-timers";
  public static final String REJECTS = "reject-dedupe-store";
  public static final String STATS = "line-stats-store";
  public static final String SURGE = "surge-baseline-store";
  public static final String DRIFT = "drift-cusum-store";
  public static final String SILENCE = "camera-heartbeat-store";
  /** The GlobalKTable store of the line-topology topic. */
  public static final String LINE_TOPOLOGY = "line-topology-store";

  private StateStores() {}

  public static List<StoreBuilder<? extends KeyValueStore<String, ?>>> all() {
    return List.of(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FUSION), Serdes.String(),
            PendingItem.SERDE),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FUSION_TIMERS), Serdes.String(),
            Serdes.String()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(REJECTS), Serdes.String(),
            Serdes.Long()),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STATS), Serdes.String(),
            WindowAggregate.SERDE),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SURGE), Serdes.String(),
            SurgeDetector.SERDE),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DRIFT), Serdes.String(),
            DriftDetector.SERDE),
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SILENCE), Serdes.String(),
            SilenceDetector.SERDE));
  }
}
