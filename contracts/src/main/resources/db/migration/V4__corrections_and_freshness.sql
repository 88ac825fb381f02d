-- Late events become corrections of stored rows (docs/adr/0004-late-events-correct-stored-rows.md).

-- Ids of correction batches already merged, claimed in the same transaction as the merge, so a batch
-- committed again after a recovery changes nothing. The job forgets claims after seven days.
CREATE TABLE rollup_correction_commit (
    id           uuid        PRIMARY KEY,
    committed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rollup_correction_commit_time ON rollup_correction_commit (committed_at);

-- Per-tenant freshness, read by the serving tier: the newest event time seen (never past the wall
-- clock), kept by the job's freshness sink ...
CREATE TABLE tenant_event_time (
    tenant     text        PRIMARY KEY,
    event_time timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- ... and the corrections applied, kept by the corrections committer in the transaction of each merge
-- (two tables, so the two writers never wait on each other's row locks).
CREATE TABLE tenant_corrections (
    tenant             text        PRIMARY KEY,
    late_events        bigint      NOT NULL DEFAULT 0, -- events merged into stored 10 s rows
    corrected_rows     bigint      NOT NULL DEFAULT 0, -- rows of every granularity corrected
    last_correction_at timestamptz
);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['tenant_event_time', 'tenant_corrections'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I '
                       'USING (tenant = current_setting(''pulse.tenant'', true)) '
                       'WITH CHECK (tenant = current_setting(''pulse.tenant'', true))', tenant_table);
    END LOOP;
END $$;

GRANT SELECT ON tenant_event_time, tenant_corrections TO pulse_tenant;
