package io.pulse.rollup.source;

import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where raw messages come from. The production one reads a RabbitMQ shard queue; tests pass in-memory
 * ones. Keeps the legacy RabbitMQ connector behind one seam so it can be replaced.
 */
public interface EventSource extends Serializable {

    /** Stable id, part of operator uids (so savepoints survive upgrades): e.g. {@code shard-0}. */
    String id();

    /** Adds the source to {@code env}, named and with a stable uid. */
    DataStream<RawMessage> create(StreamExecutionEnvironment env);
}
