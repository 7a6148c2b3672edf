// What analytics stores beside the chat itself: the agent's outcome and tags, the
// satisfaction survey, and the shops' orders and leads with their last-touch credit.

#include "store/sql/sql_internal.h"
#include "util/limits.h"

namespace tiski {

namespace {

#define CONVERSION_COLUMNS \
  "id, tenant_id, site_id, visitor_id, kind, ref, value_cents, currency, at, source, conversation_id, agent_id"

Conversion read_conversion(auto& q) {
  return Conversion{q.i64(0), q.i64(1),  q.i64(2), q.opt(3),  q.text(4), q.text(5),
                    q.i64(6), q.text(7), q.i64(8), q.text(9), q.opt(10), q.opt(11)};
}

}  // namespace

Result<Conversation> SqlStore::set_outcome(Id conv_id, std::string_view outcome, std::string_view channel,
                                           const std::vector<std::string>& tags) {
  PREPARE(q, "UPDATE conversations SET outcome = ?, outcome_channel = ?, tags = ? WHERE id = ?");
  if (q.bind(outcome, channel, join_list(tags), conv_id).step() != kDone) return q.error("setting outcome");
  if (changes() == 0) return Error::not_found("no such conversation");
  return conversation(conv_id);
}

Result<std::vector<std::string>> SqlStore::tenant_tags(Id tenant_id, std::size_t limit) {
  PREPARE(q, "SELECT name FROM tags WHERE tenant_id = ? ORDER BY name LIMIT ?");
  q.bind(tenant_id, static_cast<std::int64_t>(limit));
  std::vector<std::string> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(q.text(0));
  if (rc != kDone) return q.error("listing tags");
  return out;
}

Result<std::vector<std::string>> SqlStore::add_tags(Id tenant_id, const std::vector<std::string>& tags, Millis now,
                                                    std::vector<std::string>& created) {
  std::vector<std::string> out;
  for (const auto& tag : tags) {
    {
      PREPARE(q, pg() ? "SELECT name FROM tags WHERE tenant_id = ? AND lower(name) = lower(?)"
                      : "SELECT name FROM tags WHERE tenant_id = ? AND name = ?");
      int rc = q.bind(tenant_id, tag).step();
      if (rc == kRow) {
        out.push_back(q.text(0));
        continue;
      }
      if (rc != kDone) return q.error("reading tags");
    }
    {
      PREPARE(q, "SELECT COUNT(*) FROM tags WHERE tenant_id = ?");
      if (q.bind(tenant_id).step() != kRow) return q.error("counting tags");
      if (static_cast<std::size_t>(q.i64(0)) >= limits::kMaxTagsPerTenant)
        return Error::too_large("the tenant has " + std::to_string(limits::kMaxTagsPerTenant) +
                                " tags, the most it may have; use one of them");
    }
    PREPARE(q, "INSERT INTO tags(tenant_id, name, created_at) VALUES(?, ?, ?)");
    if (q.bind(tenant_id, tag, now).step() != kDone) return q.error("adding a tag");
    out.push_back(tag);
    created.push_back(tag);
  }
  return out;
}

Result<bool> SqlStore::csat_shown(Id conv_id, Millis now) {
  PREPARE(q, "UPDATE conversations SET csat_shown_at = ? WHERE id = ? AND csat_shown_at IS NULL");
  if (q.bind(now, conv_id).step() != kDone) return q.error("recording the survey");
  return changes() > 0;
}

Result<Conversation> SqlStore::answer_csat(Id conv_id, int score, std::string_view comment, Millis now) {
  auto c = TRY(conversation(conv_id));
  if (c.status != conv_status::kClosed) return Error::conflict("the conversation is still open");
  // The first answer's time stays; until kCsatReviseMs after it the answer may be changed.
  PREPARE(q,
          "UPDATE conversations SET csat = ?1, csat_comment = CASE WHEN ?2 = '' THEN csat_comment ELSE ?2 END, "
          "csat_at = COALESCE(csat_at, ?3), "
          "csat_shown_at = COALESCE(csat_shown_at, ?3) WHERE id = ?4 AND (csat IS NULL OR csat_at >= ?5)");
  if (q.bind(score, comment, now, conv_id, now - limits::kCsatReviseMs).step() != kDone)
    return q.error("recording the answer");
  if (changes() == 0) return Error::conflict("the survey of this conversation was answered already");
  return conversation(conv_id);
}

Result<Conversation> SqlStore::set_visitor_left(Id conv_id, std::optional<Millis> at) {
  PREPARE(q, "UPDATE conversations SET visitor_left_at = ? WHERE id = ? AND status != 'closed'");
  if (q.bind(at, conv_id).step() != kDone) return q.error("recording the visitor's leaving");
  return conversation(conv_id);
}

Result<Recorded> SqlStore::record_conversion(const Conversion& c) {
  Conversion in = c;
  // Last touch: the newest answered chat within the tenant's window, found through the
  // visitor's conversations (the unary + keeps the planner off the tenant's time index, which
  // would read every earlier conversation of the tenant).
  if (in.visitor_id) {
    PREPARE(q,
            "SELECT c.id, c.assignee_id FROM conversations c JOIN tenants t ON t.id = c.tenant_id "
            "WHERE c.visitor_id = ?1 AND +c.tenant_id = ?2 AND +c.created_at <= ?3 "
            "AND COALESCE(c.closed_at, c.last_at) >= ?3 - t.attribution_days * 86400000 "
            "AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.author = 'agent') "
            "ORDER BY c.id DESC LIMIT 1");
    int rc = q.bind(*in.visitor_id, in.tenant_id, in.at).step();
    if (rc == kRow) {
      in.conv_id = q.i64(0);
      in.agent_id = q.opt(1);
    } else if (rc != kDone) {
      return q.error("crediting a conversion");
    }
  }
  {
    PREPARE(q,
            "INSERT INTO conversions(tenant_id, site_id, visitor_id, kind, ref, value_cents, currency, at, source, "
            "conversation_id, agent_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(tenant_id, kind, ref) DO NOTHING RETURNING id");
    int rc = q.bind(in.tenant_id, in.site_id, in.visitor_id, in.kind, in.ref, in.value_cents, in.currency, in.at,
                    in.source, in.conv_id, in.agent_id)
                 .step();
    if (rc == kRow) {
      in.id = q.i64(0);
      return Recorded{in, false};
    }
    if (rc != kDone) return q.error("recording a conversion");
  }
  PREPARE(q, "SELECT " CONVERSION_COLUMNS " FROM conversions WHERE tenant_id = ? AND kind = ? AND ref = ?");
  if (q.bind(in.tenant_id, in.kind, in.ref).step() != kRow) return q.error("reading a conversion");
  return Recorded{read_conversion(q), true};
}

Result<std::vector<Conversion>> SqlStore::conversions_of(Id conv_id) {
  PREPARE(q, "SELECT " CONVERSION_COLUMNS " FROM conversions WHERE conversation_id = ? ORDER BY at, id");
  q.bind(conv_id);
  std::vector<Conversion> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_conversion(q));
  if (rc != kDone) return q.error("reading conversions");
  return out;
}

Result<std::vector<Conversion>> SqlStore::conversions_of_visitor(Id visitor_id, std::size_t limit) {
  PREPARE(q, "SELECT " CONVERSION_COLUMNS " FROM conversions WHERE visitor_id = ? ORDER BY at DESC, id DESC LIMIT ?");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<Conversion> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_conversion(q));
  if (rc != kDone) return q.error("reading a visitor's conversions");
  return out;
}

#undef CONVERSION_COLUMNS

}  // namespace tiski
