// The SQL ConversationRepo. Per-conversation sequence numbers come from
// conversations.last_seq, bumped by the same statement that appends, so seqs never gap inside
// a committed transaction.

#include <algorithm>

#include "store/sql/sql_internal.h"
#include "util/limits.h"

namespace tiski {

Result<Conversation> SqlStore::create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                                   std::optional<std::int64_t> rule_id) {
  PREPARE(q,
          "INSERT INTO conversations(tenant_id, site_id, visitor_id, status, origin, created_at, last_at, team_id, "
          "rule_id) "
          "SELECT v.tenant_id, v.site_id, v.id, 'waiting', ?, ?, ?, s.team_id, ? FROM visitors v "
          "JOIN sites s ON s.id = v.site_id WHERE v.id = ? RETURNING id");
  int rc = q.bind(origin, now, now, rule_id, visitor_id).step();
  if (rc == kDone) return Error::not_found("no such visitor");
  if (rc != kRow) {
    auto e = q.error("creating conversation");
    if (e.code == Errc::kConflict) return Error::conflict("the visitor already has an open conversation");
    return e;
  }
  Id id = q.i64(0);
  return conversation(id);
}

Result<Conversation> SqlStore::conversation(Id id) {
  PREPARE(q, CONV_SELECT "WHERE c.id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such conversation");
  if (rc != kRow) return q.error("reading conversation");
  return read_conv(q);
}

Result<std::vector<Conversation>> SqlStore::conversations_of_visitor(Id visitor_id, std::size_t limit) {
  PREPARE(q, CONV_SELECT "WHERE c.visitor_id = ? ORDER BY c.id DESC LIMIT ?");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<Conversation> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_conv(q));
  if (rc != kDone) return q.error("listing the visitor's conversations");
  return out;
}

// Each signal is appended by one statement that adds it only if absent: no read-modify-write,
// so two writers (two nodes) adding signals to one conversation cannot lose each other's.
Result<std::pair<Conversation, bool>> SqlStore::add_signals(Id conv_id, const std::vector<std::string>& signals) {
  bool added = false;
  for (const auto& sig : signals) {
    if (sig.empty() || sig.find(',') != std::string::npos)
      return Error::bad_request("a signal is a non-empty word without commas");
    PREPARE(q,
            "UPDATE conversations SET signals = CASE WHEN signals = '' THEN ?1 ELSE signals || ',' || ?1 END "
            "WHERE id = ?2 AND instr(',' || signals || ',', ',' || ?1 || ',') = 0");
    if (q.bind(sig, conv_id).step() != kDone) return q.error("recording signals");
    added = added || changes() > 0;
  }
  auto c = TRY(conversation(conv_id));
  return std::make_pair(std::move(c), added);
}

Result<std::optional<Conversation>> SqlStore::open_conversation_of(Id visitor_id) {
  PREPARE(q, CONV_SELECT "WHERE c.visitor_id = ? AND c.status != 'closed' ORDER BY c.id DESC LIMIT 1");
  int rc = q.bind(visitor_id).step();
  if (rc == kDone) return std::optional<Conversation>();
  if (rc != kRow) return q.error("reading conversation");
  return std::optional<Conversation>(read_conv(q));
}

Result<std::vector<Conversation>> SqlStore::open_conversations(const std::vector<Id>& tenant_ids) {
  PREPARE(q, CONV_SELECT "WHERE c.tenant_id = ? AND c.status != 'closed' ORDER BY c.id");
  std::vector<Conversation> out;
  for (Id t : tenant_ids) {
    q.bind(t);
    int rc;
    while ((rc = q.step()) == kRow) out.push_back(read_conv(q));
    if (rc != kDone) return q.error("listing conversations");
    q.reset();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<Conversation>> SqlStore::closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                                 std::optional<ClosedCursor> before,
                                                                 std::size_t limit) {
  // Per tenant through the index (tenant_id, closed_at, id), then merged newest first.
  PREPARE(q, CONV_SELECT
          "WHERE c.tenant_id = ?1 AND c.status = 'closed' AND c.closed_at >= ?2 "
          "AND (c.closed_at < ?3 OR (c.closed_at = ?3 AND c.id < ?4)) ORDER BY c.closed_at DESC, c.id DESC LIMIT ?5");
  Millis at = before ? before->closed_at : INT64_MAX;
  Id id = before ? before->id : INT64_MAX;
  std::vector<Conversation> out;
  for (Id t : tenant_ids) {
    q.bind(t, since, at, id, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = q.step()) == kRow) out.push_back(read_conv(q));
    if (rc != kDone) return q.error("listing closed conversations");
    q.reset();
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.closed_at != b.closed_at ? a.closed_at > b.closed_at : a.id > b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<Conversation> SqlStore::assign(Id conv_id, Id agent_id, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET status = 'active', assignee_id = ?1, assigned_at = COALESCE(assigned_at, ?2) "
          "WHERE id = ?3 AND status != 'closed' AND (assignee_id IS NULL OR assignee_id = ?1)");
  if (q.bind(agent_id, now, conv_id).step() != kDone) return q.error("assigning conversation");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    if (c->status == conv_status::kClosed) return Error::conflict("the conversation is closed");
    return Error::conflict("the conversation is already taken by " + c->assignee_name);
  }
  return conversation(conv_id);
}

Result<Conversation> SqlStore::transfer(Id conv_id, Id from, Id to, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET assignee_id = ?, assigned_at = ? "
          "WHERE id = ? AND assignee_id = ? AND status = 'active'");
  if (q.bind(to, now, conv_id, from).step() != kDone) return q.error("transferring conversation");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is not active with that agent");
  }
  return conversation(conv_id);
}

Result<Conversation> SqlStore::transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET status = 'waiting', assignee_id = NULL, assigned_at = NULL, team_id = ?1 "
          "WHERE id = ?2 AND assignee_id = ?3 AND status = 'active' "
          "AND EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND tenant_id = conversations.tenant_id)");
  if (q.bind(team_id, conv_id, from).step() != kDone) return q.error("transferring conversation to a team");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    if (c->status != conv_status::kActive || c->assignee_id != from) {
      return Error::conflict("the conversation is not active with that agent");
    }
    return Error::bad_request("no such team in " + c->tenant_name);
  }
  (void)now;
  return conversation(conv_id);
}

Result<Conversation> SqlStore::release_assignment(Id conv_id, Id agent_id) {
  PREPARE(q,
          "UPDATE conversations SET status = 'waiting', assignee_id = NULL, assigned_at = NULL "
          "WHERE id = ? AND assignee_id = ? AND status = 'active'");
  if (q.bind(conv_id, agent_id).step() != kDone) return q.error("releasing conversation");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is not assigned to that agent");
  }
  return conversation(conv_id);
}

Result<Conversation> SqlStore::close(Id conv_id, Millis now) {
  PREPARE(q, "UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ? AND status != 'closed'");
  if (q.bind(now, conv_id).step() != kDone) return q.error("closing conversation");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is already closed");
  }
  return conversation(conv_id);
}

Result<Conversation> SqlStore::set_contact(Id conv_id, std::string_view name, std::string_view email) {
  PREPARE(q, "UPDATE conversations SET contact_name = ?, contact_email = ? WHERE id = ? AND status != 'closed'");
  if (q.bind(name, email, conv_id).step() != kDone) return q.error("setting contact");
  if (changes() == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is closed");
  }
  return conversation(conv_id);
}

Result<Conversation> SqlStore::set_due(Id conv_id, std::optional<Millis> due, int on_time, int late) {
  PREPARE(q,
          "UPDATE conversations SET due_at = ?, answers_on_time = answers_on_time + ?, "
          "answers_late = answers_late + ? WHERE id = ?");
  if (q.bind(due, on_time, late, conv_id).step() != kDone) return q.error("setting the due time");
  if (changes() == 0) return Error::not_found("no such conversation");
  return conversation(conv_id);
}

Result<std::vector<TargetCount>> SqlStore::target_counts(Id tenant_id, Millis from, Millis to, Millis now) {
  PREPARE(q,
          "SELECT origin, SUM(answers_on_time), SUM(answers_late), "
          "SUM(CASE WHEN due_at IS NOT NULL AND status != 'closed' AND due_at < ?1 THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN due_at IS NOT NULL AND status != 'closed' AND due_at >= ?1 THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN due_at IS NOT NULL AND status = 'closed' THEN 1 ELSE 0 END) FROM conversations "
          "WHERE tenant_id = ?2 AND created_at >= ?3 AND created_at < ?4 AND origin IN ('email', 'offline', 'api') "
          "GROUP BY origin ORDER BY origin");
  q.bind(now, tenant_id, from, to);
  std::vector<TargetCount> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back({q.text(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.i64(5)});
  if (rc != kDone) return q.error("counting answers against targets");
  return out;
}

Result<std::optional<Millis>> SqlStore::first_conversation_at(Id tenant_id) {
  PREPARE(q, "SELECT min(created_at) FROM conversations WHERE tenant_id = ?");
  if (q.bind(tenant_id).step() != kRow) return q.error("reading the first conversation");
  return q.opt(0);
}

namespace {
Message read_message(auto& q) {
  Message m;
  m.conv_id = q.i64(0);
  m.seq = q.i64(1);
  m.author = q.text(2);
  m.author_id = q.opt(3);
  m.author_name = q.text(4);
  m.body = q.text(5);
  m.cid = q.text(6);
  m.at = q.i64(7);
  m.quoted = q.text(8);
  m.files = files_from_text(q.text(9));
  m.card = q.text(10);
  return m;
}
}  // namespace

Result<Appended> SqlStore::append_message(const Message& m) {
  if (pg()) return append_message_pg(m);
  if (!m.cid.empty()) {
    PREPARE(d,
            "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, files, card "
            "FROM "
            "messages "
            "WHERE conversation_id = ? AND cid = ?");
    int rc = d.bind(m.conv_id, m.cid).step();
    if (rc == kRow) {
      Message old = read_message(d);
      if (old.author != m.author || old.author_id != m.author_id) {
        return Error::conflict("client message id already used by another author");
      }
      return Appended{std::move(old), true};
    }
    if (rc != kDone) return d.error("checking message id");
  }
  // No RETURNING: SQLite gathers its rows in a temporary table, opened and dropped per message
  // (~2 % of the store thread under load); the row is read back from the page just written.
  PREPARE(u,
          "UPDATE conversations SET last_seq = last_seq + 1, last_at = ?, preview = ? "
          "WHERE id = ? AND status != 'closed' AND last_seq < ?");
  if (u.bind(m.at, message_preview(m), m.conv_id, limits::kMaxMessagesPerConversation).step() != kDone)
    return u.error("sequencing message");
  if (changes() == 0) return why_not_appended(m.conv_id);
  PREPARE(n, "SELECT last_seq FROM conversations WHERE id = ?");
  if (n.bind(m.conv_id).step() != kRow) return n.error("sequencing message");
  Message stored = m;
  stored.seq = n.i64(0);
  PREPARE(i,
          "INSERT INTO messages(conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, "
          "files, card) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  auto cid = stored.cid.empty() ? std::optional<std::string_view>() : std::optional<std::string_view>(stored.cid);
  i.bind(stored.conv_id, stored.seq, stored.author, stored.author_id, stored.author_name, stored.body, cid, stored.at,
         stored.quoted, files_text(stored.files), stored.card);
  if (i.step() != kDone) return i.error("storing message");
  return Appended{std::move(stored), false};
}

// PostgreSQL: the re-sent-id check, the sequence bump and the insert in one statement, one round
// trip (data-modifying WITHs; SQLite has none). A message already stored under its cid comes back
// as it was (the last column 1), a new one with its seq (0); no row: closed or full.
Result<Appended> SqlStore::append_message_pg(const Message& m) {
  PREPARE(
      q,
      "WITH d AS (SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, files, "
      "card FROM messages WHERE conversation_id = ?3 AND cid = CAST(?9 AS TEXT)), "
      "s AS (UPDATE conversations SET last_seq = last_seq + 1, last_at = ?1, preview = ?2 "
      "WHERE id = ?3 AND status != 'closed' AND last_seq < ?4 AND NOT EXISTS (SELECT 1 FROM d) RETURNING last_seq), "
      "i AS (INSERT INTO messages(conversation_id, seq, author, author_id, author_name, body, cid, created_at, "
      "quoted, files, card) SELECT ?3, s.last_seq, ?5, ?6, ?7, ?8, CAST(?9 AS TEXT), ?1, ?10, ?11, ?12 FROM s "
      "RETURNING seq) "
      "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, files, card, 1 "
      "FROM d UNION ALL SELECT ?3, seq, '', 0, '', '', '', 0, '', '', '', 0 FROM i");
  auto cid = m.cid.empty() ? std::optional<std::string_view>() : std::optional<std::string_view>(m.cid);
  q.bind(m.at, message_preview(m), m.conv_id, limits::kMaxMessagesPerConversation, m.author, m.author_id, m.author_name,
         m.body, cid, m.quoted, files_text(m.files), m.card);
  int rc = q.step();
  if (rc == kDone) return why_not_appended(m.conv_id);
  if (rc != kRow) return q.error("storing message");
  if (q.i64(11) == 1) {
    Message old = read_message(q);
    if (old.author != m.author || old.author_id != m.author_id) {
      return Error::conflict("client message id already used by another author");
    }
    return Appended{std::move(old), true};
  }
  Message stored = m;
  stored.seq = q.i64(1);
  return Appended{std::move(stored), false};
}

// Why a message found no place: the conversation is closed or full.
Error SqlStore::why_not_appended(Id conv_id) {
  auto c = conversation(conv_id);
  if (!c) return c.error();
  if (c->status == conv_status::kClosed) return Error::conflict("the conversation is closed");
  return Error::too_large("the conversation has reached its limit of " +
                          std::to_string(limits::kMaxMessagesPerConversation) + " messages; start a new one");
}

Result<std::vector<Message>> SqlStore::messages_after(Id conv_id, std::int64_t after, std::size_t limit) {
  PREPARE(q,
          "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, files, card "
          "FROM messages "
          "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  q.bind(conv_id, after, static_cast<std::int64_t>(limit));
  std::vector<Message> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_message(q));
  if (rc != kDone) return q.error("reading messages");
  return out;
}

Result<std::vector<Message>> SqlStore::messages_page(Id conv_id, std::int64_t after, std::int64_t before,
                                                     std::size_t limit, bool with_notes) {
  PREPARE(
      q,
      "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at, quoted, files, card "
      "FROM messages "
      "WHERE conversation_id = ? AND seq > ? AND seq < ? AND (? = 1 OR author != 'note') ORDER BY seq DESC LIMIT ?");
  q.bind(conv_id, after, before, with_notes ? 1 : 0, static_cast<std::int64_t>(limit));
  std::vector<Message> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_message(q));
  if (rc != kDone) return q.error("reading messages");
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace tiski
