package io.pulse.contracts.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpecEstimateTest {

    @Test
    void countsTheSeriesTheSpecMakesOfTheSampleAndWarnsPastTheCap() {
        List<Event> sample = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            sample.add(new Event("acme", "latency", i, i, Map.of("region", "r" + (i % 3), "user", "u" + i), null));
        }
        sample.add(new Event("globex", "latency", 0, 1, Map.of("region", "r0"), null));
        String spec = """
                name: t
                version: 1
                source: { tenants: [acme] }
                series: { maxSeriesPerMetric: 2 }
                windows: { tumbling: [10s] }
                aggregates: [count, distinct]
                allowedLateness: 0s
                """;

        SpecEstimate estimate = SpecEstimate.of(RollupSpecs.validate(spec).orThrow(), sample);

        assertThat(estimate.sampledEvents()).isEqualTo(31);
        assertThat(estimate.selectedEvents()).isEqualTo(30);
        // region is a series dimension, the user is counted distinct: 3 series, not 30
        assertThat(estimate.series()).isEqualTo(3);
        assertThat(estimate.largest()).containsExactly(new SpecEstimate.MetricSeries("acme", "latency", 3));
        assertThat(estimate.warnings()).containsExactly("tenant acme, metric latency: 3 series in the sample, "
                + "past the cap of 2; events of further series will be dead-lettered (series-limit)");
        assertThat(estimate.stateBytes()).isPositive();
    }

    @Test
    void keepingFewerDimensionsMakesFewerSeriesAndLessState() {
        List<Event> sample = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sample.add(new Event("acme", "m", i, i, Map.of("region", "r" + (i % 2), "device", "d" + i), null));
        }
        String all = "name: t\nversion: 1\nwindows: { tumbling: [10s, 1m] }\naggregates: [count, quantiles]\n";
        String regionOnly = all + "series: { dimensions: [region] }\n";

        SpecEstimate wide = SpecEstimate.of(RollupSpecs.validate(all).orThrow(), sample);
        SpecEstimate narrow = SpecEstimate.of(RollupSpecs.validate(regionOnly).orThrow(), sample);

        assertThat(wide.series()).isEqualTo(100);
        assertThat(narrow.series()).isEqualTo(2);
        assertThat(narrow.stateBytes()).isLessThan(wide.stateBytes());
        assertThat(narrow.warnings()).isEmpty();
    }
}
