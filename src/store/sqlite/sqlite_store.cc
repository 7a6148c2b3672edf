// DESIGN: all SQL of the SQLite back end lives in this file. Each public method prepares
// (once, cached) the statements it needs, binds by position and maps result codes to the
// error vocabulary: SQLITE_CONSTRAINT_UNIQUE -> conflict, no row -> not_found, anything
// else -> internal with sqlite's message. Per-conversation sequence numbers come from
// conversations.last_seq, bumped by the same statement that appends, so seqs never gap
// inside a committed transaction.
#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include "util/limits.h"

#include <boost/json.hpp>

#include <algorithm>
#include <sstream>

namespace tiski {
namespace {

// Numbered migrations; index+1 is the schema version they lead to. Never edit a shipped one.
constexpr const char* kMigrations[] = {
    R"sql(
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tenants (
  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE sites (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  key TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, name TEXT NOT NULL, greeting TEXT NOT NULL,
  langs TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE agents (
  id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE COLLATE NOCASE, name TEXT NOT NULL,
  password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE memberships (
  agent_id INTEGER NOT NULL REFERENCES agents(id), tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  role TEXT NOT NULL, PRIMARY KEY (agent_id, tenant_id));
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY, agent_id INTEGER NOT NULL REFERENCES agents(id), csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE visitors (
  id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL REFERENCES sites(id), tenant_id INTEGER NOT NULL,
  lang TEXT NOT NULL, page_url TEXT NOT NULL DEFAULT '', page_title TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL);
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  site_id INTEGER NOT NULL REFERENCES sites(id), visitor_id INTEGER NOT NULL REFERENCES visitors(id),
  status TEXT NOT NULL, origin TEXT NOT NULL, assignee_id INTEGER REFERENCES agents(id),
  created_at INTEGER NOT NULL, assigned_at INTEGER, closed_at INTEGER,
  last_seq INTEGER NOT NULL DEFAULT 0, last_at INTEGER NOT NULL, preview TEXT NOT NULL DEFAULT '');
CREATE INDEX conversations_open ON conversations(tenant_id, status) WHERE status != 'closed';
CREATE INDEX conversations_visitor ON conversations(visitor_id, id);
CREATE TABLE messages (
  conversation_id INTEGER NOT NULL REFERENCES conversations(id), seq INTEGER NOT NULL,
  author TEXT NOT NULL, author_id INTEGER, author_name TEXT NOT NULL, body TEXT NOT NULL,
  cid TEXT, created_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE UNIQUE INDEX messages_cid ON messages(conversation_id, cid) WHERE cid IS NOT NULL;
CREATE TABLE events (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL, conversation_id INTEGER, kind TEXT NOT NULL,
  data TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX events_conversation ON events(conversation_id) WHERE conversation_id IS NOT NULL;
CREATE INDEX events_tenant_time ON events(tenant_id, at);
)sql",
    // 2: routing capacity per agent.
    R"sql(
ALTER TABLE agents ADD COLUMN max_chats INTEGER NOT NULL DEFAULT 3;
)sql",
    // 3: business hours per tenant (text form of chat/hours.h; NULL = always open).
    R"sql(
ALTER TABLE tenants ADD COLUMN hours TEXT;
)sql",
    // 4: the offline inbox (contact on conversations, the email outbox) and a per-tenant
    // default capacity (agents.max_chats 0 = the tenants' default; 3 was the old default).
    R"sql(
ALTER TABLE tenants ADD COLUMN default_max_chats INTEGER NOT NULL DEFAULT 3;
UPDATE agents SET max_chats = 0 WHERE max_chats = 3;
ALTER TABLE conversations ADD COLUMN contact_name TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id),
  conversation_id INTEGER NOT NULL REFERENCES conversations(id), seq INTEGER NOT NULL,
  to_addr TEXT NOT NULL, message_id TEXT NOT NULL UNIQUE, mime TEXT NOT NULL, status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL, sent_at INTEGER, UNIQUE (conversation_id, seq));
CREATE INDEX outbox_due ON outbox(next_at) WHERE status = 'queued';
)sql",
    // 5: teams, sites routed to a team, conversations handed to a team.
    R"sql(
CREATE TABLE teams (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), name TEXT NOT NULL,
  UNIQUE (tenant_id, name));
CREATE TABLE team_members (
  team_id INTEGER NOT NULL REFERENCES teams(id), agent_id INTEGER NOT NULL REFERENCES agents(id),
  PRIMARY KEY (team_id, agent_id));
ALTER TABLE sites ADD COLUMN team_id INTEGER REFERENCES teams(id);
ALTER TABLE conversations ADD COLUMN team_id INTEGER REFERENCES teams(id);
)sql",
    // 6: proactive invitations: rules per site, invitations shown, the rule a chat answered.
    R"sql(
ALTER TABLE sites ADD COLUMN rules TEXT NOT NULL DEFAULT '[]';
ALTER TABLE conversations ADD COLUMN rule_id INTEGER;
CREATE TABLE invitations (
  id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants(id), site_id INTEGER NOT NULL,
  visitor_id INTEGER NOT NULL REFERENCES visitors(id), rule_id INTEGER NOT NULL, visit TEXT NOT NULL,
  shown_at INTEGER NOT NULL, dismissed_at INTEGER, conversation_id INTEGER REFERENCES conversations(id));
CREATE INDEX invitations_visitor ON invitations(visitor_id, shown_at);
CREATE INDEX invitations_tenant_time ON invitations(tenant_id, shown_at);
)sql",
    // 7: visitor context: page views, the last cart, buying signals of a conversation.
    R"sql(
CREATE TABLE page_views (
  id INTEGER PRIMARY KEY, visitor_id INTEGER NOT NULL REFERENCES visitors(id), visit TEXT NOT NULL,
  url TEXT NOT NULL, title TEXT NOT NULL, category TEXT NOT NULL, at INTEGER NOT NULL);
CREATE INDEX page_views_visitor ON page_views(visitor_id, id);
ALTER TABLE visitors ADD COLUMN cart_cents INTEGER;
ALTER TABLE visitors ADD COLUMN cart_currency TEXT NOT NULL DEFAULT '';
ALTER TABLE visitors ADD COLUMN cart_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN signals TEXT NOT NULL DEFAULT '';
)sql",
    // 8: greetings per language, visitors numbered per tenant, the chat lifecycle per tenant,
    // and the index behind the console's list of recently closed conversations.
    R"sql(
ALTER TABLE sites ADD COLUMN greetings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE tenants ADD COLUMN visitor_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN missed_after_seconds INTEGER NOT NULL DEFAULT 600;
ALTER TABLE tenants ADD COLUMN idle_close_seconds INTEGER NOT NULL DEFAULT 1800;
ALTER TABLE visitors ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE visitors SET number = r.n FROM
  (SELECT id, row_number() OVER (PARTITION BY tenant_id ORDER BY id) AS n FROM visitors) AS r WHERE r.id = visitors.id;
UPDATE tenants SET visitor_count = (SELECT COUNT(*) FROM visitors WHERE tenant_id = tenants.id);
CREATE INDEX conversations_closed ON conversations(tenant_id, closed_at, id) WHERE status = 'closed';
)sql",
};

#define CONV_SELECT                                                                                   \
  "SELECT c.id, c.tenant_id, c.site_id, c.visitor_id, c.status, c.origin, c.assignee_id, c.created_at, " \
  "c.assigned_at, c.closed_at, c.last_seq, c.last_at, c.preview, t.name, s.name, COALESCE(a.name, ''), " \
  "v.page_url, v.page_title, c.contact_name, c.contact_email, c.team_id, COALESCE(tm.name, ''), c.rule_id, c.signals, " \
  "v.number FROM conversations c JOIN tenants t ON t.id = c.tenant_id "                  \
  "JOIN sites s ON s.id = c.site_id JOIN visitors v ON v.id = c.visitor_id "                             \
  "LEFT JOIN agents a ON a.id = c.assignee_id LEFT JOIN teams tm ON tm.id = c.team_id "

std::string join_langs(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

std::vector<std::string> split_langs(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, ',')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

}  // namespace

// A cached prepared statement in use: binds by position, reads columns, resets on scope exit.
class SqliteStore::Stmt {
 public:
  Stmt(const SqliteStore& store, sqlite3_stmt* s) : store_(store), s_(s) {}
  ~Stmt() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <class... A>
  Stmt& bind(const A&... args) {
    int i = 1;
    (one(i++, args), ...);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE, or an error code.
  int step() { return sqlite3_step(s_); }
  Error error(std::string_view what) const { return store_.error_here(what); }

  std::int64_t i64(int c) const { return sqlite3_column_int64(s_, c); }
  std::optional<std::int64_t> opt(int c) const {
    if (sqlite3_column_type(s_, c) == SQLITE_NULL) return std::nullopt;
    return sqlite3_column_int64(s_, c);
  }
  std::string text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }

 private:
  void one(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void one(int i, int v) { sqlite3_bind_int64(s_, i, v); }
  void one(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void one(int i, const std::string& v) { one(i, std::string_view(v)); }
  void one(int i, const char* v) { one(i, std::string_view(v)); }
  void one(int i, std::optional<std::int64_t> v) {
    if (v) {
      sqlite3_bind_int64(s_, i, *v);
    } else {
      sqlite3_bind_null(s_, i);
    }
  }
  void one(int i, std::optional<std::string_view> v) {
    if (v) {
      one(i, *v);
    } else {
      sqlite3_bind_null(s_, i);
    }
  }
  void one(int i, std::nullptr_t) { sqlite3_bind_null(s_, i); }

  const SqliteStore& store_;
  sqlite3_stmt* s_;
};

#define PREPARE(var, sql)              \
  auto var##_p = prepare(sql);         \
  if (!var##_p) return var##_p.error(); \
  Stmt var(*this, *var##_p)

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Error::internal("cannot open database " + path + ": " + msg);
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
    if (auto s = store->exec(pragma); !s) return s.error();
  }
  if (auto s = store->migrate(); !s) return s.error();
  if (path != ":memory:") {
    if (auto s = store->exec("PRAGMA wal_autocheckpoint=0"); !s) return s.error();
    store->start_checkpointer(path);
  }
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
    std::unique_lock lock(ckpt_mu_);
    while (!ckpt_stop_) {
      ckpt_cv_.wait_for(lock, std::chrono::milliseconds(100));
      lock.unlock();
      sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
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
  PREPARE(q, "PRAGMA user_version");
  if (q.step() != SQLITE_ROW) return q.error("reading schema version");
  auto version = q.i64(0);
  constexpr auto kCount = static_cast<std::int64_t>(std::size(kMigrations));
  if (version > kCount) {
    return Error::internal("database schema version " + std::to_string(version) +
                           " is newer than this binary understands (" + std::to_string(kCount) + ")");
  }
  for (auto v = version; v < kCount; ++v) {
    if (auto s = exec("BEGIN IMMEDIATE"); !s) return s;
    auto s = exec(kMigrations[v]);
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
Status SqliteStore::commit() { return step_cached("COMMIT"); }
Status SqliteStore::rollback() { return step_cached("ROLLBACK"); }
Status SqliteStore::savepoint() { return step_cached("SAVEPOINT job"); }
Status SqliteStore::release() { return step_cached("RELEASE job"); }
Status SqliteStore::rollback_to() {
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

namespace {
Tenant read_tenant(auto& q) {
  return Tenant{q.i64(0), q.text(1), q.text(2), q.i64(3), q.text(4), static_cast<int>(q.i64(5)), static_cast<int>(q.i64(6)),
                static_cast<int>(q.i64(7))};
}
#define TENANT_COLUMNS "id, slug, name, created_at, COALESCE(hours, ''), default_max_chats, missed_after_seconds, idle_close_seconds"

}  // namespace

Result<Tenant> SqliteStore::create_tenant(std::string_view slug, std::string_view name, Millis now) {
  PREPARE(q, "INSERT INTO tenants(slug, name, created_at) VALUES(?, ?, ?) "
          "RETURNING " TENANT_COLUMNS);
  if (q.bind(slug, name, now).step() != SQLITE_ROW) return q.error("creating tenant");
  return read_tenant(q);
}

Result<Tenant> SqliteStore::tenant_by_slug(std::string_view slug) {
  PREPARE(q, "SELECT " TENANT_COLUMNS " FROM tenants WHERE slug = ?");
  int rc = q.bind(slug).step();
  if (rc == SQLITE_DONE) return Error::not_found("no tenant '" + std::string(slug) + "'");
  if (rc != SQLITE_ROW) return q.error("reading tenant");
  return read_tenant(q);
}

Result<std::vector<Tenant>> SqliteStore::tenants() {
  PREPARE(q, "SELECT " TENANT_COLUMNS " FROM tenants ORDER BY id");
  std::vector<Tenant> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_tenant(q));
  if (rc != SQLITE_DONE) return q.error("listing tenants");
  return out;
}

Status SqliteStore::set_tenant_default_max_chats(Id tenant_id, int max_chats) {
  if (max_chats < 1 || max_chats > limits::kMaxChatsPerAgent) {
    return Error::bad_request("default max chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent));
  }
  PREPARE(q, "UPDATE tenants SET default_max_chats = ? WHERE id = ?");
  if (q.bind(max_chats, tenant_id).step() != SQLITE_DONE) return q.error("setting default max chats");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqliteStore::set_tenant_name(Id tenant_id, std::string_view name) {
  PREPARE(q, "UPDATE tenants SET name = ? WHERE id = ?");
  if (q.bind(name, tenant_id).step() != SQLITE_DONE) return q.error("renaming tenant");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqliteStore::set_tenant_lifecycle(Id tenant_id, int missed_after, int idle_close) {
  for (int m : {missed_after, idle_close}) {
    if (m < 0 || m > limits::kMaxLifecycleSeconds) {
      return Error::bad_request("lifecycle times must be 0 (never) to " + std::to_string(limits::kMaxLifecycleSeconds / 86400) + " days");
    }
  }
  PREPARE(q, "UPDATE tenants SET missed_after_seconds = ?, idle_close_seconds = ? WHERE id = ?");
  if (q.bind(missed_after, idle_close, tenant_id).step() != SQLITE_DONE) return q.error("setting the chat lifecycle");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqliteStore::set_tenant_hours(Id tenant_id, std::string_view hours) {
  PREPARE(q, "UPDATE tenants SET hours = NULLIF(?, '') WHERE id = ?");
  if (q.bind(hours, tenant_id).step() != SQLITE_DONE) return q.error("setting business hours");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such tenant");
  return {};
}

namespace {
// Greetings per language are stored as a JSON object of strings ({"sv": "Hej!"}).
std::string greetings_json(const std::map<std::string, std::string>& g) {
  boost::json::object o;
  for (const auto& [lang, text] : g) {
    if (!text.empty()) o[lang] = text;
  }
  return boost::json::serialize(o);
}

std::map<std::string, std::string> parse_greetings(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [lang, g] : v.as_object()) {
    if (g.is_string()) out[std::string(lang)] = std::string(g.as_string());
  }
  return out;
}

Site read_site(auto& q) {
  Site s{q.i64(0), q.i64(1), q.text(2), q.text(3), q.text(4), q.text(5), split_langs(q.text(6)), q.i64(7), q.opt(8), q.text(9), {}};
  s.greetings = parse_greetings(q.text(10));
  return s;
}
#define SITE_COLUMNS "id, tenant_id, key, secret, name, greeting, langs, created_at, team_id, rules, greetings"

}  // namespace

Result<Site> SqliteStore::create_site(const Site& s) {
  PREPARE(q,
          "INSERT INTO sites(tenant_id, key, secret, name, greeting, langs, created_at, greetings) VALUES(?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING " SITE_COLUMNS);
  if (q.bind(s.tenant_id, s.key, s.secret, s.name, s.greeting, join_langs(s.langs), s.created_at, greetings_json(s.greetings))
          .step() != SQLITE_ROW) {
    return q.error("creating site");
  }
  return read_site(q);
}

Result<Site> SqliteStore::site_by_key(std::string_view key) {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites WHERE key = ?");
  int rc = q.bind(key).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such site");
  if (rc != SQLITE_ROW) return q.error("reading site");
  return read_site(q);
}

Result<Site> SqliteStore::site_by_id(Id id) {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such site");
  if (rc != SQLITE_ROW) return q.error("reading site");
  return read_site(q);
}

namespace {
Agent read_agent(auto& q) {
  return Agent{q.i64(0), q.text(1), q.text(2), q.text(3), q.i64(4), static_cast<int>(q.i64(5))};
}
}  // namespace

Result<Agent> SqliteStore::create_agent(std::string_view email, std::string_view name, std::string_view hash, Millis now) {
  PREPARE(q,
          "INSERT INTO agents(email, name, password_hash, created_at, max_chats) VALUES(?, ?, ?, ?, 0) "
          "RETURNING id, email, name, password_hash, created_at, max_chats");
  if (q.bind(email, name, hash, now).step() != SQLITE_ROW) return q.error("creating agent");
  return read_agent(q);
}

Result<Agent> SqliteStore::agent_by_email(std::string_view email) {
  PREPARE(q, "SELECT id, email, name, password_hash, created_at, max_chats FROM agents WHERE email = ?");
  int rc = q.bind(email).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such agent");
  if (rc != SQLITE_ROW) return q.error("reading agent");
  return read_agent(q);
}

Result<Agent> SqliteStore::agent_by_id(Id id) {
  PREPARE(q, "SELECT id, email, name, password_hash, created_at, max_chats FROM agents WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such agent");
  if (rc != SQLITE_ROW) return q.error("reading agent");
  return read_agent(q);
}

Result<std::vector<Agent>> SqliteStore::agents() {
  PREPARE(q, "SELECT id, email, name, password_hash, created_at, max_chats FROM agents ORDER BY id");
  std::vector<Agent> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_agent(q));
  if (rc != SQLITE_DONE) return q.error("listing agents");
  return out;
}

Status SqliteStore::update_agent(Id agent_id, std::string_view email, std::string_view name, std::string_view hash) {
  PREPARE(q, "UPDATE agents SET email = ?, name = ?, password_hash = COALESCE(NULLIF(?, ''), password_hash) WHERE id = ?");
  if (q.bind(email, name, hash, agent_id).step() != SQLITE_DONE) return q.error("updating agent");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such agent");
  return {};
}

Status SqliteStore::set_max_chats(Id agent_id, int max_chats) {
  if (max_chats < 0 || max_chats > limits::kMaxChatsPerAgent) {
    return Error::bad_request("max chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent) + " (0: the tenant default)");
  }
  PREPARE(q, "UPDATE agents SET max_chats = ? WHERE id = ?");
  if (q.bind(max_chats, agent_id).step() != SQLITE_DONE) return q.error("setting max chats");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such agent");
  return {};
}

Status SqliteStore::set_membership(Id agent_id, Id tenant_id, Role role) {
  PREPARE(q,
          "INSERT INTO memberships(agent_id, tenant_id, role) VALUES(?, ?, ?) "
          "ON CONFLICT(agent_id, tenant_id) DO UPDATE SET role = excluded.role");
  if (q.bind(agent_id, tenant_id, role_name(role)).step() != SQLITE_DONE) return q.error("setting membership");
  return {};
}

Result<std::vector<Membership>> SqliteStore::memberships_of(Id agent_id) {
  PREPARE(q,
          "SELECT m.agent_id, m.tenant_id, t.name, m.role, t.default_max_chats FROM memberships m JOIN tenants t ON t.id = m.tenant_id "
          "WHERE m.agent_id = ? ORDER BY t.name");
  q.bind(agent_id);
  std::vector<Membership> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    out.push_back(Membership{q.i64(0), q.i64(1), q.text(2), parse_role(q.text(3)).value_or(Role::kAgent),
                             static_cast<int>(q.i64(4))});
  }
  if (rc != SQLITE_DONE) return q.error("listing memberships");
  return out;
}

Result<std::vector<Site>> SqliteStore::sites() {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites ORDER BY id");
  std::vector<Site> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_site(q));
  if (rc != SQLITE_DONE) return q.error("listing sites");
  return out;
}

Status SqliteStore::update_site(const Site& site) {
  PREPARE(q, "UPDATE sites SET name = ?, greeting = ?, greetings = ?, langs = ? WHERE id = ?");
  if (q.bind(site.name, site.greeting, greetings_json(site.greetings), join_langs(site.langs), site.id).step() != SQLITE_DONE) {
    return q.error("updating site");
  }
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such site");
  return {};
}

Status SqliteStore::set_site_rules(Id site_id, std::string_view rules) {
  PREPARE(q, "UPDATE sites SET rules = ? WHERE id = ?");
  if (q.bind(rules, site_id).step() != SQLITE_DONE) return q.error("setting rules");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such site");
  return {};
}

#define INV_SELECT \
  "SELECT id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id FROM invitations "

namespace {
Invitation read_invitation(auto& q) {
  return Invitation{q.i64(0), q.i64(1), q.i64(2), q.i64(3), q.i64(4), q.text(5), q.i64(6), q.opt(7), q.opt(8)};
}
}  // namespace

Result<Invitation> SqliteStore::record_invitation(const Invitation& inv) {
  PREPARE(q,
          "INSERT INTO invitations(tenant_id, site_id, visitor_id, rule_id, visit, shown_at) VALUES(?, ?, ?, ?, ?, ?) "
          "RETURNING id");
  if (q.bind(inv.tenant_id, inv.site_id, inv.visitor_id, inv.rule_id, inv.visit, inv.shown_at).step() != SQLITE_ROW) {
    return q.error("recording invitation");
  }
  Invitation out = inv;
  out.id = q.i64(0);
  return out;
}

Result<Invitation> SqliteStore::dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) {
  PREPARE(q,
          "UPDATE invitations SET dismissed_at = ? WHERE id = (SELECT id FROM invitations WHERE visitor_id = ? "
          "AND rule_id = ? AND dismissed_at IS NULL AND conversation_id IS NULL ORDER BY id DESC LIMIT 1) "
          "RETURNING id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id");
  int rc = q.bind(now, visitor_id, rule_id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no open invitation of that rule");
  if (rc != SQLITE_ROW) return q.error("dismissing invitation");
  Invitation inv = read_invitation(q);
  if (q.step() != SQLITE_DONE) return q.error("dismissing invitation");
  return inv;
}

Result<Invitation> SqliteStore::accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) {
  PREPARE(q,
          "UPDATE invitations SET conversation_id = ? WHERE id = (SELECT id FROM invitations WHERE visitor_id = ? "
          "AND rule_id = ? AND conversation_id IS NULL ORDER BY id DESC LIMIT 1) "
          "RETURNING id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conversation_id");
  int rc = q.bind(conv_id, visitor_id, rule_id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no invitation of that rule to accept");
  if (rc != SQLITE_ROW) return q.error("accepting invitation");
  Invitation inv = read_invitation(q);
  if (q.step() != SQLITE_DONE) return q.error("accepting invitation");
  return inv;
}

Result<std::vector<Invitation>> SqliteStore::invitations_of(Id visitor_id, Millis since) {
  PREPARE(q, INV_SELECT "WHERE visitor_id = ? AND shown_at >= ? ORDER BY id");
  q.bind(visitor_id, since);
  std::vector<Invitation> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_invitation(q));
  if (rc != SQLITE_DONE) return q.error("listing invitations");
  return out;
}

Result<Team> SqliteStore::create_team(Id tenant_id, std::string_view name) {
  PREPARE(q, "INSERT INTO teams(tenant_id, name) VALUES(?, ?) RETURNING id");
  if (q.bind(tenant_id, name).step() != SQLITE_ROW) return q.error("creating team");
  return Team{q.i64(0), tenant_id, std::string(name), {}};
}

Status SqliteStore::add_team_member(Id team_id, Id agent_id) {
  PREPARE(q,
          "INSERT OR IGNORE INTO team_members(team_id, agent_id) SELECT t.id, m.agent_id FROM teams t "
          "JOIN memberships m ON m.tenant_id = t.tenant_id AND m.agent_id = ? WHERE t.id = ?");
  if (q.bind(agent_id, team_id).step() != SQLITE_DONE) return q.error("adding team member");
  if (sqlite3_changes(db_) == 0) {
    PREPARE(c, "SELECT (SELECT COUNT(*) FROM teams WHERE id = ?), (SELECT COUNT(*) FROM team_members WHERE team_id = ? AND agent_id = ?)");
    if (c.bind(team_id, team_id, agent_id).step() != SQLITE_ROW) return c.error("checking team");
    if (c.i64(0) == 0) return Error::not_found("no such team");
    if (c.i64(1) == 0) return Error::bad_request("the agent does not serve the team's tenant");
  }
  return {};
}

Result<std::vector<Team>> SqliteStore::teams_of_tenants(const std::vector<Id>& tenant_ids) {
  PREPARE(q,
          "SELECT t.id, t.tenant_id, t.name, m.agent_id FROM teams t LEFT JOIN team_members m ON m.team_id = t.id "
          "WHERE t.tenant_id = ? ORDER BY t.name, t.id, m.agent_id");
  std::vector<Team> out;
  for (Id tenant : tenant_ids) {
    q.bind(tenant);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
      if (out.empty() || out.back().id != q.i64(0)) out.push_back(Team{q.i64(0), q.i64(1), q.text(2), {}});
      if (auto a = q.opt(3)) out.back().members.push_back(*a);
    }
    if (rc != SQLITE_DONE) return q.error("listing teams");
    sqlite3_reset(*q_p);
  }
  return out;
}

Result<std::vector<Id>> SqliteStore::team_ids_of(Id agent_id) {
  PREPARE(q, "SELECT team_id FROM team_members WHERE agent_id = ? ORDER BY team_id");
  q.bind(agent_id);
  std::vector<Id> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(q.i64(0));
  if (rc != SQLITE_DONE) return q.error("listing teams of agent");
  return out;
}

Status SqliteStore::set_site_team(Id site_id, std::optional<Id> team_id) {
  auto site = site_by_id(site_id);
  if (!site) return site.error();
  if (team_id) {
    PREPARE(t, "SELECT tenant_id FROM teams WHERE id = ?");
    int rc = t.bind(*team_id).step();
    if (rc == SQLITE_DONE) return Error::not_found("no such team");
    if (rc != SQLITE_ROW) return t.error("reading team");
    if (t.i64(0) != site->tenant_id) return Error::bad_request("the team belongs to another tenant");
  }
  PREPARE(q, "UPDATE sites SET team_id = ? WHERE id = ?");
  if (q.bind(team_id, site_id).step() != SQLITE_DONE) return q.error("setting site team");
  return {};
}

Status SqliteStore::create_session(const Session& s) {
  // Logins are rare: a good moment to forget sessions that expired a day or more ago.
  PREPARE(gc, "DELETE FROM sessions WHERE expires_at < ?");
  if (gc.bind(static_cast<std::int64_t>(s.expires_at - 15 * 86'400'000LL)).step() != SQLITE_DONE) return gc.error("expiring sessions");
  PREPARE(q, "INSERT INTO sessions(token_hash, agent_id, csrf, expires_at) VALUES(?, ?, ?, ?)");
  if (q.bind(s.token_hash, s.agent_id, s.csrf, s.expires_at).step() != SQLITE_DONE) return q.error("creating session");
  return {};
}

Result<Session> SqliteStore::session_by_hash(std::string_view token_hash, Millis now) {
  PREPARE(q, "SELECT token_hash, agent_id, csrf, expires_at FROM sessions WHERE token_hash = ? AND expires_at > ?");
  int rc = q.bind(token_hash, now).step();
  if (rc == SQLITE_DONE) return Error::unauthorized("no session");
  if (rc != SQLITE_ROW) return q.error("reading session");
  return Session{q.text(0), q.i64(1), q.text(2), q.i64(3)};
}

Status SqliteStore::delete_session(std::string_view token_hash) {
  PREPARE(q, "DELETE FROM sessions WHERE token_hash = ?");
  if (q.bind(token_hash).step() != SQLITE_DONE) return q.error("deleting session");
  return {};
}

namespace {
Visitor read_visitor(auto& q) {
  Visitor v{q.i64(0), q.i64(1), q.i64(2), q.text(3), q.text(4), q.text(5), q.i64(6), q.i64(7), std::nullopt, q.i64(11)};
  if (auto cents = q.opt(8)) v.cart = Cart{*cents, q.text(9), static_cast<int>(q.i64(10))};
  return v;
}
#define VISITOR_COLUMNS \
  "id, site_id, tenant_id, lang, page_url, page_title, created_at, last_seen_at, cart_cents, cart_currency, cart_items, number"

}  // namespace

Result<Visitor> SqliteStore::create_visitor(Id site_id, std::string_view lang, Millis now) {
  PREPARE(n, "UPDATE tenants SET visitor_count = visitor_count + 1 WHERE id = (SELECT tenant_id FROM sites WHERE id = ?) "
          "RETURNING visitor_count");
  int nrc = n.bind(site_id).step();
  if (nrc == SQLITE_DONE) return Error::not_found("no such site");
  if (nrc != SQLITE_ROW) return n.error("numbering visitor");
  std::int64_t number = n.i64(0);
  if (n.step() != SQLITE_DONE) return n.error("numbering visitor");
  PREPARE(q,
          "INSERT INTO visitors(site_id, tenant_id, lang, created_at, last_seen_at, number) "
          "SELECT id, tenant_id, ?, ?, ?, ? FROM sites WHERE id = ? "
          "RETURNING " VISITOR_COLUMNS);
  int rc = q.bind(lang, now, now, number, site_id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such site");
  if (rc != SQLITE_ROW) return q.error("creating visitor");
  return read_visitor(q);
}

Result<Visitor> SqliteStore::visitor_by_id(Id id) {
  PREPARE(q, "SELECT " VISITOR_COLUMNS " FROM visitors WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such visitor");
  if (rc != SQLITE_ROW) return q.error("reading visitor");
  return read_visitor(q);
}

Status SqliteStore::update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) {
  PREPARE(q, "UPDATE visitors SET page_url = ?, page_title = ?, last_seen_at = ? WHERE id = ?");
  if (q.bind(url, title, now, id).step() != SQLITE_DONE) return q.error("updating visitor");
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such visitor");
  return {};
}

Status SqliteStore::set_visitor_cart(Id id, const std::optional<Cart>& cart) {
  PREPARE(q, "UPDATE visitors SET cart_cents = ?, cart_currency = ?, cart_items = ? WHERE id = ?");
  std::optional<std::int64_t> cents = cart ? std::optional<std::int64_t>(cart->cents) : std::nullopt;
  if (q.bind(cents, cart ? std::string_view(cart->currency) : std::string_view(""), cart ? cart->items : 0, id).step() !=
      SQLITE_DONE) {
    return q.error("setting cart");
  }
  if (sqlite3_changes(db_) == 0) return Error::not_found("no such visitor");
  return {};
}

Status SqliteStore::record_page_view(const PageView& v) {
  PREPARE(q, "INSERT INTO page_views(visitor_id, visit, url, title, category, at) VALUES(?, ?, ?, ?, ?, ?)");
  if (q.bind(v.visitor_id, v.visit, v.url, v.title, v.category, v.at).step() != SQLITE_DONE) {
    return q.error("recording page view");
  }
  return {};
}

Result<std::vector<PageView>> SqliteStore::page_path(Id visitor_id, std::size_t limit) {
  PREPARE(q,
          "SELECT visitor_id, visit, url, title, category, at FROM page_views WHERE visitor_id = ?1 AND visit = "
          "(SELECT visit FROM page_views WHERE visitor_id = ?1 ORDER BY id DESC LIMIT 1) ORDER BY id DESC LIMIT ?2");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<PageView> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(PageView{q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)});
  if (rc != SQLITE_DONE) return q.error("reading page path");
  std::reverse(out.begin(), out.end());
  return out;
}

namespace {
Conversation read_conv(auto& q) {
  Conversation c;
  c.id = q.i64(0);
  c.tenant_id = q.i64(1);
  c.site_id = q.i64(2);
  c.visitor_id = q.i64(3);
  c.status = q.text(4);
  c.origin = q.text(5);
  c.assignee_id = q.opt(6);
  c.created_at = q.i64(7);
  c.assigned_at = q.opt(8);
  c.closed_at = q.opt(9);
  c.last_seq = q.i64(10);
  c.last_at = q.i64(11);
  c.preview = q.text(12);
  c.tenant_name = q.text(13);
  c.site_name = q.text(14);
  c.assignee_name = q.text(15);
  c.page_url = q.text(16);
  c.page_title = q.text(17);
  c.contact_name = q.text(18);
  c.contact_email = q.text(19);
  c.team_id = q.opt(20);
  c.team_name = q.text(21);
  c.rule_id = q.opt(22);
  c.signals = split_langs(q.text(23));  // comma-separated, like languages
  c.visitor_number = q.i64(24);
  return c;
}
}  // namespace

Result<Conversation> SqliteStore::create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                                     std::optional<std::int64_t> rule_id) {
  PREPARE(q,
          "INSERT INTO conversations(tenant_id, site_id, visitor_id, status, origin, created_at, last_at, team_id, rule_id) "
          "SELECT v.tenant_id, v.site_id, v.id, 'waiting', ?, ?, ?, s.team_id, ? FROM visitors v "
          "JOIN sites s ON s.id = v.site_id WHERE v.id = ? RETURNING id");
  int rc = q.bind(origin, now, now, rule_id, visitor_id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such visitor");
  if (rc != SQLITE_ROW) return q.error("creating conversation");
  Id id = q.i64(0);
  return conversation(id);
}

Result<Conversation> SqliteStore::conversation(Id id) {
  PREPARE(q, CONV_SELECT "WHERE c.id = ?");
  int rc = q.bind(id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such conversation");
  if (rc != SQLITE_ROW) return q.error("reading conversation");
  return read_conv(q);
}

Result<std::vector<Conversation>> SqliteStore::conversations_of_visitor(Id visitor_id, std::size_t limit) {
  PREPARE(q, CONV_SELECT "WHERE c.visitor_id = ? ORDER BY c.id DESC LIMIT ?");
  q.bind(visitor_id, static_cast<std::int64_t>(limit));
  std::vector<Conversation> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_conv(q));
  if (rc != SQLITE_DONE) return q.error("listing the visitor's conversations");
  return out;
}

Result<std::pair<Conversation, bool>> SqliteStore::add_signals(Id conv_id, const std::vector<std::string>& signals) {
  auto c = conversation(conv_id);
  if (!c) return c.error();
  bool added = false;
  for (const auto& sig : signals) {
    if (sig.empty() || sig.find(',') != std::string::npos) return Error::bad_request("a signal is a non-empty word without commas");
    if (std::find(c->signals.begin(), c->signals.end(), sig) == c->signals.end()) {
      c->signals.push_back(sig);
      added = true;
    }
  }
  if (!added) return std::make_pair(std::move(c).value(), false);
  PREPARE(q, "UPDATE conversations SET signals = ? WHERE id = ?");
  if (q.bind(join_langs(c->signals), conv_id).step() != SQLITE_DONE) return q.error("recording signals");
  return std::make_pair(std::move(c).value(), true);
}

Result<std::optional<Conversation>> SqliteStore::open_conversation_of(Id visitor_id) {
  PREPARE(q, CONV_SELECT "WHERE c.visitor_id = ? AND c.status != 'closed' ORDER BY c.id DESC LIMIT 1");
  int rc = q.bind(visitor_id).step();
  if (rc == SQLITE_DONE) return std::optional<Conversation>();
  if (rc != SQLITE_ROW) return q.error("reading conversation");
  return std::optional<Conversation>(read_conv(q));
}

Result<std::vector<Conversation>> SqliteStore::open_conversations(const std::vector<Id>& tenant_ids) {
  PREPARE(q, CONV_SELECT "WHERE c.tenant_id = ? AND c.status != 'closed' ORDER BY c.id");
  std::vector<Conversation> out;
  for (Id t : tenant_ids) {
    q.bind(t);
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_conv(q));
    if (rc != SQLITE_DONE) return q.error("listing conversations");
    sqlite3_reset(*q_p);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

Result<std::vector<Conversation>> SqliteStore::closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                                    std::optional<ClosedCursor> before, std::size_t limit) {
  // Per tenant through the index (tenant_id, closed_at, id), then merged newest first.
  PREPARE(q, CONV_SELECT "WHERE c.tenant_id = ?1 AND c.status = 'closed' AND c.closed_at >= ?2 "
          "AND (c.closed_at < ?3 OR (c.closed_at = ?3 AND c.id < ?4)) ORDER BY c.closed_at DESC, c.id DESC LIMIT ?5");
  Millis at = before ? before->closed_at : INT64_MAX;
  Id id = before ? before->id : INT64_MAX;
  std::vector<Conversation> out;
  for (Id t : tenant_ids) {
    q.bind(t, since, at, id, static_cast<std::int64_t>(limit));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_conv(q));
    if (rc != SQLITE_DONE) return q.error("listing closed conversations");
    sqlite3_reset(*q_p);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.closed_at != b.closed_at ? a.closed_at > b.closed_at : a.id > b.id;
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

Result<Conversation> SqliteStore::assign(Id conv_id, Id agent_id, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET status = 'active', assignee_id = ?1, assigned_at = COALESCE(assigned_at, ?2) "
          "WHERE id = ?3 AND status != 'closed' AND (assignee_id IS NULL OR assignee_id = ?1)");
  if (q.bind(agent_id, now, conv_id).step() != SQLITE_DONE) return q.error("assigning conversation");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    if (c->status == conv_status::kClosed) return Error::conflict("the conversation is closed");
    return Error::conflict("the conversation is already taken by " + c->assignee_name);
  }
  return conversation(conv_id);
}

Result<Conversation> SqliteStore::transfer(Id conv_id, Id from, Id to, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET assignee_id = ?, assigned_at = ? "
          "WHERE id = ? AND assignee_id = ? AND status = 'active'");
  if (q.bind(to, now, conv_id, from).step() != SQLITE_DONE) return q.error("transferring conversation");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is not active with that agent");
  }
  return conversation(conv_id);
}

Result<Conversation> SqliteStore::transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) {
  PREPARE(q,
          "UPDATE conversations SET status = 'waiting', assignee_id = NULL, assigned_at = NULL, team_id = ?1 "
          "WHERE id = ?2 AND assignee_id = ?3 AND status = 'active' "
          "AND EXISTS (SELECT 1 FROM teams WHERE id = ?1 AND tenant_id = conversations.tenant_id)");
  if (q.bind(team_id, conv_id, from).step() != SQLITE_DONE) return q.error("transferring conversation to a team");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    if (c->status != conv_status::kActive || c->assignee_id != from) {
      return Error::conflict("the conversation is not active with that agent");
    }
    return Error::bad_request("no such team in " + c->tenant_name);
  }
  (void)now;
  return conversation(conv_id);
}

Result<Conversation> SqliteStore::release_assignment(Id conv_id, Id agent_id) {
  PREPARE(q,
          "UPDATE conversations SET status = 'waiting', assignee_id = NULL, assigned_at = NULL "
          "WHERE id = ? AND assignee_id = ? AND status = 'active'");
  if (q.bind(conv_id, agent_id).step() != SQLITE_DONE) return q.error("releasing conversation");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is not assigned to that agent");
  }
  return conversation(conv_id);
}

Result<Conversation> SqliteStore::close(Id conv_id, Millis now) {
  PREPARE(q, "UPDATE conversations SET status = 'closed', closed_at = ? WHERE id = ? AND status != 'closed'");
  if (q.bind(now, conv_id).step() != SQLITE_DONE) return q.error("closing conversation");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is already closed");
  }
  return conversation(conv_id);
}

Result<Conversation> SqliteStore::set_contact(Id conv_id, std::string_view name, std::string_view email) {
  PREPARE(q, "UPDATE conversations SET contact_name = ?, contact_email = ? WHERE id = ? AND status != 'closed'");
  if (q.bind(name, email, conv_id).step() != SQLITE_DONE) return q.error("setting contact");
  if (sqlite3_changes(db_) == 0) {
    auto c = conversation(conv_id);
    if (!c) return c.error();
    return Error::conflict("the conversation is closed");
  }
  return conversation(conv_id);
}

namespace {
Message read_message(auto& q) {
  Message m;
  m.conv_id = q.i64(0);
  m.seq = q.i64(1);
  m.author = q.text(2);
  m.author_id = q.opt(3);
  m.author_name = q.text(4);
  m.body = q.text(5);
  m.cid = q.text(6);
  m.at = q.i64(7);
  return m;
}
}  // namespace

Result<Appended> SqliteStore::append_message(const Message& m) {
  if (!m.cid.empty()) {
    PREPARE(d,
            "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at FROM messages "
            "WHERE conversation_id = ? AND cid = ?");
    int rc = d.bind(m.conv_id, m.cid).step();
    if (rc == SQLITE_ROW) {
      Message old = read_message(d);
      if (old.author != m.author || old.author_id != m.author_id) {
        return Error::conflict("client message id already used by another author");
      }
      return Appended{std::move(old), true};
    }
    if (rc != SQLITE_DONE) return d.error("checking message id");
  }
  PREPARE(u,
          "UPDATE conversations SET last_seq = last_seq + 1, last_at = ?, preview = ? "
          "WHERE id = ? AND status != 'closed' AND last_seq < ? RETURNING last_seq");
  int rc = u.bind(m.at, message_preview(m.body), m.conv_id, limits::kMaxMessagesPerConversation).step();
  if (rc == SQLITE_DONE) {
    auto c = conversation(m.conv_id);
    if (!c) return c.error();
    if (c->status == conv_status::kClosed) return Error::conflict("the conversation is closed");
    return Error::too_large("the conversation has reached its limit of " +
                            std::to_string(limits::kMaxMessagesPerConversation) + " messages; start a new one");
  }
  if (rc != SQLITE_ROW) return u.error("sequencing message");
  Message stored = m;
  stored.seq = u.i64(0);
  if (u.step() != SQLITE_DONE) return u.error("sequencing message");
  PREPARE(i,
          "INSERT INTO messages(conversation_id, seq, author, author_id, author_name, body, cid, created_at) "
          "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
  auto cid = stored.cid.empty() ? std::optional<std::string_view>() : std::optional<std::string_view>(stored.cid);
  i.bind(stored.conv_id, stored.seq, stored.author, stored.author_id, stored.author_name, stored.body, cid, stored.at);
  if (i.step() != SQLITE_DONE) return i.error("storing message");
  return Appended{std::move(stored), false};
}

Result<std::vector<Message>> SqliteStore::messages_after(Id conv_id, std::int64_t after, std::size_t limit) {
  PREPARE(q,
          "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at FROM messages "
          "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?");
  q.bind(conv_id, after, static_cast<std::int64_t>(limit));
  std::vector<Message> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_message(q));
  if (rc != SQLITE_DONE) return q.error("reading messages");
  return out;
}

Result<std::vector<Message>> SqliteStore::messages_page(Id conv_id, std::int64_t after, std::int64_t before,
                                                       std::size_t limit, bool with_notes) {
  PREPARE(q,
          "SELECT conversation_id, seq, author, author_id, author_name, body, cid, created_at FROM messages "
          "WHERE conversation_id = ? AND seq > ? AND seq < ? AND (? OR author != 'note') ORDER BY seq DESC LIMIT ?");
  q.bind(conv_id, after, before, with_notes ? 1 : 0, static_cast<std::int64_t>(limit));
  std::vector<Message> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_message(q));
  if (rc != SQLITE_DONE) return q.error("reading messages");
  std::reverse(out.begin(), out.end());
  return out;
}

#define MAIL_SELECT                                                                                   \
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

Result<OutMail> SqliteStore::enqueue_mail(const OutMail& m) {
  PREPARE(q,
          "INSERT INTO outbox(tenant_id, conversation_id, seq, to_addr, message_id, mime, status, next_at, created_at, error) "
          "VALUES(?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING id");
  if (q.bind(m.tenant_id, m.conv_id, m.seq, m.to, m.message_id, m.mime, m.next_at, m.created_at, m.error).step() !=
      SQLITE_ROW) {
    return q.error("queueing mail");
  }
  OutMail out = m;
  out.id = q.i64(0);
  out.status = std::string(mail_status::kQueued);
  out.attempts = 0;
  out.sent_at.reset();
  return out;
}

Result<std::vector<OutMail>> SqliteStore::due_mail(Millis now, std::size_t limit) {
  PREPARE(q, MAIL_SELECT "WHERE status = 'queued' AND next_at <= ? ORDER BY next_at, id LIMIT ?");
  q.bind(now, static_cast<std::int64_t>(limit));
  std::vector<OutMail> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_mail(q));
  if (rc != SQLITE_DONE) return q.error("listing due mail");
  return out;
}

Result<OutMail> SqliteStore::record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                                 Millis now) {
  std::string_view status = sent ? mail_status::kSent : retry_at ? mail_status::kQueued : mail_status::kFailed;
  PREPARE(q,
          "UPDATE outbox SET attempts = attempts + 1, status = ?, error = ?, next_at = COALESCE(?, next_at), "
          "sent_at = ? WHERE id = ? AND status = 'queued'");
  auto sent_at = sent ? std::optional<std::int64_t>(now) : std::nullopt;
  if (q.bind(status, sent ? std::string_view("") : error, retry_at, sent_at, id).step() != SQLITE_DONE) {
    return q.error("recording mail attempt");
  }
  bool changed = sqlite3_changes(db_) > 0;
  PREPARE(r, MAIL_SELECT "WHERE id = ?");
  int rc = r.bind(id).step();
  if (rc == SQLITE_DONE) return Error::not_found("no such mail");
  if (rc != SQLITE_ROW) return r.error("reading mail");
  if (!changed) return Error::conflict("the mail is not queued");
  return read_mail(r);
}

Result<std::vector<OutMail>> SqliteStore::mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) {
  PREPARE(q, MAIL_SELECT "WHERE conversation_id = ? AND seq >= ? AND seq <= ? ORDER BY seq");
  q.bind(conv_id, from_seq, to_seq);
  std::vector<OutMail> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(read_mail(q));
  if (rc != SQLITE_DONE) return q.error("listing mail");
  return out;
}

Result<std::vector<std::pair<Id, std::int64_t>>> SqliteStore::replies_without_mail(Millis since, std::size_t limit) {
  PREPARE(q,
          "SELECT m.conversation_id, m.seq FROM conversations c JOIN messages m ON m.conversation_id = c.id "
          "WHERE c.contact_email != '' AND c.last_at >= ?1 AND m.author = 'agent' AND m.created_at >= ?1 "
          "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.conversation_id = m.conversation_id AND o.seq = m.seq) "
          "ORDER BY m.created_at, m.conversation_id, m.seq LIMIT ?2");
  q.bind(since, static_cast<std::int64_t>(limit));
  std::vector<std::pair<Id, std::int64_t>> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.emplace_back(q.i64(0), q.i64(1));
  if (rc != SQLITE_DONE) return q.error("listing replies without mail");
  return out;
}

Status SqliteStore::append_event(const Event& e) {
  PREPARE(q, "INSERT INTO events(tenant_id, conversation_id, kind, data, at) VALUES(?, ?, ?, ?, ?)");
  if (q.bind(e.tenant_id, e.conv_id, e.kind, e.data.empty() ? std::string("{}") : e.data, e.at).step() != SQLITE_DONE) {
    return q.error("appending event");
  }
  return {};
}

Result<std::vector<Event>> SqliteStore::events_of_conversation(Id conv_id) {
  PREPARE(q, "SELECT id, tenant_id, conversation_id, kind, data, at FROM events WHERE conversation_id = ? ORDER BY id");
  q.bind(conv_id);
  std::vector<Event> out;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) out.push_back(Event{q.i64(0), q.i64(1), q.opt(2), q.text(3), q.text(4), q.i64(5)});
  if (rc != SQLITE_DONE) return q.error("reading events");
  return out;
}

}  // namespace tiski
