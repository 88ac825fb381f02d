-- A deployed rollup spec's retention for one of its windows (docs/jobs.md): the rollup tables are shared
-- by every rollup, so a spec may lengthen a table's retention but never shorten it (that would delete
-- other rollups' rows). Returns the table's retention afterwards. On the TimescaleDB path the table's
-- retention policy is replaced; on the native path pulse_partition_upkeep() reads the new value.
CREATE FUNCTION pulse_keep_at_least(wanted text, keep interval) RETURNS interval
LANGUAGE plpgsql AS $$
DECLARE
    policy rollup_table_policy%ROWTYPE;
BEGIN
    UPDATE rollup_table_policy SET retention = keep
     WHERE granularity = wanted AND retention < keep
     RETURNING * INTO policy;
    IF NOT FOUND THEN
        SELECT * INTO policy FROM rollup_table_policy WHERE granularity = wanted;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no rollup table stores % windows', wanted;
        END IF;
        RETURN policy.retention;
    END IF;
    IF (SELECT timescaledb FROM pulse_schema_mode) THEN
        PERFORM remove_retention_policy(policy.table_name, if_exists => true);
        PERFORM add_retention_policy(policy.table_name, policy.retention);
    END IF;
    RETURN policy.retention;
END $$;
