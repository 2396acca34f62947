-- The SQL endpoint's logins (SCRAM-SHA-256): a verifier per password, in
-- PostgreSQL's form (salt, StoredKey, ServerKey), from which the password
-- cannot be used to log in. Written when a password is set; users whose
-- password was set before have none until it is set again.
-- Twin of migrations/sqlite/0015.

ALTER TABLE users ADD COLUMN scram_verifier TEXT;
