// The intervals against published values.
#include "chat/analytics/stats.h"

#include <gtest/gtest.h>

namespace tiski::analytics {
namespace {

// Newcombe (1998), "Interval estimation for the difference between independent proportions",
// Statistics in Medicine 17:873-890, table II: 56/70 vs 48/80 gives 0.0524 to 0.3339 by
// method 10; the Wilson interval of 81/263 (Newcombe's single-proportion paper) is
// 0.2553 to 0.3662.
TEST(Stats, WilsonAndNewcombeMatchThePublishedExamples) {
  auto w = wilson(81, 263);
  EXPECT_NEAR(w.lo, 0.2553, 5e-4);
  EXPECT_NEAR(w.hi, 0.3662, 5e-4);
  auto d = newcombe_difference(56, 70, 48, 80);
  EXPECT_NEAR(d.lo, 0.0524, 5e-4);
  EXPECT_NEAR(d.hi, 0.3339, 5e-4);
  // Zero successes still give an interval above zero.
  auto z = wilson(0, 10);
  EXPECT_NEAR(z.lo, 0.0, 1e-9);
  EXPECT_NEAR(z.hi, 0.2775, 5e-4);
}

TEST(Stats, StudentQuantilesAndWelch) {
  EXPECT_NEAR(t95(1), 12.706, 1e-3);
  EXPECT_NEAR(t95(10), 2.228, 1e-3);
  EXPECT_NEAR(t95(30), 2.042, 2e-3);
  EXPECT_NEAR(t95(120), 1.980, 2e-3);
  EXPECT_NEAR(t95(1e6), 1.960, 1e-3);
  auto a = moments({1, 2, 3, 4, 5});
  EXPECT_DOUBLE_EQ(a.mean, 3);
  EXPECT_DOUBLE_EQ(a.variance, 2.5);
  // Two samples of 5 with equal variance 2.5: df = 8, se = 1, t = 2.306.
  auto b = moments({0, 1, 2, 3, 4});
  auto i = welch_difference(a, b);
  EXPECT_NEAR(i.lo, 1 - 2.306, 1e-3);
  EXPECT_NEAR(i.hi, 1 + 2.306, 1e-3);
  auto same = welch_difference(moments({2, 2}), moments({1, 1}));
  EXPECT_DOUBLE_EQ(same.lo, 1);
  EXPECT_DOUBLE_EQ(same.hi, 1);
}

}  // namespace
}  // namespace tiski::analytics
