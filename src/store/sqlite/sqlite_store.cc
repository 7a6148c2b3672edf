// DESIGN: the SQLite back end, one file per repository (sqlite_directory.cc,
// sqlite_visitors.cc, sqlite_conversations.cc, sqlite_outbox.cc) and this one for the
// connection: open, migrate, checkpoints, transactions, settings. Each method prepares (once,
// cached) the statements it needs, binds by position and maps result codes to the error
// vocabulary: SQLITE_CONSTRAINT_UNIQUE -> conflict, no row -> not_found, anything else ->
// internal with sqlite's message.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_internal.h"
#include "util/limits.h"

namespace tiski {

std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string part;
  for (char c : s) {
    if (c == ',') {
      if (!part.empty()) out.push_back(std::move(part));
      part.clear();
    } else {
      part += c;
    }
  }
  if (!part.empty()) out.push_back(std::move(part));
  return out;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::internal("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  // secure_delete: deleted and overwritten content is zeroed in the file (erasures, docs/privacy.md).
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    if (auto s = store->exec(pragma); !s) return s.error();
  }
  if (auto s = store->migrate(); !s) return s.error();
  if (path != ":memory:") {
    if (auto s = store->exec("PRAGMA wal_autocheckpoint=0"); !s) return s.error();
    store->start_checkpointer(path);
  }
  return store;
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open_reader(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::internal("cannot open database " + path + " for reading: " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  TRY_OK(store->make_query_only());
  return store;
}

void SqliteStore::start_checkpointer(const std::string& path) {
  checkpointer_ = std::thread([this, path] {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      sqlite3_close(db);
      return;
    }
    sqlite3_busy_timeout(db, 0);  // never wait: a busy checkpoint simply runs next time
    // A connection learns the database is in WAL mode when it first reads it; until then a
    // checkpoint is a silent no-op (pnLog -1). Read the schema once so that it knows.
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    std::unique_lock lock(ckpt_mu_);
    while (!ckpt_stop_) {
      ckpt_cv_.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      // After an erasure the WAL file is emptied (TRUNCATE), retried until no reader is in the
      // way: old page images with the erased text must not stay in it.
      if (ckpt_truncate_.load()) {
        int log = -1;
        if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, nullptr) == SQLITE_OK && log == 0)
          ckpt_truncate_.store(false);
      } else {
        sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      }
      lock.lock();
    }
    sqlite3_close(db);
  });
}

SqliteStore::~SqliteStore() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(ckpt_mu_);
      ckpt_stop_ = true;
    }
    ckpt_cv_.notify_one();
    checkpointer_.join();
    (void)exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  for (auto& [sql, st] : stmts_) sqlite3_finalize(st);
  sqlite3_close(db_);
}

Error SqliteStore::error_here(std::string_view what) const {
  int ext = sqlite3_extended_errcode(db_);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) return Error::conflict(msg);
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::not_found(msg);
  return Error::internal(msg);
}

Status SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::internal(std::string("sqlite: ") + msg);
  }
  return {};
}

Status SqliteStore::migrate() {
  std::int64_t version = 0;
  {  // reset before the migrations: a statement left active locks tables against DROP
    PREPARE(q, "PRAGMA user_version");
    if (q.step() != SQLITE_ROW) return q.error("reading schema version");
    version = q.i64(0);
  }
  auto all = sqlite::migrations();
  const auto kCount = static_cast<std::int64_t>(all.size());
  if (version > kCount) {
    return Error::internal("database schema version " + std::to_string(version) +
                           " is newer than this binary understands (" + std::to_string(kCount) + ")");
  }
  for (auto v = version; v < kCount; ++v) {
    if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
    auto s = exec(all[static_cast<std::size_t>(v)]);
    if (s) s = exec(("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    if (s) s = exec("COMMIT");
    if (!s) {
      (void)exec("ROLLBACK");
      return s;
    }
  }
  return {};
}

Result<sqlite3_stmt*> SqliteStore::prepare(const char* sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
    return error_here(std::string("preparing ") + sql);
  }
  stmts_.emplace(sql, st);
  return st;
}

// Transaction statements run once per job, so they are prepared once too.
Status SqliteStore::step_cached(const char* sql) {
  PREPARE(q, sql);
  if (q.step() != SQLITE_DONE) return q.error(sql);
  return {};
}

Status SqliteStore::begin() { return step_cached("BEGIN IMMEDIATE"); }
Status SqliteStore::begin_read() { return step_cached("BEGIN DEFERRED"); }
Status SqliteStore::make_query_only() { return exec("PRAGMA query_only = ON"); }
Status SqliteStore::commit() { return step_cached("COMMIT"); }
Status SqliteStore::rollback() {
  any_hooks_.reset();  // a webhook change may have been undone
  return step_cached("ROLLBACK");
}
Status SqliteStore::savepoint() { return step_cached("SAVEPOINT job"); }
Status SqliteStore::release() { return step_cached("RELEASE job"); }
Status SqliteStore::rollback_to() {
  any_hooks_.reset();
  if (auto s = step_cached("ROLLBACK TO job"); !s) return s;
  return step_cached("RELEASE job");
}

Result<std::optional<std::string>> SqliteStore::setting(std::string_view key) {
  PREPARE(q, "SELECT value FROM settings WHERE key = ?");
  q.bind(key);
  int rc = q.step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(q.text(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return q.error("reading setting");
}

Status SqliteStore::set_setting(std::string_view key, std::string_view value) {
  PREPARE(q, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (q.bind(key, value).step() != SQLITE_DONE) return q.error("writing setting");
  return {};
}

}  // namespace tiski
