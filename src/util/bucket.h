// A token bucket over a caller-supplied clock (milliseconds), so tests drive it by hand.
// Used for every rate limit: frames per connection, messages per visitor and address.
#pragma once

#include <cstdint>

namespace tiski {

// A token bucket over a caller-supplied clock: `burst` tokens, refilled at `per_second`.
class Bucket {
 public:
  Bucket() = default;
  Bucket(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}
  bool take(std::int64_t now, double n = 1.0);  // n tokens, or none when fewer are left
  // n tokens spent elsewhere (another node): as many as are left, down to empty.
  void spend(std::int64_t now, double n);
  // Whether the bucket would be full at `now` (nothing to remember about it).
  bool full(std::int64_t now) const;

 private:
  void refill(std::int64_t now);
  double rate_ = 1;
  double burst_ = 1;
  double tokens_ = 1;
  std::int64_t last_ = 0;
};

}  // namespace tiski
