#include "chat/presence/hours.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <cstdio>

namespace tiski {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

int day_index(std::string_view d) {
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (kDays[i] == d) return static_cast<int>(i);
  }
  return -1;
}

// "HH:MM", 00:00..24:00.
int minutes(std::string_view t) {
  if (t.size() != 5 || t[2] != ':' || !isdigit(t[0]) || !isdigit(t[1]) || !isdigit(t[3]) || !isdigit(t[4])) return -1;
  int h = (t[0] - '0') * 10 + (t[1] - '0');
  int m = (t[3] - '0') * 10 + (t[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

Result<std::vector<Interval>> intervals(std::string_view spec, std::string_view where) {
  std::vector<Interval> out;
  if (spec == "closed") return out;
  while (!spec.empty()) {
    auto comma = spec.find(',');
    std::string_view one = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
    auto dash = one.find('-');
    int open = dash == std::string_view::npos ? -1 : minutes(one.substr(0, dash));
    int close = dash == std::string_view::npos ? -1 : minutes(one.substr(dash + 1));
    if (open < 0 || close < 0) {
      return Error::bad_request("'" + std::string(one) + "' in '" + std::string(where) + "' is not HH:MM-HH:MM");
    }
    if (close <= open) return Error::bad_request("'" + std::string(one) + "' closes before it opens");
    out.push_back({open, close});
  }
  std::sort(out.begin(), out.end(), [](const Interval& a, const Interval& b) { return a.open < b.open; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].open < out[i - 1].close) return Error::bad_request("overlapping hours in '" + std::string(where) + "'");
  }
  return out;
}

std::string hhmm(int m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
  return buf;
}

}  // namespace

std::string intervals_text(const std::vector<Interval>& v) {
  if (v.empty()) return "closed";
  std::string out;
  for (const auto& i : v) {
    if (!out.empty()) out += ',';
    out += hhmm(i.open) + "-" + hhmm(i.close);
  }
  return out;
}

namespace {

bool valid_date(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  int y = 0, m = 0, day = 0;
  if (std::sscanf(std::string(d).c_str(), "%4d-%2d-%2d", &y, &m, &day) != 3) return false;
  return date::year_month_day{date::year{y}, date::month{static_cast<unsigned>(m)},
                              date::day{static_cast<unsigned>(day)}}
      .ok();
}

}  // namespace

Result<BusinessHours> parse_hours(std::string_view text) {
  BusinessHours h;
  while (!text.empty()) {
    auto semi = text.find(';');
    std::string_view part = trim(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    if (part.empty()) continue;
    if (part.starts_with("tz=")) {
      h.tz = std::string(part.substr(3));
      try {
        (void)date::locate_zone(h.tz);
      } catch (const std::exception&) {
        return Error::bad_request("unknown time zone '" + h.tz + "' (use a tz database name such as Europe/Helsinki)");
      }
      continue;
    }
    auto space = part.find(' ');
    if (space == std::string_view::npos) return Error::bad_request("'" + std::string(part) + "' needs days and hours");
    std::string_view days = part.substr(0, space);
    auto hours = intervals(trim(part.substr(space + 1)), part);
    if (!hours) return hours.error();
    if (days.size() == 10 && days[4] == '-') {
      if (!valid_date(days)) return Error::bad_request("'" + std::string(days) + "' is not a date (YYYY-MM-DD)");
      h.exceptions[std::string(days)] = *hours;
      continue;
    }
    auto dash = days.find('-');
    int from = day_index(days.substr(0, dash));
    int to = dash == std::string_view::npos ? from : day_index(days.substr(dash + 1));
    if (from < 0 || to < 0 || to < from) {
      return Error::bad_request("'" + std::string(days) + "' is not a day or a range such as mon-fri");
    }
    for (int d = from; d <= to; ++d) h.week[static_cast<std::size_t>(d)] = *hours;
  }
  // A week that is closed every day ("mon-sun closed") names no days: it would print as no
  // days at all, and the stored text must parse back to the same hours.
  bool any_day = std::any_of(h.week.begin(), h.week.end(), [](const auto& d) { return !d.empty(); });
  if (h.tz.empty()) return Error::bad_request("business hours need a time zone, e.g. tz=Europe/Helsinki");
  if (!any_day && h.exceptions.empty()) return Error::bad_request("business hours name no days");
  return h;
}

std::string BusinessHours::text() const {
  std::string out = "tz=" + tz;
  for (std::size_t d = 0; d < 7; ++d) {
    if (!week[d].empty()) out += "; " + std::string(kDays[d]) + " " + intervals_text(week[d]);
  }
  for (const auto& [day, v] : exceptions) out += "; " + day + " " + intervals_text(v);
  return out;
}

namespace {
const std::vector<Interval>& hours_of_day(const BusinessHours& h, date::local_days day) {
  date::year_month_day ymd{day};
  char key[16];
  std::snprintf(key, sizeof key, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  if (auto it = h.exceptions.find(key); it != h.exceptions.end()) return it->second;
  unsigned wd = date::weekday{day}.iso_encoding();  // Monday = 1
  return h.week[wd - 1];
}
}  // namespace

std::optional<std::chrono::system_clock::time_point> next_open(const BusinessHours& h,
                                                               std::chrono::system_clock::time_point t) {
  if (is_open(h, t)) return t;
  const auto* zone = date::locate_zone(h.tz);
  auto local = date::zoned_time{zone, std::chrono::time_point_cast<std::chrono::minutes>(t)}.get_local_time();
  auto today = date::floor<date::days>(local);
  for (int d = 0; d <= 14; ++d) {
    auto day = today + date::days{d};
    for (const auto& i : hours_of_day(h, day)) {
      auto start = zone->to_sys(day + std::chrono::minutes{i.open}, date::choose::latest);
      if (start > t) return std::chrono::time_point_cast<std::chrono::system_clock::duration>(start);
    }
  }
  return std::nullopt;
}

std::vector<Interval> hours_of_day_at(const BusinessHours& h, std::chrono::system_clock::time_point t) {
  auto local =
      date::zoned_time{date::locate_zone(h.tz), std::chrono::time_point_cast<std::chrono::minutes>(t)}.get_local_time();
  return hours_of_day(h, date::floor<date::days>(local));
}

bool is_open(const BusinessHours& h, std::chrono::system_clock::time_point t) {
  auto local =
      date::zoned_time{date::locate_zone(h.tz), std::chrono::time_point_cast<std::chrono::minutes>(t)}.get_local_time();
  auto day = date::floor<date::days>(local);
  int minute = static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - day).count());
  date::year_month_day ymd{day};
  char key[16];
  std::snprintf(key, sizeof key, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  const std::vector<Interval>* today = nullptr;
  if (auto it = h.exceptions.find(key); it != h.exceptions.end()) {
    today = &it->second;
  } else {
    unsigned wd = date::weekday{day}.iso_encoding();  // Monday = 1
    today = &h.week[wd - 1];
  }
  return std::any_of(today->begin(), today->end(),
                     [&](const Interval& i) { return minute >= i.open && minute < i.close; });
}

}  // namespace tiski

namespace tiski {

std::chrono::milliseconds open_between(const BusinessHours& h, std::chrono::system_clock::time_point from,
                                       std::chrono::system_clock::time_point to) {
  using std::chrono::milliseconds;
  if (to <= from) return milliseconds{0};
  const auto* zone = date::locate_zone(h.tz);
  auto local_day = [&](std::chrono::system_clock::time_point t) {
    return date::floor<date::days>(
        date::zoned_time{zone, std::chrono::time_point_cast<std::chrono::minutes>(t)}.get_local_time());
  };
  milliseconds sum{0};
  // A day's intervals, as instants (a boundary inside a DST gap counts from the jump; one
  // inside the repeated hour from its first occurrence for openings, its last for closings).
  for (auto day = local_day(from), last = local_day(to); day <= last; day += date::days{1}) {
    for (const auto& i : hours_of_day(h, day)) {
      auto open = zone->to_sys(day + std::chrono::minutes{i.open}, date::choose::earliest);
      auto close = zone->to_sys(day + std::chrono::minutes{i.close}, date::choose::latest);
      auto a = std::max<std::chrono::system_clock::time_point>(open, from);
      auto b = std::min<std::chrono::system_clock::time_point>(close, to);
      if (b > a) sum += std::chrono::duration_cast<milliseconds>(b - a);
    }
  }
  return sum;
}

std::optional<std::chrono::system_clock::time_point> after_open(const BusinessHours& h,
                                                                std::chrono::system_clock::time_point from,
                                                                std::chrono::milliseconds open) {
  const auto* zone = date::locate_zone(h.tz);
  auto first = date::floor<date::days>(
      date::zoned_time{zone, std::chrono::time_point_cast<std::chrono::minutes>(from)}.get_local_time());
  auto left = open;
  for (auto day = first; day < first + date::days{120}; day += date::days{1}) {
    for (const auto& i : hours_of_day(h, day)) {
      auto a = std::max<std::chrono::system_clock::time_point>(
          zone->to_sys(day + std::chrono::minutes{i.open}, date::choose::earliest), from);
      auto b = zone->to_sys(day + std::chrono::minutes{i.close}, date::choose::latest);
      if (b <= a) continue;
      auto span = std::chrono::duration_cast<std::chrono::milliseconds>(b - a);
      if (span >= left) return a + left;
      left -= span;
    }
  }
  return std::nullopt;
}

std::optional<std::chrono::system_clock::time_point> working_day_close(const BusinessHours& h,
                                                                       std::chrono::system_clock::time_point from,
                                                                       int n) {
  const auto* zone = date::locate_zone(h.tz);
  auto first = date::floor<date::days>(
      date::zoned_time{zone, std::chrono::time_point_cast<std::chrono::minutes>(from)}.get_local_time());
  int counted = 0;
  for (auto day = first + date::days{1}; day < first + date::days{120}; day += date::days{1}) {
    const auto& hours = hours_of_day(h, day);
    if (hours.empty()) continue;
    if (++counted < n) continue;
    int close = 0;
    for (const auto& i : hours) close = std::max(close, i.close);
    return zone->to_sys(day + std::chrono::minutes{close}, date::choose::latest);
  }
  return std::nullopt;
}

}  // namespace tiski
