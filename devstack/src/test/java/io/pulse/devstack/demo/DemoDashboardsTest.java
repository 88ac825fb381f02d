package io.pulse.devstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pulse.devstack.traffic.DemoTraffic;
import io.pulse.serving.dashboards.Dashboard;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DemoDashboardsTest {

    /** The body read as serving-api reads it: an unknown or mistyped field fails here. */
    private static final Dashboard DASHBOARD = new ObjectMapper().convertValue(DemoDashboards.body(), Dashboard.class);

    @Test
    void itShowsTheLastQuarterHourRefreshedEveryTenSeconds() {
        assertThat(DASHBOARD.name()).isEqualTo(DemoDashboards.NAME);
        assertThat(DASHBOARD.defaultRange()).isEqualTo("PT15M");
        assertThat(DASHBOARD.refreshSeconds()).isEqualTo(10);
        assertThat(DASHBOARD.widgets()).extracting(Dashboard.Widget::type)
                .containsExactly("line", "bar", "heatmap", "heatmap");
    }

    @Test
    void itsWidgetsTileTheTwelveColumnGridWithoutOverlapping() {
        List<Dashboard.Widget> widgets = DASHBOARD.widgets();
        assertThat(widgets).allSatisfy(widget -> {
            assertThat(widget.x()).isBetween(0, 11);
            assertThat(widget.x() + widget.w()).isLessThanOrEqualTo(12);
            assertThat(widget.h()).isBetween(1, 100);
        });
        assertThat(widgets).extracting(Dashboard.Widget::w).containsExactly(8, 4, 6, 6);
        for (int i = 0; i < widgets.size(); i++) {
            for (int j = i + 1; j < widgets.size(); j++) {
                assertThat(overlap(widgets.get(i), widgets.get(j))).as("widgets %d and %d overlap", i, j).isFalse();
            }
        }
    }

    @Test
    void itsChartsQueryWhatTheDemoTrafficSends() {
        List<Dashboard.Widget> widgets = DASHBOARD.widgets();
        assertThat(widgets.get(0).query()).containsEntry("metric", "checkout.latency_ms")
                .containsEntry("aggregate", "p95").containsEntry("groupBy", "region");
        assertThat(widgets.get(1).query()).containsEntry("metric", "page.views")
                .containsEntry("aggregate", "count").containsEntry("groupBy", "device").containsKey("limit");
        assertThat(widgets.get(2).query()).containsEntry("view", "correlation").containsEntry("aggregate", "count");
        assertThat(Arrays.asList(widgets.get(2).query().get("metrics").split(",")))
                .containsExactlyInAnyOrderElementsOf(DemoTraffic.metricNames());
        assertThat(widgets.get(3).query()).containsEntry("view", "hour-by-weekday")
                .containsEntry("metric", "api.requests").containsEntry("aggregate", "count");
        assertThat(widgets.stream().flatMap(widget -> Stream.ofNullable(widget.query().get("metric"))))
                .isSubsetOf(DemoTraffic.metricNames());
    }

    private static boolean overlap(Dashboard.Widget a, Dashboard.Widget b) {
        return a.x() < b.x() + b.w() && b.x() < a.x() + a.w() && a.y() < b.y() + b.h() && b.y() < a.y() + a.h();
    }
}
