#include "chat/analytics/erlang.h"

#include <cmath>

namespace tiski::analytics {

// The Erlang B recursion B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1)) is numerically stable for
// any load (no factorials, no powers); Erlang C follows from it: C = N B / (N - A (1 - B)).
double erlang_c(int servers, double erlangs) {
  if (erlangs <= 0) return 0;
  if (servers <= erlangs) return 1;
  double b = 1;
  for (int n = 1; n <= servers; ++n) b = erlangs * b / (n + erlangs * b);
  return servers * b / (servers - erlangs * (1 - b));
}

double service_level(int servers, double erlangs, double handle_s, double target_s) {
  if (erlangs <= 0) return 1;
  if (servers <= erlangs) return 0;
  return 1 - erlang_c(servers, erlangs) * std::exp(-(servers - erlangs) * target_s / handle_s);
}

std::optional<double> average_wait(int servers, double erlangs, double handle_s) {
  if (erlangs <= 0) return 0.0;
  if (servers <= erlangs) return std::nullopt;
  return erlang_c(servers, erlangs) * handle_s / (servers - erlangs);
}

int servers_needed(double erlangs, double handle_s, double target_s, double goal) {
  if (erlangs <= 0) return 0;
  for (int n = static_cast<int>(std::floor(erlangs)) + 1; n <= 10000; ++n) {
    if (service_level(n, erlangs, handle_s, target_s) >= goal) return n;
  }
  return 10000;
}

}  // namespace tiski::analytics
