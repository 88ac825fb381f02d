-- Dashboards of the serving tier: tenant-scoped, versioned for optimistic concurrency.
CREATE TABLE dashboard (
    id              uuid        PRIMARY KEY,
    tenant          text        NOT NULL,
    name            text        NOT NULL,
    default_range   text        NOT NULL, -- ISO-8601 duration back from now, e.g. PT1H
    refresh_seconds integer     NOT NULL,
    widgets         jsonb       NOT NULL, -- [{type, title, query, x, y, w, h}]
    version         bigint      NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dashboard_tenant_name ON dashboard (tenant, name, id);
