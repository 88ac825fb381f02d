package io.pulse.contracts.rollup;

import io.pulse.contracts.text.Digests;


/**
 * Redis names shared by the rollup job (which publishes) and the serving tier (which subscribes):
 * one pub/sub channel and one capped stream per (tenant, metric), and one capped history per
 * (series, granularity).
 *
 * @param namespace prefix of every key, so environments (and tests) can share one Redis
 */
public record RedisKeys(String namespace) implements java.io.Serializable {

    public static final RedisKeys DEFAULT = new RedisKeys("pulse");

    /** Channel carrying every final result of the tenant's metric, as {@link RollupPublication} JSON. */
    public String channel(String tenant, String metric) {
        return namespace + ":rollups:" + tenant + ":" + metric;
    }

    /**
     * Redis stream of the metric's recent {@link RollupUpdate}s in publication order: its entry ids are
     * the cursors live subscribers resume from.
     */
    public String stream(String tenant, String metric) {
        return namespace + ":stream:" + tenant + ":" + metric;
    }

    /** Sorted set of recent {@link RollupUpdate}s of one series, scored by version. */
    public String history(SeriesKey key, Granularity granularity) {
        return namespace + ":history:" + key.tenant() + ":" + key.metric() + ":" + granularity.code()
                + ":" + Digests.sha256(key.series()).substring(0, 24);
    }
}
