package io.pulse.rollup.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.testing.TestServices;
import io.pulse.rollup.RollupJobConfig;
import io.pulse.rollup.testing.ArchivedEvents;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw event archive and the backfill on real RabbitMQ and PostgreSQL: the streaming job archives
 * every accepted event exactly once (duplicates and rejects are in the input), by tenant and day; a
 * backfill of the same spec over the archive, into an empty database, writes exactly the rows the
 * streaming job wrote; and a second backfill changes no row at all.
 */
class BackfillIT {

    @TempDir
    Path archive;

    @Test
    void backfillOverTheArchiveEqualsTheStreamingRowsAndARerunChangesNothing() throws Exception {
        long start = DataSet.hourTwoHoursAgo();
        DataSet data = new DataSet(start, PipelineScenario.SHARDS, 800, 100, 15_000, 11);
        String spec = PipelineScenario.defaultSpecWithLateness("30s");
        TestServices.Postgres postgres = TestServices.postgres();
        String backfillDb = postgres.createDatabase("pulse_backfill");
        try (PipelineScenario streaming = new PipelineScenario("pulse_archive", Duration.ofHours(24), spec,
                "--archive-dir", archive.toUri().toString())) {
            streaming.start(streaming.job().rabbitMqSources());
            Map<Reference.Window, Reference.Truth> expected = streaming.runMainPhase(data);
            // part files appear when the checkpoint after their events completes
            await().atMost(Duration.ofSeconds(60)).until(() -> ArchivedEvents.counted(archive).size() >= data.counted.size());
            assertThat(ArchivedEvents.counted(archive)).as("every accepted event once").containsExactlyInAnyOrderElementsOf(data.counted);
            assertThat(archive.resolve("tenant=acme/day=" + Instant.ofEpochMilli(start).toString().substring(0, 10)))
                    .isDirectory();

            String[] args = {"--spec", spec, "--archive-dir", archive.toUri().toString(), "--jdbc-url", backfillDb,
                "--jdbc-user", postgres.user(), "--jdbc-password", postgres.password()};
            Instant from = Instant.ofEpochMilli(start - DataSet.HOUR);
            Instant to = Instant.ofEpochMilli(start + 3 * DataSet.HOUR);
            assertThat(Backfill.run(RollupJobConfig.fromArgs(args), from, to)).as("archive day folders read")
                    .isEqualTo(tenantDays(ArchivedEvents.all(archive), from, to));

            Map<Reference.Window, RollupAggregate> streamed = streaming.rows();
            Map<Reference.Window, RollupAggregate> backfilled = PipelineScenario.rows(backfillDb);
            assertThat(backfilled.keySet()).isEqualTo(streamed.keySet());
            expected.forEach((window, truth) -> truth.assertMatches(backfilled.get(window), "backfilled " + window));
            streamed.forEach((window, row) -> {
                RollupAggregate other = backfilled.get(window);
                assertThat(new double[] {other.count(), other.sum(), other.min(), other.max(), other.quantile(0.5),
                        other.quantile(0.99), other.distinct()}).as(window.toString()).containsExactly(
                        row.count(), row.sum(), row.min(), row.max(), row.quantile(0.5), row.quantile(0.99), row.distinct());
            });

            List<String> before = snapshot(backfillDb);
            Backfill.run(RollupJobConfig.fromArgs(args), from, to);
            assertThat(snapshot(backfillDb)).as("a second backfill changes no row").isEqualTo(before);
        } finally {
            postgres.dropDatabase(backfillDb);
        }
    }

    /** How many tenant and day folders hold events of the range. */
    private static long tenantDays(List<Event> archived, Instant from, Instant to) {
        return archived.stream().filter(event -> event.timestamp() >= from.toEpochMilli() && event.timestamp() < to.toEpochMilli())
                .map(event -> event.tenant() + "/" + Instant.ofEpochMilli(event.timestamp()).toString().substring(0, 10))
                .distinct().count();
    }

    /** Every column of every row, and the row version PostgreSQL gives each write (xmin). */
    private static List<String> snapshot(String jdbcUrl) throws Exception {
        TestServices.Postgres postgres = TestServices.postgres();
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, postgres.user(), postgres.password());
             Statement statement = connection.createStatement()) {
            for (Granularity granularity : Granularity.values()) {
                try (ResultSet rs = statement.executeQuery("SELECT t.*, t.xmin::text AS row_version FROM "
                        + granularity.table() + " t ORDER BY tenant, metric, series, bucket_start")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder(granularity.table());
                        for (int i = 1; i <= columns; i++) {
                            row.append('|').append(rs.getString(i));
                        }
                        rows.add(row.toString());
                    }
                }
            }
        }
        assertThat(rows).isNotEmpty();
        return rows;
    }
}
