#include "chat/analytics/staffing.h"

#include <date/tz.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <map>

#include "chat/analytics/erlang.h"
#include "chat/analytics/timeline.h"

namespace tiski::analytics {

namespace {

constexpr Millis kHour = 3'600'000;

// The hour of the week (Monday 00 = 0) of an instant in the zone.
int hour_of_week(const date::time_zone* zone, Millis at) {
  auto local = zone->to_local(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
  auto day = date::floor<date::days>(local);
  int weekday = static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
  int hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(local - day).count());
  return weekday * 24 + std::clamp(hour, 0, 23);
}

// The average number of chats an agent had open at once while they had any: from the
// intervals [first answer, close) of the chats each agent answered.
double measured_concurrency(const std::map<Id, std::vector<std::pair<Millis, Millis>>>& by_agent) {
  double load = 0, busy = 0;
  for (const auto& [agent, spans] : by_agent) {
    std::vector<std::pair<Millis, int>> edges;
    for (auto [a, b] : spans) {
      if (b <= a) continue;
      edges.push_back({a, +1});
      edges.push_back({b, -1});
    }
    std::sort(edges.begin(), edges.end());
    int open = 0;
    Millis last = 0;
    for (auto [at, d] : edges) {
      if (open > 0) {
        load += static_cast<double>(open) * static_cast<double>(at - last);
        busy += static_cast<double>(at - last);
      }
      open += d;
      last = at;
    }
  }
  return busy > 0 ? std::max(1.0, load / busy) : 1.0;
}

// Online agent time per hour of the week, from the agents' status changes.
void online_hours(const std::vector<Event>& status, Millis from, Millis to, const date::time_zone* zone,
                  std::vector<double>& online_ms) {
  std::map<Id, std::pair<bool, Millis>> state;  // agent -> (online, since)
  auto add = [&](Millis a, Millis b) {
    a = std::max(a, from);
    b = std::min(b, to);
    for (Millis t = a; t < b;) {
      Millis next = std::min(b, (t / kHour + 1) * kHour);
      online_ms[static_cast<std::size_t>(hour_of_week(zone, t))] += static_cast<double>(next - t);
      t = next;
    }
  };
  for (const auto& e : status) {
    boost::system::error_code ec;
    auto v = boost::json::parse(e.data, ec);
    if (ec || !v.is_object()) continue;
    const auto* agent = v.as_object().if_contains("agent");
    const auto* s = v.as_object().if_contains("status");
    if (!agent || !agent->is_int64() || !s || !s->is_string()) continue;
    bool online = s->as_string() == "online";
    auto& [was, since] = state[agent->as_int64()];
    if (was && !online) add(since, e.at);
    if (!was && online) since = e.at;
    was = online;
  }
  for (const auto& [agent, st] : state) {
    if (st.first) add(st.second, to);
  }
}

}  // namespace

Staffing plan(const std::vector<ReportConversation>& convs, const std::vector<Event>& status, Millis from, Millis to,
              const std::string& zone_name, const StaffingAsk& ask, const Thresholds& th, Millis now) {
  const auto* zone = date::locate_zone(zone_name);
  Staffing s;
  s.hours.resize(168);
  for (int i = 0; i < 168; ++i) {
    s.hours[static_cast<std::size_t>(i)].weekday = i / 24;
    s.hours[static_cast<std::size_t>(i)].hour = i % 24;
  }
  // The period ends now at the latest: hours still to come have neither chats nor agents yet.
  to = std::max(from, std::min(to, now));
  std::vector<double> occurrences(168, 0), online_ms(168, 0);
  for (Millis t = from; t < to; t += kHour) occurrences[static_cast<std::size_t>(hour_of_week(zone, t))] += 1;
  s.weeks = static_cast<double>(to - from) / static_cast<double>(7 * 24 * kHour);

  std::map<Id, std::vector<std::pair<Millis, Millis>>> spans;
  double wall_sum = 0;
  int walls = 0;
  Millis within_ms = static_cast<Millis>(ask.within_s * 1000);
  for (const auto& c : convs) {
    auto t = timeline_of(c.conv, c.lines, c.events);
    auto m = measure(t, th, nullptr, now);
    if (!m.awaited) continue;
    auto& h = s.hours[static_cast<std::size_t>(hour_of_week(zone, c.conv.created_at))];
    h.arrivals += 1;
    ++h.awaited;
    if (m.wait_ms && *m.wait_ms <= within_ms) ++h.within;
    if (m.wall_ms && c.conv.assignee_id) {
      wall_sum += static_cast<double>(*m.wall_ms);
      ++walls;
      spans[*c.conv.assignee_id].push_back({*t.closed - *m.wall_ms, *t.closed});
    }
  }
  // Without a single answered chat there is nothing to measure: assume three minutes.
  s.handling_s = walls ? wall_sum / walls / 1000.0 : 180.0;
  s.concurrency = measured_concurrency(spans);
  online_hours(status, from, to, zone, online_ms);
  for (std::size_t i = 0; i < 168; ++i) {
    auto& h = s.hours[i];
    double n = std::max(1.0, occurrences[i]);
    h.arrivals /= n;
    h.agents_online = online_ms[i] / static_cast<double>(kHour) / n;
    h.erlangs = h.arrivals * s.handling_s / 3600.0;
    h.seats = servers_needed(h.erlangs, std::max(1.0, s.handling_s), ask.within_s, ask.target);
    h.agents_needed = static_cast<int>(std::ceil(h.seats / s.concurrency - 1e-9));
    h.target_missed = h.awaited > 0 && static_cast<double>(h.within) < ask.target * static_cast<double>(h.awaited);
    s.agent_hours_per_week += h.agents_needed;
  }
  return s;
}

boost::json::object to_json(const Staffing& s, const StaffingAsk& ask) {
  boost::json::array hours;
  double online = 0;
  for (const auto& h : s.hours) {
    online += h.agents_online;
    boost::json::value sl = nullptr;
    if (h.awaited > 0) sl = static_cast<double>(h.within) / static_cast<double>(h.awaited);
    hours.push_back({{"weekday", h.weekday},
                     {"hour", h.hour},
                     {"arrivals", h.arrivals},
                     {"erlangs", h.erlangs},
                     {"seats", h.seats},
                     {"agents_needed", h.agents_needed},
                     {"agents_online", h.agents_online},
                     {"awaited", h.awaited},
                     {"within", h.within},
                     {"service_level", sl},
                     {"target_missed", h.target_missed}});
  }
  boost::json::value cost = nullptr;
  if (ask.hourly_cost > 0) cost = s.agent_hours_per_week * 4.345 * ask.hourly_cost;
  return {{"weeks", s.weeks},
          {"target", ask.target},
          {"within_s", ask.within_s},
          {"hourly_cost", ask.hourly_cost},
          {"handling_s", s.handling_s},
          {"concurrency", s.concurrency},
          {"agent_hours_per_week", s.agent_hours_per_week},
          {"online_agent_hours_per_week", online},
          {"monthly_cost", cost},
          {"hours", std::move(hours)}};
}

}  // namespace tiski::analytics
