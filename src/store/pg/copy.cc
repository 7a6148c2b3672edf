// SQLite -> PostgreSQL (copy.h): read with sqlite3 in one read transaction, written with
// PostgreSQL's COPY in one transaction.
#include "store/pg/copy.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "store/pg/pg_engine.h"
#include "store/sqlite/migrations.h"

namespace tiski::pg {
namespace {

struct SqliteClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct PgFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct PgClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Lite = std::unique_ptr<sqlite3, SqliteClose>;
using Conn = std::unique_ptr<PGconn, PgFinish>;
using Res = std::unique_ptr<PGresult, PgClear>;

// The rows of a query on the SQLite side, each as text (NULL as nullopt).
Result<std::vector<std::vector<std::string>>> lite_rows(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    return Error::internal("SQLite: " + std::string(sqlite3_errmsg(db)));
  std::vector<std::vector<std::string>> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
      row.emplace_back(p ? p : "");
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return Error::internal("SQLite: " + std::string(sqlite3_errmsg(db)));
  return out;
}

Result<Res> pg_exec(PGconn* c, const std::string& sql) {
  Res r(PQexec(c, sql.c_str()));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string msg = PQresultErrorMessage(r.get());
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    return Error::internal("PostgreSQL: " + msg + " (" + sql.substr(0, 120) + ")");
  }
  return r;
}

std::string ident(const std::string& name) { return "\"" + name + "\""; }

// The tables in an order where each comes after the tables its foreign keys name.
Result<std::vector<std::string>> in_key_order(sqlite3* db, const std::vector<std::string>& tables) {
  std::map<std::string, std::set<std::string>> needs;
  for (const auto& t : tables) {
    auto keys = TRY(lite_rows(db, "PRAGMA foreign_key_list(" + ident(t) + ")"));
    for (const auto& k : keys) {
      if (k.size() > 2 && k[2] != t) needs[t].insert(k[2]);
    }
  }
  std::vector<std::string> out;
  std::set<std::string> done;
  std::function<void(const std::string&, int)> visit = [&](const std::string& t, int depth) {
    if (done.contains(t) || depth > 64) return;
    for (const auto& n : needs[t]) {
      if (std::find(tables.begin(), tables.end(), n) != tables.end()) visit(n, depth + 1);
    }
    if (done.insert(t).second) out.push_back(t);
  };
  for (const auto& t : tables) visit(t, 0);
  return out;
}

// One value in COPY's text format.
void put_value(std::string& line, sqlite3_stmt* st, int c) {
  int type = sqlite3_column_type(st, c);
  if (type == SQLITE_NULL) {
    line += "\\N";
    return;
  }
  if (type == SQLITE_BLOB) {
    static const char* kHex = "0123456789abcdef";
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st, c));
    int n = sqlite3_column_bytes(st, c);
    line += "\\\\x";
    for (int i = 0; i < n; ++i) {
      line += kHex[p[i] >> 4];
      line += kHex[p[i] & 15];
    }
    return;
  }
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, c));
  int n = sqlite3_column_bytes(st, c);
  for (int i = 0; i < n; ++i) {
    char ch = p[i];
    switch (ch) {
      case '\\': line += "\\\\"; break;
      case '\t': line += "\\t"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += ch;
    }
  }
}

// Copies one table's rows; returns how many.
Result<std::int64_t> copy_table(sqlite3* db, PGconn* pg, const std::string& table) {
  auto info = TRY(lite_rows(db, "PRAGMA table_info(" + ident(table) + ")"));
  std::string cols;
  for (const auto& col : info) cols += (cols.empty() ? "" : ", ") + ident(col[1]);
  Res start(PQexec(pg, ("COPY " + ident(table) + " (" + cols + ") FROM STDIN").c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN)
    return Error::internal("PostgreSQL: " + std::string(PQresultErrorMessage(start.get())));
  sqlite3_stmt* st = nullptr;
  std::string sql = "SELECT " + cols + " FROM " + ident(table);
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    PQputCopyEnd(pg, "reading SQLite failed");
    return Error::internal("SQLite: " + std::string(sqlite3_errmsg(db)));
  }
  std::int64_t rows = 0;
  std::string buf;
  int rc;
  bool sent = true;
  while (sent && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      if (c) buf += '\t';
      put_value(buf, st, c);
    }
    buf += '\n';
    ++rows;
    if (buf.size() >= 256 * 1024) {
      sent = PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
    }
  }
  sqlite3_finalize(st);
  if (sent && !buf.empty()) sent = PQputCopyData(pg, buf.data(), static_cast<int>(buf.size())) == 1;
  if (!sent || rc != SQLITE_DONE) {
    PQputCopyEnd(pg, "the copy stopped");
    return Error::internal("copying " + table + " failed: " + PQerrorMessage(pg));
  }
  if (PQputCopyEnd(pg, nullptr) != 1) return Error::internal("copying " + table + ": " + PQerrorMessage(pg));
  Res end(PQgetResult(pg));
  if (PQresultStatus(end.get()) != PGRES_COMMAND_OK)
    return Error::internal("copying " + table + ": " + std::string(PQresultErrorMessage(end.get())));
  while (PGresult* more = PQgetResult(pg)) PQclear(more);
  return rows;
}

// Everything after BEGIN; the caller commits or rolls back.
Status copy_all(sqlite3* db, PGconn* pg, CopyReport& report) {
  auto tenants = TRY(pg_exec(pg, "SELECT count(*) FROM tenants"));
  if (std::string(PQgetvalue(tenants.get(), 0, 0)) != "0")
    return Error::conflict("the PostgreSQL database already has data; copy into an empty one");
  // What SQLite has that PostgreSQL keeps: its own bookkeeping and FTS5's tables are not copied,
  // and message_fts (PostgreSQL's search index) is built from the lines afterwards.
  auto lite = TRY(lite_rows(db,
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                            "AND name NOT LIKE 'message_fts%' ORDER BY name"));
  auto in_pg = TRY(pg_exec(pg, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"));
  std::set<std::string> pg_tables;
  for (int i = 0; i < PQntuples(in_pg.get()); ++i) pg_tables.insert(PQgetvalue(in_pg.get(), i, 0));
  std::vector<std::string> tables;
  for (const auto& row : lite) {
    if (!pg_tables.contains(row[0])) return Error::internal("table " + row[0] + " has no place in PostgreSQL");
    tables.push_back(row[0]);
  }
  tables = TRY(in_key_order(db, tables));
  for (const auto& t : tables) TRY_OK(pg_exec(pg, "ALTER TABLE " + ident(t) + " DISABLE TRIGGER USER"));
  for (auto it = tables.rbegin(); it != tables.rend(); ++it) TRY_OK(pg_exec(pg, "DELETE FROM " + ident(*it)));
  for (const auto& t : tables) {
    auto n = TRY(copy_table(db, pg, t));
    report.tables.emplace_back(t, n);
    report.rows += n;
  }
  for (const auto& t : tables) TRY_OK(pg_exec(pg, "ALTER TABLE " + ident(t) + " ENABLE TRIGGER USER"));
  TRY_OK(pg_exec(pg,
                 "INSERT INTO message_fts(id, tenant_id, tsv) SELECT mi.id, mi.tenant_id, "
                 "to_tsvector('simple', tiski_fold(m.body)) FROM message_index mi "
                 "JOIN messages m ON m.conversation_id = mi.conversation_id AND m.seq = mi.seq"));
  auto ids = TRY(pg_exec(pg,
                         "SELECT table_name, column_name FROM information_schema.columns "
                         "WHERE table_schema = current_schema() AND is_identity = 'YES'"));
  for (int i = 0; i < PQntuples(ids.get()); ++i) {
    std::string t = PQgetvalue(ids.get(), i, 0), c = PQgetvalue(ids.get(), i, 1);
    TRY_OK(pg_exec(pg, "SELECT setval(pg_get_serial_sequence('" + t + "', '" + c + "'), GREATEST(MAX(" + ident(c) +
                           "), 1), MAX(" + ident(c) + ") IS NOT NULL) FROM " + ident(t)));
  }
  // The tenants' visitor number sequences (their trigger was off), past the numbers copied.
  TRY_OK(pg_exec(pg, "SELECT visitor_numbers_sync()"));
  // Verified: every table has as many rows on both sides.
  for (const auto& [t, n] : report.tables) {
    auto counted = TRY(pg_exec(pg, "SELECT count(*) FROM " + ident(t)));
    auto have = std::stoll(PQgetvalue(counted.get(), 0, 0));
    if (have != n) {
      return Error::internal(t + ": " + std::to_string(n) + " rows in SQLite but " + std::to_string(have) +
                             " in PostgreSQL");
    }
  }
  return {};
}

}  // namespace

Result<CopyReport> copy_sqlite(const std::string& sqlite_path, const std::string& url) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(sqlite_path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close(raw);
    return Error::not_found("cannot open " + sqlite_path + ": " + msg);
  }
  Lite db(raw);
  auto version = TRY(lite_rows(db.get(), "PRAGMA user_version"));
  auto latest = sqlite::migrations().size();
  if (version.empty() || version[0][0] != std::to_string(latest)) {
    return Error::bad_request(sqlite_path + " has schema version " + (version.empty() ? "?" : version[0][0]) +
                              "; this binary copies version " + std::to_string(latest) +
                              " (run this version's `tiski serve` on it once first)");
  }
  TRY_OK(PgStore::open(url));  // migrated, and closed again
  Conn pg(PQconnectdb(url.c_str()));
  if (PQstatus(pg.get()) != CONNECTION_OK)
    return Error::unavailable("PostgreSQL: " + std::string(PQerrorMessage(pg.get())));
  PQsetNoticeProcessor(
      pg.get(), [](void*, const char*) {}, nullptr);
  TRY_OK(lite_rows(db.get(), "BEGIN"));  // one moment of the SQLite file
  TRY_OK(pg_exec(pg.get(), "BEGIN"));
  CopyReport report;
  auto s = copy_all(db.get(), pg.get(), report);
  if (!s) {
    (void)pg_exec(pg.get(), "ROLLBACK");
    return s.error();
  }
  TRY_OK(pg_exec(pg.get(), "COMMIT"));
  return report;
}

}  // namespace tiski::pg
