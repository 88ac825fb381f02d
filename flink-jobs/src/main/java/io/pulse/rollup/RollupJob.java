package io.pulse.rollup;

import io.pulse.contracts.deadletter.DeadLetter;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.schema.Migrations;
import io.pulse.contracts.schema.PartitionUpkeep;
import io.pulse.contracts.spec.OperatorUids;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.rollup.archive.EventArchive;
import io.pulse.rollup.cardinality.SeriesCardinalityGuard;
import io.pulse.rollup.correction.Correction;
import io.pulse.rollup.correction.CorrectionSink;
import io.pulse.rollup.deadletter.CountDeadLetters;
import io.pulse.rollup.deadletter.DeadLetterTableSink;
import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.eventtime.WallClockBoundedWatermarks;
import io.pulse.rollup.freshness.TenantEventTime;
import io.pulse.rollup.freshness.TenantFreshnessSink;
import io.pulse.rollup.freshness.TenantLag;
import io.pulse.rollup.parse.ParseMessages;
import io.pulse.rollup.parse.SelectEvents;
import io.pulse.rollup.parse.SentEvent;
import io.pulse.rollup.sink.JdbcTarget;
import io.pulse.rollup.sink.RedisPublicationSink;
import io.pulse.rollup.sink.RollupTableSink;
import io.pulse.rollup.source.DropDuplicateMessages;
import io.pulse.rollup.source.EventSource;
import io.pulse.rollup.source.RabbitMqShardSource;
import io.pulse.rollup.source.RawMessage;
import io.pulse.rollup.window.Partial;
import io.pulse.rollup.window.PaneCombiner;
import io.pulse.rollup.window.RollupAggregateSerializer;
import io.pulse.rollup.window.RollupStage;
import io.pulse.rollup.window.SlidingStage;
import io.pulse.rollup.window.TumblingStage;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.CheckpointConfig;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.connectors.rabbitmq.common.RMQConnectionConfig;

/**
 * Turns events from RabbitMQ shard queues into exact window rollups in PostgreSQL and live results on
 * Redis:
 *
 * <pre>
 * shard source (1 per queue) -> drop duplicate messages -> parse + validate -> watermarks -> combine 10 s panes   [per shard, chained]
 *   -> keyBy(tenant, metric): cardinality guard
 *   -> keyBy(series): 10 s stage -> 1 min stage -> 1 h stage, and 5 min sliding, all from the 10 s deltas
 *   -> table sink per granularity, Redis sink after checkpoint, dead-letter table for every rejection,
 *      corrections of closed windows' rows after checkpoint, each tenant's newest event time
 * </pre>
 *
 * Sources and sinks are passed in ({@link #build}), so tests drive the same graph with in-memory ones.
 * Parameters: see {@link RollupJobConfig}.
 */
public final class RollupJob {

    private final RollupJobConfig config;
    private final WallClock clock;

    public RollupJob(RollupJobConfig config) {
        this(config, WallClock.SYSTEM);
    }

    /** With the wall clock event time is bounded by; tests may pass their own. */
    public RollupJob(RollupJobConfig config, WallClock clock) {
        this.config = config;
        this.clock = clock;
    }

    public static void main(String[] args) throws Exception {
        RollupJobConfig config = RollupJobConfig.fromArgs(args);
        prepareDatabase(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword());
        RollupJob job = new RollupJob(config);
        // main() lives as long as the job in application mode (as under the Flink Kubernetes operator)
        new PartitionUpkeep(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword()).schedule(Duration.ofHours(1));
        if (job.archives()) {
            new EventArchive(config.archiveDir()).scheduleRetention(config.archiveRetentionDays(), Clock.systemUTC());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        job.configure(env);
        job.build(env, job.rabbitMqSources(), job.productionSinks());
        env.execute(jobName(config.spec()));
    }

    /** {@code pulse-rollups} for the default rollup, {@code pulse-rollups: <name>} for others. */
    public static String jobName(RollupSpec spec) {
        return spec.name().equals("default") ? "pulse-rollups" : "pulse-rollups: " + spec.name();
    }

    /** Applies the migrations and one round of partition upkeep, so the tables exist before any write. */
    public static void prepareDatabase(String url, String user, String password) throws SQLException {
        Migrations.apply(url, user, password);
        new PartitionUpkeep(url, user, password).runOnce();
    }

    /** Exactly-once checkpoints to durable storage, the compact aggregate serializer, and object reuse along chains. */
    public void configure(StreamExecutionEnvironment env) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointStorage(config.checkpointDir());
        env.getCheckpointConfig().setExternalizedCheckpointCleanup(
                CheckpointConfig.ExternalizedCheckpointCleanup.RETAIN_ON_CANCELLATION);
        env.setParallelism(config.parallelism());
        env.getConfig().enableObjectReuse();
        registerSerializers(env);
    }

    public static void registerSerializers(StreamExecutionEnvironment env) {
        env.getConfig().registerTypeWithKryoSerializer(RollupAggregate.class, RollupAggregateSerializer.class);
    }

    public List<EventSource> rabbitMqSources() {
        RMQConnectionConfig connection = rabbitMqConnection();
        List<EventSource> sources = new ArrayList<>();
        for (int shard = 0; shard < config.topology().shards(); shard++) {
            sources.add(new RabbitMqShardSource(connection, config.topology(), shard));
        }
        return sources;
    }

    /** Connection settings of every shard consumer, from {@code --amqp-uri} and {@code --prefetch}. */
    public RMQConnectionConfig rabbitMqConnection() {
        URI uri = URI.create(config.amqpUri());
        String[] credentials = uri.getUserInfo() == null ? new String[] {"guest", "guest"}
                : uri.getUserInfo().split(":", 2);
        return new RMQConnectionConfig.Builder()
                .setHost(uri.getHost())
                .setPort(uri.getPort() < 0 ? 5672 : uri.getPort())
                .setVirtualHost(uri.getPath() == null || uri.getPath().length() <= 1 ? "/" : uri.getPath().substring(1))
                .setUserName(credentials[0])
                .setPassword(credentials.length > 1 ? credentials[1] : "")
                .setPrefetchCount(config.prefetch())
                .build();
    }

    public RollupSinks productionSinks() {
        JdbcTarget target = new JdbcTarget(config.jdbcUrl(), config.jdbcUser(), config.jdbcPassword(), 2_000, 200);
        Map<Granularity, Sink<Rollup>> tables = new EnumMap<>(Granularity.class);
        for (Granularity granularity : Granularity.values()) {
            tables.put(granularity, RollupTableSink.create(target, granularity));
        }
        RedisPublicationSink.Retention retention =
                new RedisPublicationSink.Retention(config.historyLength(), config.streamLength(), 86_400);
        return new RollupSinks(tables,
                new RedisPublicationSink(config.redisUri(), config.redisKeys(), retention),
                DeadLetterTableSink.create(target),
                new CorrectionSink(target, config.redisUri(), config.redisKeys(), retention,
                        config.correctionsInterval().toMillis()),
                TenantFreshnessSink.create(target),
                archives() ? new EventArchive(config.archiveDir()).sink() : null);
    }

    /** Whether this job writes the raw event archive: only the default rollup's, so each event is archived once. */
    public boolean archives() {
        return config.archiveDir() != null && config.spec().name().equals("default");
    }

    /** Adds the whole rollup graph to {@code env}. */
    public void build(StreamExecutionEnvironment env, List<EventSource> sources, RollupSinks sinks) {
        RollupSpec spec = config.spec();
        Map<String, DataStream<SentEvent>> parsedBySource = new LinkedHashMap<>();
        List<DataStream<DeadLetter>> rejected = new ArrayList<>();
        for (EventSource source : sources) {
            String id = source.id();
            DataStream<RawMessage> messages = source.create(env)
                    .process(new DropDuplicateMessages(config.dedupeWindow().toMillis()))
                    .setParallelism(1).name("Drop duplicate messages " + id).uid(OperatorUids.plain(spec, "dedupe-" + id));
            SingleOutputStreamOperator<SentEvent> parsed = messages
                    .process(new ParseMessages(config.limits()))
                    .setParallelism(1).name("Parse and validate " + id).uid(OperatorUids.plain(spec, "parse-" + id));
            rejected.add(parsed.getSideOutput(ParseMessages.REJECTED));
            parsedBySource.put(id, parsed);
        }
        if (sinks.archive() != null) {
            // every accepted event, before this rollup's selection: the archive serves every future rollup;
            // one writer per shard, next to its parser
            parsedBySource.forEach((id, parsed) -> parsed.map(SentEvent::event)
                    .returns(TypeInformation.of(Event.class))
                    .setParallelism(1).name("Accepted events " + id).uid(OperatorUids.plain(spec, "accepted-events-" + id))
                    .sinkTo(sinks.archive()).setParallelism(1).name("Raw event archive " + id)
                    .uid(OperatorUids.plain(spec, "archive-" + id)));
        }
        long outOfOrderness = config.outOfOrderness().toMillis();
        long maxLag = config.maxWatermarkLag().toMillis();
        long maxBacklog = config.maxBacklog().toMillis();
        long idleness = config.idleness().toMillis();
        WallClock wallClock = clock;
        WatermarkStrategy<SentEvent> watermarks = WatermarkStrategy
                .<SentEvent>forGenerator(context -> new WallClockBoundedWatermarks<>(outOfOrderness, maxLag,
                        maxBacklog, idleness, wallClock, SentEvent::sentAt))
                .withTimestampAssigner((sent, previous) -> sent.event().timestamp());
        rollUp(parsedBySource, watermarks, rejected, sinks);
    }

    /**
     * Adds the rollup graph for a backfill: {@code events} (from the archive, bounded) through the same
     * selection, panes, guard and window stages into {@code tables}; nothing is published, corrected or
     * dead-lettered. Windows fire when the input ends.
     */
    public void buildBackfill(DataStream<Event> events, Map<Granularity, Sink<Rollup>> tables) {
        DataStream<SentEvent> sent = events.map(event -> new SentEvent(event, event.timestamp()))
                .returns(TypeInformation.of(SentEvent.class)).name("Archived events");
        // no watermark until the input ends: every archived event is on time, whatever order the files are read in
        WatermarkStrategy<SentEvent> atTheEnd = WatermarkStrategy.<SentEvent>noWatermarks()
                .withTimestampAssigner((event, previous) -> event.event().timestamp());
        rollUp(Map.of("archive", sent), atTheEnd, new ArrayList<>(), new RollupSinks(tables, new DiscardingSink<>(),
                new DiscardingSink<>(), new DiscardingSink<>(), new DiscardingSink<>(), null));
    }

    private void rollUp(Map<String, DataStream<SentEvent>> parsedBySource, WatermarkStrategy<SentEvent> watermarks,
                        List<DataStream<DeadLetter>> rejected, RollupSinks sinks) {
        long lateness = config.allowedLateness().toMillis();
        WallClock wallClock = clock;

        RollupSpec spec = config.spec();
        List<DataStream<Partial>> partials = new ArrayList<>();
        List<DataStream<TenantEventTime>> eventTimes = new ArrayList<>();
        for (Map.Entry<String, DataStream<SentEvent>> source : parsedBySource.entrySet()) {
            String id = source.getKey();
            DataStream<SentEvent> selected = selectsAll(spec.source()) ? source.getValue()
                    : source.getValue().filter(new SelectEvents(spec.source())).setParallelism(1)
                            .name("Select " + spec.name() + "'s events " + id).uid(OperatorUids.plain(spec, "select-" + id));
            SingleOutputStreamOperator<Partial> combined = selected
                    .assignTimestampsAndWatermarks(watermarks)
                    .setParallelism(1).name("Watermarks " + id).uid(OperatorUids.plain(spec, "watermarks-" + id))
                    .transform("Combine 10 s panes " + id, TypeInformation.of(Partial.class),
                            new PaneCombiner(config.dimensions(), config.maxBufferedPanes(), wallClock, id))
                    .setParallelism(1).uid(OperatorUids.plain(spec, "combine-" + id));
            eventTimes.add(combined.getSideOutput(PaneCombiner.EVENT_TIMES));
            partials.add(combined);
        }

        SingleOutputStreamOperator<Partial> admitted = union(partials)
                .keyBy(SeriesCardinalityGuard::metricOf)
                .process(new SeriesCardinalityGuard(config.maxSeriesPerMetric()))
                .name("Series cardinality guard").uid(OperatorUids.cardinalityGuard(spec));
        rejected.add(admitted.getSideOutput(SeriesCardinalityGuard.OVERFLOW));

        // every window is built from 10 s panes; each tumbling stage from the next finer one's deltas
        Map<Granularity, SingleOutputStreamOperator<Rollup>> stages = new EnumMap<>(Granularity.class);
        SingleOutputStreamOperator<Rollup> panes = admitted
                .keyBy(Partial::key)
                .process(new TumblingStage(Granularity.TEN_SECONDS, lateness))
                .name("Rollup 10 s").uid(OperatorUids.stage(spec, Granularity.TEN_SECONDS));
        stages.put(Granularity.TEN_SECONDS, panes);
        DataStream<Partial> paneDeltas = panes.getSideOutput(TumblingStage.DELTAS);
        DataStream<Partial> finer = paneDeltas;
        for (RollupSpec.Window window : spec.windows()) {
            Granularity granularity = window.granularity();
            if (granularity == Granularity.TEN_SECONDS) {
                continue;
            }
            SingleOutputStreamOperator<Rollup> stage = window.sliding()
                    ? bySeries(paneDeltas).process(new SlidingStage(granularity, lateness))
                            .name("Rollup " + granularity.code() + " sliding from 10 s panes")
                    : bySeries(finer).process(new TumblingStage(granularity, lateness))
                            .name("Rollup " + granularity.code());
            stage.uid(OperatorUids.stage(spec, granularity));
            stages.put(granularity, stage);
            if (!window.sliding()) {
                finer = stage.getSideOutput(TumblingStage.DELTAS);
            }
        }

        List<DataStream<Rollup>> results = new ArrayList<>();
        List<DataStream<Correction>> corrections = new ArrayList<>();
        for (Granularity granularity : spec.granularities()) {
            SingleOutputStreamOperator<Rollup> stream = stages.get(granularity);
            stream.sinkTo(sinks.tables().get(granularity))
                    .name("Table " + granularity.table()).uid(OperatorUids.plain(spec, "table-" + granularity.code()));
            results.add(stream);
            corrections.add(stream.getSideOutput(RollupStage.CORRECTIONS));
        }
        union(results).sinkTo(sinks.live())
                .name("Redis publish after checkpoint").uid(OperatorUids.plain(spec, "redis-publish"));
        union(corrections).sinkTo(sinks.corrections())
                .name("Corrections of closed windows after checkpoint").uid(OperatorUids.plain(spec, "corrections"));
        union(rejected).map(new CountDeadLetters()).name("Count dead letters").uid(OperatorUids.plain(spec, "count-dead-letters"))
                .sinkTo(sinks.deadLetters()).name("Dead letters").uid(OperatorUids.plain(spec, "dead-letters"));
        // the lag keeps each tenant in one subtask; the sink, chained to it, keeps that partitioning
        union(eventTimes).keyBy(TenantEventTime::tenant).process(new TenantLag(wallClock))
                .name("Tenant event-time lag").uid(OperatorUids.plain(spec, "tenant-lag"))
                .sinkTo(sinks.eventTimes())
                .name("Tenant event times").uid(OperatorUids.plain(spec, "tenant-event-times"));
    }

    private static boolean selectsAll(RollupSpec.Source source) {
        return source.tenants().contains(RollupSpec.ALL) && source.metrics().contains(RollupSpec.ALL)
                && source.where().isEmpty();
    }

    private static KeyedStream<Partial, SeriesKey> bySeries(DataStream<Partial> deltas) {
        return DataStreamUtils.reinterpretAsKeyedStream(deltas, Partial::key, TypeInformation.of(SeriesKey.class));
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
        DataStream<T> first = streams.get(0);
        if (streams.size() == 1) {
            return first;
        }
        @SuppressWarnings("unchecked")
        DataStream<T>[] rest = streams.subList(1, streams.size()).toArray(new DataStream[0]);
        return first.union(rest);
    }
}
