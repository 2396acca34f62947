-- What a policy is about and what to do about it, kept with the policy so
-- search and reports can show it without its file. Twin of
-- migrations/sqlite/0004.

ALTER TABLE policies ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE policies ADD COLUMN remediation TEXT NOT NULL DEFAULT '';
