// Confidence intervals for the holdout report (docs/metrics.md): 95 % intervals of a share
// (Wilson score), of the difference of two shares (Newcombe's hybrid score method, 1998 #10),
// and of the difference of two means (Welch). Pure.
#pragma once

#include <cstdint>
#include <vector>

namespace tiski::analytics {

struct Interval {
  double lo = 0, hi = 0;
};

// The Wilson score interval of k successes in n trials (n > 0).
Interval wilson(std::int64_t k, std::int64_t n);
// p1 - p2 with p1 = k1/n1, p2 = k2/n2 (n1, n2 > 0).
Interval newcombe_difference(std::int64_t k1, std::int64_t n1, std::int64_t k2, std::int64_t n2);

// A sample's size, mean and variance (n - 1 in the denominator).
struct Moments {
  std::int64_t n = 0;
  double mean = 0, variance = 0;
};
Moments moments(const std::vector<double>& xs);
// mean1 - mean2 with Welch's t interval (the Welch–Satterthwaite degrees of freedom); each
// sample needs n >= 2. A zero standard error gives the point.
Interval welch_difference(const Moments& a, const Moments& b);
// The two-sided 95 % quantile of Student's t with `df` degrees of freedom (df >= 1).
double t95(double df);

}  // namespace tiski::analytics
