// Erlang A (erlang.h) against what is known of it: with patience so long that nobody gives up
// it is Erlang C; with patience equal to the handling time the number in system is Poisson, so
// the chance to wait is a Poisson tail; and for realistic chats its service level matches a
// simulation of the same queue, arrival by arrival.
#include "chat/analytics/erlang.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <queue>
#include <random>
#include <vector>

namespace tiski::analytics {
namespace {

// P(X >= n) for X ~ Poisson(a).
double poisson_tail(double a, int n) {
  double below = 0, term = std::exp(-a);
  for (int k = 0; k < n; ++k) {
    below += term;
    term *= a / (k + 1);
  }
  return 1 - below;
}

struct Simulated {
  double service_level = 0, waited = 0, gave_up = 0;
};

// M/M/N+M, first come first served: each arrival takes the first server to be free if that
// happens before its patience runs out; one who gives up takes no server.
Simulated simulate(int servers, double erlangs, double handle_s, double patience_s, double target_s, int arrivals) {
  std::mt19937_64 rng(20261205);
  std::exponential_distribution<double> gap(erlangs / handle_s), service(1 / handle_s), patience(1 / patience_s);
  std::priority_queue<double, std::vector<double>, std::greater<>> free_at;
  for (int i = 0; i < servers; ++i) free_at.push(0);
  double t = 0;
  int within = 0, waited = 0, gave_up = 0, counted = 0;
  for (int i = 0; i < arrivals; ++i) {
    t += gap(rng);
    double start = std::max(t, free_at.top());
    bool served = start - t <= patience(rng);
    bool warm = i >= arrivals / 10;  // the first tenth lets the queue reach its steady state
    if (warm) {
      ++counted;
      waited += start > t;
      within += served && start - t <= target_s;
      gave_up += !served;
    }
    if (served) {
      free_at.pop();
      free_at.push(start + service(rng));
    }
  }
  return {static_cast<double>(within) / counted, static_cast<double>(waited) / counted,
          static_cast<double>(gave_up) / counted};
}

TEST(ErlangA, WithoutGivingUpItIsErlangC) {
  for (int n : {11, 12, 13, 14, 16}) {
    EXPECT_NEAR(service_level_a(n, 10, 180, 1e9, 20), service_level(n, 10, 180, 20), 1e-6) << n;
    EXPECT_NEAR(wait_probability_a(n, 10, 180, 1e9), erlang_c(n, 10), 1e-6) << n;
  }
  // The published table's case: 10 Erlangs, 180 s, 80 % within 20 s needs 14 either way.
  EXPECT_EQ(servers_needed_a(10, 180, 1e9, 20, 0.8), 14);
  // Fewer servers than Erlangs: Erlang C's queue never empties; with endless patience too.
  EXPECT_NEAR(service_level_a(8, 10, 180, 1e9, 20), 0, 1e-6);
}

TEST(ErlangA, PatienceEqualToHandlingMakesThePoissonQueue) {
  // theta = mu: whoever is in the system leaves at rate mu, served or not, as in M/M/infinity.
  for (int n : {5, 8, 10, 12, 15}) EXPECT_NEAR(wait_probability_a(n, 10, 120, 120), poisson_tail(10, n), 1e-9) << n;
}

TEST(ErlangA, MatchesASimulationOfTheQueue) {
  struct Case {
    int n;
    double erlangs, handle_s, patience_s, target_s;
  };
  for (auto c :
       {Case{10, 10, 180, 60, 20}, Case{8, 10, 180, 60, 20}, Case{4, 3, 300, 120, 30}, Case{14, 12, 240, 90, 60}}) {
    auto sim = simulate(c.n, c.erlangs, c.handle_s, c.patience_s, c.target_s, 400'000);
    EXPECT_NEAR(service_level_a(c.n, c.erlangs, c.handle_s, c.patience_s, c.target_s), sim.service_level, 0.01)
        << c.n << " servers, " << c.erlangs << " Erlangs";
    EXPECT_NEAR(wait_probability_a(c.n, c.erlangs, c.handle_s, c.patience_s), sim.waited, 0.01) << c.n;
  }
}

TEST(ErlangA, NeedsNoMoreThanErlangCAndTheLeastThatMeetsTheGoal) {
  for (double a : {0.5, 2.0, 10.0, 40.0}) {
    for (double patience : {30.0, 120.0, 600.0}) {
      int n = servers_needed_a(a, 180, patience, 20, 0.8);
      EXPECT_LE(n, servers_needed(a, 180, 20, 0.8));
      EXPECT_GE(service_level_a(n, a, 180, patience, 20), 0.8);
      if (n > 1) {
        EXPECT_LT(service_level_a(n - 1, a, 180, patience, 20), 0.8);
      }
    }
  }
  EXPECT_EQ(servers_needed_a(0, 180, 60, 20, 0.8), 0);
  // Impatient visitors leave the queue short: fewer seats reach the same share than Erlang C says.
  EXPECT_LT(servers_needed_a(10, 180, 30, 20, 0.8), 14);
}

}  // namespace
}  // namespace tiski::analytics
