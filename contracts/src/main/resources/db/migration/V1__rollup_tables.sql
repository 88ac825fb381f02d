-- Rollup tables, one per granularity, holding the full mergeable state of each window.
-- The same migration runs with and without TimescaleDB:
--   with it:    hypertables, compression and retention policies per granularity;
--   without it: native range partitions, kept by pulse_partition_upkeep() (create ahead, drop expired),
--               plus a DEFAULT partition so no row is ever refused for lack of a partition.

CREATE TABLE rollup_table_policy (
    table_name         text PRIMARY KEY,
    granularity        text NOT NULL UNIQUE,
    partition_interval interval NOT NULL,
    retention          interval NOT NULL,
    compress_after     interval NOT NULL
);

INSERT INTO rollup_table_policy VALUES
    ('rollup_10s',        '10s',          interval '1 day',   interval '7 days',   interval '1 day'),
    ('rollup_5m_sliding', '5m-every-10s', interval '1 day',   interval '2 days',   interval '1 day'),
    ('rollup_1m',         '1m',           interval '7 days',  interval '90 days',  interval '7 days'),
    ('rollup_1h',         '1h',           interval '30 days', interval '730 days', interval '30 days');

-- Whether this database runs the TimescaleDB path; decided once, read by upkeep and by the docs' checks.
CREATE TABLE pulse_schema_mode (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    timescaledb boolean NOT NULL
);

DO $$
DECLARE
    use_timescale boolean :=
        EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
        AND current_setting('shared_preload_libraries') LIKE '%timescaledb%';
    policy record;
BEGIN
    IF use_timescale THEN
        CREATE EXTENSION IF NOT EXISTS timescaledb;
    END IF;
    INSERT INTO pulse_schema_mode (timescaledb) VALUES (use_timescale);

    FOR policy IN SELECT * FROM rollup_table_policy LOOP
        EXECUTE format($ddl$
            CREATE TABLE %I (
                tenant          text             NOT NULL,
                metric          text             NOT NULL,
                series          text             NOT NULL, -- canonical JSON of the series dimensions
                dimensions      jsonb            NOT NULL,
                bucket_start    timestamptz      NOT NULL,
                revision        integer          NOT NULL, -- 0 on time, +1 per late correction
                version         bigint           NOT NULL, -- per-series publication order
                count           bigint           NOT NULL,
                sum             double precision NOT NULL,
                min             double precision NOT NULL,
                max             double precision NOT NULL,
                quantile_sketch bytea            NOT NULL, -- DDSketch, 1%% relative accuracy
                distinct_sketch bytea,                     -- HyperLogLog (DataSketches), lgK 12
                updated_at      timestamptz      NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant, metric, series, bucket_start)
            ) %s$ddl$,
            policy.table_name,
            CASE WHEN use_timescale THEN '' ELSE 'PARTITION BY RANGE (bucket_start)' END);

        IF use_timescale THEN
            PERFORM create_hypertable(policy.table_name, 'bucket_start',
                                      chunk_time_interval => policy.partition_interval);
            EXECUTE format('ALTER TABLE %I SET (timescaledb.compress, '
                           'timescaledb.compress_segmentby = ''tenant, metric'', '
                           'timescaledb.compress_orderby = ''series, bucket_start'')', policy.table_name);
            PERFORM add_compression_policy(policy.table_name, policy.compress_after);
            PERFORM add_retention_policy(policy.table_name, policy.retention);
        ELSE
            EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT',
                           policy.table_name || '_default', policy.table_name);
        END IF;
        EXECUTE format('CREATE INDEX %I ON %I (tenant, metric, bucket_start)',
                       policy.table_name || '_tenant_metric_time', policy.table_name);
    END LOOP;
END $$;

-- Keeps native partitions: creates the ones from the retention horizon to two intervals ahead (moving
-- any rows the DEFAULT partition caught for that range), and drops those wholly past retention.
-- Returns what it did. With TimescaleDB, chunks and retention are TimescaleDB's job: a no-op.
CREATE FUNCTION pulse_partition_upkeep() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    policy     record;
    part       record;
    from_ts    timestamptz;
    part_name  text;
    created    integer := 0;
    dropped    integer := 0;
BEGIN
    IF (SELECT timescaledb FROM pulse_schema_mode) THEN
        RETURN 'timescaledb manages chunks and retention';
    END IF;
    FOR policy IN SELECT * FROM rollup_table_policy LOOP
        from_ts := date_bin(policy.partition_interval, now() - policy.retention, timestamptz '2000-01-01 00:00+00');
        WHILE from_ts < now() + 2 * policy.partition_interval LOOP
            part_name := policy.table_name || '_p' || to_char(from_ts AT TIME ZONE 'UTC', 'YYYYMMDD"t"HH24MI');
            IF to_regclass(part_name) IS NULL THEN
                EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part_name, policy.table_name);
                EXECUTE format('WITH moved AS (DELETE FROM %I WHERE bucket_start >= %L AND bucket_start < %L '
                               'RETURNING *) INSERT INTO %I SELECT * FROM moved',
                               policy.table_name || '_default', from_ts, from_ts + policy.partition_interval,
                               part_name);
                EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                               policy.table_name, part_name, from_ts, from_ts + policy.partition_interval);
                created := created + 1;
            END IF;
            from_ts := from_ts + policy.partition_interval;
        END LOOP;

        FOR part IN
            SELECT child.relname AS name
            FROM pg_inherits
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            WHERE parent.relname = policy.table_name AND child.relname LIKE policy.table_name || '\_p%'
        LOOP
            -- the name carries the partition's UTC start
            IF (to_timestamp(substring(part.name FROM '_p(\d{8}t\d{4})$'), 'YYYYMMDD"t"HH24MI')::timestamp
                    AT TIME ZONE 'UTC') + policy.partition_interval
               <= now() - policy.retention THEN
                EXECUTE format('DROP TABLE %I', part.name);
                dropped := dropped + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN format('created %s partitions, dropped %s', created, dropped);
END $$;

SELECT pulse_partition_upkeep();

-- Rejected events and messages, with their reason, for inspection and replay.
CREATE TABLE dead_letter (
    id             text PRIMARY KEY, -- derived from source, correlation id, index and reason
    source         text        NOT NULL,
    correlation_id text,
    event_index    integer     NOT NULL, -- -1: the whole message
    tenant         text,
    reason         text        NOT NULL,
    detail         text        NOT NULL,
    payload        text        NOT NULL,
    received_at    timestamptz NOT NULL,
    replayed_at    timestamptz
);

CREATE INDEX dead_letter_reason_time ON dead_letter (reason, received_at);
CREATE INDEX dead_letter_tenant_time ON dead_letter (tenant, received_at);
