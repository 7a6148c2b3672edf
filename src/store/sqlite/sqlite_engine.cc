// The SQLite engine (sqlite_engine.h): the connection, its statement cache, migrations and the
// checkpointer thread.
#include "store/sqlite/sqlite_engine.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/wal_buffer_vfs.h"

namespace tiski {
namespace {

class SqliteCursor final : public sql::Cursor {
 public:
  explicit SqliteCursor(sqlite3_stmt* s) : s_(s) {}
  ~SqliteCursor() override { sqlite3_finalize(s_); }
  void bind_i64(int i, std::int64_t v) override { sqlite3_bind_int64(s_, i, v); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bind_null(int i) override { sqlite3_bind_null(s_, i); }
  int step() override {
    int rc = sqlite3_step(s_);
    return rc == SQLITE_ROW ? kRow : rc == SQLITE_DONE ? kDone : -rc;
  }
  void reset() override {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  bool is_null(int c) const override { return sqlite3_column_type(s_, c) == SQLITE_NULL; }
  std::int64_t i64(int c) const override { return sqlite3_column_int64(s_, c); }
  double dbl(int c) const override { return sqlite3_column_double(s_, c); }
  std::string text(int c) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }

 private:
  sqlite3_stmt* s_;
};

class SqliteEngine final : public sql::Engine {
 public:
  explicit SqliteEngine(sqlite3* db) : db_(db) {}
  ~SqliteEngine() override;

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  Result<sql::Cursor*> prepare(const char* sql) override;
  Status exec(const char* sql) override;
  std::int64_t changes() const override { return sqlite3_changes(db_); }
  Error error(std::string_view what) const override;
  Status begin(bool write) override { return step_cached(write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"); }
  Status commit() override { return step_cached("COMMIT"); }
  Status rollback() override { return step_cached("ROLLBACK"); }
  Status savepoint() override { return step_cached("SAVEPOINT job"); }
  Status release() override { return step_cached("RELEASE job"); }
  Status rollback_to() override {
    if (auto s = step_cached("ROLLBACK TO job"); !s) return s;
    return step_cached("RELEASE job");
  }
  Status make_query_only() override { return exec("PRAGMA query_only = ON"); }
  // After an erasure: empty the WAL file.
  void after_erasure() override { ckpt_truncate_.store(true); }

  Status migrate();
  void start_checkpointer(const std::string& path);

 private:
  // Transaction statements run once per job, so they are prepared once too.
  Status step_cached(const char* sql);

  sqlite3* db_;
  std::map<const char*, std::unique_ptr<SqliteCursor>> stmts_;  // keyed by the SQL literal's address
  std::thread checkpointer_;
  std::mutex ckpt_mu_;
  std::condition_variable ckpt_cv_;
  bool ckpt_stop_ = false;  // guarded by ckpt_mu_
  std::atomic<bool> ckpt_truncate_{false};
};

SqliteEngine::~SqliteEngine() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(ckpt_mu_);
      ckpt_stop_ = true;
    }
    ckpt_cv_.notify_one();
    checkpointer_.join();
    (void)exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  stmts_.clear();
  sqlite3_close(db_);
}

Error SqliteEngine::error(std::string_view what) const {
  int ext = sqlite3_extended_errcode(db_);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db_);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) return Error::conflict(msg);
  if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) return Error::not_found(msg);
  return Error::internal(msg);
}

Status SqliteEngine::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Error::internal(std::string("sqlite: ") + msg);
  }
  return {};
}

Result<sql::Cursor*> SqliteEngine::prepare(const char* sql) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return it->second.get();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK) {
    return error(std::string("preparing ") + sql);
  }
  auto [pos, _] = stmts_.emplace(sql, std::make_unique<SqliteCursor>(st));
  return pos->second.get();
}

Status SqliteEngine::step_cached(const char* sql) {
  auto c = prepare(sql);
  if (!c) return c.error();
  int rc = (*c)->step();
  (*c)->reset();
  if (rc != kDone) return error(sql);
  return {};
}

Status SqliteEngine::migrate() {
  std::int64_t version = 0;
  {  // reset before the migrations: a statement left active locks tables against DROP
    auto q = prepare("PRAGMA user_version");
    if (!q) return q.error();
    if ((*q)->step() != kRow) return error("reading schema version");
    version = (*q)->i64(0);
    (*q)->reset();
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

void SqliteEngine::start_checkpointer(const std::string& path) {
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

Result<sqlite3*> open_db(const std::string& path, int flags, const char* purpose, const char* vfs = nullptr) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::internal("cannot open database " + path + purpose + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

}  // namespace

void configure_sqlite() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Result<std::unique_ptr<SqlStore>> SqliteStore::open(const std::string& path) {
  configure_sqlite();  // before the VFS is looked up: that initialises SQLite
  // The writer's WAL frames leave in one write per commit (wal_buffer_vfs.h): safe because
  // this connection syncs every commit (synchronous=FULL below, never changed).
  auto db = TRY(open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "", wal_buffer_vfs_name()));
  auto engine = std::make_unique<SqliteEngine>(db);
  // secure_delete: deleted and overwritten content is zeroed in the file (erasures, docs/privacy.md).
  for (const char* pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA secure_delete=ON"}) {
    TRY_OK(engine->exec(pragma));
  }
  TRY_OK(engine->migrate());
  if (path != ":memory:") {
    // The WAL's bound (sqlite_engine.h; docs/storage.md): a steady load never leaves the
    // background checkpointer time to finish between two commits.
    TRY_OK(engine->exec(("PRAGMA wal_autocheckpoint=" + std::to_string(SqliteStore::kWalRestartPages)).c_str()));
    engine->start_checkpointer(path);
  }
  return std::make_unique<SqlStore>(std::move(engine));
}

Result<std::unique_ptr<SqlStore>> SqliteStore::open_reader(const std::string& path) {
  configure_sqlite();
  auto db = TRY(open_db(path, SQLITE_OPEN_READWRITE, " for reading"));
  auto engine = std::make_unique<SqliteEngine>(db);
  TRY_OK(engine->make_query_only());
  return std::make_unique<SqlStore>(std::move(engine));
}

}  // namespace tiski
