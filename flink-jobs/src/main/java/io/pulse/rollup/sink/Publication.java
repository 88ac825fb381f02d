package io.pulse.rollup.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupUpdate;
import java.io.UncheckedIOException;

/** One rollup as it will be written to Redis: its channel, history and stream keys, version and JSON. */
public record Publication(String channel, String historyKey, String streamKey, long version, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Publication of(Rollup rollup, RedisKeys keys) {
        String json;
        try {
            json = JSON.writeValueAsString(RollupUpdate.of(rollup, false));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot encode rollup", e);
        }
        String tenant = rollup.key().tenant();
        String metric = rollup.key().metric();
        return new Publication(keys.channel(tenant, metric), keys.history(rollup.key(), rollup.granularity()),
                keys.stream(tenant, metric), rollup.version(), json);
    }
}
