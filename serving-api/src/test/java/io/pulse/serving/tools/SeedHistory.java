package io.pulse.serving.tools;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.testing.Databases;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.postgresql.PGConnection;

/**
 * Seeds the benchmark history ({@link BenchHistory}) in rollup rows as the job writes them: 1 h rows for
 * {@code --days} (30), 1 min rows for the last {@code --minute-hours} (6) and 10 s rows for the last
 * {@code --ten-second-minutes} (60). Each row holds sketches of samples with a daily rhythm. A seeded
 * database is topped up: only the buckets after its newest row are added, so "the last hour" stays
 * covered between runs.
 *
 * <pre>mvn -pl serving-api exec:exec@seed -Dseed.args="--jdbc-url jdbc:postgresql://127.0.0.1:5432/pulse_bench"</pre>
 */
public final class SeedHistory {

    private static final int SAMPLES_PER_ROW = 12;
    private static final HexFormat HEX = HexFormat.of();

    private SeedHistory() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Options.parse(args);
        String url = options.getOrDefault("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/pulse_bench");
        String user = options.getOrDefault("jdbc-user", "postgres");
        Databases.createIfMissing(url, user, "");
        Migrations.apply(url, user, "");
        try (Connection connection = DriverManager.getConnection(url, user, "")) {
            Instant now = Instant.now();
            int days = Integer.parseInt(options.getOrDefault("days", "30"));
            int minuteHours = Integer.parseInt(options.getOrDefault("minute-hours", "6"));
            int tenSecondMinutes = Integer.parseInt(options.getOrDefault("ten-second-minutes", "60"));
            long started = System.nanoTime();
            long rows = seed(connection, Granularity.ONE_HOUR, now.minus(Duration.ofDays(days)), now)
                    + seed(connection, Granularity.ONE_MINUTE, now.minus(Duration.ofHours(minuteHours)), now)
                    + seed(connection, Granularity.TEN_SECONDS, now.minus(Duration.ofMinutes(tenSecondMinutes)), now);
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
            }
            System.out.printf("seeded %d new rows for %d series (%d days of 1h, %d h of 1m, %d min of 10s) in %.0f s%n",
                    rows, BenchHistory.series().size() * BenchHistory.METRICS.size(), days, minuteHours, tenSecondMinutes,
                    (System.nanoTime() - started) / 1e9);
        }
    }

    /** The bucket after the newest seeded one of the table, or null when it has none. */
    private static Long nextUnseeded(Connection connection, Granularity granularity) throws Exception {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT max(bucket_start) FROM " + granularity.table()
                     + " WHERE tenant = '" + BenchHistory.TENANT + "'")) {
            rows.next();
            return rows.getTimestamp(1) == null ? null : rows.getTimestamp(1).getTime() + granularity.sizeMillis();
        }
    }

    /**
     * Writes one row per series and bucket of {@code granularity} in [from, to) not seeded yet, by COPY,
     * one bucket at a time.
     */
    private static long seed(Connection connection, Granularity granularity, Instant from, Instant to) throws Exception {
        long size = granularity.sizeMillis();
        Long next = nextUnseeded(connection, granularity);
        long first = Math.max(from.toEpochMilli() / size * size, next == null ? 0 : next);
        List<Map<String, String>> series = BenchHistory.series();
        SplittableRandom random = new SplittableRandom(granularity.ordinal());
        long rows = 0;
        StringBuilder batch = new StringBuilder();
        for (long bucket = first; bucket < to.toEpochMilli(); bucket += size) {
            double rhythm = 1 + 0.5 * Math.sin(2 * Math.PI * ((bucket / 3_600_000L) % 24) / 24.0);
            for (String metric : BenchHistory.METRICS) {
                for (Map<String, String> dimensions : series) {
                    RollupAggregate aggregate = new RollupAggregate();
                    for (int i = 0; i < SAMPLES_PER_ROW; i++) {
                        aggregate.add(rhythm * Math.exp(4 + random.nextGaussian()), "u" + random.nextInt(40));
                    }
                    SeriesKey key = SeriesKey.of(BenchHistory.TENANT, metric, dimensions);
                    batch.append(BenchHistory.TENANT).append('\t').append(metric).append('\t')
                            .append(escape(key.series())).append('\t').append(escape(key.series())).append('\t')
                            .append(Instant.ofEpochMilli(bucket)).append("\t0\t1\t").append(aggregate.count())
                            .append('\t').append(aggregate.sum()).append('\t').append(aggregate.min()).append('\t')
                            .append(aggregate.max()).append("\t\\\\x").append(HEX.formatHex(aggregate.quantileSketchBytes()))
                            .append("\t\\\\x").append(HEX.formatHex(aggregate.distinctSketchBytes())).append('\n');
                    rows++;
                }
            }
            if (batch.length() > 4_000_000) {
                copy(connection, granularity, batch);
            }
        }
        copy(connection, granularity, batch);
        System.out.printf("%s: %d rows%n", granularity.table(), rows);
        return rows;
    }

    private static void copy(Connection connection, Granularity granularity, StringBuilder batch) throws Exception {
        if (batch.isEmpty()) {
            return;
        }
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + granularity.table() + " (tenant, metric,"
                + " series, dimensions, bucket_start, revision, version, count, sum, min, max, quantile_sketch,"
                + " distinct_sketch) FROM STDIN", new StringReader(batch.toString()));
        batch.setLength(0);
    }

    /** COPY text format: backslash is the escape character. */
    private static String escape(String text) {
        return text.replace("\\", "\\\\");
    }
}
