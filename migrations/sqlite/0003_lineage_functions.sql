-- The functions a column edge's value went through (`sha256`, `count`), so
-- sensitivity can stop where a hash, mask or count removes it. Twin of
-- migrations/postgres/0003.

ALTER TABLE lineage_edges ADD COLUMN functions TEXT NOT NULL DEFAULT '[]';
