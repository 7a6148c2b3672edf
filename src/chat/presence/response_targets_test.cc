#include "chat/presence/response_targets.h"

#include <gtest/gtest.h>

#include <date/date.h>

namespace tiski {
namespace {

// Milliseconds of a UTC wall time.
std::int64_t utc_ms(int y, unsigned m, unsigned d, int hh, int mm) {
  auto day = date::sys_days{date::year{y} / date::month{m} / date::day{d}};
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (day + std::chrono::hours{hh} + std::chrono::minutes{mm}).time_since_epoch())
      .count();
}

TEST(ResponseTargets, TextFormRoundTripsAndIsChecked) {
  auto d = parse_targets("");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->text(), "email=2d; offline=2d; api=24h");
  auto t = parse_targets(" api=4h ;email=1d; offline=0 ");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->text(), "email=1d; offline=0; api=4h");
  EXPECT_EQ(*parse_targets(t->text()), *t);
  for (const char* bad : {"email=2", "email=0d", "email=31d", "api=721h", "chat=1h", "email", "email=2w", "api=-3h"})
    EXPECT_FALSE(parse_targets(bad)) << bad;
  EXPECT_FALSE(target_for(*d, "reactive"));
  EXPECT_EQ(target_for(*d, "api")->amount, 24);
}

// Helsinki, Mon-Fri 9-17 (UTC+2 in December): a Monday 10:00 email is due by Wednesday 17:00;
// a Friday evening one by Tuesday 17:00; 24 business hours from Monday 10:00 is Thursday 10:00.
TEST(ResponseTargets, DueTimesCountBusinessHoursAndWorkingDays) {
  ResponseTargets t;
  std::string hours = "tz=Europe/Helsinki; mon-fri 09:00-17:00";
  auto monday10 = utc_ms(2026, 12, 7, 8, 0);  // 10:00 local
  EXPECT_EQ(due_at(t, hours, "email", monday10), utc_ms(2026, 12, 9, 15, 0));
  EXPECT_EQ(due_at(t, hours, "offline", monday10), utc_ms(2026, 12, 9, 15, 0));
  auto friday20 = utc_ms(2026, 12, 11, 18, 0);
  EXPECT_EQ(due_at(t, hours, "email", friday20), utc_ms(2026, 12, 15, 15, 0));
  EXPECT_EQ(due_at(t, hours, "api", monday10), utc_ms(2026, 12, 10, 8, 0));
  // Arriving at night, open time starts at the next opening: Tue 09:00 + 24 h of open time.
  EXPECT_EQ(due_at(t, hours, "api", utc_ms(2026, 12, 7, 20, 0)), utc_ms(2026, 12, 10, 15, 0));
  EXPECT_FALSE(due_at(t, hours, "reactive", monday10));
  auto none = *parse_targets("email=0");
  EXPECT_FALSE(due_at(none, hours, "email", monday10));
  // Always open: hours are hours, a day ends at midnight UTC.
  EXPECT_EQ(due_at(t, "", "api", monday10), monday10 + 24 * 3'600'000LL);
  EXPECT_EQ(due_at(t, "", "email", monday10), utc_ms(2026, 12, 10, 0, 0));
  // Closed for good (no hours at all within reach): no due time rather than a wrong one.
  EXPECT_FALSE(due_at(t, "tz=Europe/Helsinki; 2026-12-07 closed", "email", monday10));
}

}  // namespace
}  // namespace tiski
