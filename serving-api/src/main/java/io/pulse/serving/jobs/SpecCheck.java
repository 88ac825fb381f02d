package io.pulse.serving.jobs;

import io.micronaut.serde.annotation.Serdeable;
import io.pulse.contracts.spec.SpecEstimate;
import io.pulse.contracts.spec.SpecProblem;
import io.pulse.contracts.spec.SpecValidation;
import java.util.List;

/**
 * The answer to validating a spec: its errors (kind, JSON Pointer, message) and, given a sample of
 * events, the estimate of its series and state with warnings past the cardinality cap.
 */
@Serdeable
public record SpecCheck(boolean valid, String name, Integer version, List<Problem> errors, Estimate estimate) {

    @Serdeable
    public record Problem(String kind, String path, String message) { }

    @Serdeable
    public record Estimate(int sampledEvents, int selectedEvents, int series, long stateBytes,
                           List<MetricSeries> largest, List<String> warnings) { }

    @Serdeable
    public record MetricSeries(String tenant, String metric, int series) { }

    static SpecCheck of(SpecValidation validation, SpecEstimate estimate) {
        List<Problem> errors = validation.errors().stream()
                .map(problem -> new Problem(kindOf(problem), problem.path(), problem.message())).toList();
        return new SpecCheck(validation.valid(),
                validation.spec().map(spec -> spec.name()).orElse(null),
                validation.spec().map(spec -> spec.version()).orElse(null),
                errors,
                estimate == null ? null : new Estimate(estimate.sampledEvents(), estimate.selectedEvents(),
                        estimate.series(), estimate.stateBytes(),
                        estimate.largest().stream().map(m -> new MetricSeries(m.tenant(), m.metric(), m.series())).toList(),
                        estimate.warnings()));
    }

    private static String kindOf(SpecProblem problem) {
        return problem.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
