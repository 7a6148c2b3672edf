// Shared by the SQLite back end's files (not an interface): the cached statement, the
// conversation SELECT and the small encodings of lists.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/sqlite/sqlite_store.h"

namespace tiski {

#define CONV_SELECT                                                                                              \
  "SELECT c.id, c.tenant_id, c.site_id, c.visitor_id, c.status, c.origin, c.assignee_id, c.created_at, "         \
  "c.assigned_at, c.closed_at, c.last_seq, c.last_at, c.preview, t.name, s.name, COALESCE(a.name, ''), "         \
  "v.page_url, v.page_title, c.contact_name, c.contact_email, c.team_id, COALESCE(tm.name, ''), c.rule_id, "     \
  "c.signals, v.number, c.outcome, c.outcome_channel, c.tags, c.csat, c.csat_comment, c.csat_shown_at, v.lang, " \
  "c.due_at FROM conversations c JOIN tenants t ON t.id = c.tenant_id "                                          \
  "JOIN sites s ON s.id = c.site_id JOIN visitors v ON v.id = c.visitor_id "                                     \
  "LEFT JOIN agents a ON a.id = c.assignee_id LEFT JOIN teams tm ON tm.id = c.team_id "

#define SESSION_COLUMNS "token_hash, agent_id, csrf, expires_at, created_at, ip, user_agent"
inline Session read_session(auto& q) {
  return Session{q.text(0), q.i64(1), q.text(2), q.i64(3), q.i64(4), q.text(5), q.text(6)};
}

// Lists (languages, signals, scopes, webhook events) are stored comma-separated.
std::string join_list(const std::vector<std::string>& v);
std::vector<std::string> split_list(const std::string& s);

// One row of CONV_SELECT.
inline Conversation read_conv(auto& q) {
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
  c.signals = split_list(q.text(23));  // comma-separated, like languages
  c.visitor_number = q.i64(24);
  c.outcome = q.text(25);
  c.outcome_channel = q.text(26);
  c.tags = split_list(q.text(27));
  if (auto v = q.opt(28)) c.csat = static_cast<int>(*v);
  c.csat_comment = q.text(29);
  c.csat_shown_at = q.opt(30);
  c.lang = q.text(31);
  c.due_at = q.opt(32);
  return c;
}
// A page_views row read with PAGE_VIEW_COLUMNS.
#define PAGE_VIEW_COLUMNS "visitor_id, visit, url, title, category, at"
inline PageView read_page_view(auto& q) {
  return PageView{q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)};
}
// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`.
std::string ids_json(const std::vector<Id>& ids);

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
  double dbl(int c) const { return sqlite3_column_double(s_, c); }
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
  void one(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
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

#define PREPARE(var, sql)               \
  auto var##_p = prepare(sql);          \
  if (!var##_p) return var##_p.error(); \
  Stmt var(*this, *var##_p)

}  // namespace tiski
