-- The code each ingested model is defined by, as its file was written
-- (templating and comments kept): the `instructions-in-data` policy reads it,
-- and its checksum tells a changed file from an unchanged one. One row per
-- model, replaced when the model is ingested again.
-- Twin of migrations/postgres/0011.

CREATE TABLE model_definitions (
    id          INTEGER PRIMARY KEY,
    origin_ref  TEXT NOT NULL UNIQUE,
    model       TEXT NOT NULL,
    path        TEXT NOT NULL,
    text        TEXT NOT NULL,
    checksum    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX model_definitions_model ON model_definitions (model);
