// A period's summary from hand-built conversations: counts, rates and duration percentiles.
#include "chat/analytics/report.h"

#include <gtest/gtest.h>

namespace tiski::analytics {
namespace {

ReportConversation conv(Id agent, std::vector<std::pair<Millis, std::string>> lines, Millis closed) {
  ReportConversation r;
  r.conv.origin = "reactive";
  r.conv.created_at = 0;
  r.conv.closed_at = closed;
  if (agent) r.conv.assignee_id = agent;
  for (auto& [at, who] : lines) r.lines.push_back({at * 1000, who});
  r.events.push_back(Event{0, 1, 1, "conversation.closed", R"({"by":"agent"})", closed});
  return r;
}

TEST(Report, CountsRatesAndPercentiles) {
  std::vector<ReportConversation> convs = {
      conv(7, {{0, "visitor"}, {10, "agent"}}, 60'000),   // within 20 s
      conv(7, {{0, "visitor"}, {40, "agent"}}, 90'000),   // answered in 40 s
      conv(8, {{0, "visitor"}, {90, "agent"}}, 120'000),  // slow
      conv(0, {{0, "visitor"}}, 30'000),                  // closed unanswered: missed
  };
  auto r = summarize(convs, Thresholds{}, nullptr, 1'000'000);
  auto j = to_json(r.total);
  EXPECT_EQ(j.at("conversations").as_int64(), 4);
  EXPECT_EQ(j.at("answered").as_int64(), 3);
  EXPECT_EQ(j.at("missed").as_int64(), 1);
  EXPECT_EQ(j.at("slow").as_int64(), 1);
  EXPECT_DOUBLE_EQ(j.at("service_level").as_double(), 0.25);  // 1 of 4 awaited chats within 20 s
  EXPECT_DOUBLE_EQ(j.at("missed_rate").as_double(), 0.25);
  auto wait = j.at("wait_ms").as_object();
  EXPECT_EQ(wait.at("n").as_uint64(), 3u);
  EXPECT_EQ(wait.at("avg").as_int64(), 46'666);  // (10 + 40 + 90) / 3 s
  EXPECT_EQ(wait.at("p50").as_int64(), 40'000);
  EXPECT_EQ(wait.at("p90").as_int64(), 90'000);
  EXPECT_EQ(r.by_agent.size(), 2u);
  EXPECT_EQ(r.by_agent.at(7).answered, 2);
  // Nothing to measure: rates and durations are null, not zero.
  auto empty = to_json(Summary{});
  EXPECT_TRUE(empty.at("service_level").is_null());
  EXPECT_TRUE(empty.at("wait_ms").is_null());
}

}  // namespace
}  // namespace tiski::analytics
