// Queueing for the staffing planner (docs/metrics.md, "Staffing"): Erlang C, the M/M/N queue
// of a contact centre where every arrival waits until served. Pure functions.
#pragma once

#include <optional>

namespace tiski::analytics {

// The probability that an arrival waits (Erlang C) with `servers` servers and `erlangs` of
// offered load (arrivals per second x handling seconds). 1 when servers <= erlangs (the queue
// grows without bound).
double erlang_c(int servers, double erlangs);

// The share of arrivals answered within `target_s` seconds, with handling time `handle_s`.
double service_level(int servers, double erlangs, double handle_s, double target_s);

// The mean wait (seconds) of all arrivals; infinite load gives nullopt.
std::optional<double> average_wait(int servers, double erlangs, double handle_s);

// The fewest servers for which service_level >= `goal` (0..1); 0 for no load. At most 10,000.
int servers_needed(double erlangs, double handle_s, double target_s, double goal);

}  // namespace tiski::analytics
