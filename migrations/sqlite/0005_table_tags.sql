-- Stewards' tags on tables (`gold`, `finance`, `deprecated`): searchable,
-- a facet, and visible to policies. Twin of migrations/postgres/0005.

ALTER TABLE tables ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
