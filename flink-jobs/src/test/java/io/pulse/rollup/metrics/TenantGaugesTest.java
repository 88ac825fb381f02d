package io.pulse.rollup.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Per-tenant gauges keep a bounded label set. */
class TenantGaugesTest {

    /** Records the gauges registered under it by their label path, as a reporter would see them. */
    private static final class RecordingGroup extends UnregisteredMetricsGroup {
        private final Map<String, Gauge<?>> gauges;
        private final String path;

        RecordingGroup(Map<String, Gauge<?>> gauges, String path) {
            this.gauges = gauges;
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new RecordingGroup(gauges, path + key + "=" + value + " ");
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(path + name, gauge);
            return gauge;
        }
    }

    @Test
    void tenantsPastTheCapShareOneLabelHoldingTheirCombinedValue() {
        Map<String, Gauge<?>> gauges = new TreeMap<>();
        TenantGauges lag = new TenantGauges(new RecordingGroup(gauges, ""), "event_time_lag_ms", Math::max);
        for (int i = 0; i < TenantGauges.MAX_TENANTS + 50; i++) {
            lag.set("t" + i, i);
        }
        assertThat(gauges).hasSize(TenantGauges.MAX_TENANTS + 1).containsKey("tenant=(other) event_time_lag_ms");
        assertThat(gauges.get("tenant=t0 event_time_lag_ms").getValue()).isEqualTo(0L);
        assertThat(gauges.get("tenant=(other) event_time_lag_ms").getValue())
                .as("the greatest lag of the folded tenants").isEqualTo(TenantGauges.MAX_TENANTS + 49L);

        lag.set("t0", 7);
        lag.set("t120", 500);
        assertThat(gauges.get("tenant=t0 event_time_lag_ms").getValue()).isEqualTo(7L);
        assertThat(gauges.get("tenant=(other) event_time_lag_ms").getValue()).isEqualTo(500L);
        assertThat(gauges).hasSize(TenantGauges.MAX_TENANTS + 1);
    }
}
