// The day series, the heat map and the first-response distribution in the tenant's zone.
#include "chat/analytics/breakdown.h"

#include <gtest/gtest.h>

namespace tiski::analytics {
namespace {

// 2026-03-02 is a Monday; 10:00 UTC is 12:00 in Helsinki (EET, +2).
constexpr Millis kMonday10Utc = 1'772'445'600'000;

TEST(Breakdown, DaysHoursAndBucketsAreTheTenantsLocalOnes) {
  const auto* zone = date::locate_zone("Europe/Helsinki");
  std::vector<ReportConversation> convs(3);
  std::vector<Measured> ms(3);
  convs[0].conv.created_at = kMonday10Utc;  // Monday 12 local
  ms[0].live = ms[0].answered = ms[0].awaited = ms[0].within_service_level = true;
  ms[0].wait_ms = 8'000;
  ms[0].first_response_ms = 8'000;
  convs[1].conv.created_at = kMonday10Utc + 30 * 60'000;  // Monday 12:30 local
  ms[1].live = ms[1].answered = ms[1].awaited = true;
  ms[1].wait_ms = 40'000;
  ms[1].first_response_ms = 40'000;
  convs[2].conv.created_at = kMonday10Utc + 12 * 3'600'000;  // Monday 22 UTC = Tuesday 00 local
  ms[2].live = ms[2].awaited = ms[2].missed = true;
  Conversion sold;
  sold.kind = "order";
  sold.conv_id = 1;
  sold.value_cents = 4990;
  sold.currency = "EUR";
  sold.at = kMonday10Utc;
  auto day = date::local_days{date::year{2026} / 3 / 2};
  auto b = breakdown(convs, ms, {sold}, "EUR", zone, day, day + date::days{2});
  auto series = b.at("series").as_array();
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].at("day").as_string(), "2026-03-02");
  EXPECT_EQ(series[0].at("conversations").as_int64(), 2);
  EXPECT_EQ(series[0].at("within_sl").as_int64(), 1);
  EXPECT_EQ(series[0].at("chat_revenue_cents").as_int64(), 4990);
  EXPECT_EQ(series[1].at("missed").as_int64(), 1);
  EXPECT_EQ(series[2].at("conversations").as_int64(), 0);
  auto arrivals = b.at("heatmap").at("arrivals").as_array();
  EXPECT_EQ(arrivals[0].as_array()[12].as_int64(), 2);  // Monday 12 local
  EXPECT_EQ(arrivals[1].as_array()[0].as_int64(), 1);   // Tuesday 00 local
  auto waits = b.at("heatmap").at("wait_avg_ms").as_array();
  EXPECT_EQ(waits[0].as_array()[12].as_int64(), 24'000);
  EXPECT_TRUE(waits[1].as_array()[0].is_null());
  auto counts = b.at("first_response").at("counts").as_array();
  EXPECT_EQ(counts[0].as_int64(), 1);  // 8 s: up to 10 s
  EXPECT_EQ(counts[3].as_int64(), 1);  // 40 s: 30-60 s
}

}  // namespace
}  // namespace tiski::analytics
