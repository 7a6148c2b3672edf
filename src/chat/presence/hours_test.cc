#include "chat/presence/hours.h"

#include <date/date.h>
#include <gtest/gtest.h>

namespace tiski {
namespace {

using namespace std::chrono;

system_clock::time_point utc(int y, unsigned m, unsigned d, int h, int min) {
  return date::sys_days{date::year{y} / m / d} + hours{h} + minutes{min};
}

const char* kShop =
    "tz=Europe/Helsinki; mon-fri 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed; 2026-12-31 10:00-13:00";

TEST(Hours, ParsesAndPrintsCanonically) {
  auto h = parse_hours(kShop);
  ASSERT_TRUE(h.ok()) << h.error().message;
  EXPECT_EQ(h->text(),
            "tz=Europe/Helsinki; mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; "
            "fri 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed; 2026-12-31 10:00-13:00");
  auto again = parse_hours(h->text());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->text(), h->text());
}

// Europe/Helsinki moves from UTC+2 to UTC+3 on Sunday 2026-03-29 and back on 2026-10-25.
TEST(Hours, OpeningFollowsLocalTimeAcrossDaylightSavingChanges) {
  auto h = *parse_hours(kShop);
  // Friday before the change (UTC+2): 09:00 local is 07:00 UTC.
  EXPECT_FALSE(is_open(h, utc(2026, 3, 27, 6, 59)));
  EXPECT_TRUE(is_open(h, utc(2026, 3, 27, 7, 0)));
  EXPECT_TRUE(is_open(h, utc(2026, 3, 27, 14, 59)));
  EXPECT_FALSE(is_open(h, utc(2026, 3, 27, 15, 0)));
  // Monday after it (UTC+3): 09:00 local is 06:00 UTC.
  EXPECT_FALSE(is_open(h, utc(2026, 3, 30, 5, 59)));
  EXPECT_TRUE(is_open(h, utc(2026, 3, 30, 6, 0)));
  EXPECT_FALSE(is_open(h, utc(2026, 3, 30, 14, 0)));  // 17:00 local
  // Sunday of the change: closed all day.
  EXPECT_FALSE(is_open(h, utc(2026, 3, 29, 9, 0)));
  // Back to UTC+2 after 2026-10-25.
  EXPECT_TRUE(is_open(h, utc(2026, 10, 23, 6, 0)));   // Friday 09:00 EEST
  EXPECT_FALSE(is_open(h, utc(2026, 10, 26, 6, 0)));  // Monday 08:00 EET
  EXPECT_TRUE(is_open(h, utc(2026, 10, 26, 7, 0)));   // Monday 09:00 EET
}

TEST(Hours, ExceptionsAndMidnight) {
  auto h = *parse_hours(kShop);
  EXPECT_FALSE(is_open(h, utc(2026, 12, 24, 10, 0)));  // Thursday, but Christmas Eve
  EXPECT_TRUE(is_open(h, utc(2026, 12, 31, 8, 30)));   // 10:30 local
  EXPECT_FALSE(is_open(h, utc(2026, 12, 31, 11, 0)));  // 13:00 local, short day
  auto late = *parse_hours("tz=UTC; fri 22:00-24:00,00:00-01:00");
  EXPECT_TRUE(is_open(late, utc(2026, 11, 27, 23, 59)));  // Friday
  EXPECT_TRUE(is_open(late, utc(2026, 11, 27, 0, 30)));
  EXPECT_FALSE(is_open(late, utc(2026, 11, 28, 0, 30)));  // Saturday
}

// The widget's leave-a-message form says when chat opens again.
TEST(Hours, NextOpeningInLocalTimeAcrossAWeekendAndExceptions) {
  auto h = parse_hours("tz=Europe/Helsinki; mon-fri 09:00-17:00; 2026-12-24 closed").value();
  // Friday 2026-12-18 18:00 Helsinki (16:00 UTC) -> Monday 21st 09:00 Helsinki (07:00 UTC).
  EXPECT_EQ(next_open(h, utc(2026, 12, 18, 16, 0)), utc(2026, 12, 21, 7, 0));
  // Open now: now.
  EXPECT_EQ(next_open(h, utc(2026, 12, 21, 8, 0)), utc(2026, 12, 21, 8, 0));
  // Wednesday 23rd after hours -> Thursday 24th is closed -> Friday 25th 09:00.
  EXPECT_EQ(next_open(h, utc(2026, 12, 23, 16, 0)), utc(2026, 12, 25, 7, 0));
  // Summer time: 09:00 in Helsinki is 06:00 UTC.
  EXPECT_EQ(next_open(h, utc(2026, 6, 13, 12, 0)), utc(2026, 6, 15, 6, 0));
  auto never = parse_hours("tz=UTC; 2020-01-01 09:00-10:00").value();
  EXPECT_EQ(next_open(never, utc(2026, 6, 13, 12, 0)), std::nullopt);
}

TEST(Hours, BadInputIsNamed) {
  auto err = [](std::string_view text) {
    auto h = parse_hours(text);
    EXPECT_FALSE(h.ok()) << text;
    return h.ok() ? std::string() : h.error().message;
  };
  EXPECT_EQ(err("mon-fri 09:00-17:00"), "business hours need a time zone, e.g. tz=Europe/Helsinki");
  EXPECT_NE(err("tz=Mars/Olympus; mon 09:00-17:00").find("unknown time zone 'Mars/Olympus'"), std::string::npos);
  EXPECT_EQ(err("tz=UTC; funday 09:00-17:00"), "'funday' is not a day or a range such as mon-fri");
  EXPECT_EQ(err("tz=UTC; fri-mon 09:00-17:00"), "'fri-mon' is not a day or a range such as mon-fri");
  EXPECT_EQ(err("tz=UTC; mon 9-17"), "'9-17' in 'mon 9-17' is not HH:MM-HH:MM");
  EXPECT_EQ(err("tz=UTC; mon 17:00-09:00"), "'17:00-09:00' closes before it opens");
  EXPECT_EQ(err("tz=UTC; mon 09:00-12:00,11:00-13:00"), "overlapping hours in 'mon 09:00-12:00,11:00-13:00'");
  EXPECT_EQ(err("tz=UTC; mon 25:00-26:00"), "'25:00-26:00' in 'mon 25:00-26:00' is not HH:MM-HH:MM");
  EXPECT_EQ(err("tz=UTC; 2026-02-30 closed"), "'2026-02-30' is not a date (YYYY-MM-DD)");
  EXPECT_EQ(err("tz=UTC"), "business hours name no days");
  // Found by fuzz/hours_fuzz: a week closed every day printed as "tz=…" alone, which the
  // stored text could not be parsed back from.
  EXPECT_EQ(err("tz=Europe/Helsinki; mon-fri closed"), "business hours name no days");
  EXPECT_EQ(err("tz=UTC; mon 09:00-10:00; mon closed"), "business hours name no days");
  EXPECT_EQ(err("tz=UTC; mon"), "'mon' needs days and hours");
}

// The open time between two instants: what "first response within business hours" counts.
TEST(Hours, OpenTimeBetweenTwoInstants) {
  auto h = *parse_hours(kShop);
  auto open = [&](system_clock::time_point a, system_clock::time_point b) {
    return duration_cast<minutes>(open_between(h, a, b)).count();
  };
  // Friday 2026-03-27 16:50 local (14:50 UTC) to Monday 09:05 local (06:05 UTC after the DST
  // change): 10 minutes on Friday, Saturday 10-14 (4 h), Sunday closed, 5 minutes on Monday.
  EXPECT_EQ(open(utc(2026, 3, 27, 14, 50), utc(2026, 3, 30, 6, 5)), 10 + 240 + 5);
  // Within one open stretch: the plain difference.
  EXPECT_EQ(open(utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 7, 45)), 45);
  // Entirely while closed, and reversed.
  EXPECT_EQ(open(utc(2026, 3, 29, 8, 0), utc(2026, 3, 29, 12, 0)), 0);
  EXPECT_EQ(open(utc(2026, 3, 30, 7, 45), utc(2026, 3, 30, 7, 0)), 0);
  // Christmas Eve is closed by exception; New Year's Eve opens 10-13.
  EXPECT_EQ(open(utc(2026, 12, 24, 0, 0), utc(2026, 12, 25, 0, 0)), 0);
  EXPECT_EQ(open(utc(2026, 12, 31, 0, 0), utc(2027, 1, 1, 0, 0)), 180);
}

}  // namespace
}  // namespace tiski
