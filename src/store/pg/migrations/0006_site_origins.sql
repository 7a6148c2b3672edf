-- The pages a site's widget may run on: their origins, comma-separated; '' any page (SQLite
-- migration 32).
ALTER TABLE sites ADD COLUMN origins TEXT NOT NULL DEFAULT '';
