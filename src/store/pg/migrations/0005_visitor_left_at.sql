-- When the visitor of an open conversation left (their last tab gone for the grace period), for
-- the console to show; cleared when they come back (SQLite migration 31).
ALTER TABLE conversations ADD COLUMN visitor_left_at BIGINT;
