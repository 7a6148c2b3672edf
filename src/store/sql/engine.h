// The seam between the repositories' SQL (SqlStore, one implementation for every engine) and
// the database engine it runs on: SQLite (src/store/sqlite) or PostgreSQL (src/store/pg).
// The SQL is written once, with SQLite's placeholders (? and ?N); an engine translates what its
// dialect needs when it prepares a statement, and where the dialects truly differ (full-text
// search, JSON) SqlStore asks dialect() and gives each its own text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/error.h"

namespace tiski {

// What Cursor::step() returns besides a failure.
inline constexpr int kRow = 1;   // a row is ready to read
inline constexpr int kDone = 2;  // the statement has run to its end

namespace sql {

enum class Dialect { kSqlite, kPostgres };

// One prepared statement, reused: bind by position (from 1), step, read columns (from 0),
// reset. Owned and cached by its Engine.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void bind_i64(int i, std::int64_t v) = 0;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_null(int i) = 0;
  // kRow, kDone, or another value on failure (Engine::error tells what).
  virtual int step() = 0;
  // Ready to be bound and run again; the bindings are cleared.
  virtual void reset() = 0;
  virtual bool is_null(int c) const = 0;
  virtual std::int64_t i64(int c) const = 0;
  virtual double dbl(int c) const = 0;
  virtual std::string text(int c) const = 0;
};

// One connection. Not thread-safe: one thread uses it at a time (store.h).
class Engine {
 public:
  virtual ~Engine() = default;
  virtual Dialect dialect() const = 0;
  // The statement for `sql`, prepared once and cached by the literal's address.
  virtual Result<Cursor*> prepare(const char* sql) = 0;
  // Runs statements without parameters or results (schema, pragmas).
  virtual Status exec(const char* sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual std::int64_t changes() const = 0;
  // The last failure in our vocabulary: a unique key broken -> conflict, a missing foreign
  // row -> not_found, the server gone -> unavailable, anything else -> internal.
  virtual Error error(std::string_view what) const = 0;

  virtual Status begin(bool write) = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  virtual Status savepoint() = 0;
  virtual Status release() = 0;
  virtual Status rollback_to() = 0;
  // Refuses every write on this connection from now on.
  virtual Status make_query_only() = 0;
  // Erased text must not linger in the engine's files (SQLite: the WAL is emptied).
  virtual void after_erasure() {}
};

}  // namespace sql
}  // namespace tiski
