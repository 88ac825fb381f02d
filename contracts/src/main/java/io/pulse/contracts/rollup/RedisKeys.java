package io.pulse.contracts.rollup;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Redis names shared by the rollup job (which publishes) and the serving tier (which subscribes):
 * one pub/sub channel per (tenant, metric) and one capped history per (series, granularity).
 *
 * @param namespace prefix of every key, so environments (and tests) can share one Redis
 */
public record RedisKeys(String namespace) implements java.io.Serializable {

    public static final RedisKeys DEFAULT = new RedisKeys("pulse");

    /** Channel carrying every final result of the tenant's metric, as {@link RollupUpdate} JSON. */
    public String channel(String tenant, String metric) {
        return namespace + ":rollups:" + tenant + ":" + metric;
    }

    /** Sorted set of recent {@link RollupUpdate}s of one series, scored by version. */
    public String history(SeriesKey key, Granularity granularity) {
        return namespace + ":history:" + key.tenant() + ":" + key.metric() + ":" + granularity.code()
                + ":" + seriesHash(key.series());
    }

    private static String seriesHash(String series) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(series.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}
