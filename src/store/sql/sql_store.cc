// DESIGN: the store's SQL, written once for SQLite and PostgreSQL: one file per repository
// (sql_directory.cc, sql_visitors.cc, sql_conversations.cc, sql_outbox.cc, ...) and this one for
// transactions and settings. Each method prepares (once, cached by the engine) the statements it
// needs, binds by position and maps results to the error vocabulary: a unique key broken ->
// conflict, no row -> not_found, the server gone -> unavailable, anything else -> internal with
// the engine's message. Where the dialects differ, the method picks its text by pg().
#include "store/sql/sql_store.h"

#include "store/sql/sql_internal.h"

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

Status SqlStore::begin() { return engine_->begin(true); }
Status SqlStore::begin_read() { return engine_->begin(false); }
Status SqlStore::commit() { return engine_->commit(); }
Status SqlStore::rollback() {
  any_hooks_.reset();  // a webhook change may have been undone
  return engine_->rollback();
}
Status SqlStore::savepoint() { return engine_->savepoint(); }
Status SqlStore::release() { return engine_->release(); }
Status SqlStore::rollback_to() {
  any_hooks_.reset();
  return engine_->rollback_to();
}

Result<std::optional<std::string>> SqlStore::setting(std::string_view key) {
  PREPARE(q, "SELECT value FROM settings WHERE key = ?");
  q.bind(key);
  int rc = q.step();
  if (rc == kRow) return std::optional<std::string>(q.text(0));
  if (rc == kDone) return std::optional<std::string>();
  return q.error("reading setting");
}

Status SqlStore::set_setting(std::string_view key, std::string_view value) {
  PREPARE(q, "INSERT INTO settings(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  if (q.bind(key, value).step() != kDone) return q.error("writing setting");
  return {};
}

}  // namespace tiski
