package io.pulse.serving.apikeys;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.transaction.TransactionOperations;
import io.pulse.serving.security.Permission;
import io.pulse.serving.tenancy.TenantTransactions;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * API keys of a tenant: a key is 256 random bits, handed out once at creation; only its SHA-256 is
 * kept, with its tenant, its permissions and when it was last used (to the minute).
 */
@Singleton
public class ApiKeys {

    /** How a key starts, so it is recognisable in logs and secret scanners. */
    static final String KEY_PREFIX = "pulse_";
    private static final int SHOWN_PREFIX_LENGTH = KEY_PREFIX.length() + 6;
    private static final String COLUMNS =
            "id, name, prefix, permissions, created_by, created_at, last_used_at, revoked_at";

    /** A key as listed: never the key itself. */
    @Serdeable
    public record ApiKey(UUID id, String name, String prefix, List<String> permissions, String createdBy,
                         Instant createdAt, Instant lastUsedAt, Instant revokedAt) { }

    /** A key just created: the only time {@code key} is shown. */
    @Serdeable
    public record CreatedApiKey(ApiKey apiKey, String key) { }

    private final TenantTransactions tenants;
    private final TransactionOperations<Connection> transactions;
    private final SecureRandom random = new SecureRandom();

    public ApiKeys(TenantTransactions tenants, TransactionOperations<Connection> transactions) {
        this.tenants = tenants;
        this.transactions = transactions;
    }

    public CreatedApiKey create(String tenant, String createdBy, String name, Set<Permission> permissions) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String key = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        ApiKey created = tenants.write(tenant, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO api_key (id, tenant, name,"
                    + " prefix, secret_hash, permissions, created_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING "
                    + COLUMNS)) {
                insert.setObject(1, id);
                insert.setString(2, tenant);
                insert.setString(3, name);
                insert.setString(4, key.substring(0, SHOWN_PREFIX_LENGTH));
                insert.setBytes(5, hash(key));
                insert.setArray(6, codes(connection, permissions));
                insert.setString(7, createdBy);
                try (ResultSet row = insert.executeQuery()) {
                    row.next();
                    return apiKey(row);
                }
            }
        });
        return new CreatedApiKey(created, key);
    }

    /** The tenant's keys, revoked ones included, oldest first. */
    public List<ApiKey> list(String tenant) {
        return tenants.read(tenant, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM api_key WHERE tenant = ? ORDER BY created_at, id")) {
                select.setString(1, tenant);
                List<ApiKey> keys = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        keys.add(apiKey(rows));
                    }
                }
                return keys;
            }
        });
    }

    /** False when the tenant has no such key; revoking twice keeps the first revocation time. */
    public boolean revoke(String tenant, UUID id) {
        return tenants.write(tenant, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE api_key SET revoked_at ="
                    + " coalesce(revoked_at, now()) WHERE id = ? AND tenant = ?")) {
                update.setObject(1, id);
                update.setString(2, tenant);
                return update.executeUpdate() > 0;
            }
        });
    }

    /**
     * The live key {@code key} is, noting its use. Runs before the tenant is known, so as the schema owner,
     * finding the key by its hash alone.
     */
    public Optional<ApiKeyAuthentication> verify(String key) {
        if (!key.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        return transactions.executeWrite(status -> {
            Connection connection = status.getConnection();
            ApiKeyAuthentication found;
            try (PreparedStatement select = connection.prepareStatement("SELECT id, tenant, permissions FROM api_key"
                    + " WHERE secret_hash = ? AND revoked_at IS NULL")) {
                select.setBytes(1, hash(key));
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    found = new ApiKeyAuthentication(row.getObject(1, UUID.class), row.getString(2),
                            permissions((String[]) row.getArray(3).getArray()));
                }
            }
            // one write a minute per key at most, however busy the key is
            try (PreparedStatement touch = connection.prepareStatement("UPDATE api_key SET last_used_at = now()"
                    + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")) {
                touch.setObject(1, found.keyId());
                touch.executeUpdate();
            }
            return Optional.of(found);
        });
    }

    private static ApiKey apiKey(ResultSet row) throws SQLException {
        return new ApiKey(row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                Arrays.asList((String[]) row.getArray(4).getArray()), row.getString(5), instant(row.getTimestamp(6)),
                instant(row.getTimestamp(7)), instant(row.getTimestamp(8)));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Array codes(Connection connection, Set<Permission> permissions) throws SQLException {
        return connection.createArrayOf("text", permissions.stream().map(Permission::code).sorted().toArray());
    }

    /** Codes no longer known (a permission since removed) grant nothing. */
    private static Set<Permission> permissions(String[] codes) {
        Set<Permission> granted = EnumSet.noneOf(Permission.class);
        for (String code : codes) {
            Permission.ofCode(code).ifPresent(granted::add);
        }
        return granted;
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
