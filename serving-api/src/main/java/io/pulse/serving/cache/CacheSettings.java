package io.pulse.serving.cache;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.validation.constraints.Positive;

/**
 * Cache of series results ({@code pulse.cache.*}); see docs/api.md for the invalidation strategy.
 *
 * @param closedTtlSeconds lifetime of a result whose windows can no longer change
 * @param openTtlSeconds   lifetime of a result touching open windows (a publication drops it sooner)
 * @param settleSeconds    how long after its end a window may still change (the job's lateness plus
 *                         out-of-orderness, with a margin)
 * @param catalogTtlSeconds lifetime of a metric catalog answer
 * @param localMegabytes   memory for each process's copies of the entries it reads (decoded, with their
 *                         JSON renderings), counted as twice the entries' JSON size
 */
@ConfigurationProperties("pulse.cache")
public record CacheSettings(@Bindable(defaultValue = "86400") @Positive long closedTtlSeconds,
                            @Bindable(defaultValue = "30") @Positive long openTtlSeconds,
                            @Bindable(defaultValue = "90") @Positive long settleSeconds,
                            @Bindable(defaultValue = "60") @Positive long catalogTtlSeconds,
                            @Bindable(defaultValue = "64") @Positive long localMegabytes) {
}
