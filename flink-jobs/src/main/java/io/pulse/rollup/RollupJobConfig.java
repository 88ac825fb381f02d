package io.pulse.rollup;

import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.rollup.window.SeriesDimensions;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.contracts.spec.RollupSpecs;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.java.utils.ParameterTool;

/**
 * Parameters of {@link RollupJob}, given as {@code --name value} on the command line:
 *
 * <pre>
 * --amqp-uri           amqp://guest:guest@127.0.0.1:5672   broker; prefer the PULSE_AMQP_URI environment
 *                                        variable, which keeps its password out of the arguments
 * --exchange           pulse.events      topic exchange producers publish to
 * --shards             4                 shard queues, one source each; a rollup other than the default
 *                                        reads queues of its own (EventTopology#forRollup)
 * --prefetch           2000              unacknowledged messages per shard consumer; messages are
 *                                        acknowledged at checkpoints, so a shard tops out near
 *                                        prefetch x events per message / checkpoint interval
 * --jdbc-url           jdbc:postgresql://127.0.0.1:5432/pulse
 * --jdbc-user          postgres
 * --jdbc-password      (empty)           prefer the PULSE_JDBC_PASSWORD environment variable
 * --redis-uri          redis://127.0.0.1:6379
 * --redis-namespace    pulse             prefix of every Redis key and channel
 * --history-length     360               recent results kept per series and granularity in Redis
 * --stream-length      10000             recent results kept per (tenant, metric) in its Redis stream,
 *                                        which bounds how far back a live subscriber can resume
 * --checkpoint-interval-ms 2000
 * --checkpoint-dir     file:///tmp/pulse-checkpoints   durable storage for checkpoints (s3://, hdfs://, file://);
 *                                        kept on cancellation so a job can be restarted from it
 * --out-of-orderness-ms    2000          watermark lag behind the newest event (never past its message's sending)
 * --max-watermark-lag-ms   30000         the watermark is never further behind the newest message's sending:
 *                                        the most a shard's lagging producers delay every tenant's windows
 * --max-backlog-ms         600000        how far back a message's AMQP timestamp is believed: a backlog of the
 *                                        job's own up to this old keeps its event time (no corrections)
 * --idleness-ms            5000          a shard quiet this long has nothing pending: its watermark
 *                                        follows the wall clock (now - out-of-orderness)
 * --spec                   (the default spec)   the rollup to run: a path to its YAML or JSON file, or
 *                                        the JSON itself (starting with '{'); see docs/jobs.md. It sets the
 *                                        events counted, series dimensions and distinct dimension, windows,
 *                                        aggregates, allowed lateness and the cardinality cap per (tenant, metric)
 * --corrections-interval-ms 60000        late events are folded per stored row this long before they
 *                                        are merged into it (at the next checkpoint after)
 * --parallelism            2             of the keyed stages and sinks
 * --max-buffered-panes     20000         pre-aggregation buffer bound per shard
 * --dedupe-window-ms       120000        a repeated correlation id within this window is dropped
 * --archive-dir            (none)        the raw event archive (file://, s3://): every accepted event, exactly
 *                                        once, by tenant and day; written by the default rollup's job only
 * --archive-retention-days 30            archive days kept; older day folders are deleted hourly
 * </pre>
 */
public record RollupJobConfig(String amqpUri, EventTopology topology, int prefetch, String jdbcUrl, String jdbcUser,
                              String jdbcPassword, String redisUri, RedisKeys redisKeys, int historyLength,
                              int streamLength,
                              Duration checkpointInterval, String checkpointDir, Duration outOfOrderness,
                              Duration maxWatermarkLag, Duration maxBacklog, Duration idleness,
                              Duration correctionsInterval, RollupSpec spec,
                              int parallelism, int maxBufferedPanes, Duration dedupeWindow,
                              EventLimits limits, String archiveDir, int archiveRetentionDays) implements Serializable {

    public static RollupJobConfig fromArgs(String[] args) {
        ParameterTool p = ParameterTool.fromArgs(args);
        String password = p.get("jdbc-password", System.getenv().getOrDefault("PULSE_JDBC_PASSWORD", ""));
        RollupSpec spec = spec(p.get("spec"));
        return new RollupJobConfig(
                p.get("amqp-uri", System.getenv().getOrDefault("PULSE_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672")),
                new EventTopology(p.get("exchange", EventTopology.DEFAULT.exchange()),
                        p.getInt("shards", EventTopology.DEFAULT.shards())).forRollup(spec.name()),
                p.getInt("prefetch", 2_000),
                p.get("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse"),
                p.get("jdbc-user", "postgres"),
                password,
                p.get("redis-uri", "redis://127.0.0.1:6379"),
                new RedisKeys(p.get("redis-namespace", RedisKeys.DEFAULT.namespace())),
                p.getInt("history-length", 360),
                p.getInt("stream-length", 10_000),
                Duration.ofMillis(p.getLong("checkpoint-interval-ms", 2_000)),
                p.get("checkpoint-dir", "file://" + System.getProperty("java.io.tmpdir") + "/pulse-checkpoints"),
                Duration.ofMillis(p.getLong("out-of-orderness-ms", 2_000)),
                Duration.ofMillis(p.getLong("max-watermark-lag-ms", 30_000)),
                Duration.ofMillis(p.getLong("max-backlog-ms", 600_000)),
                Duration.ofMillis(p.getLong("idleness-ms", 5_000)),
                Duration.ofMillis(p.getLong("corrections-interval-ms", 60_000)),
                spec,
                p.getInt("parallelism", 2),
                p.getInt("max-buffered-panes", 20_000),
                Duration.ofMillis(p.getLong("dedupe-window-ms", 120_000)),
                EventLimits.DEFAULT,
                p.get("archive-dir"),
                p.getInt("archive-retention-days", 30));
    }

    /** The spec {@code --spec} names (a file, or inline JSON), or the default one. */
    static RollupSpec spec(String spec) {
        if (spec == null) {
            return RollupSpecs.defaultSpec();
        }
        if (spec.startsWith("{")) {
            return RollupSpecs.validate(spec).orThrow();
        }
        try {
            return RollupSpecs.validate(Files.readString(Path.of(spec))).orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spec " + spec, e);
        }
    }

    /** Windows keep their state this long after they close; later events correct the stored rows. */
    public Duration allowedLateness() {
        return spec.allowedLateness();
    }

    public int maxSeriesPerMetric() {
        return spec.series().maxSeriesPerMetric();
    }

    public SeriesDimensions dimensions() {
        return SeriesDimensions.of(spec);
    }
}
