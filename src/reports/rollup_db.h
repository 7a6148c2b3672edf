// The report rollups' own SQLite file (reports.db beside tiski.db): one row per tenant, local
// day and bucket (site × agent × origin × team) holding an encoded analytics::Partial, the same
// per local month (the sum of its days, so that a year is read as twelve months), and per
// tenant the settings the rows were rolled with and the last change mark folded in. Only the
// report worker's thread opens it, and everything in it can be rebuilt from tiski.db: it is
// written with synchronous=NORMAL, and a damaged or missing file is simply rolled again.
// Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "chat/analytics/rollup.h"
#include "util/error.h"

struct sqlite3;

namespace tiski::reports {

struct TenantState {
  std::string fingerprint;  // the settings the rows were rolled with (zone, hours, window, version)
  std::int64_t mark = 0;    // every change up to this mark is rolled
};

enum class Level : int { kDay = 0, kMonth = 1 };

struct StoredRow {
  analytics::DayNo day = 0;  // a month's first day for Level::kMonth
  analytics::Combo combo;
  std::string data;  // an encoded analytics::Partial
};

class RollupDb {
 public:
  static Result<std::unique_ptr<RollupDb>> open(const std::string& path);
  ~RollupDb();
  RollupDb(const RollupDb&) = delete;
  RollupDb& operator=(const RollupDb&) = delete;

  Result<TenantState> state(Id tenant);  // empty fingerprint, mark 0 when never rolled
  Status begin();
  Status commit();
  Status rollback();
  Status set_state(Id tenant, const TenantState& s);
  Status clear(Id tenant);  // drops every row of the tenant
  // Replaces a day's (or a month's: `day` its first day) rows.
  Status put(Id tenant, Level level, analytics::DayNo day, const analytics::Rolled& rows);
  // The rows of days (months starting on days) [from, to], still encoded.
  Result<std::vector<StoredRow>> rows(Id tenant, Level level, analytics::DayNo from, analytics::DayNo to);
  Result<std::vector<StoredRow>> days(Id tenant, analytics::DayNo from, analytics::DayNo to) {
    return rows(tenant, Level::kDay, from, to);
  }

 private:
  explicit RollupDb(sqlite3* db) : db_(db) {}
  Status exec(const char* sql);
  sqlite3* db_;
};

}  // namespace tiski::reports
