-- Stewards' tags on tables (`gold`, `finance`, `deprecated`): searchable,
-- a facet, and visible to policies. Twin of migrations/sqlite/0005.

ALTER TABLE tables ADD COLUMN tags JSONB NOT NULL DEFAULT '[]'::jsonb;
