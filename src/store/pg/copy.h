// Moving a single node's SQLite data into PostgreSQL (`tiski copy-to-postgres`, docs/scaling.md):
// every table of tiski.db copied with COPY into an empty, migrated PostgreSQL database in one
// transaction, tables in the order their foreign keys need, the triggers that derive rows
// (report marks, the search index) held off while the derived tables are copied as they are; then
// the search index built from the lines, each identity sequence moved past the highest id, and the
// rows of every table counted on both sides. Anything different rolls the whole copy back.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "util/error.h"

namespace tiski::pg {

struct CopyReport {
  std::vector<std::pair<std::string, std::int64_t>> tables;  // rows copied, in copy order
  std::int64_t rows = 0;
};

// Copies the SQLite database at `sqlite_path` (opened read-only; the server must be stopped or
// the copy is of one moment: one read transaction) into the PostgreSQL database at `url`, which
// must hold no tenant yet. Refuses a SQLite schema other than the one this binary writes.
Result<CopyReport> copy_sqlite(const std::string& sqlite_path, const std::string& url);

}  // namespace tiski::pg
