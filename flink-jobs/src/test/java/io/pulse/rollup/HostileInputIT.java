package io.pulse.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.EventJson;
import io.pulse.rollup.eventtime.WallClock;
import io.pulse.rollup.testing.DataSet;
import io.pulse.rollup.testing.PipelineScenario;
import io.pulse.rollup.testing.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's hostile producers against the real job on RabbitMQ, PostgreSQL and Redis, with the job's
 * wall clock in the test's hands (the watermark is held at most 30 s behind it): a clock ahead, a quiet
 * shard flushed with hours-old events, values and timestamps past every limit, a lone surrogate, two
 * tenants with one correlation id, a body naming another tenant than its routing key, a NUL byte. At
 * the end every row equals the reference computed from the accepted events, every refusal is a dead
 * letter with its reason, and the job never stopped.
 */
class HostileInputIT {

    private static final long HOUR = 3_600_000L;
    /** The job's clock is the machine's plus this; the test sets and moves it. */
    private static final AtomicLong OFFSET = new AtomicLong();
    private static final WallClock CLOCK = () -> System.currentTimeMillis() + OFFSET.get();

    private final Random random = new Random(9);
    private final List<Event> counted = new ArrayList<>();
    private final List<DataSet.ExpectedRejection> rejections = new ArrayList<>();
    private int messages;

    private Event event(String tenant, long timestamp, String region) {
        return new Event(tenant, "latency", timestamp, (1 + random.nextInt(4_000)) / 4.0,
                Map.of("region", region, "user", "u" + random.nextInt(50)), null);
    }

    /** One message of {@code events}, all counted. */
    private DataSet.Message counted(int shard, String tenant, List<Event> events) {
        counted.addAll(events);
        return new DataSet.Message(shard, tenant, "m-" + messages++, EventJson.writeBatch(events));
    }

    /** {@code n} events of {@code tenant} stamped with the job's present, in messages of 20. */
    private List<DataSet.Message> current(int shard, String tenant, int n) {
        List<DataSet.Message> batch = new ArrayList<>();
        for (int from = 0; from < n; from += 20) {
            List<Event> events = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 20); i++) {
                events.add(event(tenant, CLOCK.millis() - random.nextInt(2_000), "eu"));
            }
            batch.add(counted(shard, tenant, events));
        }
        return batch;
    }

    @Test
    void noProducerStallsTheJobOrLosesMergesOrForgesAnotherTenantsData() throws Exception {
        long hourStart = Math.floorDiv(System.currentTimeMillis(), HOUR) * HOUR - 3 * HOUR;
        OFFSET.set(hourStart + 20 * 60_000 - System.currentTimeMillis());
        try (PipelineScenario scenario = new PipelineScenario("pulse_hostile", Duration.ofSeconds(30))) {
            scenario.start(scenario.job().rabbitMqSources(), CLOCK);
            // the job runs and its watermark stands before anything timed is sent: a minute-old event's
            // row is written only once the watermark has passed its window
            scenario.publish(List.of(counted(1, "warmup", List.of(event("warmup", CLOCK.millis() - 60_000, "eu")))));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> scenario.count("SELECT count(*) FROM rollup_10s WHERE tenant = 'warmup'") > 0);

            // 1. a clock four minutes ahead, on the shard that carries demo's steady traffic
            scenario.publish(current(1, "demo", 60));
            long aheadSentAt = CLOCK.millis();
            scenario.publish(List.of(counted(1, "rogue", List.of(event("rogue", aheadSentAt + 240_000, "eu")))));
            for (int round = 0; round < 5; round++) {
                scenario.publish(current(1, "demo", 60));
            }
            // its event time is reported (clamped to the wall clock of then) before the test moves the clock on
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> scenario.count("SELECT count(*) FROM tenant_event_time WHERE tenant = 'rogue'") > 0);

            // 2. a quiet shard gets an hour-long flush of events one to four hours old
            List<DataSet.Message> flush = new ArrayList<>();
            for (int from = 0; from < 300; from += 30) {
                List<Event> events = new ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    events.add(event("mobile", CLOCK.millis() - HOUR - (long) (random.nextDouble() * 3 * HOUR), "us"));
                }
                flush.add(counted(0, "mobile", events));
            }
            scenario.publish(flush);

            // 3-8 on demo's busy shard, among good events
            long now = CLOCK.millis();
            List<DataSet.Message> hostile = new ArrayList<>();
            Event beforeHuge = event("demo", now, "eu");
            Event afterHuge = event("demo", now, "eu");
            counted.addAll(List.of(beforeHuge, afterHuge));
            hostile.add(new DataSet.Message(1, "demo", "huge-value", "[" + EventJson.write(beforeHuge)
                    + ",{\"tenant\":\"demo\",\"metric\":\"latency\",\"timestamp\":" + now + ",\"value\":1.79e308},"
                    + EventJson.write(afterHuge) + "]"));
            rejections.add(new DataSet.ExpectedRejection("invalid-value", "huge-value", 1));
            Event beforeHugeTimestamp = event("demo", now, "eu");
            counted.add(beforeHugeTimestamp);
            hostile.add(new DataSet.Message(1, "demo", "huge-timestamp", "[" + EventJson.write(beforeHugeTimestamp)
                    + ",{\"tenant\":\"demo\",\"metric\":\"latency\",\"timestamp\":99999999999999999999,\"value\":1}]"));
            rejections.add(new DataSet.ExpectedRejection("invalid-type", "huge-timestamp", 1));
            Event plain = new Event("demo", "latency", now, 2, Map.of("region", "x?"), null);
            counted.add(plain);
            hostile.add(new DataSet.Message(1, "demo", "surrogate", "[{\"tenant\":\"demo\",\"metric\":\"latency\","
                    + "\"timestamp\":" + now + ",\"value\":1,\"dimensions\":{\"region\":\"x\\ud83d\"}}," + EventJson.write(plain) + "]"));
            rejections.add(new DataSet.ExpectedRejection("invalid-encoding", "surrogate", 0));
            Event acme = event("acme", now, "eu");
            Event globex = event("globex", now, "eu");
            counted.add(acme);
            counted.add(globex);
            hostile.add(new DataSet.Message(1, "acme", "same-id", EventJson.writeBatch(List.of(acme))));
            hostile.add(new DataSet.Message(1, "globex", "same-id", EventJson.writeBatch(List.of(globex))));
            hostile.add(new DataSet.Message(1, "acme", "forged", EventJson.writeBatch(List.of(event("globex", now, "eu")))));
            rejections.add(new DataSet.ExpectedRejection("tenant-mismatch", "forged", 0));
            hostile.add(new DataSet.Message(1, "demo", "nul", "[\0]"));
            rejections.add(new DataSet.ExpectedRejection("malformed-json", "nul", -1));
            scenario.publish(hostile);
            scenario.publish(current(1, "demo", 40));
            await().atMost(Duration.ofMinutes(1)).until(() -> scenario.readyMessages() == 0);

            // two hours pass: every window closes
            for (int shard = 0; shard < PipelineScenario.SHARDS; shard++) {
                scenario.publish(List.of(new DataSet.Message(shard, DataSet.SENTINEL_TENANT, "sentinel-" + shard,
                        EventJson.write(new Event(DataSet.SENTINEL_TENANT, "tick", CLOCK.millis(), 1,
                                Map.of("shard", "" + shard), null)))));
            }
            OFFSET.addAndGet(2 * HOUR);
            Map<Reference.Window, Reference.Truth> expected = scenario.awaitFinalRows(counted);
            scenario.assertRowsMatch(expected);
            scenario.assertPublicationsMatch(expected);
            await().atMost(Duration.ofSeconds(30)).until(() -> scenario.deadLetters().containsAll(rejections));
            assertThat(scenario.count("SELECT count(*) FROM dead_letter WHERE detail LIKE '%99999%'"))
                    .as("details never quote the input").isZero();

            // demo's windows were filled on time: the event from a clock ahead closed none of them early
            assertThat(scenario.count("SELECT count(*) FROM tenant_corrections WHERE tenant = 'demo'")).isZero();
            // the quiet shard's old events were all merged into stored rows, each once
            assertThat(scenario.count("SELECT late_events FROM tenant_corrections WHERE tenant = 'mobile'")).isEqualTo(300);
            // and no tenant's event time ran past the wall clock
            assertThat(eventTime(scenario, "rogue")).isLessThan(aheadSentAt + 60_000);
        }
    }

    private static long eventTime(PipelineScenario scenario, String tenant) throws Exception {
        return scenario.count("SELECT (extract(epoch FROM event_time) * 1000)::bigint FROM tenant_event_time"
                + " WHERE tenant = '" + tenant + "'");
    }
}
