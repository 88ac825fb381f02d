package io.pulse.devstack.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

    @Test
    void labelMatchersRangesAndGroupingAreNotNames() {
        assertThat(PromQlMetricNames.of(
                "sum by (job) (rate(http_server_requests_seconds_count{uri!~\"/v1/stream|/graphql-ws\", status=~\"5..\"}[5m]))"))
                .containsExactly("http_server_requests_seconds_count");
        assertThat(PromQlMetricNames.of(
                "histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket[$__rate_interval])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(PromQlMetricNames.of("sum(rate(foo_total[5m] offset 10m)) without (instance) / 1e3"))
                .containsExactly("foo_total");
    }

    @Test
    void keywordsVectorMatchingAndNumbersAreNotNames() {
        assertThat(PromQlMetricNames.of(
                "a offset 1h > bool 0.5 and on (job) b unless ignoring (instance) group_left (tenant) c or d @ start()"))
                .containsExactly("a", "b", "c", "d");
        assertThat(PromQlMetricNames.of("time() - max by (task_name) (watermark > 0) / 1000 + 0x1f"))
                .containsExactly("watermark");
        assertThat(PromQlMetricNames.of("topk(10, x) + SUM(y) * count_values(\"v\", z) + Inf"))
                .containsExactly("x", "y", "z");
    }

    @Test
    void stringsAndGrafanaVariablesAreNotNames() {
        assertThat(PromQlMetricNames.of("label_replace(up{job=\"$job\"}, \"dst\", \"$1\", \"src\", \"(.*) sum(x)\")"))
                .containsExactly("up");
        assertThat(PromQlMetricNames.of("pulse_tenant_lag{tenant=~\"${tenant:regex}\"} > $threshold"))
                .containsExactly("pulse_tenant_lag");
    }

    @Test
    void recordedSeriesAreNames() {
        assertThat(PromQlMetricNames.of("pulse:http_error_ratio:rate1h > (14.4 * 0.001) and pulse:http_error_ratio:rate5m > 0.0144"))
                .containsExactly("pulse:http_error_ratio:rate1h", "pulse:http_error_ratio:rate5m");
    }

    @Test
    void theListOfUsedNamesHoldsScrapedNamesOnly() throws IOException {
        assertThat(PromQlMetricNames.usedByDashboardsAndRules())
                .contains("up", "http_server_requests_seconds_bucket", "flink_jobmanager_job_numberOfFailedCheckpoints",
                        "flink_taskmanager_job_task_operator_pulse_tenant_event_time_lag_ms", "rabbitmq_queue_messages_ready")
                .doesNotContainAnyElementsOf(PromQlMetricNames.recordedNames())
                .allSatisfy(name -> assertThat(name).doesNotContain(":").matches("[a-zA-Z_][a-zA-Z0-9_]*"));
    }
}
