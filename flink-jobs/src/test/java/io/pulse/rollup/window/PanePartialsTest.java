package io.pulse.rollup.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.contracts.spec.RollupSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PanePartialsTest {

    private static Event event(String tenant, String metric, Map<String, String> dimensions) {
        return new Event(tenant, metric, 0, 1, dimensions, null);
    }

    private static Map<String, SeriesKey> keys(PanePartials pane) {
        Map<String, SeriesKey> keys = new HashMap<>();
        pane.forEach((key, partial) -> keys.put(key.tenant() + " " + key.metric() + " " + key.series() + " " + partial.count(), key));
        return keys;
    }

    @Test
    void eventsOfOneSeriesShareAPartialWhateverTheirDimensionOrderOrDistinctValue() {
        PanePartials pane = new PanePartials(SeriesDimensions.DEFAULT);
        Map<String, String> ordered = new LinkedHashMap<>();
        ordered.put("region", "eu");
        ordered.put("host", "h1");
        ordered.put("user", "alice");
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("user", "bob");
        reversed.put("host", "h1");
        reversed.put("region", "eu");
        RollupAggregate first = pane.partialFor(event("acme", "latency", ordered));
        assertThat(pane.partialFor(event("acme", "latency", reversed))).isSameAs(first);
        assertThat(pane.partialFor(event("acme", "latency", Map.of("region", "eu", "host", "h1")))).isSameAs(first);
        assertThat(pane.size()).isEqualTo(1);
    }

    @Test
    void eventsDifferingInTenantMetricOrAnyKeptDimensionGetTheirOwnPartial() {
        PanePartials pane = new PanePartials(SeriesDimensions.DEFAULT);
        List<Event> distinctSeries = List.of(
                event("acme", "latency", Map.of("region", "eu")),
                event("globex", "latency", Map.of("region", "eu")),
                event("acme", "errors", Map.of("region", "eu")),
                event("acme", "latency", Map.of("region", "us")),
                event("acme", "latency", Map.of("region", "eu", "host", "h1")),
                event("acme", "latency", Map.of("host", "eu")),
                event("acme", "latency", Map.of()),
                // the same entries' hashes summed in another arrangement: a key and value swapped
                event("acme", "latency", Map.of("eu", "region")));
        for (Event event : distinctSeries) {
            pane.partialFor(event).add(1, null);
        }
        assertThat(pane.size()).isEqualTo(distinctSeries.size());
        assertThat(keys(pane)).hasSize(distinctSeries.size()).allSatisfy((text, key) -> assertThat(text).endsWith(" 1"));
    }

    @Test
    void keysEverySeriesOfALargePaneAsItsCanonicalKey() {
        PanePartials pane = new PanePartials(SeriesDimensions.DEFAULT);
        for (int round = 0; round < 3; round++) {
            for (int host = 0; host < 5_000; host++) {
                pane.partialFor(event("acme", "latency", Map.of("host", "h" + host, "user", "u" + round))).add(host, "u" + round);
            }
        }
        assertThat(pane.size()).isEqualTo(5_000);
        Map<SeriesKey, Long> counts = new HashMap<>();
        pane.forEach((key, partial) -> counts.put(key, partial.count()));
        assertThat(counts).hasSize(5_000).containsEntry(SeriesKey.of("acme", "latency", Map.of("host", "h4999")), 3L)
                .allSatisfy((key, count) -> assertThat(count).isEqualTo(3));
    }

    @Test
    void anExplicitDimensionListKeysOnlyThoseDimensions() {
        SeriesDimensions regionOnly = new SeriesDimensions(new RollupSpec.Series(List.of("region"), "user", 1000), true, true);
        PanePartials pane = new PanePartials(regionOnly);
        RollupAggregate eu = pane.partialFor(event("acme", "latency", Map.of("region", "eu", "host", "h1")));
        assertThat(pane.partialFor(event("acme", "latency", Map.of("region", "eu", "host", "h2")))).isSameAs(eu);
        assertThat(pane.partialFor(event("acme", "latency", Map.of("host", "h1")))).isNotSameAs(eu);
        eu.add(1, null);
        assertThat(keys(pane)).containsKeys("acme latency {\"region\":\"eu\"} 1", "acme latency {} 0");
    }
}
