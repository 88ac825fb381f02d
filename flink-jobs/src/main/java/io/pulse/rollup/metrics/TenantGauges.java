package io.pulse.rollup.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongBinaryOperator;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * One gauge per tenant with a bounded label set: the first {@link #MAX_TENANTS} tenants an operator
 * instance sees get their own {@code tenant} label; every further tenant is folded into
 * {@code tenant="(other)"} (no tenant id holds parentheses), whose value combines theirs with
 * {@code combine} (the greatest lag, the sum of series). A flood of tenant ids cannot grow the scrape.
 */
public final class TenantGauges {

    /** Tenants labelled one by one, per operator instance (docs/operations/observability.md). */
    public static final int MAX_TENANTS = 100;
    static final String OTHER = "(other)";

    private final MetricGroup group;
    private final String name;
    private final LongBinaryOperator combine;
    private final Map<String, Long> labelled = new HashMap<>();
    private final Map<String, Long> folded = new HashMap<>();

    public TenantGauges(MetricGroup pulse, String name, LongBinaryOperator combine) {
        this.group = pulse;
        this.name = name;
        this.combine = combine;
    }

    /** Sets {@code tenant}'s value (on the task thread; the reporter reads on its own). */
    public synchronized void set(String tenant, long value) {
        if (labelled.containsKey(tenant) || labelled.size() < MAX_TENANTS) {
            if (labelled.put(tenant, value) == null) {
                group.addGroup("tenant", tenant).gauge(name, (Gauge<Long>) () -> read(tenant));
            }
        } else {
            if (folded.isEmpty()) {
                group.addGroup("tenant", OTHER).gauge(name, (Gauge<Long>) () -> read(OTHER));
            }
            folded.put(tenant, value);
        }
    }

    /** What the gauge of {@code label} exports now. */
    synchronized long read(String label) {
        return label.equals(OTHER) ? folded.values().stream().mapToLong(Long::longValue).reduce(combine).orElse(0)
                : labelled.getOrDefault(label, 0L);
    }
}
