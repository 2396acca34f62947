-- Documentation drafted by the agents waits here for a steward: a proposed
-- description of a table or one of its columns, what it was drafted from,
-- and the steward's decision. Approving one writes the description; nothing
-- is applied without a steward. Columns get a description of their own,
-- kept across scans (a scan only rewrites the source's comment).
-- Twin of migrations/postgres/0010.

ALTER TABLE columns ADD COLUMN description TEXT;
-- What the last scan found in the column's sampled values that is aimed at
-- AI assistants (the values themselves are not kept).
ALTER TABLE columns ADD COLUMN value_warning TEXT;

CREATE TABLE proposals (
    id            INTEGER PRIMARY KEY,
    table_id      INTEGER NOT NULL REFERENCES tables (id) ON DELETE CASCADE,
    column_name   TEXT,
    proposed_text TEXT    NOT NULL,
    current_text  TEXT,
    drafted_from  TEXT    NOT NULL DEFAULT '[]',
    drafted_by    TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    decided_by    TEXT,
    decided_at    TEXT,
    reason        TEXT,
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL
);
CREATE INDEX proposals_status ON proposals (status, table_id);
