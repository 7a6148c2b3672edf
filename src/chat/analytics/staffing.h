// The staffing planner (docs/metrics.md, "Staffing"): for each hour of the week, the chats that
// arrived (averaged over the weeks of the period), the seats a service-level target needs at
// the measured handling time (Erlang C, or Erlang A with the visitors' measured patience), the agents that makes at the
// concurrency the agents sustained, the agents that were actually online, and whether the target was met. Pure.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/analytics/rollup.h"
#include "store/records.h"

namespace tiski::analytics {

// The queueing model: Erlang A needs the visitors' patience, measured from those who gave up.
enum class Model { kAuto, kErlangC, kErlangA };
const char* model_name(Model m);
std::optional<Model> model_of(std::string_view name);  // "auto", "erlang_c", "erlang_a"

// Auto takes Erlang A once this many visitors gave up in the period (fewer: too few to trust).
inline constexpr std::int64_t kPatienceMinGaveUp = 20;

struct StaffingAsk {
  double target = 0.8;     // share answered within...
  double within_s = 20;    // ...this many seconds
  double hourly_cost = 0;  // per agent hour, in the tenant's currency (0: no cost shown)
  Model model = Model::kAuto;
};

struct HourOfWeek {
  int weekday = 0;             // 0 = Monday
  int hour = 0;                // local
  double arrivals = 0;         // live chats per hour (average over the weeks)
  double erlangs = 0;          // arrivals x handling time
  int seats = 0;               // servers for the target, by the plan's model
  int seats_erlang_c = 0;      // ...and by Erlang C (nobody gives up): never fewer
  int agents_needed = 0;       // seats / concurrency, rounded up
  double agents_online = 0;    // average agents online in that hour
  std::int64_t awaited = 0;    // chats in which the visitor waited for an answer
  std::int64_t within = 0;     // ...answered within the target time
  bool target_missed = false;  // measured service level under the target
};

struct Staffing {
  double weeks = 0;                  // the period in weeks (arrivals are divided by it)
  double handling_s = 0;             // measured average handling time of answered chats
  double concurrency = 1;            // chats an online agent handled at once, measured (at least 1)
  std::int64_t gave_up = 0;          // awaited chats the visitor left unanswered
  std::optional<double> patience_s;  // their mean patience, measured (none: nobody gave up)
  Model model = Model::kErlangC;     // the model the seats are from (never kAuto)
  std::vector<HourOfWeek> hours;     // 168, Monday 00 first
  double agent_hours_per_week = 0;
};

// The plan from the period's merged buckets (rollup.h) and the agents' status changes from
// before the period start (to know who was online when it began) to its end; [from, to) the
// period in the tenant's `zone`.
Staffing plan(const Partial& p, const std::vector<Event>& status, Millis from, Millis to, const date::time_zone* zone,
              const StaffingAsk& ask, Millis now);

boost::json::object to_json(const Staffing& s, const StaffingAsk& ask);

}  // namespace tiski::analytics
