#include "chat/analytics/stats.h"

#include <cmath>

namespace tiski::analytics {

namespace {
constexpr double kZ = 1.959963984540054;  // the normal 97.5 % quantile
}

Interval wilson(std::int64_t k, std::int64_t n) {
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = kZ * kZ;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = kZ * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {centre - half, centre + half};
}

Interval newcombe_difference(std::int64_t k1, std::int64_t n1, std::int64_t k2, std::int64_t n2) {
  const double p1 = static_cast<double>(k1) / static_cast<double>(n1);
  const double p2 = static_cast<double>(k2) / static_cast<double>(n2);
  const auto a = wilson(k1, n1), b = wilson(k2, n2);
  const double d = p1 - p2;
  return {d - std::sqrt((p1 - a.lo) * (p1 - a.lo) + (b.hi - p2) * (b.hi - p2)),
          d + std::sqrt((a.hi - p1) * (a.hi - p1) + (p2 - b.lo) * (p2 - b.lo))};
}

Moments moments(const std::vector<double>& xs) {
  Moments m;
  m.n = static_cast<std::int64_t>(xs.size());
  if (xs.empty()) return m;
  // Welford: one pass, stable.
  double mean = 0, m2 = 0;
  std::int64_t i = 0;
  for (double x : xs) {
    ++i;
    double d = x - mean;
    mean += d / static_cast<double>(i);
    m2 += d * (x - mean);
  }
  m.mean = mean;
  m.variance = m.n > 1 ? m2 / static_cast<double>(m.n - 1) : 0;
  return m;
}

double t95(double df) {
  // Table for small df, then the Cornish–Fisher expansion (error < 1e-3 from df 30 on).
  static const double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                  2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                  2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) df = 1;
  if (df < 30) {  // linear between the table's whole degrees
    auto lo = static_cast<int>(std::floor(df));
    double f = df - lo;
    return kTable[lo - 1] + f * (kTable[lo] - kTable[lo - 1]);
  }
  const double z = kZ, z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

Interval welch_difference(const Moments& a, const Moments& b) {
  const double d = a.mean - b.mean;
  const double va = a.variance / static_cast<double>(a.n), vb = b.variance / static_cast<double>(b.n);
  const double se2 = va + vb;
  if (se2 <= 0) return {d, d};
  const double df = se2 * se2 / (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
  const double half = t95(df) * std::sqrt(se2);
  return {d - half, d + half};
}

}  // namespace tiski::analytics
