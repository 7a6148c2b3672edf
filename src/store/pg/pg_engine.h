// The PostgreSQL engine under SqlStore (libpq, PostgreSQL 15): for several nodes sharing one
// database. A connection in libpq's pipeline mode: a statement is prepared (once per connection,
// named) in the same round trip as its first execution, and a write inside a transaction is
// wrapped in a savepoint in that same round trip, so that a failed statement (a unique key
// broken) leaves the transaction usable, as it does in SQLite. Migrations are numbered SQL files
// (src/store/pg/migrations/NNNN_*.sql, built into the binary) applied at open under an advisory
// lock, so that nodes starting together migrate once. A lost connection is reconnected at the
// next transaction; meanwhile everything fails with `unavailable`, and nothing is acknowledged
// that was not committed.
#pragma once

#include <memory>
#include <string>

#include "store/sql/sql_store.h"

namespace tiski {

struct PgStore {
  // Connects to `url` (postgres://user@host:port/db), migrating the schema if needed.
  static Result<std::unique_ptr<SqlStore>> open(const std::string& url);
  // Another connection to a database open() has already migrated, for reading only (reports).
  static Result<std::unique_ptr<SqlStore>> open_reader(const std::string& url);
};

// Whether `s` names a PostgreSQL database (postgres:// or postgresql://).
bool is_postgres_url(std::string_view s);

namespace pg {
// The migrations built into the binary, in order (pg_migrations_gen.cc).
struct Migration {
  const char* name;
  const char* sql;
};
extern const Migration kMigrations[];
extern const std::size_t kMigrationCount;
}  // namespace pg

}  // namespace tiski
