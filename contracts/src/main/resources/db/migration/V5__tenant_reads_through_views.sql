-- Tenant isolation's second wall, the same on every storage path (docs/adr/0005): the serving tier's
-- tenant role reads rollups only through security-barrier views that admit the rows of the transaction's
-- tenant (pulse.tenant), and holds no privilege on the rollup tables themselves. So nothing it can reach
-- is unguarded: not native partitions, not TimescaleDB chunks (which copy their hypertable's grants but
-- never its row-level security), not compressed chunks. Row-level security leaves the rollup tables,
-- since TimescaleDB refuses it together with compression, and compression comes back where V3 needed it
-- off (TimescaleMigrationCallback). The plain tables (dashboards, API keys, freshness, corrections) keep
-- their row-level security from V3 and V4: they are neither hypertables nor partitioned.

DO $$
DECLARE
    timescale boolean := (SELECT timescaledb FROM pulse_schema_mode);
    rollup record;
BEGIN
    FOR rollup IN SELECT * FROM rollup_table_policy LOOP
        -- on a hypertable, TimescaleDB carries the revoke to every chunk, compressed ones included
        EXECUTE format('REVOKE ALL ON %I FROM pulse_tenant', rollup.table_name);
        EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %I', rollup.table_name);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', rollup.table_name);

        -- security_barrier: the caller's own conditions run only on rows the tenant condition admitted;
        -- not security_invoker: the view reads the table with its owner's rights, not the tenant role's
        EXECUTE format('CREATE VIEW %I WITH (security_barrier = true, security_invoker = false) AS '
                       'SELECT * FROM %I WHERE tenant = current_setting(''pulse.tenant'', true)',
                       'tenant_' || rollup.table_name, rollup.table_name);
        EXECUTE format('GRANT SELECT ON %I TO pulse_tenant', 'tenant_' || rollup.table_name);

        -- nested: on plain PostgreSQL the TimescaleDB names below must never be parsed
        IF timescale AND current_setting('timescaledb.license', true) IS DISTINCT FROM 'apache' THEN
            IF NOT EXISTS (SELECT 1 FROM timescaledb_information.hypertables
                           WHERE hypertable_schema = current_schema() AND hypertable_name = rollup.table_name
                             AND compression_enabled) THEN
                EXECUTE format('ALTER TABLE %I SET (timescaledb.compress, '
                               'timescaledb.compress_segmentby = ''tenant, metric'', '
                               'timescaledb.compress_orderby = ''series, bucket_start'')', rollup.table_name);
            END IF;
            PERFORM add_compression_policy(rollup.table_name::regclass, rollup.compress_after,
                                           if_not_exists => true);
        END IF;
    END LOOP;
END $$;
