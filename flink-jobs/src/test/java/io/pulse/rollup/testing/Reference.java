package io.pulse.rollup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.spec.Aggregate;
import io.pulse.contracts.spec.RollupSpec;
import io.pulse.contracts.spec.RollupSpecs;
import io.pulse.rollup.window.SeriesDimensions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rollups computed the obvious way, straight from the events, with none of the job's code paths:
 * exact count/sum/min/max, sorted values for quantiles, a set for distinct counts.
 */
public final class Reference {

    /** Identifies one expected row. */
    public record Window(Granularity granularity, SeriesKey key, long bucketStart) { }

    /** The exact truth of one window. */
    public static final class Truth {
        private final List<Double> values = new ArrayList<>();
        private final Set<String> distinct = new HashSet<>();
        private final boolean quantiles;

        Truth(boolean quantiles) {
            this.quantiles = quantiles;
        }

        public long count() {
            return values.size();
        }

        public double sum() {
            return values.stream().mapToDouble(Double::doubleValue).sum();
        }

        public double min() {
            return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        }

        public double max() {
            return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        }

        public double quantile(double q) {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(sorted);
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }

        public int distinctCount() {
            return distinct.size();
        }

        /** Asserts {@code actual} equals this truth: exact where exact, within the sketches' bounds otherwise. */
        public void assertMatches(RollupAggregate actual, String what) {
            assertThat(actual.count()).as(what + " count").isEqualTo(count());
            assertThat(actual.sum()).as(what + " sum").isEqualTo(sum());
            assertThat(actual.min()).as(what + " min").isEqualTo(min());
            assertThat(actual.max()).as(what + " max").isEqualTo(max());
            for (double q : new double[] {0.5, 0.9, 0.95, 0.99}) {
                if (!quantiles) {
                    assertThat(actual.quantile(q)).as(what + " p" + (int) (q * 100) + " of a rollup without quantiles").isNaN();
                    continue;
                }
                double exact = quantile(q);
                assertThat(actual.quantile(q)).as(what + " p" + (int) (q * 100))
                        .isCloseTo(exact, within(Math.abs(exact) * RollupAggregate.RELATIVE_ACCURACY + 1e-9));
            }
            assertThat((double) distinctCount()).as(what + " distinct")
                    .isBetween(actual.distinctLowerBound(3), actual.distinctUpperBound(3));
        }
    }

    private Reference() {
    }

    /** Expected windows of every granularity of the default rollup for {@code events}, all on time or within lateness. */
    public static Map<Window, Truth> of(Collection<Event> events, SeriesDimensions dimensions) {
        return of(events, RollupSpecs.defaultSpec(), dimensions);
    }

    /** Expected windows of {@code spec}'s rollup: its events, series and windows. */
    public static Map<Window, Truth> of(Collection<Event> events, RollupSpec spec) {
        return of(events, spec, SeriesDimensions.of(spec));
    }

    private static Map<Window, Truth> of(Collection<Event> events, RollupSpec spec, SeriesDimensions dimensions) {
        Map<Window, Truth> windows = new HashMap<>();
        boolean quantiles = spec.computes(Aggregate.QUANTILES);
        for (Event event : events) {
            if (!spec.source().selects(event)) {
                continue;
            }
            SeriesKey key = dimensions.seriesOf(event);
            for (Granularity granularity : spec.granularities()) {
                for (long start : bucketsOf(granularity, event.timestamp())) {
                    Truth truth = windows.computeIfAbsent(new Window(granularity, key, start), w -> new Truth(quantiles));
                    truth.values.add(event.value());
                    String distinct = dimensions.distinctValueOf(event);
                    if (distinct != null) {
                        truth.distinct.add(distinct);
                    }
                }
            }
        }
        return windows;
    }

    /** Starts of the windows holding {@code timestamp}: one for tumbling, size/slide for sliding. */
    static List<Long> bucketsOf(Granularity granularity, long timestamp) {
        List<Long> starts = new ArrayList<>();
        long slide = granularity.slideMillis();
        long lastStart = Math.floorDiv(timestamp, slide) * slide;
        for (long start = lastStart; start > timestamp - granularity.sizeMillis(); start -= slide) {
            starts.add(start);
        }
        return starts;
    }
}
