package io.pulse.rollup.metrics;

import org.apache.flink.metrics.MetricGroup;

/**
 * Where the job's own metrics live: under the operator's group, in a group named {@code pulse}, so the
 * Prometheus reporter exports them as {@code flink_taskmanager_job_task_operator_pulse_<name>} (a keyed
 * sub-group adds its key to the name and its value as a label, e.g. {@code ..._pulse_reason_events_rejected
 * {reason="invalid-type"}}). docs/operations/observability.md lists them.
 */
public final class PulseMetrics {

    private PulseMetrics() {
    }

    public static MetricGroup of(MetricGroup operator) {
        return operator.addGroup("pulse");
    }
}
