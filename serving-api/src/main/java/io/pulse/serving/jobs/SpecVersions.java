package io.pulse.serving.jobs;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored versions of every rollup spec (migration V6): platform-wide, append-only. A new version
 * must be the next number of its rollup, so two engineers saving at once cannot both become version N.
 */
@Singleton
public class SpecVersions {

    /** One stored version; {@code document} is the spec as canonical JSON. */
    @Serdeable
    public record SpecVersion(String name, int version, String document, String createdBy, Instant createdAt) { }

    /** Thrown when the version is not the next one of its rollup. */
    public static final class VersionConflict extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VersionConflict(String message) {
            super(message);
        }
    }

    private final TransactionOperations<Connection> transactions;

    public SpecVersions(TransactionOperations<Connection> transactions) {
        this.transactions = transactions;
    }

    public SpecVersion add(String name, int version, String document, String createdBy) {
        return transactions.executeWrite(status -> {
            Connection connection = status.getConnection();
            // one writer per rollup at a time: the check below and the insert see the same latest version
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "rollup-spec:" + name);
                lock.execute();
            }
            int latest = latestVersion(connection, name);
            if (version != latest + 1) {
                throw new VersionConflict("version " + version + " of " + name + " must be " + (latest + 1)
                        + (latest == 0 ? " (its first)" : " (the latest stored is " + latest + ")"));
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rollup_spec_version"
                    + " (name, version, document, created_by) VALUES (?, ?, ?::jsonb, ?)"
                    + " RETURNING name, version, document::text, created_by, created_at")) {
                insert.setString(1, name);
                insert.setInt(2, version);
                insert.setString(3, document);
                insert.setString(4, createdBy);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return version(row);
                }
            }
        });
    }

    /** The newest version of every rollup, by name. */
    public List<SpecVersion> latest() {
        return query("SELECT DISTINCT ON (name) name, version, document::text, created_by, created_at"
                + " FROM rollup_spec_version ORDER BY name, version DESC");
    }

    /** Every version of {@code name}, newest first; empty when there is no such rollup. */
    public List<SpecVersion> history(String name) {
        return query("SELECT name, version, document::text, created_by, created_at FROM rollup_spec_version"
                + " WHERE name = ? ORDER BY version DESC", name);
    }

    public Optional<SpecVersion> find(String name, int version) {
        return history(name).stream().filter(v -> v.version() == version).findFirst();
    }

    private List<SpecVersion> query(String sql, Object... parameters) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setObject(i + 1, parameters[i]);
                }
                List<SpecVersion> versions = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        versions.add(version(rows));
                    }
                }
                return versions;
            }
        });
    }

    private static int latestVersion(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT coalesce(max(version), 0) FROM rollup_spec_version WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static SpecVersion version(ResultSet row) throws SQLException {
        return new SpecVersion(row.getString(1), row.getInt(2), row.getString(3), row.getString(4),
                row.getTimestamp(5).toInstant());
    }
}
