package io.pulse.contracts.spec;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.SeriesKey;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated rollup definition with its defaults filled in (read with {@link RollupSpecs}). The
 * published schema is {@code rollup-spec.schema.json} next to this class; docs/jobs.md explains each
 * field.
 *
 * @param windows            in the order the job builds them: tumbling ones finest first, then sliding
 * @param retention          per window code; windows without one keep their table's retention
 */
public record RollupSpec(String name, int version, String description, Source source, Series series,
                         List<Window> windows, Set<Aggregate> aggregates, double relativeAccuracy, int lgK,
                         Duration allowedLateness, Map<String, Duration> retention) implements Serializable {

    public static final String ALL = "*";

    /** Which events the rollup counts; {@code ["*"]} selects all. */
    public record Source(List<String> tenants, List<String> metrics, Map<String, List<String>> where)
            implements Serializable {

        public boolean selects(Event event) {
            if (!tenants.contains(ALL) && !tenants.contains(event.tenant())) {
                return false;
            }
            if (!metrics.contains(ALL) && metrics.stream().noneMatch(pattern -> matches(pattern, event.metric()))) {
                return false;
            }
            for (Map.Entry<String, List<String>> filter : where.entrySet()) {
                String value = event.dimensions().get(filter.getKey());
                if (value == null || !filter.getValue().contains(value)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean matches(String pattern, String metric) {
            if (!pattern.contains(ALL)) {
                return pattern.equals(metric);
            }
            String[] parts = pattern.split("\\*", -1);
            StringBuilder regex = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                regex.append(i > 0 ? ".*" : "").append(Pattern.quote(parts[i]));
            }
            return metric.matches(regex.toString());
        }
    }

    /**
     * How events map to series.
     *
     * @param dimensions kept in the series key; null keeps every dimension but {@code distinct}
     */
    public record Series(List<String> dimensions, String distinct, int maxSeriesPerMetric) implements Serializable {

        /** The series {@code event} belongs to: its tenant, metric and kept dimensions. */
        public SeriesKey keyOf(Event event) {
            if (dimensions == null) {
                return SeriesKey.of(event.tenant(), event.metric(), event.dimensions(), distinct);
            }
            Map<String, String> kept = new HashMap<>();
            for (String name : dimensions) {
                String value = event.dimensions().get(name);
                if (value != null) {
                    kept.put(name, value);
                }
            }
            return SeriesKey.of(event.tenant(), event.metric(), kept);
        }
    }

    /** A tumbling window ({@code slide == size}) or a sliding one; {@code code} names its table's granularity. */
    public record Window(String code, Duration size, Duration slide) implements Serializable {

        public boolean sliding() {
            return !slide.equals(size);
        }

        public Granularity granularity() {
            return Granularity.fromCode(code);
        }
    }

    public boolean computes(Aggregate aggregate) {
        return aggregates.contains(aggregate);
    }

    public List<Granularity> granularities() {
        return windows.stream().map(Window::granularity).toList();
    }
}
