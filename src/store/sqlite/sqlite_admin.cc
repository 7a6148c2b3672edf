// The SQLite administration records (migration 16): an agent's login sessions as a list, and
// the audit log. A tenant's audit lines are its own and the logins of the agents serving it.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "store/sqlite/sqlite_internal.h"

namespace tiski {

std::string ids_json(const std::vector<Id>& ids) {
  boost::json::array a;
  for (Id id : ids) a.push_back(id);
  return boost::json::serialize(a);
}

Result<std::vector<Session>> SqliteStore::sessions_of(Id agent_id, Millis now) {
  PREPARE(q, "SELECT " SESSION_COLUMNS
             " FROM sessions WHERE agent_id = ? AND expires_at > ? ORDER BY created_at DESC, token_hash LIMIT 100");
  q.bind(agent_id, now);
  std::vector<Session> out;
  int rc = 0;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_session(q));
  if (rc != SQLITE_DONE) return q.error("listing sessions");
  return out;
}

Status SqliteStore::delete_sessions_of(Id agent_id, std::string_view except_hash) {
  PREPARE(q, "DELETE FROM sessions WHERE agent_id = ? AND token_hash != ?");
  if (q.bind(agent_id, except_hash).step() != SQLITE_DONE) return q.error("ending sessions");
  return {};
}

Status SqliteStore::add_audit(const AuditEntry& e) {
  PREPARE(q,
          "INSERT INTO audit_log(at, tenant_id, actor_id, actor, action, target, detail, ip) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  if (q.bind(e.at, e.tenant_id, e.actor_id, e.actor, e.action, e.target, e.detail, e.ip).step() != SQLITE_DONE)
    return q.error("writing the audit log");
  return {};
}

Result<std::vector<AuditEntry>> SqliteStore::audit(const AuditQuery& a) {
  // "login" matches login.ok and login.failed: a whole action or a prefix up to a dot.
  PREPARE(q,
          "SELECT id, at, tenant_id, actor_id, actor, action, target, detail, ip FROM audit_log "
          "WHERE (tenant_id IN (SELECT value FROM json_each(?)) OR (? AND tenant_id = 0) "
          " OR (tenant_id = 0 AND action LIKE 'login.%' AND actor_id IN "
          "     (SELECT agent_id FROM memberships WHERE tenant_id IN (SELECT value FROM json_each(?))))) "
          "AND (? = '' OR action = ? OR substr(action, 1, length(?) + 1) = ? || '.') "
          "AND (? = 0 OR actor_id = ?) AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
  auto tenants = ids_json(a.tenants);
  q.bind(tenants, a.workspace ? 1 : 0, tenants, a.action, a.action, a.action, a.action, a.actor_id, a.actor_id,
         a.before, a.before, static_cast<std::int64_t>(a.limit));
  std::vector<AuditEntry> out;
  int rc = 0;
  while ((rc = q.step()) == SQLITE_ROW) {
    out.push_back(
        AuditEntry{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.text(4), q.text(5), q.text(6), q.text(7), q.text(8)});
  }
  if (rc != SQLITE_DONE) return q.error("reading the audit log");
  return out;
}

}  // namespace tiski
