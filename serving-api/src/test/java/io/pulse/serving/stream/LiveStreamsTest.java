package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.serving.query.Aggregate;
import io.pulse.serving.query.SeriesQuery;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which buckets a live snapshot covers, at a time the test picks. */
class LiveStreamsTest {

    private static LiveSpec spec(Granularity window) {
        return new LiveSpec("latency", window, Aggregate.COUNT, List.of(), List.of());
    }

    /** Issue 10, fault 7: at 16:43, five hourly points are 12:00 to 16:00, not 13:00 to 17:00. */
    @Test
    void theLastPointsEndWithTheBucketHoldingNow() {
        SeriesQuery hours = LiveStreams.lastBuckets(spec(Granularity.ONE_HOUR), 5, Instant.parse("2026-11-30T16:43:00Z"));
        assertThat(hours.from()).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
        assertThat(hours.to()).isEqualTo(Instant.parse("2026-11-30T17:00:00Z"));

        SeriesQuery tens = LiveStreams.lastBuckets(spec(Granularity.TEN_SECONDS), 3, Instant.parse("2026-11-30T16:43:05Z"));
        assertThat(tens.from()).isEqualTo(Instant.parse("2026-11-30T16:42:40Z"));
        assertThat(tens.to()).isEqualTo(Instant.parse("2026-11-30T16:43:10Z"));

        // sliding: the newest window is the one ending at the next slide boundary
        SeriesQuery sliding = LiveStreams.lastBuckets(spec(Granularity.SLIDING_FIVE_MINUTES), 2,
                Instant.parse("2026-11-30T16:43:05Z"));
        assertThat(sliding.from()).isEqualTo(Instant.parse("2026-11-30T16:38:00Z"));
        assertThat(sliding.to()).isEqualTo(Instant.parse("2026-11-30T16:38:20Z"));
    }
}
