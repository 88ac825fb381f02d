package io.pulse.rollup.correction;

import io.pulse.contracts.rollup.Granularity;
import io.pulse.contracts.rollup.RedisKeys;
import io.pulse.contracts.rollup.Rollup;
import io.pulse.contracts.rollup.RollupAggregate;
import io.pulse.contracts.rollup.SeriesKey;
import io.pulse.rollup.sink.JdbcTarget;
import io.pulse.rollup.sink.Publication;
import io.pulse.rollup.sink.RedisPublicationSink;
import io.pulse.rollup.sink.RedisPublisher;
import io.pulse.rollup.sink.RollupRows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link CorrectionSink.Batch} in one transaction: claims the batch's id in
 * {@code rollup_correction_commit}, locks the rows it corrects, writes each merged row with its revision
 * raised and its version above the stored one, and adds the tenant's counts to
 * {@code tenant_corrections}. If the id was claimed before (a commit repeated after a recovery) nothing
 * is written again. Either way the rows as stored are then published on Redis like any result, so a
 * publication lost to a crash after the database commit is sent on the repeat.
 */
final class CorrectionCommitter implements Committer<CorrectionSink.Batch> {

    private static final Logger LOG = LoggerFactory.getLogger(CorrectionCommitter.class);
    private static final int MAX_RETRIES = 5;
    /** Claimed ids are kept this long: a batch can only come back from a checkpoint or savepoint holding it. */
    private static final String FORGET_OLD_CLAIMS =
            "DELETE FROM rollup_correction_commit WHERE committed_at < now() - interval '7 days'";
    private static final long FORGET_EVERY_MILLIS = 3_600_000;

    private final JdbcTarget target;
    private final RedisKeys keys;
    private final RedisPublisher publisher;
    private final Counter applied;
    private Connection connection;
    private long forgotAt;

    /** {@code applied} counts the corrections merged into stored rows (not those of a batch merged before). */
    CorrectionCommitter(JdbcTarget target, String redisUri, RedisKeys keys, RedisPublicationSink.Retention retention,
                        Counter applied) {
        this.target = target;
        this.applied = applied;
        this.keys = keys;
        this.publisher = new RedisPublisher(redisUri, retention);
    }

    @Override
    public void commit(Collection<CommitRequest<CorrectionSink.Batch>> requests) {
        for (CommitRequest<CorrectionSink.Batch> request : requests) {
            try {
                List<Rollup> rows = apply(request.getCommittable());
                publisher.publish(rows.stream().map(rollup -> Publication.of(rollup, keys)).toList(), true);
            } catch (Exception e) {
                LOG.warn("correction batch {} not committed (attempt {})", request.getCommittable().id(),
                        request.getNumberOfRetries() + 1, e);
                closeConnection();
                if (request.getNumberOfRetries() < MAX_RETRIES) {
                    request.retryLater();
                } else {
                    request.signalFailedWithUnknownReason(e);
                }
            }
        }
    }

    /** Returns the corrected rows as they are stored after the batch. */
    List<Rollup> apply(CorrectionSink.Batch batch) throws SQLException {
        Connection db = connection();
        try {
            boolean claimed;
            try (PreparedStatement claim = db.prepareStatement(
                    "INSERT INTO rollup_correction_commit (id) VALUES (?) ON CONFLICT (id) DO NOTHING")) {
                claim.setObject(1, batch.id());
                claimed = claim.executeUpdate() == 1;
            }
            List<Rollup> rows = new ArrayList<>();
            for (Map.Entry<Granularity, List<Correction>> table : byTable(batch.corrections()).entrySet()) {
                Map<Correction.Row, Rollup> stored = lockRows(db, table.getKey(), table.getValue());
                if (claimed) {
                    rows.addAll(write(db, table.getKey(), table.getValue(), stored));
                } else {
                    rows.addAll(stored.values());
                }
            }
            if (claimed) {
                count(db, batch.corrections());
            }
            forgetOldClaims(db);
            db.commit();
            if (claimed) {
                applied.inc(batch.corrections().size());
            }
            return rows;
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        }
    }

    /** Tables in a fixed order and rows sorted within each, so concurrent batches lock in one order. */
    private static Map<Granularity, List<Correction>> byTable(List<Correction> corrections) {
        Map<Granularity, List<Correction>> tables = new TreeMap<>();
        for (Correction correction : corrections) {
            tables.computeIfAbsent(correction.granularity(), g -> new ArrayList<>()).add(correction);
        }
        Comparator<Correction> order = Comparator.comparing((Correction c) -> c.key().tenant())
                .thenComparing(c -> c.key().metric()).thenComparing(c -> c.key().series())
                .thenComparingLong(Correction::bucketStart);
        tables.values().forEach(list -> list.sort(order));
        return tables;
    }

    private static Map<Correction.Row, Rollup> lockRows(Connection db, Granularity granularity,
                                                        List<Correction> corrections) throws SQLException {
        int n = corrections.size();
        String[] tenants = new String[n];
        String[] metrics = new String[n];
        String[] series = new String[n];
        String[] starts = new String[n];
        for (int i = 0; i < n; i++) {
            Correction c = corrections.get(i);
            tenants[i] = c.key().tenant();
            metrics[i] = c.key().metric();
            series[i] = c.key().series();
            starts[i] = instant(c.bucketStart());
        }
        Map<Correction.Row, Rollup> rows = new HashMap<>();
        // one primary-key probe per row, in the batch's (sorted) order, so rows are locked in that order and
        // the planner never scans a whole table (a plain join did, taking a minute on a day of rows)
        try (PreparedStatement select = db.prepareStatement("SELECT t.tenant, t.metric, t.series, t.bucket_start,"
                + " t.revision, t.version, t.count, t.sum, t.min, t.max, t.quantile_sketch, t.distinct_sketch"
                + " FROM unnest(?::text[], ?::text[], ?::text[], ?::timestamptz[]) AS k(tenant, metric, series, bucket_start)"
                + " CROSS JOIN LATERAL (SELECT * FROM " + granularity.table() + " r" // from the enum's whitelist
                + " WHERE r.tenant = k.tenant AND r.metric = k.metric AND r.series = k.series"
                + " AND r.bucket_start = k.bucket_start FOR UPDATE) t")) {
            select.setArray(1, db.createArrayOf("text", tenants));
            select.setArray(2, db.createArrayOf("text", metrics));
            select.setArray(3, db.createArrayOf("text", series));
            select.setArray(4, db.createArrayOf("timestamptz", starts));
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    SeriesKey key = new SeriesKey(rs.getString(1), rs.getString(2), rs.getString(3));
                    long bucketStart = rs.getTimestamp(4).getTime();
                    RollupAggregate aggregate = RollupAggregate.fromStored(rs.getLong(7), rs.getDouble(8),
                            rs.getDouble(9), rs.getDouble(10), rs.getBytes(11), rs.getBytes(12));
                    rows.put(new Correction.Row(key, granularity, bucketStart),
                            new Rollup(key, granularity, bucketStart, rs.getInt(5), rs.getLong(6), aggregate));
                }
            }
        }
        return rows;
    }

    /** Merges each correction into its stored row (or starts the row) and writes them all in one statement. */
    private static List<Rollup> write(Connection db, Granularity granularity, List<Correction> corrections,
                                      Map<Correction.Row, Rollup> stored) throws SQLException {
        int n = corrections.size();
        List<Rollup> written = new ArrayList<>(n);
        Object[][] columns = new Object[12][n];
        Base64.Encoder base64 = Base64.getEncoder();
        for (int i = 0; i < n; i++) {
            Correction c = corrections.get(i);
            Rollup before = stored.get(c.row());
            Rollup after;
            if (before == null) {
                after = new Rollup(c.key(), granularity, c.bucketStart(), 0, c.version(), c.delta());
            } else {
                RollupAggregate merged = before.aggregate().copy();
                merged.merge(c.delta());
                after = new Rollup(c.key(), granularity, c.bucketStart(), before.revision() + 1,
                        Math.max(before.version() + 1, c.version()), merged);
            }
            RollupAggregate aggregate = after.aggregate();
            byte[] distinct = aggregate.distinctSketchBytes();
            Object[] row = {c.key().tenant(), c.key().metric(), c.key().series(), instant(c.bucketStart()),
                after.revision(), after.version(), aggregate.count(), aggregate.sum(), aggregate.min(), aggregate.max(),
                base64.encodeToString(aggregate.quantileSketchBytes()),
                distinct == null ? null : base64.encodeToString(distinct)};
            for (int column = 0; column < row.length; column++) {
                columns[column][i] = row[column];
            }
            written.add(after);
        }
        String[] types = {"text", "text", "text", "timestamptz", "int4", "int8", "int8", "float8", "float8", "float8",
            "text", "text"};
        try (PreparedStatement upsert = db.prepareStatement(RollupRows.upsertAll(granularity))) {
            for (int column = 0; column < types.length; column++) {
                upsert.setArray(column + 1, db.createArrayOf(types[column], columns[column]));
            }
            upsert.executeUpdate();
        }
        return written;
    }

    /** An ISO-8601 instant with its zone, so PostgreSQL reads it the same in every session time zone. */
    private static String instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Late events (those that corrected a 10 s pane) and corrected rows, per tenant, in tenant order. */
    private static void count(Connection db, List<Correction> corrections) throws SQLException {
        Map<String, long[]> perTenant = new TreeMap<>();
        for (Correction c : corrections) {
            long[] counts = perTenant.computeIfAbsent(c.key().tenant(), t -> new long[2]);
            if (c.granularity() == Granularity.TEN_SECONDS) {
                counts[0] += c.delta().count();
            }
            counts[1]++;
        }
        try (PreparedStatement add = db.prepareStatement("INSERT INTO tenant_corrections AS c"
                + " (tenant, late_events, corrected_rows, last_correction_at) VALUES (?, ?, ?, now())"
                + " ON CONFLICT (tenant) DO UPDATE SET late_events = c.late_events + EXCLUDED.late_events,"
                + " corrected_rows = c.corrected_rows + EXCLUDED.corrected_rows, last_correction_at = now()")) {
            for (Map.Entry<String, long[]> tenant : perTenant.entrySet()) {
                add.setString(1, tenant.getKey());
                add.setLong(2, tenant.getValue()[0]);
                add.setLong(3, tenant.getValue()[1]);
                add.addBatch();
            }
            add.executeBatch();
        }
    }

    private void forgetOldClaims(Connection db) throws SQLException {
        long now = System.currentTimeMillis();
        if (now - forgotAt >= FORGET_EVERY_MILLIS) {
            try (PreparedStatement forget = db.prepareStatement(FORGET_OLD_CLAIMS)) {
                forget.executeUpdate();
            }
            forgotAt = now;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(target.url(), target.user(), target.password());
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing a failed connection", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closeConnection();
        publisher.close();
    }
}
