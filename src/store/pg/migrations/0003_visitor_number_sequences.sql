-- A visitor's number (its tenant's count of visitors, "Visitor #123" in the console) from a
-- sequence per tenant, visitor_number_<tenant id>, instead of tenants.visitor_count. Each new
-- visitor's UPDATE of the tenant's row held that row's lock until its transaction committed, so
-- the new visitors of one tenant waited on each other across every node: 50,000 new visitors
-- over three nodes spent nearly all their store time waiting there (scripts/bench.sh fifty). A
-- sequence takes no lock; a number taken by a transaction that rolls back is not used again (a
-- gap, as with ids). tenants.visitor_count stays SQLite's counter and is not kept up here.
CREATE FUNCTION visitor_numbers_sync() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t RECORD;
BEGIN
  -- Every tenant's sequence, made if missing and set past the numbers already given (a
  -- database copied from SQLite arrives with its counters, and its triggers were off).
  FOR t IN SELECT id, GREATEST(visitor_count, (SELECT COALESCE(MAX(number), 0) FROM visitors v
                                                WHERE v.tenant_id = tenants.id)) AS used FROM tenants LOOP
    EXECUTE format('CREATE SEQUENCE IF NOT EXISTS visitor_number_%s', t.id);
    PERFORM setval(format('visitor_number_%s', t.id)::regclass, GREATEST(t.used, 1), t.used > 0);
  END LOOP;
END $$;

CREATE FUNCTION visitor_number_create() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE SEQUENCE visitor_number_%s', NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER visitor_number_create AFTER INSERT ON tenants
  FOR EACH ROW EXECUTE FUNCTION visitor_number_create();

SELECT visitor_numbers_sync();
