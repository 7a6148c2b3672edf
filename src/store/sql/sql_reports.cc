// The reports' reads (ReportQuery): the conversations of a tenant created in a period, with
// their lines and the events the metrics use. Three statements over the same filter, merged by
// conversation id; run on the report worker's own read-only connection.

#include <unordered_map>

#include "store/sql/sql_internal.h"

namespace tiski {

namespace {

// ?1 tenant, ?2 from, ?3 to, ?4 site or NULL, ?5 assignee or NULL, ?6 origin or NULL, ?7 team or
// NULL, ?8 channel or NULL (chat = reactive, proactive, agent; form = offline; email; api). The
// casts tell PostgreSQL a parameter's type where `? IS NULL` alone cannot.
#define TISKI_REPORT_FILTERS                                                                                   \
  "AND (CAST(?4 AS BIGINT) IS NULL OR c.site_id = ?4) AND (CAST(?5 AS BIGINT) IS NULL OR c.assignee_id = ?5) " \
  "AND (CAST(?6 AS TEXT) IS NULL OR c.origin = ?6) AND (CAST(?7 AS BIGINT) IS NULL OR c.team_id = ?7) "        \
  "AND (CAST(?8 AS TEXT) IS NULL OR ?8 = CASE WHEN c.origin IN "                                               \
  "('reactive', 'proactive', 'agent') THEN 'chat' WHEN c.origin = 'offline' THEN 'form' ELSE c.origin END)"

// By the time of creation (conversations_created), or only the open ones (conversations_open:
// the unary + keeps the planner off the time index).
#define TISKI_BY_TIME "c.tenant_id = ?1 AND c.created_at >= ?2 AND c.created_at < ?3 " TISKI_REPORT_FILTERS
#define TISKI_OPEN \
  "c.tenant_id = ?1 AND c.status != 'closed' AND +c.created_at >= ?2 AND +c.created_at < ?3 " TISKI_REPORT_FILTERS

#define TISKI_CONVS_SQL(convs, filter)                                                                   \
  "SELECT c.id, c.site_id, c.origin, c.assignee_id, c.created_at, c.closed_at, c.visitor_id, c.status, " \
  "c.outcome, c.tags, c.csat, c.csat_shown_at, c.team_id FROM " convs " WHERE " filter                   \
  " ORDER BY c.created_at, c.id LIMIT ?9"
#define TISKI_LINES_SQL(convs, filter)                           \
  "SELECT m.conversation_id, m.created_at, m.author FROM " convs \
  " JOIN messages m ON m.conversation_id = c.id WHERE " filter " ORDER BY m.conversation_id, m.seq"
#define TISKI_EVENTS_SQL(convs, filter)                                              \
  "SELECT e.id, e.conversation_id, e.kind, e.data, e.at FROM " convs                 \
  " JOIN events e ON e.conversation_id = c.id WHERE " filter                         \
  " AND e.kind IN ('visitor.left', 'visitor.returned', 'conversation.transferred', " \
  "'conversation.closed') ORDER BY e.id"
#define TISKI_ALL "conversations c"
#define TISKI_OPEN_INDEX "conversations c INDEXED BY conversations_open"

// Each statement in its variants, one literal each (the statement cache is keyed by the
// literal's address): by time, or the open ones (INDEXED BY is SQLite's; PostgreSQL's planner
// is left to choose).
struct Variants {
  const char* by_time;
  const char* open_sqlite;
  const char* open_pg;
  const char* pick(bool open, bool pg) const { return !open ? by_time : pg ? open_pg : open_sqlite; }
};
constexpr Variants kConvsSql{TISKI_CONVS_SQL(TISKI_ALL, TISKI_BY_TIME), TISKI_CONVS_SQL(TISKI_OPEN_INDEX, TISKI_OPEN),
                             TISKI_CONVS_SQL(TISKI_ALL, TISKI_OPEN)};
constexpr Variants kLinesSql{TISKI_LINES_SQL(TISKI_ALL, TISKI_BY_TIME), TISKI_LINES_SQL(TISKI_OPEN_INDEX, TISKI_OPEN),
                             TISKI_LINES_SQL(TISKI_ALL, TISKI_OPEN)};
constexpr Variants kEventsSql{TISKI_EVENTS_SQL(TISKI_ALL, TISKI_BY_TIME),
                              TISKI_EVENTS_SQL(TISKI_OPEN_INDEX, TISKI_OPEN), TISKI_EVENTS_SQL(TISKI_ALL, TISKI_OPEN)};

std::optional<std::string_view> origin_of(const ReportQuery& q) {
  if (!q.origin) return std::nullopt;
  return std::string_view(*q.origin);
}
std::optional<std::string_view> channel_of(const ReportQuery& q) {
  if (!q.channel) return std::nullopt;
  return std::string_view(*q.channel);
}

}  // namespace

Result<std::vector<ReportConversation>> SqlStore::report_conversations(const ReportQuery& q) {
  std::vector<ReportConversation> out;
  std::unordered_map<Id, std::size_t> index;
  {
    PREPARE(s, kConvsSql.pick(q.open_only, pg()));
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q),
           static_cast<std::int64_t>(q.limit) + 1);
    int rc;
    while ((rc = s.step()) == kRow) {
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
      r.conv.tags = split_list(s.text(9));
      if (auto v = s.opt(10)) r.conv.csat = static_cast<int>(*v);
      r.conv.csat_shown_at = s.opt(11);
      r.conv.team_id = s.opt(12);
      index.emplace(r.conv.id, out.size());
      out.push_back(std::move(r));
    }
    if (rc != kDone) return s.error("reading a report's conversations");
  }
  if (out.empty() || out.size() > q.limit) return out;
  {
    PREPARE(s, kLinesSql.pick(q.open_only, pg()));
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q));
    int rc;
    while ((rc = s.step()) == kRow) {
      if (auto it = index.find(s.i64(0)); it != index.end()) out[it->second].lines.push_back({s.i64(1), s.text(2)});
    }
    if (rc != kDone) return s.error("reading a report's messages");
  }
  {
    PREPARE(s, kEventsSql.pick(q.open_only, pg()));
    s.bind(q.tenant_id, q.from, q.to, q.site_id, q.agent_id, origin_of(q), q.team_id, channel_of(q));
    int rc;
    while ((rc = s.step()) == kRow) {
      Id conv = s.i64(1);
      if (auto it = index.find(conv); it != index.end())
        out[it->second].events.push_back(Event{s.i64(0), q.tenant_id, conv, s.text(2), s.text(3), s.i64(4)});
    }
    if (rc != kDone) return s.error("reading a report's events");
  }
  return out;
}

#undef TISKI_REPORT_FILTERS
#undef TISKI_BY_TIME
#undef TISKI_OPEN
#undef TISKI_CONVS_SQL
#undef TISKI_LINES_SQL
#undef TISKI_EVENTS_SQL
#undef TISKI_ALL
#undef TISKI_OPEN_INDEX

Result<std::vector<Event>> SqlStore::tenant_events(Id tenant_id, std::string_view kind, Millis from, Millis to,
                                                   std::size_t limit) {
  PREPARE(s,
          "SELECT id, conversation_id, data, at FROM events WHERE tenant_id = ? AND at >= ? AND at < ? AND kind = ? "
          "ORDER BY at, id LIMIT ?");
  s.bind(tenant_id, from, to, kind, static_cast<std::int64_t>(limit));
  std::vector<Event> out;
  int rc;
  while ((rc = s.step()) == kRow)
    out.push_back(Event{s.i64(0), tenant_id, s.opt(1), std::string(kind), s.text(2), s.i64(3)});
  if (rc != kDone) return s.error("reading a tenant's events");
  return out;
}

}  // namespace tiski
