#include "store/sqlite/backup.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_engine.h"

namespace tiski::sqlite {
namespace {

namespace fs = std::filesystem;

struct Closer {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using Db = std::unique_ptr<sqlite3, Closer>;

Result<Db> open(const std::string& path, int flags) {
  configure_sqlite();
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return Error::internal("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

// The rows of a query's first column, as text.
Result<std::vector<std::string>> column(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK)
    return Error::internal(std::string("checking: ") + sqlite3_errmsg(db));
  std::vector<std::string> out;
  int rc = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(st, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Error::internal(std::string("checking: ") + sqlite3_errmsg(db));
  return out;
}

Result<std::int64_t> number(sqlite3* db, const char* sql) {
  auto rows = TRY(column(db, sql));
  return rows.empty() ? 0 : std::stoll(rows[0]);
}

}  // namespace

Result<std::int64_t> schema_version(const std::string& path) {
  if (!fs::exists(path)) return 0;
  auto db = TRY(open(path, SQLITE_OPEN_READONLY));
  return number(db.get(), "PRAGMA user_version");
}

Status backup(const std::string& from, const std::string& to) {
  if (!fs::exists(from)) return Error::not_found("no database at " + from);
  if (fs::exists(to)) return Error::conflict(to + " exists; choose a new file name");
  std::string partial = to + ".partial";
  std::error_code ec;
  fs::remove(partial, ec);
  {
    auto src = TRY(open(from, SQLITE_OPEN_READWRITE));
    auto dst = TRY(open(partial, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
    sqlite3_backup* b = sqlite3_backup_init(dst.get(), "main", src.get(), "main");
    if (!b) return Error::internal(std::string("backup: ") + sqlite3_errmsg(dst.get()));
    int rc = SQLITE_OK;
    // One step copies every page under one read transaction: a consistent snapshot. Busy
    // (a checkpoint holding a lock for a moment) is waited out.
    for (int tries = 0; tries < 100; ++tries) {
      rc = sqlite3_backup_step(b, -1);
      if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
      sqlite3_sleep(50);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) return Error::internal(std::string("backup: ") + sqlite3_errstr(rc));
    auto ok = TRY(column(dst.get(), "PRAGMA quick_check"));
    if (ok.empty() || ok[0] != "ok")
      return Error::internal("the copy does not check out: " + (ok.empty() ? "" : ok[0]));
    // A standalone file: no WAL beside it.
    if (sqlite3_exec(dst.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) != SQLITE_OK)
      return Error::internal(std::string("backup: ") + sqlite3_errmsg(dst.get()));
  }
  fs::rename(partial, to, ec);
  if (ec) return Error::internal("cannot rename " + partial + ": " + ec.message());
  return {};
}

Result<CheckReport> check(const std::string& path) {
  if (!fs::exists(path)) return Error::not_found("no database at " + path);
  auto db = TRY(open(path, SQLITE_OPEN_READONLY));
  CheckReport r;
  r.schema_version = TRY(number(db.get(), "PRAGMA user_version"));
  r.schema_latest = static_cast<std::int64_t>(migrations().size());
  if (r.schema_version > r.schema_latest)
    r.problems.push_back("schema version " + std::to_string(r.schema_version) + " is newer than this binary (" +
                         std::to_string(r.schema_latest) + ")");
  else if (r.schema_version < r.schema_latest)
    r.problems.push_back("schema version " + std::to_string(r.schema_version) + " of " +
                         std::to_string(r.schema_latest) + ": `tiski serve` upgrades it (after a backup)");
  for (const auto& line : TRY(column(db.get(), "PRAGMA integrity_check"))) {
    if (line != "ok") r.problems.push_back("integrity: " + line);
  }
  if (r.schema_version == 0) return r;
  // Rows whose reference points at nothing (the schema's REFERENCES), then what no foreign key
  // says: a conversation's tenant is its site's, its last seq its newest message's.
  for (const auto& line :
       TRY(column(db.get(),
                  "SELECT \"table\" || ' row ' || IFNULL(rowid, '(no rowid)') || ' points at a missing ' || "
                  "parent FROM pragma_foreign_key_check LIMIT 100")))
    r.problems.push_back("orphan: " + line);
  struct Rule {
    const char* what;
    const char* sql;
  };
  for (auto rule : {
           Rule{"conversations whose tenant is not their site's",
                "SELECT count(*) FROM conversations c JOIN sites s ON s.id = c.site_id WHERE s.tenant_id != "
                "c.tenant_id"},
           Rule{"visitors whose tenant is not their site's",
                "SELECT count(*) FROM visitors v JOIN sites s ON s.id = v.site_id WHERE s.tenant_id != v.tenant_id"},
           Rule{"conversations whose last_seq is not their newest message",
                "SELECT count(*) FROM conversations c WHERE c.last_seq != "
                "(SELECT IFNULL(max(seq), 0) FROM messages m WHERE m.conversation_id = c.id)"},
       }) {
    auto n = TRY(number(db.get(), rule.sql));
    if (n > 0) r.problems.push_back(std::to_string(n) + " " + rule.what);
  }
  for (const char* table : {"tenants", "sites", "agents", "visitors", "conversations", "messages", "events"}) {
    r.counts.emplace_back(table, TRY(number(db.get(), (std::string("SELECT count(*) FROM ") + table).c_str())));
  }
  return r;
}

}  // namespace tiski::sqlite
