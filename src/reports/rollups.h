// Report rollups kept equal to the raw data (docs/metrics.md "How a report is computed").
//
// Every write a report depends on marks its tenant's UTC hour in report_changes (triggers in
// tiski.db, same transaction). upkeep() — run by the report worker every few seconds —
// rolls each tenant-local day whose hours were marked since the tenant's last mark with
// analytics::roll_day() and stores the day's buckets in reports.db, sums its month again, then
// advances the mark.
// period() merges a period's stored days, rolls the days changed since on the spot from the
// raw data, and measures the open conversations at `now`: a report is therefore always the
// recomputation from raw data, however late an order or a survey answer arrives.
//
// Runs only on the report worker's thread (its Store is that worker's read-only connection,
// inside one read transaction per batch: a consistent snapshot).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "chat/analytics/period.h"
#include "chat/presence/hours.h"
#include "reports/rollup_db.h"
#include "store/store.h"

namespace tiski::reports {

// What a tenant's days are rolled with; a change of any of it rolls the tenant again.
struct TenantSettings {
  Id tenant = 0;
  const date::time_zone* zone = nullptr;  // the business hours' zone, else UTC
  std::optional<BusinessHours> hours;
  std::string hours_text;
  int attribution_days = 7;
  analytics::Thresholds thresholds;
  analytics::RollSettings roll() const;
  std::string fingerprint() const;
  Millis start_of(analytics::DayNo day) const;  // the instant the local day begins
};
Result<TenantSettings> settings_of(Store& st, Id tenant);

class Rollups {
 public:
  explicit Rollups(std::unique_ptr<RollupDb> db) : db_(std::move(db)) {}

  // Rolls at most `max_days` changed days over all tenants; the number rolled (0: nothing to
  // do now). A tenant rolled less than a minute before `now` whose changes fall in at most two
  // days is left until the minute is over.
  Result<int> upkeep(Store& st, int max_days, Millis now);

  // Days [from, to] of the tenant, the buckets `f` keeps (and per agent with `per_agent`).
  // Refuses (unavailable) when more than `max_raw_days` of them would have to be rolled from
  // raw (a tenant still being rolled).
  Result<analytics::Period> period(Store& st, const TenantSettings& s, analytics::DayNo from, analytics::DayNo to,
                                   const analytics::Filter& f, Millis now, int max_raw_days, bool per_agent = true);

  // The days changed since the tenant's rollups were made (all of them when never rolled).
  Result<std::vector<analytics::DayNo>> stale_days(Store& st, const TenantSettings& s);

  RollupDb& db() { return *db_; }

 private:
  Result<analytics::Rolled> roll(Store& st, const TenantSettings& s, analytics::DayNo day);
  Status sum_month(Id tenant, analytics::DayNo first);  // the month's row per bucket = its days
  std::unique_ptr<RollupDb> db_;
  std::map<Id, Millis> rolled_at_;  // when each tenant was last rolled (this process)
};

}  // namespace tiski::reports
