-- Steward catalog, first schema. SQLite flavour; migrations/postgres/0001 is its twin.
-- Timestamps are RFC 3339 text in UTC; lists and maps are JSON text.

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    kind        TEXT    NOT NULL,
    url         TEXT    NOT NULL,
    options     TEXT    NOT NULL DEFAULT '{}',
    description TEXT,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);

CREATE TABLE tables (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    schema_name       TEXT,
    name              TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    description       TEXT,
    owner             TEXT,
    view_sql          TEXT,
    format            TEXT,
    row_count         INTEGER,
    size_bytes        INTEGER,
    file_count        INTEGER,
    partition_columns TEXT    NOT NULL DEFAULT '[]',
    last_modified     TEXT,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE UNIQUE INDEX tables_source_schema_name ON tables (source_id, COALESCE(schema_name, ''), name);

CREATE TABLE columns (
    id          INTEGER PRIMARY KEY,
    table_id    INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    position    INTEGER NOT NULL,
    data_type   TEXT    NOT NULL,
    nullable    BOOLEAN NOT NULL,
    comment     TEXT,
    primary_key BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    UNIQUE (table_id, name)
);

CREATE TABLE column_profiles (
    id                INTEGER PRIMARY KEY,
    column_id         INTEGER NOT NULL REFERENCES columns (id) ON DELETE CASCADE,
    profiled_at       TEXT    NOT NULL,
    row_count         INTEGER NOT NULL,
    null_count        INTEGER NOT NULL,
    distinct_approx   INTEGER,
    min_value         TEXT,
    max_value         TEXT,
    mean              REAL,
    stddev            REAL,
    min_length        INTEGER,
    avg_length        REAL,
    max_length        INTEGER,
    top_values        TEXT    NOT NULL DEFAULT '[]',
    sampling_method   TEXT    NOT NULL,
    sampling_fraction REAL    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL
);
CREATE INDEX column_profiles_column ON column_profiles (column_id, profiled_at);

CREATE TABLE classifications (
    id               INTEGER PRIMARY KEY,
    column_id        INTEGER NOT NULL REFERENCES columns (id) ON DELETE CASCADE,
    label            TEXT    NOT NULL,
    confidence       REAL    NOT NULL,
    evidence         TEXT    NOT NULL DEFAULT '[]',
    origin           TEXT    NOT NULL,
    verdict          TEXT    NOT NULL,
    detector_version TEXT,
    decided_by       TEXT,
    reason           TEXT,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE INDEX classifications_column ON classifications (column_id);
CREATE INDEX classifications_label ON classifications (label);

CREATE TABLE lineage_edges (
    id          INTEGER PRIMARY KEY,
    from_table  TEXT NOT NULL,
    from_column TEXT,
    to_table    TEXT NOT NULL,
    to_column   TEXT,
    kind        TEXT NOT NULL,
    confidence  REAL NOT NULL,
    reason      TEXT,
    origin      TEXT NOT NULL,
    origin_ref  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX lineage_edges_from ON lineage_edges (from_table, from_column);
CREATE INDEX lineage_edges_to ON lineage_edges (to_table, to_column);

CREATE TABLE policies (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    severity   TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '[]',
    path       TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE findings (
    id           INTEGER PRIMARY KEY,
    policy_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    asset        TEXT NOT NULL,
    message      TEXT NOT NULL,
    severity     TEXT NOT NULL,
    status       TEXT NOT NULL,
    actor        TEXT,
    reason       TEXT,
    waived_until TEXT,
    first_seen   TEXT NOT NULL,
    last_seen    TEXT NOT NULL,
    resolved_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX findings_status ON findings (status, severity);

CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    status      TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    error       TEXT,
    stats       TEXT NOT NULL DEFAULT 'null',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX job_runs_job ON job_runs (job, created_at);

CREATE TABLE usage_records (
    id            INTEGER PRIMARY KEY,
    query_id      TEXT,
    user_name     TEXT,
    sql_text      TEXT    NOT NULL,
    tables        TEXT    NOT NULL DEFAULT '[]',
    bytes_scanned INTEGER,
    duration_ms   INTEGER,
    executed_at   TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX usage_records_executed ON usage_records (executed_at);

CREATE TABLE audit_events (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    details    TEXT NOT NULL DEFAULT 'null',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX audit_events_target ON audit_events (target, at);
