// Business hours of a tenant: weekly opening intervals in the tenant's time zone, plus dated
// exceptions (closed all day, or other hours that day). One short text form is parsed,
// validated, stored and printed, e.g.
//
//   tz=Europe/Helsinki; mon-fri 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed; 2026-12-31 10:00-13:00
//
// Days: mon tue wed thu fri sat sun, single or a range ("mon-fri"); several intervals per
// day are allowed ("mon 09:00-12:00,13:00-17:00"); 24:00 closes at midnight. Local times are
// resolved with the system's tz database (Howard Hinnant's date/tz), so DST changes are
// handled. Pure functions; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski {

struct Interval {
  int open = 0;   // minutes after local midnight
  int close = 0;  // exclusive; 1440 = midnight
};

struct BusinessHours {
  std::string tz;
  std::array<std::vector<Interval>, 7> week;                // Monday = 0
  std::map<std::string, std::vector<Interval>> exceptions;  // "YYYY-MM-DD" -> hours; empty = closed
  // The canonical text form (parse_hours(h.text()) == h).
  std::string text() const;
};

// bad_request with a message naming the offending part.
Result<BusinessHours> parse_hours(std::string_view text);
// Whether the instant `t` falls within the hours.
bool is_open(const BusinessHours& h, std::chrono::system_clock::time_point t);
// When the hours next begin at or after `t` (t itself if open now); none within two weeks:
// nullopt. An opening inside a DST gap counts from the moment the clocks jump.
std::optional<std::chrono::system_clock::time_point> next_open(const BusinessHours& h,
                                                               std::chrono::system_clock::time_point t);

// The hours of the local day that contains `t` (its exception, or its weekday's); empty =
// closed all day.
std::vector<Interval> hours_of_day_at(const BusinessHours& h, std::chrono::system_clock::time_point t);
// "09:00-17:00" (several joined by ","), as the text form writes them.
std::string intervals_text(const std::vector<Interval>& v);

// How long the hours were open between `from` and `to` (0 if to <= from): the first response
// time "within business hours" of docs/metrics.md. Days are the tenant's local days, so a DST
// change makes that day's open hours one hour shorter or longer, as the clock on the wall says.
std::chrono::milliseconds open_between(const BusinessHours& h, std::chrono::system_clock::time_point from,
                                       std::chrono::system_clock::time_point to);

// The instant by which the hours have been open `open` long since `from` (the due time of a
// target in business hours); none within 120 days.
std::optional<std::chrono::system_clock::time_point> after_open(const BusinessHours& h,
                                                                std::chrono::system_clock::time_point from,
                                                                std::chrono::milliseconds open);
// The last closing of the `n`th local day after the day of `from` that has open hours (the due
// time of "within n working days"); none within 120 days.
std::optional<std::chrono::system_clock::time_point> working_day_close(const BusinessHours& h,
                                                                       std::chrono::system_clock::time_point from,
                                                                       int n);

}  // namespace tiski
