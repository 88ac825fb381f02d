package io.pulse.serving.dashboards;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A dashboard as the API shows it. {@code version} is the optimistic-concurrency token: an update must
 * carry the version it was based on, and a stale one is refused with 409.
 *
 * @param defaultRange ISO-8601 duration back from now, e.g. {@code PT1H}
 */
@Serdeable
public record Dashboard(@Nullable UUID id,
                        @NotBlank @Size(max = 200) String name,
                        @NotBlank @Pattern(regexp = "P(T?\\d+[DHMS])+") String defaultRange,
                        @Min(0) @Max(86_400) int refreshSeconds,
                        @NotNull @Size(max = 50) List<@Valid Widget> widgets,
                        @Nullable Long version) {

    /**
     * One chart: its type, title, the series query it shows (the same parameters as the series
     * endpoint), and its place on a 12-column grid.
     */
    @Serdeable
    public record Widget(@NotNull @Pattern(regexp = "line|bar|heatmap") String type,
                         @NotBlank @Size(max = 200) String title,
                         @NotNull Map<String, String> query,
                         @Min(0) @Max(11) int x, @Min(0) @Max(1000) int y,
                         @Min(1) @Max(12) int w, @Min(1) @Max(100) int h) { }
}
