-- Scans record when they reached a source or table and why they failed; drift
-- is kept as change events. Twin of migrations/postgres/0002.

ALTER TABLE sources ADD COLUMN scanned_at TEXT;
ALTER TABLE sources ADD COLUMN scan_error TEXT;

ALTER TABLE tables ADD COLUMN scanned_at TEXT;
ALTER TABLE tables ADD COLUMN scan_error TEXT;
ALTER TABLE tables ADD COLUMN dropped_at TEXT;

CREATE TABLE change_events (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    table_id     INTEGER REFERENCES tables (id) ON DELETE SET NULL,
    table_name   TEXT    NOT NULL,
    column_name  TEXT,
    kind         TEXT    NOT NULL,
    before_value TEXT,
    after_value  TEXT,
    detected_at  TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL
);
CREATE INDEX change_events_table ON change_events (table_id, detected_at);
CREATE INDEX change_events_source ON change_events (source_id, detected_at);
