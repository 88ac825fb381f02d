package io.pulse.contracts.spec;

import io.pulse.contracts.event.Event;
import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.SeriesKey;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

        /**
         * A hash of the series {@code event} belongs to, equal for every event of one series and computed
         * without building its key: the per-event lookup of the pane combiner. The kept dimensions are
         * summed, so their order in the event does not matter.
         */
        public long hashOf(Event event) {
            long hash = mix(event.tenant().hashCode()) * 31 + mix(event.metric().hashCode());
            if (dimensions == null) {
                for (Map.Entry<String, String> dimension : event.dimensions().entrySet()) {
                    if (!dimension.getKey().equals(distinct)) {
                        hash += mix(dimension.getKey().hashCode() * 0x9E3779B97F4A7C15L + dimension.getValue().hashCode());
                    }
                }
            } else {
                for (String name : dimensions) {
                    String value = event.dimensions().get(name);
                    if (value != null) {
                        hash += mix(name.hashCode() * 0x9E3779B97F4A7C15L + value.hashCode());
                    }
                }
            }
            return hash;
        }

        /** Whether {@code event} belongs to the series of {@code first}, an event already keyed: tenant, metric, kept dimensions. */
        public boolean sameSeries(Event event, Event first) {
            if (!event.tenant().equals(first.tenant()) || !event.metric().equals(first.metric())) {
                return false;
            }
            if (dimensions != null) {
                for (String name : dimensions) {
                    if (!Objects.equals(event.dimensions().get(name), first.dimensions().get(name))) {
                        return false;
                    }
                }
                return true;
            }
            int kept = 0;
            for (Map.Entry<String, String> dimension : event.dimensions().entrySet()) {
                if (!dimension.getKey().equals(distinct)) {
                    if (!Objects.equals(dimension.getValue(), first.dimensions().get(dimension.getKey()))) {
                        return false;
                    }
                    kept++;
                }
            }
            return kept == first.dimensions().size() - (distinct != null && first.dimensions().containsKey(distinct) ? 1 : 0);
        }

        /** Spreads a hash's bits (the finalizer of SplitMix64) so sums of entry hashes rarely collide. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
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
