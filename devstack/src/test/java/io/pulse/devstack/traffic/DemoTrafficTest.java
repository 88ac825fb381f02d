package io.pulse.devstack.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.contracts.amqp.EventTopology;
import io.pulse.contracts.event.EventBatchReader;
import io.pulse.contracts.event.EventLimits;
import io.pulse.contracts.event.EventValidator;
import io.pulse.contracts.event.Event;
import io.pulse.contracts.event.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

    private static final ZonedDateTime DAY = ZonedDateTime.of(2026, 11, 30, 0, 0, 0, 0, ZoneOffset.UTC);

    @Test
    void theRateFollowsADailyCurveWithABurstEveryTwentyMinutes() {
        double night = DemoTraffic.loadAt(DAY.withHour(3));
        double afternoon = DemoTraffic.loadAt(DAY.withHour(15));
        assertThat(night).isBetween(0.1, 0.4);
        assertThat(afternoon).isBetween(0.9, 1.0);
        assertThat(DemoTraffic.loadAt(DAY.withHour(15).withMinute(27))).isGreaterThan(2.9 * DemoTraffic.loadAt(DAY.withHour(15).withMinute(26)));
    }

    @Test
    void itsMessagesAreValidEventsWithNowAndThenALateOrAMalformedOne() throws Exception {
        long now = DAY.withHour(12).toInstant().toEpochMilli();
        DemoTraffic traffic = new DemoTraffic("amqp://unused", EventTopology.DEFAULT, List.of("acme"), 100,
                Clock.fixed(DAY.toInstant(), ZoneOffset.UTC));
        EventBatchReader reader = new EventBatchReader(new EventValidator(EventLimits.DEFAULT));
        List<Event> accepted = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        for (int message = 0; message < 2_000; message++) {
            String body = traffic.message(now);
            assertThat(new ObjectMapper().readTree(body).isArray()).isTrue();
            reader.read(body.getBytes(StandardCharsets.UTF_8), now, "acme", new EventBatchReader.Handler() {
                @Override
                public void accept(int index, Event event) {
                    accepted.add(event);
                }

                @Override
                public void reject(int index, Rejection rejection, String raw) {
                    rejected.add(rejection);
                }
            });
        }
        assertThat(accepted).hasSize(2_000 * 50);
        assertThat(rejected).hasSizeBetween(2, 30); // about one message in 200
        long late = accepted.stream().filter(event -> event.timestamp() <= now - 120_000).count();
        assertThat(late).isBetween(100L, 350L); // about 0.2 %
        assertThat(accepted).allSatisfy(event -> assertThat(event.dimensions()).containsKeys("region", "device", "user"));
    }
}
