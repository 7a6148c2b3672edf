// The SQL records of the email channel's IMAP mailboxes (migration 26): their settings and
// where reading each got to (UIDVALIDITY and the last UID taken).
#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

#define MAILBOX_COLUMNS                                                                                       \
  "id, tenant_id, url, username, password, site_key, active, uidvalidity, last_uid, checked_at, last_error, " \
  "received, created_at, address"
Mailbox read_mailbox(auto& q) {
  return Mailbox{q.i64(0), q.i64(1), q.text(2), q.text(3),  q.text(4), q.text(5), q.i64(6) != 0,
                 q.i64(7), q.i64(8), q.i64(9),  q.text(10), q.i64(11), q.i64(12), q.text(13)};
}

}  // namespace

Result<Mailbox> SqlStore::add_mailbox(const Mailbox& m) {
  PREPARE(q,
          "INSERT INTO mailboxes(tenant_id, url, username, password, site_key, active, created_at, address) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?) RETURNING " MAILBOX_COLUMNS);
  if (q.bind(m.tenant_id, m.url, m.username, m.password, m.site_key, m.active ? 1 : 0, m.created_at, m.address)
          .step() != kRow)
    return q.error("adding a mailbox");
  return read_mailbox(q);
}

Result<std::vector<Mailbox>> SqlStore::mailboxes(Id tenant_id) {
  PREPARE(q, "SELECT " MAILBOX_COLUMNS " FROM mailboxes WHERE tenant_id = ? ORDER BY id LIMIT 100");
  q.bind(tenant_id);
  std::vector<Mailbox> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_mailbox(q));
  if (rc != kDone) return q.error("listing mailboxes");
  return out;
}

Result<Mailbox> SqlStore::update_mailbox(const Mailbox& m) {
  // Another server or account is another mailbox: reading starts afresh (after its present mail).
  PREPARE(q,
          "UPDATE mailboxes SET uidvalidity = CASE WHEN url = ?1 AND username = ?2 THEN uidvalidity ELSE 0 END, "
          "last_uid = CASE WHEN url = ?1 AND username = ?2 THEN last_uid ELSE 0 END, "
          "last_error = CASE WHEN url = ?1 AND username = ?2 AND password = ?3 THEN last_error ELSE '' END, "
          "url = ?1, username = ?2, password = ?3, site_key = ?4, active = ?5, address = ?8 "
          "WHERE id = ?6 AND tenant_id = ?7 RETURNING " MAILBOX_COLUMNS);
  int rc = q.bind(m.url, m.username, m.password, m.site_key, m.active ? 1 : 0, m.id, m.tenant_id, m.address).step();
  if (rc == kDone) return Error::not_found("no such mailbox");
  if (rc != kRow) return q.error("changing a mailbox");
  return read_mailbox(q);
}

Status SqlStore::delete_mailbox(Id tenant_id, Id mailbox_id) {
  PREPARE(q, "DELETE FROM mailboxes WHERE id = ? AND tenant_id = ?");
  if (q.bind(mailbox_id, tenant_id).step() != kDone) return q.error("removing a mailbox");
  if (changes() == 0) return Error::not_found("no such mailbox");
  return {};
}

Result<std::vector<Mailbox>> SqlStore::active_mailboxes(std::size_t limit) {
  PREPARE(q, "SELECT " MAILBOX_COLUMNS " FROM mailboxes WHERE active = 1 ORDER BY checked_at, id LIMIT ?");
  q.bind(static_cast<std::int64_t>(limit));
  std::vector<Mailbox> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_mailbox(q));
  if (rc != kDone) return q.error("listing mailboxes to read");
  return out;
}

Result<bool> SqlStore::save_mailbox_position(const Mailbox& m, std::int64_t taken) {
  PREPARE(q,
          "UPDATE mailboxes SET uidvalidity = ?, last_uid = ?, checked_at = ?, last_error = ?, "
          "received = received + ? WHERE id = ? AND url = ? AND username = ?");
  if (q.bind(m.uidvalidity, m.last_uid, m.checked_at, m.last_error, taken, m.id, m.url, m.username).step() != kDone)
    return q.error("saving a mailbox's position");
  return changes() > 0;
}

}  // namespace tiski
