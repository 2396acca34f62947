-- What scheduled jobs remember between runs: the files an `ingest` job has
-- read (by path and checksum, so the next run reads only new or changed
-- ones), and the catalog's cost totals a `cost_snapshot` job keeps, for
-- cost over time.
-- Twin of migrations/postgres/0014.

CREATE TABLE ingested_files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    checksum    TEXT NOT NULL,
    input       TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE cost_snapshots (
    id              INTEGER PRIMARY KEY,
    taken_at        TEXT NOT NULL,
    currency        TEXT NOT NULL,
    tables          INTEGER NOT NULL,
    storage_bytes   INTEGER NOT NULL,
    storage_monthly REAL NOT NULL,
    compute_monthly REAL NOT NULL,
    savings_monthly REAL NOT NULL,
    queries         INTEGER NOT NULL,
    bytes_scanned   INTEGER NOT NULL,
    top_tables      TEXT NOT NULL DEFAULT 'null',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX cost_snapshots_taken_at ON cost_snapshots (taken_at);
