package io.pulse.serving.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.RollupPublication;
import io.pulse.contracts.rollup.RollupUpdate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.testing.TestServices;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes window results the rollup job's way: the row first, then history, stream and channel through
 * the job's own script. Returns the stream id, the cursor a subscriber reaches with it.
 */
public final class LivePublisher implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RollupRows rows;
    private final RedisKeys keys;
    private final RedisClient client = RedisClient.create(TestServices.redisUri());
    private final StatefulRedisConnection<String, String> connection = client.connect();
    private final AtomicLong versions = new AtomicLong();

    public LivePublisher(RollupRows rows, String namespace) {
        this.rows = rows;
        this.keys = new RedisKeys(namespace);
    }

    /** Stores and publishes one result of {@code values} for the series' bucket. */
    public String publish(Granularity granularity, String tenant, String metric, Map<String, String> dimensions,
                          Instant bucket, double... values) throws Exception {
        SeriesKey key = SeriesKey.of(tenant, metric, dimensions);
        long version = versions.incrementAndGet();
        String json = store(granularity, key, bucket, version, values);
        return connection.sync().eval(RollupPublication.SCRIPT, ScriptOutputType.VALUE,
                RollupPublication.keys(keys.history(key, granularity), keys.stream(tenant, metric)),
                RollupPublication.args(version, json, 100, 600, 1000, keys.channel(tenant, metric)));
    }

    /**
     * Stores one result and appends it to the metric's stream, but the publication is lost on the way
     * (as while a server's Redis subscription is down). Returns the stream id.
     */
    public String streamWithoutPublishing(Granularity granularity, String tenant, String metric,
                                          Map<String, String> dimensions, Instant bucket, double... values)
            throws Exception {
        String json = store(granularity, SeriesKey.of(tenant, metric, dimensions), bucket, versions.incrementAndGet(),
                values);
        return connection.sync().xadd(keys.stream(tenant, metric), Map.of(RollupPublication.STREAM_FIELD, json));
    }

    private String store(Granularity granularity, SeriesKey key, Instant bucket, long version, double... values)
            throws Exception {
        RollupAggregate aggregate = rows.write(granularity, key.tenant(), key.metric(), key.dimensions(), bucket,
                values, 1);
        return JSON.writeValueAsString(RollupUpdate.of(
                new Rollup(key, granularity, bucket.toEpochMilli(), 0, version, aggregate), false));
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
