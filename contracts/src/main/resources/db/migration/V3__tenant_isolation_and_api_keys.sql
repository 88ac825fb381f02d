-- Tenant isolation's second wall (docs/security.md): the serving tier runs each tenant's work in a
-- transaction as role pulse_tenant with the tenant in the setting pulse.tenant (both transaction-local),
-- and these row-level security policies admit only that tenant's rows, whatever a query's own WHERE says.
-- The schema owner (the migrations, the rollup job writing every tenant) is not subject to them.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pulse_tenant') THEN
        CREATE ROLE pulse_tenant NOLOGIN;
    END IF;
EXCEPTION
    -- roles are shared by all databases of the server: another database's migration created it first
    WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- the owner switches to the role per transaction (SET LOCAL ROLE)
GRANT pulse_tenant TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO pulse_tenant;

-- API keys for ingest and other machine clients: only a hash of the key is kept; the key is shown once.
CREATE TABLE api_key (
    id           uuid        PRIMARY KEY,
    tenant       text        NOT NULL,
    name         text        NOT NULL,
    prefix       text        NOT NULL, -- the key's first characters, to tell keys apart in lists
    secret_hash  bytea       NOT NULL UNIQUE, -- SHA-256 of the whole key (256 random bits: no need to stretch)
    permissions  text[]      NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE INDEX api_key_tenant_created ON api_key (tenant, created_at, id);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['rollup_10s', 'rollup_5m_sliding', 'rollup_1m', 'rollup_1h',
                                        'dashboard', 'api_key'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant = current_setting(''pulse.tenant'', true)) '
                       'WITH CHECK (tenant = current_setting(''pulse.tenant'', true))', tenant_table);
    END LOOP;
END $$;

-- rollups are written by the job only; dashboards and API keys are the serving tier's own
GRANT SELECT ON rollup_10s, rollup_5m_sliding, rollup_1m, rollup_1h TO pulse_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON dashboard, api_key TO pulse_tenant;
