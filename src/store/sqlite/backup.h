// Backups of a SQLite data directory (docs/operations.md): an online copy while the server
// runs, putting one back, and checking a database. The copy is SQLite's online backup of
// tiski.db in one step, so it is one consistent snapshot (WAL: the server keeps writing
// meanwhile, and what it commits after the snapshot began is not in the copy). reports.db is
// not copied: it is the reports' cache, rebuilt from tiski.db.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/error.h"

namespace tiski::sqlite {

// Copies the database at `from` into the new file `to` (refused if it exists); written beside
// it first and renamed when complete and checked, so `to` is never a partial copy.
Status backup(const std::string& from, const std::string& to);

struct CheckReport {
  std::int64_t schema_version = 0;
  std::int64_t schema_latest = 0;
  std::vector<std::pair<std::string, std::int64_t>> counts;  // rows of the main tables
  std::vector<std::string> problems;                         // empty: all well
};
// Integrity, the schema version, and rows that point at nothing (orphans), read only.
Result<CheckReport> check(const std::string& path);

// The schema version of the database at `path` (0 for a new file).
Result<std::int64_t> schema_version(const std::string& path);

}  // namespace tiski::sqlite
