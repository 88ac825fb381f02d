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

    /**
     * The metric's data generation: the stream id of its newest publication, set in the same step as the
     * publication itself. Cached answers are stored under it, so any change of the metric's stored rows
     * that is published (a window result or a correction) retires every answer computed before it.
     */
    public String generation(String tenant, String metric) {
        return generationOf(stream(tenant, metric));
    }

    /** The generation key that belongs to a metric's stream key (names never hold a colon). */
    public static String generationOf(String streamKey) {
        return streamKey + ":generation";
    }

    /** Sorted set of recent {@link RollupUpdate}s of one series, scored by version. */
    public String history(SeriesKey key, Granularity granularity) {
        return namespace + ":history:" + key.tenant() + ":" + key.metric() + ":" + granularity.code()
                + ":" + Digests.sha256(key.series()).substring(0, 24);
    }
}
