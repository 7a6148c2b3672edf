-- One report mark per transaction, not per row written. A group commit writes the rows of many
-- jobs in one transaction; each took the next mark with an UPDATE of report_seq's one row, and
-- touched its hour in report_changes with an upsert. PostgreSQL keeps every version of a row
-- updated again in the same transaction, and each later UPDATE walks them all: 19,000
-- page views in a burst made the writer's backend the busiest process on the machine (and held
-- report_seq's row lock meanwhile, which every other node's commit waits for). Now the first
-- change of a transaction takes the mark and keeps it in a transaction-local setting (undone
-- with a savepoint rolled back, as the UPDATE is); an hour already marked with it is left as it
-- is. The marks still follow the order in which the transactions commit (report_seq's row lock),
-- and the report worker rolls the changes of one mark together (src/reports/rollups.cc).
CREATE OR REPLACE FUNCTION report_next_mark() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  v_mark text := current_setting('tiski.report_mark', true);
BEGIN
  IF v_mark IS NULL OR v_mark = '' THEN
    UPDATE report_seq SET n = n + 1 RETURNING n::text INTO v_mark;
    PERFORM set_config('tiski.report_mark', v_mark, true);
  END IF;
  RETURN v_mark::bigint;
END $$;

CREATE OR REPLACE FUNCTION report_touch(p_tenant bigint, p_at bigint, p_mark bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_changes VALUES (p_tenant, p_at / 3600000, p_mark)
    ON CONFLICT (tenant_id, hour) DO UPDATE SET mark = excluded.mark
    WHERE report_changes.mark <> excluded.mark $$;

CREATE OR REPLACE FUNCTION report_touch_conv(p_conv bigint, p_mark bigint) RETURNS void LANGUAGE sql AS $$
  INSERT INTO report_changes SELECT c.tenant_id, c.created_at / 3600000, p_mark FROM conversations c
    WHERE c.id = p_conv
    ON CONFLICT (tenant_id, hour) DO UPDATE SET mark = excluded.mark
    WHERE report_changes.mark <> excluded.mark $$;
