// Queueing for the staffing planner (docs/metrics.md, "Staffing"): Erlang C, the M/M/N queue
// of a contact centre where every arrival waits until served, and Erlang A (M/M/N+M, Palm's
// queue), where a waiting arrival gives up after an exponential patience. Pure functions.
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

// Erlang A: `patience_s` is the mean patience (1/theta) of a waiting arrival. The share of all
// arrivals answered within `target_s` (those who give up first count as not answered).
// patience_s must be > 0; the queue is stable at any load.
double service_level_a(int servers, double erlangs, double handle_s, double patience_s, double target_s);

// Erlang A: the probability that an arrival has to wait (finds every server busy).
double wait_probability_a(int servers, double erlangs, double handle_s, double patience_s);

// Erlang A: the fewest servers for which service_level_a >= goal; 0 for no load. Never more
// than Erlang C needs.
int servers_needed_a(double erlangs, double handle_s, double patience_s, double target_s, double goal);

}  // namespace tiski::analytics
