// The PostgreSQL engine (pg_engine.h): a libpq connection in pipeline mode, named prepared
// statements, savepoint-guarded writes, reconnection, and the migrations.
#include "store/pg/pg_engine.h"

#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace tiski {
namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
// Taken by the node that migrates, so that nodes starting together migrate once.
constexpr std::int64_t kMigrationLock = 0x7469736b69;  // "tiski"
// Every connection: no JIT (its compile time, milliseconds, is more than these statements
// take), and index reads priced as the cached or SSD reads they are (random_page_cost 1.1, not
// the spinning disk's 4: with 4 a day's page views joined their visitors by hashing all 3
// million, 250 ms instead of 37). The report reader's also: read only, and a plan for each run's
// own values (a report's filters, `? IS NULL OR c.site_id = ?`, fold away).
constexpr const char* kSettings = "SET jit = off; SET random_page_cost = 1.1";
constexpr const char* kReaderSettings =
    "SET jit = off; SET random_page_cost = 1.1; SET default_transaction_read_only = on; "
    "SET plan_cache_mode = force_custom_plan";

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// SQLite's placeholders (? and ?N) as PostgreSQL's ($N), outside string literals, and the
// functions PostgreSQL names differently (json_each over an id list is tiski_ids, a function of
// migration 0001). `nparams` is the highest parameter number.
std::string translate(const char* sql, int& nparams) {
  std::string out;
  int next = 0;
  nparams = 0;
  for (const char* p = sql; *p;) {
    if (*p == '\'') {  // a literal, '' inside it included
      const char* end = p + 1;
      while (*end && !(*end == '\'' && end[1] != '\'')) end += (*end == '\'' ? 2 : 1);
      if (*end) ++end;
      out.append(p, end);
      p = end;
    } else if (*p == '?') {
      const char* q = p + 1;
      int n = 0;
      while (*q >= '0' && *q <= '9') n = n * 10 + (*q++ - '0');
      if (q == p + 1) n = next + 1;  // a bare ? is the one after the highest so far
      next = std::max(next, n);
      nparams = std::max(nparams, n);
      out += '$' + std::to_string(n);
      p = q;
    } else {
      out += *p++;
    }
  }
  replace_all(out, "json_each(", "tiski_ids(");
  replace_all(out, "IFNULL(", "COALESCE(");
  return out;
}

bool starts_with_word(const char* sql, std::string_view word) {
  while (*sql == ' ' || *sql == '\n') ++sql;
  return strncasecmp(sql, word.data(), word.size()) == 0;
}

class PgEngine;

class PgCursor final : public sql::Cursor {
 public:
  PgCursor(PgEngine& engine, std::string name, const char* sql) : engine_(engine), name_(std::move(name)) {
    sql_ = translate(sql, nparams_);
    write_ = !starts_with_word(sql, "SELECT");
    values_.resize(static_cast<std::size_t>(nparams_));
    set_.assign(static_cast<std::size_t>(nparams_), false);
    types_.assign(static_cast<std::size_t>(nparams_), 0);
  }
  void bind_i64(int i, std::int64_t v) override { put(i, std::to_string(v), kInt8Oid); }
  void bind_text(int i, std::string_view v) override { put(i, std::string(v), kTextOid); }
  void bind_null(int i) override {
    if (i < 1 || i > nparams_) return;
    set_[static_cast<std::size_t>(i - 1)] = false;
  }
  int step() override;
  void reset() override {
    res_.reset();
    ran_ = false;
    row_ = -1;
    set_.assign(set_.size(), false);
  }
  bool is_null(int c) const override { return !res_ || PQgetisnull(res_.get(), row_, c); }
  std::int64_t i64(int c) const override {
    if (!res_) return 0;
    const char* v = PQgetvalue(res_.get(), row_, c);
    if (v[0] == 't' && v[1] == 0) return 1;  // a boolean
    if (v[0] == 'f' && v[1] == 0) return 0;
    return std::strtoll(v, nullptr, 10);
  }
  double dbl(int c) const override { return res_ ? std::strtod(PQgetvalue(res_.get(), row_, c), nullptr) : 0; }
  std::string text(int c) const override {
    if (!res_) return {};
    return std::string(PQgetvalue(res_.get(), row_, c), static_cast<std::size_t>(PQgetlength(res_.get(), row_, c)));
  }

 private:
  friend class PgEngine;
  void put(int i, std::string v, Oid type) {
    if (i < 1 || i > nparams_) return;
    auto k = static_cast<std::size_t>(i - 1);
    values_[k] = std::move(v);
    set_[k] = true;
    if (prepared_gen_ == 0) types_[k] = type;  // the types are fixed when it is prepared
  }

  PgEngine& engine_;
  std::string name_;
  std::string sql_;
  int nparams_ = 0;
  bool write_ = false;
  std::vector<std::string> values_;
  std::vector<bool> set_;
  std::vector<Oid> types_;
  std::uint64_t prepared_gen_ = 0;  // the connection it was prepared on (0: none)
  PgResult res_;
  bool ran_ = false;
  int row_ = -1;
};

class PgEngine final : public sql::Engine {
 public:
  explicit PgEngine(std::string url) : url_(std::move(url)) {}
  ~PgEngine() override {
    stmts_.clear();
    if (conn_) PQfinish(conn_);
  }

  Status connect();
  Status migrate();
  bool run(PgCursor& c);

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  Result<sql::Cursor*> prepare(const char* sql) override {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) return it->second.get();
    auto c = std::make_unique<PgCursor>(*this, "s" + std::to_string(stmts_.size() + 1), sql);
    auto [pos, _] = stmts_.emplace(sql, std::move(c));
    return pos->second.get();
  }
  Status exec(const char* sql) override;
  std::int64_t changes() const override { return changes_; }
  Error error(std::string_view what) const override;
  Status begin(bool write) override;
  Status commit() override;
  Status rollback() override;
  // A job's savepoint and its release travel with the next round trip (the job's first statement,
  // the next job's, or the COMMIT): two round trips fewer per job, the same order on the server.
  Status savepoint() override {
    pending_.push_back("SAVEPOINT job");
    return {};
  }
  Status release() override {
    pending_.push_back("RELEASE SAVEPOINT job");
    return {};
  }
  Status rollback_to() override {
    return plain({"ROLLBACK TO SAVEPOINT job", "RELEASE SAVEPOINT job"}, "undoing a job");
  }
  Status make_query_only() override {
    query_only_ = true;
    return exec(kReaderSettings);
  }

 private:
  struct Cmd {
    enum Kind { kPrepare, kExecute, kPlain } kind;
    const PgCursor* cursor = nullptr;  // kPrepare, kExecute
    const char* sql = nullptr;         // kPlain
  };
  // Sends `cmds` and a sync in one round trip and returns each one's result (null if none came);
  // false when the connection failed (err_ says so).
  bool roundtrip(const std::vector<Cmd>& cmds, std::vector<PgResult>& out);
  bool ok(const PGresult* r);  // a command's success, or err_ from its failure
  Status plain(std::initializer_list<const char*> sqls, std::string_view what);
  bool usable();  // connected, or reconnected outside a transaction
  void lost(std::string message);

  std::string url_;
  PGconn* conn_ = nullptr;
  std::uint64_t gen_ = 0;  // bumped by each (re)connection: statements are prepared again
  std::map<const char*, std::unique_ptr<PgCursor>> stmts_;
  std::vector<const char*> pending_;  // commands without results to send before the next ones
  std::int64_t changes_ = 0;
  bool in_tx_ = false;
  bool tx_lost_ = false;  // the connection went during this transaction: it can only roll back
  bool query_only_ = false;
  std::chrono::steady_clock::time_point last_attempt_{};
  struct {
    std::string state;  // SQLSTATE
    std::string message;
  } err_;
};

int PgCursor::step() {
  if (!ran_) {
    ran_ = true;
    row_ = -1;
    if (!engine_.run(*this)) return -1;
  }
  if (!res_) return kDone;
  ++row_;
  return row_ < PQntuples(res_.get()) ? kRow : kDone;
}

void ignore_notice(void*, const char*) {}

Status PgEngine::connect() {
  if (conn_) PQfinish(conn_);
  last_attempt_ = std::chrono::steady_clock::now();
  const char* keys[] = {"dbname", "connect_timeout", "application_name", nullptr};
  const char* values[] = {url_.c_str(), "5", "tiski", nullptr};
  conn_ = PQconnectdbParams(keys, values, 1);
  if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    err_ = {"08001", msg};
    return Error::unavailable("cannot connect to PostgreSQL: " + msg);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
  ++gen_;
  PgResult r(PQexec(conn_, query_only_ ? kReaderSettings : kSettings));
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) return Error::unavailable(PQerrorMessage(conn_));
  if (!PQenterPipelineMode(conn_)) return Error::internal("PostgreSQL: cannot enter pipeline mode");
  return {};
}

void PgEngine::lost(std::string message) {
  err_ = {"08006", std::move(message)};
  pending_.clear();
  if (in_tx_) tx_lost_ = true;
}

bool PgEngine::usable() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return true;
  if (in_tx_) {
    lost("the connection to PostgreSQL was lost");
    return false;
  }
  // At most one attempt each 200 ms while PostgreSQL is away: callers fail fast meanwhile.
  auto now = std::chrono::steady_clock::now();
  if (now - last_attempt_ < std::chrono::milliseconds(200)) {
    err_ = {"08001", "PostgreSQL is unreachable"};
    return false;
  }
  return static_cast<bool>(connect());
}

bool PgEngine::ok(const PGresult* r) {
  auto st = PQresultStatus(r);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return true;
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  if (st == PGRES_PIPELINE_ABORTED && !err_.state.empty()) return false;  // the first failure says why
  err_ = {state ? state : "XX000", msg ? msg : PQresStatus(st)};
  return false;
}

bool PgEngine::roundtrip(const std::vector<Cmd>& given, std::vector<PgResult>& out) {
  out.clear();
  std::vector<Cmd> cmds;
  for (const char* p : pending_) cmds.push_back({Cmd::kPlain, nullptr, p});
  const std::size_t first = pending_.size();
  pending_.clear();
  cmds.insert(cmds.end(), given.begin(), given.end());
  for (const auto& c : cmds) {
    int sent = 0;
    if (c.kind == Cmd::kPrepare) {
      sent = PQsendPrepare(conn_, c.cursor->name_.c_str(), c.cursor->sql_.c_str(), c.cursor->nparams_,
                           c.cursor->types_.data());
    } else if (c.kind == Cmd::kExecute) {
      const auto& k = *c.cursor;
      std::vector<const char*> values(static_cast<std::size_t>(k.nparams_));
      for (std::size_t i = 0; i < values.size(); ++i) values[i] = k.set_[i] ? k.values_[i].c_str() : nullptr;
      sent = PQsendQueryPrepared(conn_, k.name_.c_str(), k.nparams_, values.data(), nullptr, nullptr, 0);
    } else {
      sent = PQsendQueryParams(conn_, c.sql, 0, nullptr, nullptr, nullptr, nullptr, 0);
    }
    if (!sent) {
      lost(PQerrorMessage(conn_));
      return false;
    }
  }
  if (!PQpipelineSync(conn_)) {
    lost(PQerrorMessage(conn_));
    return false;
  }
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    PgResult r(PQgetResult(conn_));
    if (!r) {
      lost(PQerrorMessage(conn_));
      return false;
    }
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);  // the null that ends each command
    // A pending command's failure is kept in err_: the commands after it come back aborted.
    if (i < first) {
      ok(r.get());
    } else {
      out.push_back(std::move(r));
    }
  }
  PgResult sync(PQgetResult(conn_));
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
    lost(conn_ && PQstatus(conn_) == CONNECTION_OK ? "PostgreSQL: a pipeline lost its sync" : PQerrorMessage(conn_));
    return false;
  }
  return true;
}

bool PgEngine::run(PgCursor& c) {
  err_ = {};
  if (tx_lost_) {
    lost("the connection to PostgreSQL was lost during this transaction");
    return false;
  }
  if (!usable()) return false;
  std::vector<Cmd> cmds;
  bool prepare = c.prepared_gen_ != gen_;
  if (prepare) cmds.push_back({Cmd::kPrepare, &c, nullptr});
  // A write that fails inside a transaction must not spoil it (SQLite goes on after a failed
  // statement, and so do the jobs that expect a conflict).
  bool guard = in_tx_ && c.write_;
  if (guard) cmds.push_back({Cmd::kPlain, nullptr, "SAVEPOINT stmt"});
  cmds.push_back({Cmd::kExecute, &c, nullptr});
  if (guard) cmds.push_back({Cmd::kPlain, nullptr, "RELEASE SAVEPOINT stmt"});
  std::vector<PgResult> res;
  if (!roundtrip(cmds, res)) return false;
  std::size_t i = 0;
  if (prepare) {
    if (!ok(res[i++].get())) return false;  // the SQL is wrong: nothing else ran
    c.prepared_gen_ = gen_;
  }
  if (guard && !ok(res[i++].get())) return false;
  PgResult& exec = res[i];
  if (!ok(exec.get())) {
    if (guard) {
      auto why = err_;
      std::vector<PgResult> undo;
      if (!roundtrip(
              {{Cmd::kPlain, nullptr, "ROLLBACK TO SAVEPOINT stmt"}, {Cmd::kPlain, nullptr, "RELEASE SAVEPOINT stmt"}},
              undo))
        return false;
      err_ = why;
    }
    return false;
  }
  changes_ = std::strtoll(PQcmdTuples(exec.get()), nullptr, 10);
  if (PQresultStatus(exec.get()) == PGRES_TUPLES_OK) c.res_ = std::move(exec);
  return true;
}

Status PgEngine::plain(std::initializer_list<const char*> sqls, std::string_view what) {
  err_ = {};
  if (tx_lost_) {
    lost("the connection to PostgreSQL was lost during this transaction");
    return error(what);
  }
  if (!usable()) return error(what);
  std::vector<Cmd> cmds;
  for (const char* s : sqls) cmds.push_back({Cmd::kPlain, nullptr, s});
  std::vector<PgResult> res;
  if (!roundtrip(cmds, res)) return error(what);
  for (auto& r : res) {
    if (!ok(r.get())) return error(what);
  }
  return {};
}

Status PgEngine::begin(bool write) {
  pending_.clear();
  tx_lost_ = false;
  in_tx_ = false;
  TRY_OK(plain({write ? "BEGIN" : "BEGIN READ ONLY"}, "beginning a transaction"));
  in_tx_ = true;
  return {};
}

Status PgEngine::commit() {
  if (tx_lost_) {
    in_tx_ = tx_lost_ = false;
    return Error::unavailable("the connection to PostgreSQL was lost: nothing of this transaction was stored");
  }
  err_ = {};
  std::vector<PgResult> res;
  bool sent = usable() && roundtrip({{Cmd::kPlain, nullptr, "COMMIT"}}, res);
  in_tx_ = false;
  if (!sent) {
    // Whether the server committed before the connection went cannot be known: reported as not
    // stored, so a client sends again (its cid makes that safe).
    return Error::unavailable("committing: " + err_.message);
  }
  if (!ok(res[0].get())) return error("committing");
  // COMMIT of a transaction that failed is answered "ROLLBACK", without an error.
  if (std::strcmp(PQcmdStatus(res[0].get()), "COMMIT") != 0) return Error::internal("the transaction was rolled back");
  return {};
}

Status PgEngine::rollback() {
  pending_.clear();  // undone with the rest
  bool was_lost = tx_lost_;
  in_tx_ = tx_lost_ = false;
  if (was_lost) return {};  // the server rolled it back when the connection went
  return plain({"ROLLBACK"}, "rolling back");
}

Status PgEngine::exec(const char* sql) {
  if (!usable()) return error("PostgreSQL");
  // A script of several statements runs outside pipeline mode (the simple query protocol).
  PQexitPipelineMode(conn_);
  PgResult r(PQexec(conn_, sql));
  bool good = ok(r.get());
  PQenterPipelineMode(conn_);
  if (!good) return error("PostgreSQL");
  return {};
}

Error PgEngine::error(std::string_view what) const {
  std::string msg = std::string(what) + ": " + err_.message;
  const auto& s = err_.state;
  if (s == "23505") return Error::conflict(msg);
  if (s == "23503") return Error::not_found(msg);
  // The server gone, shutting down or refusing connections; a serialization failure or a
  // deadlock: all worth trying again.
  if (s.starts_with("08") || s.starts_with("57P") || s == "40001" || s == "40P01") return Error::unavailable(msg);
  return Error::internal(msg);
}

Status PgEngine::migrate() {
  PQexitPipelineMode(conn_);
  auto run = [&](const std::string& sql, std::string_view what = "migrating the PostgreSQL schema") -> Status {
    PgResult r(PQexec(conn_, sql.c_str()));
    if (!ok(r.get())) return Error::internal(std::string(what) + ": " + err_.message);
    return {};
  };
  TRY_OK(run("BEGIN"));
  Status st = run("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
  if (st) st = run("CREATE TABLE IF NOT EXISTS tiski_schema (version BIGINT NOT NULL)");
  std::int64_t version = 0;
  if (st) {
    PgResult r(PQexec(conn_, "SELECT version FROM tiski_schema"));
    if (!ok(r.get())) {
      st = Error::internal("reading the schema version: " + err_.message);
    } else if (PQntuples(r.get()) == 0) {
      st = run("INSERT INTO tiski_schema VALUES (0)");
    } else {
      version = std::strtoll(PQgetvalue(r.get(), 0, 0), nullptr, 10);
    }
  }
  const auto count = static_cast<std::int64_t>(pg::kMigrationCount);
  if (st && version > count) {
    st = Error::internal("database schema version " + std::to_string(version) +
                         " is newer than this binary understands (" + std::to_string(count) + ")");
  }
  for (auto v = version; st && v < count; ++v) {
    st = run(pg::kMigrations[v].sql, std::string("migrating the PostgreSQL schema (") + pg::kMigrations[v].name + ")");
    if (st) st = run("UPDATE tiski_schema SET version = " + std::to_string(v + 1));
  }
  if (st) st = run("COMMIT");
  if (!st) (void)run("ROLLBACK");
  PQenterPipelineMode(conn_);
  return st;
}

}  // namespace

bool is_postgres_url(std::string_view s) { return s.starts_with("postgres://") || s.starts_with("postgresql://"); }

Result<std::unique_ptr<SqlStore>> PgStore::open(const std::string& url) {
  auto engine = std::make_unique<PgEngine>(url);
  TRY_OK(engine->connect());
  TRY_OK(engine->migrate());
  return std::make_unique<SqlStore>(std::move(engine));
}

Result<std::unique_ptr<SqlStore>> PgStore::open_reader(const std::string& url) {
  auto engine = std::make_unique<PgEngine>(url);
  TRY_OK(engine->connect());
  TRY_OK(engine->make_query_only());
  return std::make_unique<SqlStore>(std::move(engine));
}

}  // namespace tiski
