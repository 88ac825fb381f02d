package io.pulse.serving.freshness;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * How current a tenant's numbers are, for the dashboard's freshness badge.
 *
 * @param eventTime        the newest event time the job has seen of the tenant (never past the wall
 *                         clock); null before its first event
 * @param lagMillis        how far {@code eventTime} is behind {@code asOf}; null with it
 * @param lateEvents       events that arrived after their windows were written and were merged into them
 * @param correctedRows    stored rows (of every granularity) those merges changed
 * @param lastCorrectionAt when the last such merge was applied; null if none was
 * @param asOf             the database's clock when this was read
 */
@Serdeable
public record Freshness(String tenant, @Nullable Instant eventTime, @Nullable Long lagMillis, long lateEvents,
                        long correctedRows, @Nullable Instant lastCorrectionAt, Instant asOf) {
}
