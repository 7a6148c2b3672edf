#include "chat/analytics/erlang.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

// ------------------------------------------------------------------------------- Erlang A
//
// The number in system is a birth-death chain: arrivals at lambda; departures at j*mu while
// j <= N, then N*mu + (j - N)*theta (services and the waiting ones giving up). Arrivals see its
// stationary distribution (PASTA). An arrival that finds k waiting ahead of it is answered
// when k + 1 departures from the head of the queue have happened (each at rate N*mu + i*theta
// while i are ahead of it, N*mu once it is first) before its own patience runs out (rate theta).
// The chance of that within T, for every k at once, comes from uniformising that small chain.

namespace {

struct Queue {
  double lambda, mu, theta;
  int n;
};

constexpr int kMaxWaiting = 100'000;

// Stationary probabilities of the number in system, 0..N+K (K waiting), cut where the tail is
// negligible; empty if it is not by kMaxWaiting (patience so long that the queue is nearly
// Erlang C's unbounded one). Rescaled as it goes to stay finite for any load.
std::vector<double> stationary(const Queue& q) {
  std::vector<double> p{1.0};
  double total = 1.0, x = 1.0;
  for (int j = 1;; ++j) {
    double death = j <= q.n ? j * q.mu : q.n * q.mu + (j - q.n) * q.theta;
    x *= q.lambda / death;
    p.push_back(x);
    total += x;
    // Past N the ratios shrink; stop once a term is negligible against the sum so far.
    if (j > q.n && x < 1e-13 * total) break;
    if (j - q.n > kMaxWaiting) return {};
    if (total > 1e250) {  // rescale to stay finite
      for (auto& v : p) v /= total;
      x /= total;
      total = 1.0;
    }
  }
  for (auto& v : p) v /= total;
  return p;
}

// P(answered within T | k waiting ahead), for k = 0..K-1.
std::vector<double> answered_within(const Queue& q, int K, double target_s) {
  std::vector<double> result(static_cast<std::size_t>(K), 0.0);
  if (K == 0) return result;
  const double uni = q.n * q.mu + K * q.theta;  // the largest rate out of any state
  const double mean = uni * target_s;
  // h[i]: P(answered within s steps of the uniformised chain | i ahead).
  std::vector<double> h(static_cast<std::size_t>(K), 0.0), next(h.size());
  // The Poisson(mean) weight of each step count, in logs (exp(-mean) underflows past ~700).
  const int steps = static_cast<int>(mean + 12 * std::sqrt(mean) + 30);
  double log_w = -mean;  // log Poisson(0)
  for (int s = 1; s <= steps; ++s) {
    for (int i = 0; i < K; ++i) {
      double down = q.n * q.mu + i * q.theta;
      double stay = 1 - (down + q.theta) / uni;
      double below = i == 0 ? 1.0 : h[static_cast<std::size_t>(i - 1)];
      next[static_cast<std::size_t>(i)] = down / uni * below + stay * h[static_cast<std::size_t>(i)];
    }
    h.swap(next);
    log_w += std::log(mean) - std::log(static_cast<double>(s));
    double w = std::exp(log_w);
    for (int i = 0; i < K; ++i) result[static_cast<std::size_t>(i)] += w * h[static_cast<std::size_t>(i)];
  }
  return result;
}

Queue queue_of(int servers, double erlangs, double handle_s, double patience_s) {
  return Queue{erlangs / handle_s, 1 / handle_s, 1 / patience_s, servers};
}

}  // namespace

double wait_probability_a(int servers, double erlangs, double handle_s, double patience_s) {
  if (erlangs <= 0) return 0;
  auto p = stationary(queue_of(servers, erlangs, handle_s, patience_s));
  if (p.empty()) return erlang_c(servers, erlangs);
  double waits = 0;
  for (std::size_t j = static_cast<std::size_t>(servers); j < p.size(); ++j) waits += p[j];
  return waits;
}

double service_level_a(int servers, double erlangs, double handle_s, double patience_s, double target_s) {
  if (erlangs <= 0) return 1;
  if (servers <= 0) return 0;
  auto q = queue_of(servers, erlangs, handle_s, patience_s);
  auto p = stationary(q);
  // Nobody gives up in time to matter: Erlang C's figure, which is the lower bound.
  if (p.empty()) return service_level(servers, erlangs, handle_s, target_s);
  double sl = 0;
  for (int j = 0; j < servers; ++j) sl += p[static_cast<std::size_t>(j)];
  int K = static_cast<int>(p.size()) - servers;
  auto within = answered_within(q, K, target_s);
  for (int k = 0; k < K; ++k)
    sl += p[static_cast<std::size_t>(servers) + static_cast<std::size_t>(k)] * within[static_cast<std::size_t>(k)];
  return std::min(1.0, sl);
}

int servers_needed_a(double erlangs, double handle_s, double patience_s, double target_s, double goal) {
  if (erlangs <= 0) return 0;
  // Service level grows with servers: search between 1 and what Erlang C needs.
  int lo = 1, hi = servers_needed(erlangs, handle_s, target_s, goal);
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (service_level_a(mid, erlangs, handle_s, patience_s, target_s) >= goal) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace tiski::analytics
