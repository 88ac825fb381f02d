-- Versions of the rollup specs data engineers submit (docs/jobs.md): every version is kept, so a
-- rollup's history can be listed and any two versions diffed. Platform-wide, not per tenant: a rollup
-- job reads every tenant's shards, and only callers with jobs:manage may add versions.
CREATE TABLE rollup_spec_version (
    name        text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    version     integer     NOT NULL CHECK (version > 0),
    document    jsonb       NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version)
);

-- Which version of a rollup runs as which Flink job (the jobs API's deploy, upgrade and stop): the newest
-- row of a rollup is its current deployment; stopped ones keep the savepoint they ended with.
CREATE TABLE rollup_deployment (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    cluster     text        NOT NULL,
    job_id      text        NOT NULL,
    restored_from text,
    stopped_with  text,
    deployed_by text        NOT NULL,
    deployed_at timestamptz NOT NULL DEFAULT now(),
    stopped_at  timestamptz,
    FOREIGN KEY (name, version) REFERENCES rollup_spec_version (name, version)
);
CREATE INDEX rollup_deployment_newest ON rollup_deployment (name, id DESC);
