package io.pulse.serving.freshness;

import io.pulse.serving.tenancy.TenantTransactions;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * Reads a tenant's freshness from what the rollup job keeps: {@code tenant_event_time} (newest event
 * time) and {@code tenant_corrections} (late events merged), under the tenant's row-level security.
 */
@Singleton
public class TenantFreshness {

    private final TenantTransactions tenants;

    public TenantFreshness(TenantTransactions tenants) {
        this.tenants = tenants;
    }

    public Freshness of(String tenant) {
        return tenants.read(tenant, connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT"
                    + " (SELECT event_time FROM tenant_event_time WHERE tenant = ?),"
                    + " c.late_events, c.corrected_rows, c.last_correction_at, now()"
                    + " FROM (SELECT 1) one LEFT JOIN tenant_corrections c ON c.tenant = ?")) {
                statement.setString(1, tenant);
                statement.setString(2, tenant);
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    Instant eventTime = instant(row.getTimestamp(1));
                    Instant asOf = row.getTimestamp(5).toInstant();
                    return new Freshness(tenant, eventTime,
                            eventTime == null ? null : asOf.toEpochMilli() - eventTime.toEpochMilli(),
                            row.getLong(2), row.getLong(3), instant(row.getTimestamp(4)), asOf);
                }
            }
        });
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
