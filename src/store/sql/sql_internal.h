// Shared by the SQL store's files (not an interface): the cached statement, the
// conversation SELECT and the small encodings of lists.
#pragma once

#include <string>
#include <vector>

#include "store/sql/sql_store.h"

namespace tiski {

#define CONV_SELECT                                                                                              \
  "SELECT c.id, c.tenant_id, c.site_id, c.visitor_id, c.status, c.origin, c.assignee_id, c.created_at, "         \
  "c.assigned_at, c.closed_at, c.last_seq, c.last_at, c.preview, t.name, s.name, COALESCE(a.name, ''), "         \
  "v.page_url, v.page_title, c.contact_name, c.contact_email, c.team_id, COALESCE(tm.name, ''), c.rule_id, "     \
  "c.signals, v.number, c.outcome, c.outcome_channel, c.tags, c.csat, c.csat_comment, c.csat_shown_at, v.lang, " \
  "c.due_at, c.visitor_left_at FROM conversations c JOIN tenants t ON t.id = c.tenant_id "                       \
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
  c.visitor_left_at = q.opt(33);
  return c;
}
// A page_views row read with PAGE_VIEW_COLUMNS.
#define PAGE_VIEW_COLUMNS "visitor_id, visit, url, title, category, at"
inline PageView read_page_view(auto& q) {
  return PageView{q.i64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.i64(5)};
}
// Ids as a JSON array, for `IN (SELECT value FROM json_each(?))`.
std::string ids_json(const std::vector<Id>& ids);
// An FTS5 MATCH expression of chat/desk/search.h as a PostgreSQL tsquery (sql_search.cc).
std::string fts_to_tsquery(std::string_view match);

// A cached prepared statement in use: binds by position, reads columns, resets on scope exit.
class SqlStore::Stmt {
 public:
  Stmt(const SqlStore& store, sql::Cursor* c) : store_(store), c_(c) {}
  ~Stmt() { c_->reset(); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  template <class... A>
  Stmt& bind(const A&... args) {
    int i = 1;
    (one(i++, args), ...);
    return *this;
  }
  // kRow, kDone, or another value on failure.
  int step() { return c_->step(); }
  // Ready to be bound and run again.
  void reset() { c_->reset(); }
  Error error(std::string_view what) const { return store_.error_here(what); }

  std::int64_t i64(int c) const { return c_->i64(c); }
  double dbl(int c) const { return c_->dbl(c); }
  std::optional<std::int64_t> opt(int c) const {
    if (c_->is_null(c)) return std::nullopt;
    return c_->i64(c);
  }
  std::string text(int c) const { return c_->text(c); }

 private:
  void one(int i, std::int64_t v) { c_->bind_i64(i, v); }
  void one(int i, int v) { c_->bind_i64(i, v); }
  void one(int i, std::string_view v) { c_->bind_text(i, v); }
  void one(int i, const std::string& v) { one(i, std::string_view(v)); }
  void one(int i, const char* v) { one(i, std::string_view(v)); }
  void one(int i, std::optional<std::int64_t> v) {
    if (v) {
      c_->bind_i64(i, *v);
    } else {
      c_->bind_null(i);
    }
  }
  void one(int i, std::optional<std::string_view> v) {
    if (v) {
      one(i, *v);
    } else {
      c_->bind_null(i);
    }
  }
  void one(int i, std::nullptr_t) { c_->bind_null(i); }

  const SqlStore& store_;
  sql::Cursor* c_;
};

#define PREPARE(var, sql)               \
  auto var##_p = prepare(sql);          \
  if (!var##_p) return var##_p.error(); \
  Stmt var(*this, *var##_p)

}  // namespace tiski
