// The reports' reads (ReportQuery): the conversations of a tenant created in a period, with
// their lines and the events the metrics use. Three statements over the same filter, merged by
// conversation id; run on the report worker's own read-only connection.
#include <sqlite3.h>

#include <unordered_map>

#include "store/sqlite/sqlite_internal.h"

namespace tiski {

namespace {

// ?1 tenant, ?2 from, ?3 to, ?4 site or NULL, ?5 assignee or NULL, ?6 origin or NULL, ?7 team or
// NULL, ?8 channel or NULL (chat = reactive, proactive, agent; form = offline; email; api).
#define TISKI_REPORT_FILTER                                                                           \
  "c.tenant_id = ?1 AND c.created_at >= ?2 AND c.created_at < ?3 AND (?4 IS NULL OR c.site_id = ?4) " \
  "AND (?5 IS NULL OR c.assignee_id = ?5) AND (?6 IS NULL OR c.origin = ?6) "                         \
  "AND (?7 IS NULL OR c.team_id = ?7) AND (?8 IS NULL OR ?8 = CASE WHEN c.origin IN "                 \
  "('reactive', 'proactive', 'agent') THEN 'chat' WHEN c.origin = 'offline' THEN 'form' ELSE c.origin END)"

std::optional<std::string_view> origin_of(const ReportQuery& q) {
  if (!q.origin) return std::nullopt;
  return std::string_view(*q.origin);
}
std::optional<std::string_view> channel_of(const ReportQuery& q) {
  if (!q.channel) return std::nullopt;
  return std::string_view(*q.channel);
}

}  // namespace

Result<std::vector<ReportConversation>> SqliteStore::report_conversations(const ReportQuery& q) {
  std::vector<ReportConversation> out;
  std::unordered_map<Id, std::size_t> index;
  {
    PREPARE(s,
            "SELECT c.id, c.site_id, c.origin, c.assignee_id, c.created_at, c.closed_at, c.visitor_id, c.status, "
            "c.outcome, c.tags, c.csat, c.csat_shown_at, c.team_id FROM conversations c WHERE " TISKI_REPORT_FILTER
            " ORDER BY c.created_at, c.id LIMIT ?9");
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q),
           static_cast<std::int64_t>(q.limit) + 1);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      ReportConversation r;
      r.conv.id = s.i64(0);
      r.conv.tenant_id = q.tenant_id;
      r.conv.site_id = s.i64(1);
      r.conv.origin = s.text(2);
      r.conv.assignee_id = s.opt(3);
      r.conv.created_at = s.i64(4);
      r.conv.closed_at = s.opt(5);
      r.conv.visitor_id = s.i64(6);
      r.conv.status = s.text(7);
      r.conv.outcome = s.text(8);
      r.conv.tags = split_langs(s.text(9));
      if (auto v = s.opt(10)) r.conv.csat = static_cast<int>(*v);
      r.conv.csat_shown_at = s.opt(11);
      r.conv.team_id = s.opt(12);
      index.emplace(r.conv.id, out.size());
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return s.error("reading a report's conversations");
  }
  if (out.empty() || out.size() > q.limit) return out;
  {
    PREPARE(s,
            "SELECT m.conversation_id, m.created_at, m.author FROM conversations c "
            "JOIN messages m ON m.conversation_id = c.id WHERE " TISKI_REPORT_FILTER
            " ORDER BY m.conversation_id, m.seq");
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q));
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      if (auto it = index.find(s.i64(0)); it != index.end()) out[it->second].lines.push_back({s.i64(1), s.text(2)});
    }
    if (rc != SQLITE_DONE) return s.error("reading a report's messages");
  }
  {
    PREPARE(s,
            "SELECT e.id, e.conversation_id, e.kind, e.data, e.at FROM conversations c "
            "JOIN events e ON e.conversation_id = c.id WHERE " TISKI_REPORT_FILTER
            " AND e.kind IN ('visitor.left', 'visitor.returned', 'conversation.transferred', "
            "'conversation.closed') ORDER BY e.id");
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q));
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
      Id conv = s.i64(1);
      if (auto it = index.find(conv); it != index.end())
        out[it->second].events.push_back(Event{s.i64(0), q.tenant_id, conv, s.text(2), s.text(3), s.i64(4)});
    }
    if (rc != SQLITE_DONE) return s.error("reading a report's events");
  }
  return out;
}

#undef TISKI_REPORT_FILTER

Result<std::vector<Event>> SqliteStore::tenant_events(Id tenant_id, std::string_view kind, Millis from, Millis to,
                                                      std::size_t limit) {
  PREPARE(s,
          "SELECT id, conversation_id, data, at FROM events WHERE tenant_id = ? AND at >= ? AND at < ? AND kind = ? "
          "ORDER BY at, id LIMIT ?");
  s.bind(tenant_id, from, to, kind, static_cast<std::int64_t>(limit));
  std::vector<Event> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW)
    out.push_back(Event{s.i64(0), tenant_id, s.opt(1), std::string(kind), s.text(2), s.i64(3)});
  if (rc != SQLITE_DONE) return s.error("reading a tenant's events");
  return out;
}

}  // namespace tiski
