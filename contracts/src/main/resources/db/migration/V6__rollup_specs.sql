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
