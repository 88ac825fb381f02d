package io.pulse.contracts.rollup;

import java.time.Duration;
import java.util.Arrays;

/**
 * The windows Pulse stores. Each maps to one table (the whitelist of rollup tables: no other table name
 * is ever put into SQL) and has a retention period.
 */
public enum Granularity {
    TEN_SECONDS("10s", Duration.ofSeconds(10), Duration.ofSeconds(10), "rollup_10s"),
    ONE_MINUTE("1m", Duration.ofMinutes(1), Duration.ofMinutes(1), "rollup_1m"),
    ONE_HOUR("1h", Duration.ofHours(1), Duration.ofHours(1), "rollup_1h"),
    /** Five minutes advancing every ten seconds, assembled from 10 s panes. */
    SLIDING_FIVE_MINUTES("5m-every-10s", Duration.ofMinutes(5), Duration.ofSeconds(10), "rollup_5m_sliding");

    private final String code;
    private final long sizeMillis;
    private final long slideMillis;
    private final String table;

    Granularity(String code, Duration size, Duration slide, String table) {
        this.code = code;
        this.sizeMillis = size.toMillis();
        this.slideMillis = slide.toMillis();
        this.table = table;
    }

    public String code() {
        return code;
    }

    public long sizeMillis() {
        return sizeMillis;
    }

    public long slideMillis() {
        return slideMillis;
    }

    public String table() {
        return table;
    }

    /**
     * The view the serving tier's tenant role reads this granularity through (migration V5): the rows of
     * the transaction's tenant only; the role has no privilege on the table itself.
     */
    public String tenantView() {
        return "tenant_" + table;
    }

    /** Start of the tumbling bucket holding {@code timestamp}. Only meaningful for tumbling granularities. */
    public long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, sizeMillis) * sizeMillis;
    }

    public static Granularity fromCode(String code) {
        return Arrays.stream(values()).filter(g -> g.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown granularity: " + code));
    }
}
