-- What a dbt project says of each model beside its code: how it is
-- materialised, its compiled SQL, and its documentation (description,
-- `meta.owner`, tags, columns with their tests) as JSON.
-- Twin of migrations/postgres/0016.

ALTER TABLE model_definitions ADD COLUMN materialized TEXT;
ALTER TABLE model_definitions ADD COLUMN compiled_sql TEXT;
ALTER TABLE model_definitions ADD COLUMN docs TEXT NOT NULL DEFAULT '{}';
