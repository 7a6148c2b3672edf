-- How far above its corner's usual place the widget sits (px), clear of the shop's own buttons
-- (SQLite migration 33).
ALTER TABLE sites ADD COLUMN lift BIGINT NOT NULL DEFAULT 0;
