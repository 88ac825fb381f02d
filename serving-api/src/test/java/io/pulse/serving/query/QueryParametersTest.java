package io.pulse.serving.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pulse.contracts.rollup.Granularity;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryParametersTest {

    private static final String FROM = "2026-11-25T10:00:00Z";

    @Test
    void readsEveryParameterAndMergesRepeatedInFilters() {
        SeriesQuery query = QueryParameters.series("latency", FROM, "2026-11-25T11:00:00Z", "1m", "p95",
                "region, device", List.of("region:in:eu", "region:in:us", "device:not:ios", "path:eq:/a:b"), 5);
        assertThat(query.from()).isEqualTo(Instant.parse(FROM));
        assertThat(query.step()).isEqualTo(Granularity.ONE_MINUTE);
        assertThat(query.aggregate()).isEqualTo(Aggregate.P95);
        assertThat(query.groupBy()).containsExactly("region", "device");
        assertThat(query.limit()).isEqualTo(5);
        assertThat(query.filters()).containsExactly(
                new DimensionFilter("region", DimensionFilter.Operator.IN, List.of("eu", "us")),
                new DimensionFilter("device", DimensionFilter.Operator.NOT, List.of("ios")),
                new DimensionFilter("path", DimensionFilter.Operator.EQUALS, List.of("/a:b")));
    }

    @Test
    void defaultsToCountUntilNowWithAStepPickedLater() {
        SeriesQuery query = QueryParameters.series("latency", FROM, null, null, null, null, null, null);
        assertThat(query.aggregate()).isEqualTo(Aggregate.COUNT);
        assertThat(query.step()).isNull();
        assertThat(query.to()).isAfter(query.from());
        assertThat(query.groupBy()).isEmpty();
        assertThat(query.filters()).isEmpty();
    }

    @Test
    void refusesMalformedParametersWithoutEchoingThem() {
        assertThatThrownBy(() -> QueryParameters.series("m", null, null, null, null, null, null, null))
                .isInstanceOf(QueryException.class).hasMessageContaining("from is required");
        assertThatThrownBy(() -> QueryParameters.series("m", FROM, "<b>", null, null, null, null, null))
                .isInstanceOf(QueryException.class).hasMessageNotContaining("<b>");
        assertThatThrownBy(() -> QueryParameters.series("m", FROM, null, "2m", null, null, null, null))
                .isInstanceOf(QueryException.class).hasMessageContaining("step must be");
        assertThatThrownBy(() -> QueryParameters.series("m", FROM, null, null, null, null, List.of("region"), null))
                .isInstanceOf(QueryException.class).hasMessageContaining("dimension:op:value");
        assertThatThrownBy(() -> QueryParameters.series("m", FROM, null, null, null, null, List.of("region:like:e"), null))
                .isInstanceOf(QueryException.class).hasMessageContaining("eq, in or not");
    }
}
