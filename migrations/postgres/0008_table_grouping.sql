-- Why a file-lake table's files were read as one table (part files, files
-- numbered alike, Hive partitions), shown by `steward tables`.
-- Twin of migrations/sqlite/0008.

ALTER TABLE tables ADD COLUMN grouping TEXT;
