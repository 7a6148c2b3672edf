#include "util/metrics.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

TEST(Metrics, HistogramBucketsAreCumulative) {
  Histogram h("x_seconds", "help");
  h.observe(0.00001);  // first bucket
  h.observe(0.003);    // le=0.005
  h.observe(100);      // +Inf only
  std::string out;
  h.render(out);
  EXPECT_NE(out.find("x_seconds_bucket{le=\"5e-05\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{le=\"10\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_seconds_count 3\n"), std::string::npos) << out;
}

TEST(Metrics, RenderNamesEveryMetric) {
  Metrics m;
  m.messages_total.inc(3);
  m.ws_visitors.add(2);
  auto text = m.render();
  EXPECT_NE(text.find("tiski_messages_total 3\n"), std::string::npos);
  EXPECT_NE(text.find("tiski_ws_visitors 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE tiski_store_commit_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace tiski
