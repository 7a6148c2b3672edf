#include "util/bucket.h"

#include <algorithm>

namespace tiski {

void Bucket::refill(std::int64_t now) {
  if (last_ != 0 && now > last_)
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now - last_) / 1000.0 * rate_);
  if (now > last_) last_ = now;
}

bool Bucket::take(std::int64_t now, double n) {
  refill(now);
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

void Bucket::spend(std::int64_t now, double n) {
  refill(now);
  tokens_ = tokens_ > n ? tokens_ - n : 0;
}

bool Bucket::full(std::int64_t now) const {
  double t = tokens_;
  if (last_ != 0 && now > last_) t += static_cast<double>(now - last_) / 1000.0 * rate_;
  return t >= burst_;
}

}  // namespace tiski
