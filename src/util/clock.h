// Time for the domain: every module asks a Clock, so tests run timeouts, auto-away,
// invitation rounds and business-hour edges on a manual clock, in microseconds, without sleeping.
// Thread-safe (store jobs read it on the store thread).
#pragma once

#include <atomic>
#include <cstdint>

#include "util/time.h"

namespace tiski {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now() const override { return now_ms(); }
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t start = 1'800'000'000'000) : t_(start) {}
  std::int64_t now() const override { return t_.load(std::memory_order_relaxed); }
  void advance(std::int64_t ms) { t_.fetch_add(ms, std::memory_order_relaxed); }
  void set(std::int64_t ms) { t_.store(ms, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> t_;
};

}  // namespace tiski
