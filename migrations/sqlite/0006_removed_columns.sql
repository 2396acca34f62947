-- A column that disappears from its table is marked removed instead of being
-- deleted, so a steward's decision on it (and its profile history) is kept and
-- comes back with the column. Twin of migrations/postgres/0006.

ALTER TABLE columns ADD COLUMN removed_at TEXT;
