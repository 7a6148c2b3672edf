// The SQL administration records (migration 16): an agent's login sessions as a list, and
// the audit log. A tenant's audit lines are its own and the logins of the agents serving it.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "store/sql/sql_internal.h"
#include "util/crypto.h"

namespace tiski {

std::string ids_json(const std::vector<Id>& ids) {
  boost::json::array a;
  for (Id id : ids) a.push_back(id);
  return boost::json::serialize(a);
}

Result<std::vector<Session>> SqlStore::sessions_of(Id agent_id, Millis now) {
  PREPARE(q, "SELECT " SESSION_COLUMNS
             " FROM sessions WHERE agent_id = ? AND expires_at > ? ORDER BY created_at DESC, token_hash LIMIT 100");
  q.bind(agent_id, now);
  std::vector<Session> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_session(q));
  if (rc != kDone) return q.error("listing sessions");
  return out;
}

Status SqlStore::delete_sessions_of(Id agent_id, std::string_view except_hash) {
  PREPARE(q, "DELETE FROM sessions WHERE agent_id = ? AND token_hash != ?");
  if (q.bind(agent_id, except_hash).step() != kDone) return q.error("ending sessions");
  return {};
}

Result<Totp> SqlStore::totp_of(Id agent_id) {
  PREPARE(
      q,
      "SELECT totp_key, totp_pending, totp_step, EXISTS(SELECT 1 FROM tenants t WHERE t.require_totp = 1 AND "
      "(a.owner = 1 OR t.id IN (SELECT tenant_id FROM memberships WHERE agent_id = a.id))) FROM agents a WHERE id = ?");
  int rc = q.bind(agent_id).step();
  if (rc == kDone) return Error::not_found("no such agent");
  if (rc != kRow) return q.error("reading two-factor state");
  auto raw = [](const std::string& hex) {
    std::string out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
      out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
  };
  return Totp{raw(q.text(0)), raw(q.text(1)), q.i64(2), q.i64(3) != 0};
}

Status SqlStore::save_totp(Id agent_id, const Totp& t) {
  PREPARE(q, "UPDATE agents SET totp_key = ?, totp_pending = ?, totp_step = ? WHERE id = ?");
  if (q.bind(crypto::hex(t.key), crypto::hex(t.pending), t.step, agent_id).step() != kDone)
    return q.error("saving two-factor state");
  if (changes() == 0) return Error::not_found("no such agent");
  return {};
}

Status SqlStore::set_require_totp(Id tenant_id, bool required) {
  PREPARE(q, "UPDATE tenants SET require_totp = ? WHERE id = ?");
  if (q.bind(required ? 1 : 0, tenant_id).step() != kDone) return q.error("setting the two-factor rule");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::add_audit(const AuditEntry& e) {
  PREPARE(q,
          "INSERT INTO audit_log(at, tenant_id, actor_id, actor, action, target, detail, ip) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  if (q.bind(e.at, e.tenant_id, e.actor_id, e.actor, e.action, e.target, e.detail, e.ip).step() != kDone)
    return q.error("writing the audit log");
  return {};
}

Result<std::vector<AuditEntry>> SqlStore::audit(const AuditQuery& a) {
  // "login" matches login.ok and login.failed: a whole action or a prefix up to a dot.
  PREPARE(q,
          "SELECT id, at, tenant_id, actor_id, actor, action, target, detail, ip FROM audit_log "
          "WHERE (tenant_id IN (SELECT value FROM json_each(?)) OR (? = 1 AND tenant_id = 0) "
          " OR (tenant_id = 0 AND action LIKE 'login.%' AND actor_id IN "
          "     (SELECT agent_id FROM memberships WHERE tenant_id IN (SELECT value FROM json_each(?))))) "
          "AND (? = '' OR action = ? OR substr(action, 1, length(?) + 1) = ? || '.') "
          "AND (? = 0 OR actor_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
  auto tenants = ids_json(a.tenants);
  q.bind(tenants, a.workspace ? 1 : 0, tenants, a.action, a.action, a.action, a.action, a.actor_id, a.actor_id,
         a.before, a.before, static_cast<std::int64_t>(a.limit));
  std::vector<AuditEntry> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    out.push_back(
        AuditEntry{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8)});
  }
  if (rc != kDone) return q.error("reading the audit log");
  return out;
}

#define BLOCK_COLUMNS                                                                                            \
  "id, tenant_id, visitor_id, ip, conversation_id, visitor_number, reason, created_by, created_at, expires_at, " \
  "lifted_at, lifted_by"

namespace {
Block read_block(auto& q) {
  return Block{q.i64(0),  q.i64(1), q.i64(2), q.text(3), q.i64(4),  q.i64(5),
               q.text(6), q.i64(7), q.i64(8), q.i64(9),  q.i64(10), q.i64(11)};
}
}  // namespace

Result<Block> SqlStore::add_block(const Block& b) {
  PREPARE(q,
          "INSERT INTO blocks(tenant_id, visitor_id, ip, conversation_id, visitor_number, reason, created_by, "
          "created_at, expires_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " BLOCK_COLUMNS);
  if (q.bind(b.tenant_id, b.visitor_id, b.ip, b.conv_id, b.visitor_number, b.reason, b.created_by, b.created_at,
             b.expires_at)
          .step() != kRow)
    return q.error("adding a block");
  return read_block(q);
}

Result<Block> SqlStore::lift_block(Id tenant_id, Id block_id, Id by, Millis now) {
  PREPARE(q,
          "UPDATE blocks SET lifted_at = ?, lifted_by = ? WHERE id = ? AND tenant_id = ? AND lifted_at = 0 "
          "AND (expires_at = 0 OR expires_at > ?) RETURNING " BLOCK_COLUMNS);
  int rc = q.bind(now, by, block_id, tenant_id, now).step();
  if (rc == kDone) return Error::not_found("no such block");
  if (rc != kRow) return q.error("lifting a block");
  return read_block(q);
}

Result<std::vector<Block>> SqlStore::active_blocks(Id tenant_id, Millis now, std::size_t limit) {
  PREPARE(q, "SELECT " BLOCK_COLUMNS
             " FROM blocks WHERE (? = 0 OR tenant_id = ?) AND lifted_at = 0 AND (expires_at = 0 OR expires_at > ?) "
             "ORDER BY created_at DESC, id DESC LIMIT ?");
  q.bind(tenant_id, tenant_id, now, static_cast<std::int64_t>(limit));
  std::vector<Block> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_block(q));
  if (rc != kDone) return q.error("listing blocks");
  return out;
}

Status SqlStore::add_password_token(const PasswordToken& t) {
  PREPARE(q, "INSERT INTO password_tokens(token_hash, agent_id, kind, created_at, expires_at) VALUES(?, ?, ?, ?, ?)");
  if (q.bind(t.token_hash, t.agent_id, t.kind, t.created_at, t.expires_at).step() != kDone)
    return q.error("storing a password link");
  // Spent and expired links are of no use to anyone: they go as new ones are made.
  PREPARE(old, "DELETE FROM password_tokens WHERE expires_at < ? OR used_at < ?");
  Millis day_ago = t.created_at - 86'400'000;
  if (old.bind(day_ago, day_ago).step() != kDone) return old.error("pruning password links");
  return {};
}

Result<PasswordToken> SqlStore::use_password_token(std::string_view token_hash, Millis now) {
  PREPARE(q,
          "UPDATE password_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
          "RETURNING token_hash, agent_id, kind, created_at, expires_at");
  int rc = q.bind(now, token_hash, now).step();
  if (rc == kDone) return Error::not_found("no such password link");
  if (rc != kRow) return q.error("spending a password link");
  PasswordToken t{q.text(0), q.i64(1), q.text(2), q.i64(3), q.i64(4)};
  if (q.step() != kDone) return q.error("spending a password link");
  return t;
}

Result<PasswordToken> SqlStore::password_token(std::string_view token_hash, Millis now) {
  PREPARE(q,
          "SELECT token_hash, agent_id, kind, created_at, expires_at FROM password_tokens "
          "WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?");
  int rc = q.bind(token_hash, now).step();
  if (rc == kDone) return Error::not_found("no such password link");
  if (rc != kRow) return q.error("reading a password link");
  return PasswordToken{q.text(0), q.i64(1), q.text(2), q.i64(3), q.i64(4)};
}

Result<int> SqlStore::recent_password_tokens(Id agent_id, Millis since) {
  PREPARE(q, "SELECT COUNT(*) FROM password_tokens WHERE agent_id = ? AND created_at >= ?");
  if (q.bind(agent_id, since).step() != kRow) return q.error("counting password links");
  return static_cast<int>(q.i64(0));
}

}  // namespace tiski
