-- Upgrades of stored data that SQL cannot express (stored SQL rewritten in
-- its normalised form, literals out), applied once each by the service when
-- it opens the catalog, and recorded here by name.
-- Twin of migrations/postgres/0009.

CREATE TABLE data_upgrades (
    name       TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
);
