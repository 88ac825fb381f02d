package io.pulse.contracts.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RollupAggregateTest {

    private static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};

    private static RollupAggregate aggregateOf(double[] values, int userOffset) {
        RollupAggregate aggregate = new RollupAggregate();
        for (int i = 0; i < values.length; i++) {
            aggregate.add(values[i], "user-" + (userOffset + i % 5_000));
        }
        return aggregate;
    }

    private static double[] lognormal(Random random, int n) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = Math.exp(3 + random.nextGaussian());
        }
        return values;
    }

    /** The value at rank floor(q * (n - 1)) of the sorted input: the rank DDSketch reports. */
    static double exactQuantile(double[] sorted, double q) {
        return sorted[(int) Math.floor(q * (sorted.length - 1))];
    }

    @Test
    void quantilesStayWithinTheRelativeAccuracyGuarantee() {
        double[] values = lognormal(new Random(7), 20_000);
        RollupAggregate aggregate = aggregateOf(values, 0);
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        for (double q : QUANTILES) {
            double exact = exactQuantile(sorted, q);
            assertThat(aggregate.quantile(q)).isCloseTo(exact, within(exact * RollupAggregate.RELATIVE_ACCURACY));
        }
    }

    @Test
    void mergeOfSketchesEqualsTheSketchOfTheUnion() {
        Random random = new Random(11);
        double[] left = lognormal(random, 7_000);
        double[] right = lognormal(random, 3_000);
        RollupAggregate merged = aggregateOf(left, 0);
        merged.merge(aggregateOf(right, 2_500));

        double[] union = new double[left.length + right.length];
        System.arraycopy(left, 0, union, 0, left.length);
        System.arraycopy(right, 0, union, left.length, right.length);
        RollupAggregate direct = new RollupAggregate();
        for (int i = 0; i < left.length; i++) {
            direct.add(left[i], "user-" + (i % 5_000));
        }
        for (int i = 0; i < right.length; i++) {
            direct.add(right[i], "user-" + (2_500 + i % 5_000));
        }

        assertThat(merged.count()).isEqualTo(direct.count()).isEqualTo(10_000);
        assertThat(merged.min()).isEqualTo(direct.min());
        assertThat(merged.max()).isEqualTo(direct.max());
        assertThat(merged.sum()).isCloseTo(direct.sum(), within(1e-9 * direct.sum()));
        for (double q : QUANTILES) {
            assertThat(merged.quantile(q)).isEqualTo(direct.quantile(q));
        }
        // Users 0..4999 and 2500..5499: 5500 distinct. The merged HLL holds the same registers as the
        // direct one; only the estimator differs (a union cannot keep the direct sketch's HIP counter).
        assertThat(5_500.0).isBetween(merged.distinctLowerBound(3), merged.distinctUpperBound(3));
        assertThat(merged.distinct()).isCloseTo(direct.distinct(), within(0.02 * direct.distinct()));
    }

    @Test
    void serializedFormRoundTripsAndStaysMergeable() {
        RollupAggregate original = aggregateOf(lognormal(new Random(3), 1_000), 0);
        RollupAggregate restored = RollupAggregate.fromBytes(original.toBytes());
        assertThat(restored.count()).isEqualTo(original.count());
        assertThat(restored.sum()).isEqualTo(original.sum());
        assertThat(restored.min()).isEqualTo(original.min());
        assertThat(restored.max()).isEqualTo(original.max());
        assertThat(restored.distinct()).isEqualTo(original.distinct());
        for (double q : QUANTILES) {
            assertThat(restored.quantile(q)).isEqualTo(original.quantile(q));
        }
        RollupAggregate fromColumns = RollupAggregate.fromStored(original.count(), original.sum(), original.min(),
                original.max(), original.quantileSketchBytes(), original.distinctSketchBytes());
        fromColumns.merge(restored);
        assertThat(fromColumns.count()).isEqualTo(2 * original.count());
        assertThat(fromColumns.quantile(0.5)).isEqualTo(original.quantile(0.5));
    }

    @Test
    void emptyAggregatesHaveNoValuesAndMergeNeutrally() {
        RollupAggregate empty = new RollupAggregate();
        assertThat(empty.min()).isNaN();
        assertThat(empty.mean()).isNaN();
        assertThat(empty.quantile(0.5)).isNaN();
        assertThat(empty.distinct()).isZero();
        RollupAggregate restored = RollupAggregate.fromBytes(empty.toBytes());
        assertThat(restored.count()).isZero();
        assertThat(restored.distinctSketchBytes()).isNull();

        RollupAggregate one = new RollupAggregate();
        one.add(-4.0, null);
        one.merge(empty);
        assertThat(one.min()).isEqualTo(-4.0);
        assertThat(one.max()).isEqualTo(-4.0);
        assertThat(one.quantile(0.5)).isCloseTo(-4.0, within(0.04));
        assertThat(one.distinct()).isZero();
    }

    @Test
    void copiesAreIndependent() {
        RollupAggregate original = new RollupAggregate();
        original.add(1, "a");
        RollupAggregate copy = original.copy();
        copy.add(100, "b");
        assertThat(original.count()).isEqualTo(1);
        assertThat(original.max()).isEqualTo(1);
        assertThat(original.distinct()).isCloseTo(1, within(0.01));
        assertThat(copy.distinct()).isCloseTo(2, within(0.01));
    }

    @Test
    void seriesKeysAreCanonicalAndGranularityBucketsAlign() {
        SeriesKey a = SeriesKey.of("acme", "m", java.util.Map.of("region", "eu", "device", "ios"));
        SeriesKey b = SeriesKey.of("acme", "m", new java.util.LinkedHashMap<>(java.util.Map.of("device", "ios", "region", "eu")));
        assertThat(a).isEqualTo(b);
        assertThat(a.series()).isEqualTo("{\"device\":\"ios\",\"region\":\"eu\"}");
        assertThat(a.dimensions()).containsEntry("region", "eu");
        assertThat(Granularity.ONE_MINUTE.bucketStart(125_000)).isEqualTo(120_000);
        assertThat(Granularity.TEN_SECONDS.bucketStart(-1)).isEqualTo(-10_000);
        assertThat(Granularity.fromCode("1h")).isEqualTo(Granularity.ONE_HOUR);
        assertThat(RedisKeys.DEFAULT.history(a, Granularity.ONE_MINUTE))
                .startsWith("pulse:history:acme:m:1m:")
                .isNotEqualTo(RedisKeys.DEFAULT.history(SeriesKey.of("acme", "m", java.util.Map.of()), Granularity.ONE_MINUTE));
    }

    @Test
    void mergeAllEqualsPairwiseMerges() {
        Random random = new Random(13);
        java.util.List<RollupAggregate> parts = new java.util.ArrayList<>();
        RollupAggregate pairwise = new RollupAggregate();
        for (int i = 0; i < 30; i++) {
            RollupAggregate part = aggregateOf(lognormal(random, 200), i * 100);
            parts.add(part);
            pairwise.merge(part);
        }
        parts.add(new RollupAggregate());
        RollupAggregate all = RollupAggregate.mergeAll(parts);
        assertThat(all.count()).isEqualTo(pairwise.count());
        assertThat(all.sum()).isEqualTo(pairwise.sum());
        assertThat(all.min()).isEqualTo(pairwise.min());
        assertThat(all.max()).isEqualTo(pairwise.max());
        assertThat(all.quantile(0.95)).isEqualTo(pairwise.quantile(0.95));
        assertThat(all.distinct()).isCloseTo(pairwise.distinct(), within(0.02 * pairwise.distinct()));
        assertThat(RollupAggregate.mergeAll(java.util.List.of()).count()).isZero();
    }

    @Test
    void seriesKeysEscapeQuotesAndBackslashesAndParseBack() {
        java.util.Map<String, String> dims = java.util.Map.of("city", "Zürich, \"CH\"", "path", "a\\b");
        SeriesKey key = SeriesKey.of("acme", "m", dims);
        assertThat(key.dimensions()).isEqualTo(dims);
    }

    @Test
    void updatesCarryTheStoredValuesComputed() {
        RollupAggregate aggregate = new RollupAggregate();
        for (int i = 1; i <= 100; i++) {
            aggregate.add(i, "u" + (i % 10));
        }
        SeriesKey key = SeriesKey.of("acme", "m", java.util.Map.of("region", "eu"));
        Rollup rollup = new Rollup(key, Granularity.ONE_MINUTE, 60_000, 2, 77, aggregate);
        RollupUpdate update = RollupUpdate.of(rollup, false);
        assertThat(update.series()).isEqualTo(java.util.Map.of("region", "eu"));
        assertThat(update.bucketEnd()).isEqualTo(120_000);
        assertThat(update.granularity()).isEqualTo("1m");
        assertThat(update.count()).isEqualTo(100);
        assertThat(update.mean()).isEqualTo(50.5);
        assertThat(update.p50()).isCloseTo(50, within(0.5));
        assertThat(update.p99()).isCloseTo(99, within(1.0));
        assertThat(update.distinct()).isEqualTo(10);
        assertThat(update.version()).isEqualTo(77);
        assertThat(update.revision()).isEqualTo(2);
    }

    /** Values with their event times over [0, span): the input of the window-equivalence checks below. */
    private static double[][] timedValues(Random random, int n, long span) {
        double[][] timed = new double[n][];
        for (int i = 0; i < n; i++) {
            timed[i] = new double[] {Math.floor(random.nextDouble() * span), (1 + random.nextInt(40_000)) / 4.0, i % 700};
        }
        return timed;
    }

    private static RollupAggregate direct(double[][] timed, long from, long to) {
        RollupAggregate aggregate = new RollupAggregate();
        for (double[] event : timed) {
            if (event[0] >= from && event[0] < to) {
                aggregate.add(event[1], "user-" + (int) event[2]);
            }
        }
        return aggregate;
    }

    private static void assertSameWindow(RollupAggregate merged, RollupAggregate direct) {
        assertThat(merged.count()).isEqualTo(direct.count());
        assertThat(merged.sum()).isEqualTo(direct.sum()); // quarters: exact in any order
        assertThat(merged.min()).isEqualTo(direct.min());
        assertThat(merged.max()).isEqualTo(direct.max());
        for (double q : QUANTILES) {
            assertThat(merged.quantile(q)).isEqualTo(direct.quantile(q));
        }
        assertThat(merged.distinct()).isCloseTo(direct.distinct(), within(0.02 * direct.distinct()));
    }

    @Test
    void oneMinuteFromSixTenSecondPanesEqualsTheMinuteComputedDirectly() {
        double[][] timed = timedValues(new Random(21), 30_000, 60_000);
        RollupAggregate minute = new RollupAggregate();
        for (long pane = 0; pane < 60_000; pane += 10_000) {
            minute.merge(direct(timed, pane, pane + 10_000));
        }
        assertSameWindow(minute, direct(timed, 0, 60_000));
    }

    @Test
    void slidingWindowsFromPanesEqualTheDirectSlidingComputation() {
        double[][] timed = timedValues(new Random(22), 40_000, 600_000);
        for (long end = 10_000; end <= 600_000; end += 10_000) {
            long start = end - 300_000;
            java.util.List<RollupAggregate> panes = new java.util.ArrayList<>();
            for (long pane = Math.max(0, start); pane < end; pane += 10_000) {
                panes.add(direct(timed, pane, pane + 10_000));
            }
            assertSameWindow(RollupAggregate.mergeAll(panes), direct(timed, start, end));
        }
    }

    @Test
    void mergingStoredRowsEqualsMergingTheRebuiltAggregates() {
        Random random = new Random(5);
        java.util.List<RollupAggregate> parts = new java.util.ArrayList<>();
        RollupAggregate.Merger merger = new RollupAggregate.Merger();
        RollupAggregate.Merger countsOnly = new RollupAggregate.Merger();
        assertThat(merger.isEmpty()).isTrue();
        for (int part = 0; part < 20; part++) {
            RollupAggregate aggregate = aggregateOf(lognormal(random, 200), part * 37);
            parts.add(RollupAggregate.fromStored(aggregate.count(), aggregate.sum(), aggregate.min(), aggregate.max(),
                    aggregate.quantileSketchBytes(), aggregate.distinctSketchBytes()));
            merger.add(aggregate.count(), aggregate.sum(), aggregate.min(), aggregate.max(),
                    aggregate.quantileSketchBytes(), aggregate.distinctSketchBytes());
            countsOnly.add(aggregate.count(), aggregate.sum(), aggregate.min(), aggregate.max(), null, null);
        }
        RollupAggregate expected = RollupAggregate.mergeAll(parts);
        RollupAggregate merged = merger.result();
        assertThat(merger.isEmpty()).isFalse();
        assertThat(merged.count()).isEqualTo(expected.count());
        assertThat(merged.sum()).isEqualTo(expected.sum());
        assertThat(merged.min()).isEqualTo(expected.min());
        assertThat(merged.max()).isEqualTo(expected.max());
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            assertThat(merged.quantile(q)).isEqualTo(expected.quantile(q));
        }
        assertThat(merged.distinct()).isEqualTo(expected.distinct());
        // a reader that skips the sketches still gets the exact fields
        assertThat(countsOnly.result().sum()).isEqualTo(expected.sum());
        assertThat(countsOnly.result().distinct()).isZero();
    }

    /** Issue 10, fault 8: a metric whose every value is 1.0 answered p99 = 1.01, above its max. */
    @Test
    void quantilesStayWithinTheExactMinAndMax() {
        RollupAggregate ones = new RollupAggregate();
        for (int i = 0; i < 100; i++) {
            ones.add(1.0, null);
        }
        for (double q : QUANTILES) {
            assertThat(ones.quantile(q)).isEqualTo(1.0);
        }
        RollupAggregate stored = RollupAggregate.fromBytes(ones.toBytes());
        assertThat(stored.quantile(0.99)).isEqualTo(1.0);
        RollupAggregate.Merger merger = new RollupAggregate.Merger();
        merger.add(ones.count(), ones.sum(), ones.min(), ones.max(), ones.quantileSketchBytes(), null);
        assertThat(merger.result().quantile(0.99)).isEqualTo(1.0);
    }

    @Test
    void aRollupWithoutQuantilesKeepsExactFieldsAndDistinctButAnswersNoQuantile() {
        RollupAggregate aggregate = new RollupAggregate();
        aggregate.addWithoutQuantile(2, "a");
        aggregate.addWithoutQuantile(4, "b");

        assertThat(aggregate.count()).isEqualTo(2);
        assertThat(aggregate.mean()).isEqualTo(3);
        assertThat(aggregate.distinct()).isCloseTo(2, within(0.01));
        assertThat(aggregate.quantile(0.5)).isNaN();
        RollupAggregate stored = RollupAggregate.fromBytes(aggregate.toBytes());
        assertThat(stored.quantile(0.99)).isNaN();
        assertThat(stored.max()).isEqualTo(4);
    }
}
