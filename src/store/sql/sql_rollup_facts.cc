// The reads behind the report rollups (src/reports/): which hours of a tenant changed since a
// mark (report_changes, kept by the triggers of migration 12), and everything one of its days
// rolls up from.

#include "store/sql/sql_internal.h"

namespace tiski {

namespace {

#define FACT_CONVERSION_COLUMNS                                                                            \
  "x.id, x.tenant_id, x.site_id, x.visitor_id, x.kind, x.ref, x.value_cents, x.currency, x.at, x.source, " \
  "x.conversation_id, x.agent_id"

Conversion fact_conversion(auto& q) {
  return Conversion{q.i64(0), q.i64(1),  q.i64(2), q.opt(3),  q.text(4), q.text(5),
                    q.i64(6), q.text(7), q.i64(8), q.text(9), q.opt(10), q.opt(11)};
}

}  // namespace

Result<std::vector<ReportChange>> SqlStore::report_changes(Id tenant_id, std::int64_t after_mark, std::size_t limit) {
  PREPARE(q, "SELECT hour, mark FROM report_changes WHERE tenant_id = ? AND mark > ? ORDER BY mark LIMIT ?");
  q.bind(tenant_id, after_mark, static_cast<std::int64_t>(limit));
  std::vector<ReportChange> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back({q.i64(0), q.i64(1)});
  if (rc != kDone) return q.error("reading report changes");
  return out;
}

Result<ReportDayFacts> SqlStore::report_day_facts(Id tenant_id, Millis from, Millis to, Millis window_ms) {
  ReportDayFacts f;
  ReportQuery rq;
  rq.tenant_id = tenant_id;
  rq.from = from;
  rq.to = to;
  rq.limit = static_cast<std::size_t>(1) << 40;
  f.convs = TRY(report_conversations(rq));
  int rc;
  {
    PREPARE(q, "SELECT " FACT_CONVERSION_COLUMNS
               ", COALESCE(c.origin, ''), COALESCE(c.team_id, 0) FROM conversions x "
               "LEFT JOIN conversations c ON c.id = x.conversation_id "
               "WHERE x.tenant_id = ? AND x.at >= ? AND x.at < ? ORDER BY x.at, x.id");
    q.bind(tenant_id, from, to);
    while ((rc = q.step()) == kRow) f.sales.push_back({fact_conversion(q), q.text(12), q.i64(13)});
    if (rc != kDone) return q.error("reading a day's sales");
  }
  {
    PREPARE(q, "SELECT " FACT_CONVERSION_COLUMNS
               " FROM conversations c JOIN conversions x ON x.conversation_id = c.id "
               "WHERE c.tenant_id = ? AND c.created_at >= ? AND c.created_at < ? ORDER BY x.at, x.id");
    q.bind(tenant_id, from, to);
    while ((rc = q.step()) == kRow) f.credited_to_day.push_back(fact_conversion(q));
    if (rc != kDone) return q.error("reading a day's credited orders");
  }
  {
    // By the time index (SQLite: the unary + keeps the planner from reading every visitor of the
    // tenant; PostgreSQL: the + would hide that the tenant is most visitors, and it hashed them all).
    PREPARE(q, pg()
                   ? "SELECT DISTINCT p.visitor_id, v.site_id FROM page_views p JOIN visitors v ON v.id = p.visitor_id "
                     "WHERE p.at >= ? AND p.at < ? AND v.tenant_id = ? ORDER BY p.visitor_id"
                   : "SELECT DISTINCT p.visitor_id, v.site_id FROM page_views p JOIN visitors v ON v.id = p.visitor_id "
                     "WHERE p.at >= ? AND p.at < ? AND +v.tenant_id = ? ORDER BY p.visitor_id");
    q.bind(from, to, tenant_id);
    while ((rc = q.step()) == kRow) f.seen.push_back({q.i64(0), q.i64(1)});
    if (rc != kDone) return q.error("reading a day's visitors");
  }
  {
    PREPARE(q,
            "SELECT i.id, i.tenant_id, i.site_id, i.visitor_id, i.rule_id, i.visit, i.shown_at, i.dismissed_at, "
            "i.conversation_id, i.held_out, NOT EXISTS (SELECT 1 FROM invitations e WHERE e.visitor_id = i.visitor_id "
            "AND e.visit = i.visit AND (e.shown_at < i.shown_at OR (e.shown_at = i.shown_at AND e.id < i.id))) "
            "FROM invitations i WHERE i.tenant_id = ? AND i.shown_at >= ? AND i.shown_at < ? "
            "ORDER BY i.shown_at, i.id");
    q.bind(tenant_id, from, to);
    while ((rc = q.step()) == kRow) {
      f.invitations.push_back({Invitation{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.text(5), q.i64(6),
                                          q.opt(7), q.opt(8), q.i64(9) != 0},
                               q.i64(10) != 0});
    }
    if (rc != kDone) return q.error("reading a day's invitations");
  }
  {
    PREPARE(q,
            "SELECT DISTINCT i.conversation_id FROM invitations i WHERE i.tenant_id = ? AND i.shown_at >= ? "
            "AND i.shown_at < ? AND i.conversation_id IS NOT NULL AND EXISTS (SELECT 1 FROM conversions x "
            "WHERE x.conversation_id = i.conversation_id)");
    q.bind(tenant_id, from, to);
    while ((rc = q.step()) == kRow) f.sold_convs.push_back(q.i64(0));
    if (rc != kDone) return q.error("reading a day's converted invitations");
  }
  {
    PREPARE(q, "SELECT " FACT_CONVERSION_COLUMNS
               " FROM conversions x WHERE x.visitor_id IN (SELECT i.visitor_id FROM invitations i "
               "WHERE i.tenant_id = ?1 AND i.shown_at >= ?2 AND i.shown_at < ?3) AND x.at >= ?2 AND x.at <= ?4 "
               "AND x.tenant_id = ?1 ORDER BY x.at, x.id");
    q.bind(tenant_id, from, to, to + window_ms);
    while ((rc = q.step()) == kRow) f.unit_orders.push_back(fact_conversion(q));
    if (rc != kDone) return q.error("reading the invited visitors' orders");
  }
  return f;
}

#undef FACT_CONVERSION_COLUMNS

}  // namespace tiski
