// The SQL quality review (migration 15): automatic flags, reviews, and the facts behind
// suggested replies.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

#define REVIEW_COLUMNS                                                                              \
  "r.conversation_id, r.tenant_id, r.agent_id, r.reviewer_id, IFNULL(a.name, ''), r.reachability, " \
  "r.efficiency, r.atmosphere, r.sales, r.comment, r.created_at"

Review read_review(auto& q) {
  return Review{q.i64(0),
                q.i64(1),
                q.opt(2),
                q.i64(3),
                q.text(4),
                static_cast<int>(q.i64(5)),
                static_cast<int>(q.i64(6)),
                static_cast<int>(q.i64(7)),
                static_cast<int>(q.i64(8)),
                q.text(9),
                q.i64(10)};
}

}  // namespace

Result<std::vector<Event>> SqlStore::quality_events(std::size_t limit) {
  PREPARE(q,
          "SELECT id, tenant_id, conversation_id, kind, data, at FROM events "
          "WHERE id > (SELECT mark FROM quality_state) AND kind IN ('conversation.closed', 'conversation.outcome') "
          "ORDER BY id LIMIT ?");
  q.bind(static_cast<std::int64_t>(limit));
  std::vector<Event> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(Event{q.i64(0), q.i64(1), q.opt(2), q.text(3), q.text(4), q.i64(5)});
  if (rc != kDone) return q.error("reading closes to judge");
  return out;
}

Status SqlStore::save_quality_flags(const std::vector<QualityFlags>& flags, Id mark) {
  for (const auto& f : flags) {
    PREPARE(q,
            "INSERT INTO quality_flags(conversation_id, tenant_id, flags, detail, closed_at) VALUES(?, ?, ?, ?, ?) "
            "ON CONFLICT(conversation_id) DO UPDATE SET tenant_id = excluded.tenant_id, flags = excluded.flags, "
            "detail = excluded.detail, closed_at = excluded.closed_at");
    if (q.bind(f.conv_id, f.tenant_id, f.flags, f.detail, f.closed_at).step() != kDone) {
      return q.error("saving quality flags");
    }
  }
  PREPARE(m, "UPDATE quality_state SET mark = ?");
  if (m.bind(mark).step() != kDone) return m.error("keeping the flagger's mark");
  return {};
}

Result<std::optional<QualityFlags>> SqlStore::quality_flags(Id conv_id) {
  PREPARE(q,
          "SELECT conversation_id, tenant_id, flags, detail, closed_at FROM quality_flags WHERE conversation_id = ?");
  int rc = q.bind(conv_id).step();
  if (rc == kDone) return std::optional<QualityFlags>();
  if (rc != kRow) return q.error("reading quality flags");
  return std::optional<QualityFlags>(QualityFlags{q.i64(0), q.i64(1), q.text(2), q.text(3), q.i64(4)});
}

// One literal SQL text per flag, chosen by `flag` (null for a flag nobody has): the flag's name
// is a literal in the SQL so that its partial index (migration 15) serves it, and the statement
// cache is keyed by the literal's address. flags is a comma list: ',' || flags || ',' LIKE
// '%,name,%' matches one name exactly.
#define FLAG_COND(name) "AND ',' || f.flags || ',' LIKE '%," name ",%'"
#define SQL_FOR_FLAG(SQL)                                            \
  (flag == "slow_reply"         ? SQL(FLAG_COND("slow_reply"))       \
   : flag == "left_waiting"     ? SQL(FLAG_COND("left_waiting"))     \
   : flag == "signal_not_acted" ? SQL(FLAG_COND("signal_not_acted")) \
   : flag == "no_question"      ? SQL(FLAG_COND("no_question"))      \
   : flag == "rude_word"        ? SQL(FLAG_COND("rude_word"))        \
   : flag.empty()               ? SQL("")                            \
                                : static_cast<const char*>(nullptr))

Result<std::vector<ReviewItem>> SqlStore::review_queue(const std::vector<Id>& tenants, std::string_view flag,
                                                       Millis before_at, Id before_id, std::size_t limit) {
  std::vector<ReviewItem> out;
  {
#define QUEUE_SQL(cond)                                                                         \
  "SELECT f.conversation_id, f.tenant_id, f.flags, f.detail, f.closed_at FROM quality_flags f " \
  "WHERE f.tenant_id IN (SELECT value FROM json_each(?)) AND f.flags != '' " cond               \
  " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = f.conversation_id) "      \
  "AND (? = 0 OR f.closed_at < ? OR (f.closed_at = ? AND f.conversation_id < ?)) "              \
  "ORDER BY f.closed_at DESC, f.conversation_id DESC LIMIT ?"
    const char* sql = SQL_FOR_FLAG(QUEUE_SQL);
#undef QUEUE_SQL
    if (!sql) return std::vector<ReviewItem>();  // no such flag: nothing has it
    auto prepared = prepare(sql);
    if (!prepared) return prepared.error();
    Stmt q(*this, *prepared);
    q.bind(ids_json(tenants), before_at, before_at, before_at, before_id, static_cast<std::int64_t>(limit));
    int rc = 0;
    while ((rc = q.step()) == kRow) {
      out.push_back(ReviewItem{QualityFlags{q.i64(0), q.i64(1), q.text(2), q.text(3), q.i64(4)}, {}});
    }
    if (rc != kDone) return q.error("reading the review queue");
  }
  for (auto& item : out) item.conv = TRY(conversation(item.flags.conv_id));
  return out;
}

Result<std::size_t> SqlStore::review_queue_size(const std::vector<Id>& tenants, std::string_view flag,
                                                std::size_t cap) {
#define SIZE_SQL(cond)                                                                                             \
  "SELECT count(*) FROM (SELECT 1 FROM quality_flags f WHERE f.tenant_id IN (SELECT value FROM json_each(?)) AND " \
  "f.flags != '' " cond                                                                                            \
  " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.conversation_id = f.conversation_id) "                         \
  "LIMIT ?) AS q"
  const char* sql = SQL_FOR_FLAG(SIZE_SQL);
#undef SIZE_SQL
#undef SQL_FOR_FLAG
#undef FLAG_COND
  if (!sql) return std::size_t{0};
  auto prepared = prepare(sql);
  if (!prepared) return prepared.error();
  Stmt q(*this, *prepared);
  if (q.bind(ids_json(tenants), static_cast<std::int64_t>(cap)).step() != kRow)
    return q.error("counting the review queue");
  return static_cast<std::size_t>(q.i64(0));
}

Status SqlStore::save_review(const Review& r) {
  PREPARE(q,
          "INSERT INTO reviews(conversation_id, tenant_id, agent_id, reviewer_id, reachability, "
          "efficiency, atmosphere, sales, comment, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT(conversation_id) DO UPDATE SET tenant_id = excluded.tenant_id, agent_id = excluded.agent_id, "
          "reviewer_id = excluded.reviewer_id, reachability = excluded.reachability, efficiency = excluded.efficiency, "
          "atmosphere = excluded.atmosphere, sales = excluded.sales, comment = excluded.comment, "
          "created_at = excluded.created_at");
  q.bind(r.conv_id, r.tenant_id, r.agent_id, r.reviewer_id, std::int64_t{r.reachability}, std::int64_t{r.efficiency},
         std::int64_t{r.atmosphere}, std::int64_t{r.sales}, r.comment, r.at);
  if (q.step() != kDone) return q.error("saving a review");
  return {};
}

Result<std::optional<Review>> SqlStore::review(Id conv_id) {
  PREPARE(q, "SELECT " REVIEW_COLUMNS
             " FROM reviews r LEFT JOIN agents a ON a.id = r.reviewer_id "
             "WHERE r.conversation_id = ?");
  int rc = q.bind(conv_id).step();
  if (rc == kDone) return std::optional<Review>();
  if (rc != kRow) return q.error("reading a review");
  return std::optional<Review>(read_review(q));
}

Result<std::vector<Review>> SqlStore::reviews(Id tenant_id, std::optional<Id> agent_id, Millis before_at, Id before_id,
                                              std::size_t limit) {
  PREPARE(q, "SELECT " REVIEW_COLUMNS
             " FROM reviews r LEFT JOIN agents a ON a.id = r.reviewer_id "
             "WHERE r.tenant_id = ? AND (CAST(? AS BIGINT) IS NULL OR r.agent_id = ?) "
             "AND (? = 0 OR r.created_at < ? OR (r.created_at = ? AND r.conversation_id < ?)) "
             "ORDER BY r.created_at DESC, r.conversation_id DESC LIMIT ?");
  q.bind(tenant_id, agent_id, agent_id, before_at, before_at, before_at, before_id, static_cast<std::int64_t>(limit));
  std::vector<Review> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_review(q));
  if (rc != kDone) return q.error("reading reviews");
  return out;
}

Result<std::vector<ReviewWeek>> SqlStore::review_weeks(Id tenant_id, Id agent_id, Millis from, Millis to) {
  constexpr std::int64_t kWeek = 7LL * 86'400'000;
  PREPARE(q,
          "SELECT (created_at - ?) / ? AS w, count(*), avg(reachability), avg(efficiency), avg(atmosphere), "
          "avg(sales) FROM reviews WHERE tenant_id = ? AND agent_id = ? AND created_at >= ? AND created_at < ? "
          "GROUP BY w ORDER BY w");
  q.bind(from, kWeek, tenant_id, agent_id, from, to);
  std::vector<ReviewWeek> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    out.push_back(ReviewWeek{from + q.i64(0) * kWeek, q.i64(1), q.dbl(2), q.dbl(3), q.dbl(4), q.dbl(5)});
  }
  if (rc != kDone) return q.error("reading an agent's trend");
  return out;
}

Result<std::vector<PastLine>> SqlStore::similar_questions(Id tenant_id, std::string_view match, Id except_conv,
                                                          std::size_t scan) {
  // Newest first with a bound: FTS5 reads the doclists lazily and stops. (Its bm25() would
  // count every matching row of the year for the idf: ~270 ms; chat/desk/suggest.h ranks the
  // window instead.)
  std::string expr = "scope : t" + std::to_string(tenant_id) + " AND " + std::string(match);
  PREPARE(q, pg() ? "SELECT mi.conversation_id, mi.seq, m.body FROM "
                    "(SELECT id FROM message_fts WHERE tenant_id = ?1 AND tsv @@ to_tsquery('simple', tiski_fold(?2)) "
                    "ORDER BY id DESC LIMIT ?3) f "
                    "JOIN message_index mi ON mi.id = f.id "
                    "JOIN messages m ON m.conversation_id = mi.conversation_id AND m.seq = mi.seq "
                    "WHERE m.author = 'visitor' AND mi.conversation_id != ?4 ORDER BY f.id DESC"
                  : "SELECT mi.conversation_id, mi.seq, m.body FROM "
                    "(SELECT rowid FROM message_fts WHERE message_fts MATCH ?2 ORDER BY rowid DESC LIMIT ?3) f "
                    "JOIN message_index mi ON mi.id = f.rowid "
                    "JOIN messages m ON m.conversation_id = mi.conversation_id AND m.seq = mi.seq "
                    "WHERE m.author = 'visitor' AND mi.conversation_id != ?4 ORDER BY f.rowid DESC");
  if (pg()) {
    q.bind(tenant_id, fts_to_tsquery(match), static_cast<std::int64_t>(scan), except_conv);
  } else {
    q.bind(tenant_id, expr, static_cast<std::int64_t>(scan), except_conv);
  }
  std::vector<PastLine> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(PastLine{q.i64(0), q.i64(1), q.text(2)});
  if (rc != kDone) return q.error("finding similar questions");
  return out;
}

Result<std::optional<std::string>> SqlStore::reply_after(Id conv_id, std::int64_t seq) {
  PREPARE(a,
          "SELECT body FROM messages WHERE conversation_id = ? AND seq > ? AND author = 'agent' ORDER BY seq LIMIT 1");
  int rc = a.bind(conv_id, seq).step();
  if (rc == kDone) return std::optional<std::string>();
  if (rc != kRow) return a.error("reading an earlier reply");
  return std::optional<std::string>(a.text(0));
}

Status SqlStore::count_suggestions(Id tenant_id, Millis day, std::int64_t offered, std::int64_t used) {
  PREPARE(q,
          "INSERT INTO suggestion_stats(tenant_id, day, offered, used) VALUES(?, ?, ?, ?) "
          "ON CONFLICT(tenant_id, day) DO UPDATE SET offered = suggestion_stats.offered + excluded.offered, used = "
          "suggestion_stats.used + excluded.used");
  if (q.bind(tenant_id, day, offered, used).step() != kDone) return q.error("counting suggestions");
  return {};
}

Result<bool> SqlStore::first_suggestion(Id conv_id, std::int64_t seq, bool used) {
  {
    PREPARE(
        q,
        "INSERT INTO suggestion_seen(conversation_id, offered_seq, used_seq) VALUES(?, 0, 0) ON CONFLICT DO NOTHING");
    if (q.bind(conv_id).step() != kDone) return q.error("counting suggestions");
  }
  if (used) {
    PREPARE(q, "UPDATE suggestion_seen SET used_seq = ? WHERE conversation_id = ? AND used_seq < ?");
    if (q.bind(seq, conv_id, seq).step() != kDone) return q.error("counting suggestions");
  } else {
    PREPARE(q, "UPDATE suggestion_seen SET offered_seq = ? WHERE conversation_id = ? AND offered_seq < ?");
    if (q.bind(seq, conv_id, seq).step() != kDone) return q.error("counting suggestions");
  }
  return changes() > 0;
}

Result<SuggestionStats> SqlStore::suggestion_stats(Id tenant_id, Millis from, Millis to) {
  PREPARE(q,
          "SELECT IFNULL(sum(offered), 0), IFNULL(sum(used), 0) FROM suggestion_stats "
          "WHERE tenant_id = ? AND day >= ? AND day < ?");
  if (q.bind(tenant_id, from, to).step() != kRow) return q.error("reading suggestion counts");
  return SuggestionStats{q.i64(0), q.i64(1)};
}

}  // namespace tiski
