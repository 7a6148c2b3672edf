#include "chat/analytics/staffing.h"

#include <date/tz.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <map>

#include "chat/analytics/erlang.h"

namespace tiski::analytics {

namespace {

constexpr Millis kHour = 3'600'000;

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

// The mean patience of a waiting visitor, if anyone gave up: the estimate of an exponential
// patience from waits that ended in an answer (the patience was longer: a censored
// observation) and waits that ended in giving up, = total waiting time / number who gave up.
std::optional<double> patience_of(const Partial& p) {
  if (p.gave_up == 0) return std::nullopt;
  return static_cast<double>(p.wait.sum() + p.gave_up_ms) / static_cast<double>(p.gave_up) / 1000.0;
}

}  // namespace

const char* model_name(Model m) {
  switch (m) {
    case Model::kAuto: return "auto";
    case Model::kErlangC: return "erlang_c";
    case Model::kErlangA: return "erlang_a";
  }
  return "auto";
}

std::optional<Model> model_of(std::string_view name) {
  for (auto m : {Model::kAuto, Model::kErlangC, Model::kErlangA})
    if (name == model_name(m)) return m;
  return std::nullopt;
}

Staffing plan(const Partial& p, const std::vector<Event>& status, Millis from, Millis to, const date::time_zone* zone,
              const StaffingAsk& ask, Millis now) {
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
  // Waits in whole seconds: "within T" is a wait shorter than T (T rounded down to seconds).
  const auto within_s = static_cast<std::int32_t>(std::floor(ask.within_s));
  p.awaited_waits.each([&](int key, std::int64_t n) {
    auto& h = s.hours[static_cast<std::size_t>(key / Partial::kWaitSlots)];
    h.arrivals += static_cast<double>(n);
    h.awaited += n;
    if (key % Partial::kWaitSlots < within_s) h.within += n;
  });
  // Without a single answered chat there is nothing to measure: assume three minutes.
  s.handling_s = p.walls ? static_cast<double>(p.wall_sum) / static_cast<double>(p.walls) / 1000.0 : 180.0;
  s.concurrency = p.busy_ms > 0 ? std::max(1.0, static_cast<double>(p.load_ms) / static_cast<double>(p.busy_ms)) : 1.0;
  s.gave_up = p.gave_up;
  s.patience_s = patience_of(p);
  // Erlang A when asked and measurable, or by default once enough visitors gave up to trust it.
  bool use_a = s.patience_s && *s.patience_s > 0 &&
               (ask.model == Model::kErlangA || (ask.model == Model::kAuto && s.gave_up >= kPatienceMinGaveUp));
  s.model = use_a ? Model::kErlangA : Model::kErlangC;
  const double handle = std::max(1.0, s.handling_s);
  std::map<double, std::pair<int, int>> seats;  // by load: the hours of a quiet week repeat theirs
  online_hours(status, from, to, zone, online_ms);
  for (std::size_t i = 0; i < 168; ++i) {
    auto& h = s.hours[i];
    double n = std::max(1.0, occurrences[i]);
    h.arrivals /= n;
    h.agents_online = online_ms[i] / static_cast<double>(kHour) / n;
    h.erlangs = h.arrivals * s.handling_s / 3600.0;
    auto [it, fresh] = seats.try_emplace(h.erlangs);
    if (fresh) {
      it->second.second = servers_needed(h.erlangs, handle, ask.within_s, ask.target);
      it->second.first =
          use_a ? servers_needed_a(h.erlangs, handle, *s.patience_s, ask.within_s, ask.target) : it->second.second;
    }
    h.seats = it->second.first;
    h.seats_erlang_c = it->second.second;
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
                     {"seats_erlang_c", h.seats_erlang_c},
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
          {"model", model_name(s.model)},
          {"gave_up", s.gave_up},
          {"patience_s", s.patience_s ? boost::json::value(*s.patience_s) : boost::json::value(nullptr)},
          {"agent_hours_per_week", s.agent_hours_per_week},
          {"online_agent_hours_per_week", online},
          {"monthly_cost", cost},
          {"hours", std::move(hours)}};
}

}  // namespace tiski::analytics
