package io.pulse.rollup.backfill;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.rollup.RollupJob;
import io.pulse.rollup.RollupJobConfig;
import io.pulse.rollup.archive.EventArchive;
import io.pulse.rollup.sink.JdbcTarget;
import io.pulse.rollup.sink.RollupTableSink;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.utils.ParameterTool;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.assigners.SimpleSplitAssigner;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs a rollup spec over the raw event archive, a bounded input, for a time range and writes its rows, so
 * a new rollup gets history. Rows are written as the streaming job writes them (full window state on the
 * natural key, never replacing a row holding more events), and a row already holding the same state is
 * left untouched: a second run over the same range changes no row.
 *
 * <pre>
 * --archive-dir DIR        the archive the default rollup's job writes (--archive-dir of RollupJob)
 * --from INSTANT|DATE      first event time counted, e.g. 2026-11-30 or 2026-11-30T06:00:00Z
 * --to INSTANT|DATE        end of the range, exclusive
 * </pre>
 * plus RollupJob's {@code --spec}, {@code --jdbc-url}, {@code --jdbc-user} and {@code --jdbc-password}. Windows at the range's edges hold only the range's events: pick whole days (or
 * hours) so that only sliding windows straddle an edge.
 */
public final class Backfill {

    private Backfill() {
    }

    public static void main(String[] args) throws Exception {
        ParameterTool parameters = ParameterTool.fromArgs(args);
        RollupJobConfig config = RollupJobConfig.fromArgs(args);
        if (config.archiveDir() == null) {
            throw new IllegalArgumentException("--archive-dir is required");
        }
        Instant from = instant(parameters.getRequired("from"));
        Instant to = instant(parameters.getRequired("to"));
        if (run(config, from, to) == 0) {
            // said here rather than left to the cluster's "no job was executed"
            throw new IllegalArgumentException("the archive " + config.archiveDir() + " holds no events of "
                    + config.spec().name() + "'s tenants from " + from + " to " + to);
        }
    }

    /** Runs the backfill and waits for it; returns how many archive day folders it read. */
    public static int run(RollupJobConfig config, Instant from, Instant to) throws Exception {
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("--from must be before --to");
        }
        RollupJob.prepareDatabase(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        RollupSpec spec = config.spec();
        List<Path> days = new EventArchive(config.archiveDir()).days(tenant -> selectsTenant(spec, tenant),
                day(from), day(to.minusMillis(1)));
        List<Path> parts = EventArchive.parts(days);
        if (parts.isEmpty()) {
            return 0;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // streaming over a bounded input, not batch mode: the window stages judge lateness by the highest
        // watermark they acted on, and batch mode's per-key timers would make one series' windows close
        // every other's. Without watermarks until the input ends, every archived event is on time.
        env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
        // one subtask per operator and the files always in one order: every sketch then takes its values in
        // the same order on every run and serializes to the same bytes, so a re-run finds every row
        // unchanged (with more subtasks, their outputs interleave differently each time)
        env.setParallelism(1);
        RollupJob.registerSerializers(env);
        env.getConfig().enableObjectReuse(); // as the streaming job: chained operators pass references
        long first = from.toEpochMilli();
        long end = to.toEpochMilli();
        DataStream<Event> events = env
                .fromSource(FileSource.forRecordStreamFormat(new TextLineInputFormat(), parts.toArray(new Path[0]))
                                .setSplitAssigner(SimpleSplitAssigner::new).build(),
                        WatermarkStrategy.noWatermarks(), "Archive " + config.archiveDir())
                .map(EventArchive::read).returns(TypeInformation.of(Event.class)).name("Read archived events")
                .filter(event -> event.timestamp() >= first && event.timestamp() < end).name("Events in range");
        JdbcTarget target = new JdbcTarget(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), 2_000, 200);
        Map<Granularity, Sink<Rollup>> tables = new EnumMap<>(Granularity.class);
        for (Granularity granularity : Granularity.values()) {
            tables.put(granularity, RollupTableSink.createForBackfill(target, granularity));
        }
        new RollupJob(config).buildBackfill(events, tables);
        env.execute("pulse-backfill: " + spec.name() + " v" + spec.version() + " " + from + " to " + to);
        return days.size();
    }

    private static boolean selectsTenant(RollupSpec spec, String tenant) {
        return spec.source().tenants().contains(RollupSpec.ALL) || spec.source().tenants().contains(tenant);
    }

    private static LocalDate day(Instant instant) {
        return instant.atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Instant instant(String text) {
        return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
