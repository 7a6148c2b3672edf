// Prometheus metrics. Every metric of the process is a member of Metrics, which the app owns
// and passes by reference (no global registry). All members are thread-safe (atomics).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace tiski {

class Counter {
 public:
  Counter(const char* name, const char* help) : name_(name), help_(help) {}
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }
  void render(std::string& out) const;

 private:
  const char* name_;
  const char* help_;
  std::atomic<std::uint64_t> v_{0};
};

class Gauge {
 public:
  Gauge(const char* name, const char* help) : name_(name), help_(help) {}
  void add(std::int64_t n) { v_.fetch_add(n, std::memory_order_relaxed); }
  void set(std::int64_t n) { v_.store(n, std::memory_order_relaxed); }
  std::int64_t value() const { return v_.load(std::memory_order_relaxed); }
  void render(std::string& out) const;

 private:
  const char* name_;
  const char* help_;
  std::atomic<std::int64_t> v_{0};
};

// A histogram of durations in seconds with fixed buckets from 50 µs to 10 s.
class Histogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                     0.01,    0.025,  0.05,    0.1,    0.25,  1.0,    10.0};
  Histogram(const char* name, const char* help) : name_(name), help_(help) {}
  void observe(double seconds);
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  void render(std::string& out) const;

 private:
  const char* name_;
  const char* help_;
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

struct Metrics {
  Counter connections_total{"tiski_connections_total", "TCP connections accepted."};
  Counter accept_errors_total{"tiski_accept_errors_total", "Failed accepts (e.g. EMFILE: out of file descriptors)."};
  Counter address_refused_total{"tiski_address_connections_refused_total",
                                "Connections refused: their address held its most open HTTP connections."};
  Gauge ws_visitors{"tiski_ws_visitors", "Open visitor WebSocket connections."};
  Gauge ws_agents{"tiski_ws_agents", "Open agent WebSocket connections."};
  Counter http_requests_total{"tiski_http_requests_total", "HTTP requests served."};
  Counter messages_total{"tiski_messages_total", "Chat messages stored and acknowledged."};
  Counter messages_duplicate_total{"tiski_messages_duplicate_total", "Re-sent messages recognised by client id."};
  Counter invitations_total{"tiski_invitations_total", "Proactive invitations shown to visitors."};
  Counter invitations_held_out_total{"tiski_invitations_held_out_total",
                                     "Proactive invitations held out (the holdout control group: never shown)."};
  Counter track_frames_total{"tiski_track_frames_total", "Visitor tracking frames (page, track) received."};
  Counter frames_rejected_total{"tiski_frames_rejected_total", "Client frames refused with an error frame."};
  Counter slow_consumers_total{"tiski_slow_consumers_total",
                               "Connections dropped because their send queue overflowed."};
  Counter deliveries_total{"tiski_deliveries_total", "Frames queued to WebSocket connections."};
  Gauge store_queue{"tiski_store_queue", "Jobs waiting for the store thread."};
  Gauge cluster_nodes{"tiski_cluster_nodes", "Nodes this node hears from, itself included (1 without a bus)."};
  Gauge cluster_owned{"tiski_cluster_owned_tenants", "Tenants this node routes (their owner among the nodes)."};
  Counter store_commits_total{"tiski_store_commits_total", "Group commits."};
  Counter store_errors_total{"tiski_store_errors_total", "Failed store jobs or commits."};
  Histogram store_commit_seconds{"tiski_store_commit_seconds", "Time to run and commit one batch."};
  Histogram store_wait_seconds{"tiski_store_wait_seconds", "Time from submitting a job to its completion."};

  // The Prometheus text exposition of every metric, plus process figures read at the time
  // (resident memory, heap in use, open descriptors).
  std::string render() const;
};

}  // namespace tiski
