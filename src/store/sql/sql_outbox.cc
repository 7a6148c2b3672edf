// The SQL OutboxRepo, InvitationRepo and EventRepo.

#include <algorithm>

#include "store/sql/sql_internal.h"
#include "util/limits.h"

namespace tiski {

#define INV_SELECT                                                                                       \
  "SELECT id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id, " \
  "held_out FROM invitations "

namespace {
Invitation read_invitation(auto& q) {
  return Invitation{q.i64(0),  q.i64(1), q.i64(2), q.i64(3), q.i64(4),
                    q.text(5), q.i64(6), q.opt(7), q.opt(8), q.i64(9) != 0};
}
}  // namespace

Result<Invitation> SqlStore::record_invitation(const Invitation& inv) {
  PREPARE(q,
          "INSERT INTO invitations(tenant_id, site_id, visitor_id, rule_id, visit, shown_at, held_out) "
          "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING id");
  if (q.bind(inv.tenant_id, inv.site_id, inv.visitor_id, inv.rule_id, inv.visit, inv.shown_at, inv.held_out ? 1 : 0)
          .step() != kRow) {
    return q.error("recording invitation");
  }
  Invitation out = inv;
  out.id = q.i64(0);
  return out;
}

Result<Invitation> SqlStore::dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) {
  PREPARE(
      q,
      "UPDATE invitations SET dismissed_at = ? WHERE id = (SELECT id FROM invitations WHERE visitor_id = ? "
      "AND rule_id = ? AND held_out = 0 AND dismissed_at IS NULL AND conversation_id IS NULL ORDER BY id DESC LIMIT 1) "
      "RETURNING id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id, "
      "held_out");
  int rc = q.bind(now, visitor_id, rule_id).step();
  if (rc == kDone) return Error::not_found("no open invitation of that rule");
  if (rc != kRow) return q.error("dismissing invitation");
  Invitation inv = read_invitation(q);
  if (q.step() != kDone) return q.error("dismissing invitation");
  return inv;
}

Result<Invitation> SqlStore::accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) {
  PREPARE(q,
          "UPDATE invitations SET conversation_id = ? WHERE id = (SELECT id FROM invitations WHERE visitor_id = ? "
          "AND rule_id = ? AND held_out = 0 AND conversation_id IS NULL ORDER BY id DESC LIMIT 1) "
          "RETURNING id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id, "
          "held_out");
  int rc = q.bind(conv_id, visitor_id, rule_id).step();
  if (rc == kDone) return Error::not_found("no invitation of that rule to accept");
  if (rc != kRow) return q.error("accepting invitation");
  Invitation inv = read_invitation(q);
  if (q.step() != kDone) return q.error("accepting invitation");
  return inv;
}

Result<std::vector<Invitation>> SqlStore::invitations_of(Id visitor_id, Millis since) {
  PREPARE(q, INV_SELECT "WHERE visitor_id = ? AND shown_at >= ? ORDER BY id");
  q.bind(visitor_id, since);
  std::vector<Invitation> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_invitation(q));
  if (rc != kDone) return q.error("listing invitations");
  return out;
}

#define MAIL_SELECT                                                                                           \
  "SELECT id, tenant_id, conversation_id, seq, to_addr, message_id, mime, status, attempts, next_at, error, " \
  "created_at, sent_at FROM outbox "

namespace {
OutMail read_mail(auto& q) {
  OutMail m;
  m.id = q.i64(0);
  m.tenant_id = q.i64(1);
  m.conv_id = q.i64(2);
  m.seq = q.i64(3);
  m.to = q.text(4);
  m.message_id = q.text(5);
  m.mime = q.text(6);
  m.status = q.text(7);
  m.attempts = static_cast<int>(q.i64(8));
  m.next_at = q.i64(9);
  m.error = q.text(10);
  m.created_at = q.i64(11);
  m.sent_at = q.opt(12);
  return m;
}
}  // namespace

Result<OutMail> SqlStore::enqueue_mail(const OutMail& m) {
  PREPARE(q,
          "INSERT INTO outbox(tenant_id, conversation_id, seq, to_addr, message_id, mime, status, next_at, created_at, "
          "error) "
          "VALUES(?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING id");
  // An account's own mail has no conversation (and maybe no tenant): NULL, not 0.
  auto id_or_null = [](Id id) { return id ? std::optional<Id>(id) : std::nullopt; };
  auto seq = m.conv_id ? std::optional<std::int64_t>(m.seq) : std::nullopt;
  if (q.bind(id_or_null(m.tenant_id), id_or_null(m.conv_id), seq, m.to, m.message_id, m.mime, m.next_at, m.created_at,
             m.error)
          .step() != kRow) {
    return q.error("queueing mail");
  }
  OutMail out = m;
  out.id = q.i64(0);
  out.status = std::string(mail_status::kQueued);
  out.attempts = 0;
  out.sent_at.reset();
  return out;
}

Result<std::vector<OutMail>> SqlStore::due_mail(Millis now, std::size_t limit) {
  PREPARE(q, MAIL_SELECT "WHERE status = 'queued' AND next_at <= ? ORDER BY next_at, id LIMIT ?");
  q.bind(now, static_cast<std::int64_t>(limit));
  std::vector<OutMail> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_mail(q));
  if (rc != kDone) return q.error("listing due mail");
  return out;
}

Result<OutMail> SqlStore::record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                              Millis now) {
  std::string_view status = sent ? mail_status::kSent : retry_at ? mail_status::kQueued : mail_status::kFailed;
  PREPARE(
      q,
      "UPDATE outbox SET attempts = attempts + 1, status = ?1, error = ?2, next_at = COALESCE(?3, next_at), "
      "sent_at = ?4, mime = CASE WHEN CAST(?4 AS BIGINT) IS NOT NULL AND conversation_id IS NULL THEN '' ELSE mime END "
      "WHERE id = ?5 AND status = 'queued'");
  auto sent_at = sent ? std::optional<std::int64_t>(now) : std::nullopt;
  if (q.bind(status, sent ? std::string_view("") : error, retry_at, sent_at, id).step() != kDone) {
    return q.error("recording mail attempt");
  }
  bool changed = changes() > 0;
  PREPARE(r, MAIL_SELECT "WHERE id = ?");
  int rc = r.bind(id).step();
  if (rc == kDone) return Error::not_found("no such mail");
  if (rc != kRow) return r.error("reading mail");
  if (!changed) return Error::conflict("the mail is not queued");
  return read_mail(r);
}

Result<std::vector<OutMail>> SqlStore::mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) {
  PREPARE(q, MAIL_SELECT "WHERE conversation_id = ? AND seq >= ? AND seq <= ? ORDER BY seq");
  q.bind(conv_id, from_seq, to_seq);
  std::vector<OutMail> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_mail(q));
  if (rc != kDone) return q.error("listing mail");
  return out;
}

Result<std::vector<std::pair<Id, std::int64_t>>> SqlStore::replies_without_mail(Millis since, std::size_t limit) {
  PREPARE(q,
          "SELECT m.conversation_id, m.seq FROM conversations c JOIN messages m ON m.conversation_id = c.id "
          "WHERE c.contact_email != '' AND c.last_at >= ?1 AND m.author = 'agent' AND m.created_at >= ?1 "
          "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_id = m.conversation_id AND o.seq = m.seq) "
          "ORDER BY m.created_at, m.conversation_id, m.seq LIMIT ?2");
  q.bind(since, static_cast<std::int64_t>(limit));
  std::vector<std::pair<Id, std::int64_t>> out;
  int rc;
  while ((rc = q.step()) == kRow) out.emplace_back(q.i64(0), q.i64(1));
  if (rc != kDone) return q.error("listing replies without mail");
  return out;
}

Status SqlStore::append_event(const Event& e) {
  PREPARE(q, "INSERT INTO events(tenant_id, conversation_id, kind, data, at) VALUES(?, ?, ?, ?, ?)");
  if (q.bind(e.tenant_id, e.conv_id, e.kind, e.data.empty() ? std::string("{}") : e.data, e.at).step() != kDone) {
    return q.error("appending event");
  }
  return {};
}

Result<std::vector<Event>> SqlStore::events_of_conversation(Id conv_id) {
  PREPARE(q, "SELECT id, tenant_id, conversation_id, kind, data, at FROM events WHERE conversation_id = ? ORDER BY id");
  q.bind(conv_id);
  std::vector<Event> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(Event{q.i64(0), q.i64(1), q.opt(2), q.text(3), q.text(4), q.i64(5)});
  if (rc != kDone) return q.error("reading events");
  return out;
}

}  // namespace tiski
