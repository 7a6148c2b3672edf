#include "reports/rollup_db.h"

#include <sqlite3.h>

namespace tiski::reports {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS rollup_state (
  tenant_id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL, mark INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS rollups (
  tenant_id INTEGER NOT NULL, level INTEGER NOT NULL, day INTEGER NOT NULL, site_id INTEGER NOT NULL,
  agent_id INTEGER NOT NULL, origin TEXT NOT NULL, team_id INTEGER NOT NULL, data BLOB NOT NULL,
  PRIMARY KEY (tenant_id, level, day, site_id, agent_id, origin, team_id)) WITHOUT ROWID;
)sql";

// A prepared statement for one call: finalized on scope exit.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  Stmt(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
  ~Stmt() { sqlite3_finalize(s); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
};

Error failed(sqlite3* db, const std::string& what) { return Error::internal(what + ": " + sqlite3_errmsg(db)); }

}  // namespace

Result<std::unique_ptr<RollupDb>> RollupDb::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::internal("cannot open " + path + ": " + msg);
  }
  std::unique_ptr<RollupDb> out(new RollupDb(db));
  TRY_OK(out->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  TRY_OK(out->exec(kSchema));
  return out;
}

RollupDb::~RollupDb() { sqlite3_close(db_); }

Status RollupDb::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::internal(std::string("report rollups: ") + msg);
  }
  return {};
}

Status RollupDb::begin() { return exec("BEGIN IMMEDIATE"); }
Status RollupDb::commit() { return exec("COMMIT"); }
Status RollupDb::rollback() { return exec("ROLLBACK"); }

Result<TenantState> RollupDb::state(Id tenant) {
  Stmt q(db_, "SELECT fingerprint, mark FROM rollup_state WHERE tenant_id = ?");
  sqlite3_bind_int64(q.s, 1, tenant);
  int rc = sqlite3_step(q.s);
  if (rc == SQLITE_DONE) return TenantState{};
  if (rc != SQLITE_ROW) return failed(db_, "reading rollup state");
  return TenantState{reinterpret_cast<const char*>(sqlite3_column_text(q.s, 0)), sqlite3_column_int64(q.s, 1)};
}

Status RollupDb::set_state(Id tenant, const TenantState& s) {
  Stmt q(db_, "INSERT OR REPLACE INTO rollup_state(tenant_id, fingerprint, mark) VALUES(?, ?, ?)");
  sqlite3_bind_int64(q.s, 1, tenant);
  sqlite3_bind_text(q.s, 2, s.fingerprint.data(), static_cast<int>(s.fingerprint.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(q.s, 3, s.mark);
  if (sqlite3_step(q.s) != SQLITE_DONE) return failed(db_, "writing rollup state");
  return {};
}

Status RollupDb::clear(Id tenant) {
  Stmt q(db_, "DELETE FROM rollups WHERE tenant_id = ?");
  sqlite3_bind_int64(q.s, 1, tenant);
  if (sqlite3_step(q.s) != SQLITE_DONE) return failed(db_, "clearing rollups");
  return {};
}

Status RollupDb::put(Id tenant, Level level, analytics::DayNo day, const analytics::Rolled& rows) {
  {
    Stmt q(db_, "DELETE FROM rollups WHERE tenant_id = ? AND level = ? AND day = ?");
    sqlite3_bind_int64(q.s, 1, tenant);
    sqlite3_bind_int(q.s, 2, static_cast<int>(level));
    sqlite3_bind_int64(q.s, 3, day);
    if (sqlite3_step(q.s) != SQLITE_DONE) return failed(db_, "replacing a day's rollups");
  }
  Stmt q(db_,
         "INSERT INTO rollups(tenant_id, level, day, site_id, agent_id, origin, team_id, data) "
         "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  for (const auto& [c, p] : rows) {
    auto bytes = p.encode();
    sqlite3_reset(q.s);
    sqlite3_bind_int64(q.s, 1, tenant);
    sqlite3_bind_int(q.s, 2, static_cast<int>(level));
    sqlite3_bind_int64(q.s, 3, day);
    sqlite3_bind_int64(q.s, 4, c.site);
    sqlite3_bind_int64(q.s, 5, c.agent);
    sqlite3_bind_text(q.s, 6, c.origin.data(), static_cast<int>(c.origin.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(q.s, 7, c.team);
    sqlite3_bind_blob(q.s, 8, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(q.s) != SQLITE_DONE) return failed(db_, "writing a day's rollups");
  }
  return {};
}

Result<std::vector<StoredRow>> RollupDb::rows(Id tenant, Level level, analytics::DayNo from, analytics::DayNo to) {
  Stmt q(db_,
         "SELECT day, site_id, agent_id, origin, team_id, data FROM rollups "
         "WHERE tenant_id = ? AND level = ? AND day >= ? AND day <= ?");
  sqlite3_bind_int64(q.s, 1, tenant);
  sqlite3_bind_int(q.s, 2, static_cast<int>(level));
  sqlite3_bind_int64(q.s, 3, from);
  sqlite3_bind_int64(q.s, 4, to);
  std::vector<StoredRow> out;
  int rc;
  while ((rc = sqlite3_step(q.s)) == SQLITE_ROW) {
    StoredRow r;
    r.day = static_cast<analytics::DayNo>(sqlite3_column_int64(q.s, 0));
    r.combo = {sqlite3_column_int64(q.s, 1), sqlite3_column_int64(q.s, 2),
               reinterpret_cast<const char*>(sqlite3_column_text(q.s, 3)), sqlite3_column_int64(q.s, 4)};
    const auto* data = static_cast<const char*>(sqlite3_column_blob(q.s, 5));
    r.data.assign(data, static_cast<std::size_t>(sqlite3_column_bytes(q.s, 5)));
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return failed(db_, "reading rollups");
  return out;
}

}  // namespace tiski::reports
