-- A conversion's upsert into report_changes left an hour already marked by this transaction as
-- it was only for its own hour and its conversation's (report_touch, report_touch_conv), not for
-- the hours of the invitations it may be credited to: each such hour got another row version in
-- the same transaction, which the next upsert then walked (migration 0002 says why that costs).
-- The same rule now holds for all three.
CREATE OR REPLACE FUNCTION report_conversion_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_mark BIGINT := report_next_mark();
BEGIN
  PERFORM report_touch(NEW.tenant_id, NEW.at, v_mark);
  PERFORM report_touch_conv(NEW.conversation_id, v_mark);
  INSERT INTO report_changes SELECT DISTINCT i.tenant_id, i.shown_at / 3600000, v_mark
    FROM invitations i WHERE (i.visitor_id = NEW.visitor_id AND i.shown_at >= NEW.at - 2592000000
      AND i.shown_at <= NEW.at) OR i.conversation_id = NEW.conversation_id
    ON CONFLICT (tenant_id, hour) DO UPDATE SET mark = excluded.mark
    WHERE report_changes.mark <> excluded.mark;
  RETURN NULL;
END $$;
