package io.pulse.contracts.spec;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How many series a spec makes of a sample of recent events and roughly how much window state they
 * hold, with a warning for each (tenant, metric) past the cardinality cap. The sample's series are a
 * floor for the real count (a longer period shows more); state per series is measured by building each
 * series' aggregate from the sample and counting its serialized bytes in every window a stage keeps open.
 *
 * @param stateBytes   window state of all stages: per series, its sample aggregate's size times the
 *                     windows each stage holds (window size plus allowed lateness, over the slide)
 */
public record SpecEstimate(int sampledEvents, int selectedEvents, int series, long stateBytes,
                           List<MetricSeries> largest, List<String> warnings) {

    /** Series of one (tenant, metric) in the sample. */
    public record MetricSeries(String tenant, String metric, int series) {
    }

    private static final int LARGEST_LISTED = 10;

    public static SpecEstimate of(RollupSpec spec, List<Event> sample) {
        Map<SeriesKey, RollupAggregate> aggregates = new HashMap<>();
        int selected = 0;
        for (Event event : sample) {
            if (!spec.source().selects(event)) {
                continue;
            }
            selected++;
            SeriesKey key = spec.series().keyOf(event);
            String distinct = spec.computes(Aggregate.DISTINCT) ? event.dimensions().get(spec.series().distinct()) : null;
            RollupAggregate aggregate = aggregates.computeIfAbsent(key, k -> new RollupAggregate());
            if (spec.computes(Aggregate.QUANTILES)) {
                aggregate.add(event.value(), distinct);
            } else {
                aggregate.addWithoutQuantile(event.value(), distinct);
            }
        }
        long bytesPerWindowSet = 0;
        for (RollupAggregate aggregate : aggregates.values()) {
            bytesPerWindowSet += aggregate.toBytes().length;
        }
        long openWindows = 0;
        for (RollupSpec.Window window : spec.windows()) {
            long held = window.size().plus(spec.allowedLateness()).toMillis();
            openWindows += (held + window.slide().toMillis() - 1) / window.slide().toMillis();
        }
        Map<List<String>, Integer> perMetric = new HashMap<>();
        aggregates.keySet().forEach(key -> perMetric.merge(List.of(key.tenant(), key.metric()), 1, Integer::sum));
        List<MetricSeries> largest = perMetric.entrySet().stream()
                .map(e -> new MetricSeries(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                .sorted(Comparator.comparingInt(MetricSeries::series).reversed()
                        .thenComparing(MetricSeries::tenant).thenComparing(MetricSeries::metric))
                .toList();
        List<String> warnings = new ArrayList<>();
        int cap = spec.series().maxSeriesPerMetric();
        for (MetricSeries metric : largest) {
            if (metric.series() > cap) {
                warnings.add("tenant " + metric.tenant() + ", metric " + metric.metric() + ": " + metric.series()
                        + " series in the sample, past the cap of " + cap
                        + "; events of further series will be dead-lettered (series-limit)");
            }
        }
        return new SpecEstimate(sample.size(), selected, aggregates.size(), bytesPerWindowSet * openWindows,
                largest.subList(0, Math.min(LARGEST_LISTED, largest.size())), List.copyOf(warnings));
    }
}
