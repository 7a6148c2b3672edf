// docs/metrics.md's worked example of sales, chat vs non-chat, the funnel and the holdout.
#include "chat/analytics/earnings.h"

#include <gtest/gtest.h>

namespace tiski::analytics {
namespace {

constexpr Millis kDay = 86'400'000;

ReportConversation conv(Id id, Id visitor, bool answered) {
  ReportConversation c;
  c.conv.id = id;
  c.conv.visitor_id = visitor;
  c.lines.push_back({1000, "visitor"});
  if (answered) c.lines.push_back({1100, "agent"});
  return c;
}

Conversion order(std::string ref, std::optional<Id> visitor, std::int64_t cents, std::string cur,
                 std::optional<Id> credited, Millis at = 2000) {
  Conversion c;
  c.kind = "order";
  c.ref = std::move(ref);
  c.visitor_id = visitor;
  c.value_cents = cents;
  c.currency = std::move(cur);
  c.conv_id = credited;
  if (credited) c.agent_id = 7;
  c.at = at;
  return c;
}

struct Example {
  std::vector<ReportConversation> convs{conv(101, 1, true), conv(102, 2, true), conv(103, 3, false)};
  ReportSales sales;
  Example() {
    for (Id v = 1; v <= 10; ++v) sales.visitors.push_back(v);
    sales.conversions = {
        order("A1", 1, 10000, "EUR", 101),         order("A2", 1, 5000, "EUR", 101),
        order("A3", 3, 6000, "EUR", std::nullopt), order("A4", 4, 4000, "EUR", std::nullopt),
        order("A5", 2, 2000, "SEK", 102),          order("A6", std::nullopt, 3000, "EUR", std::nullopt)};
    Conversion lead;
    lead.kind = "lead";
    lead.ref = "L1";
    lead.visitor_id = 2;
    lead.conv_id = 102;
    lead.agent_id = 7;
    lead.at = 2000;
    sales.conversions.push_back(lead);
    sales.invitations = {Invitation{1, 1, 1, 1, 1, "a", 1000, {}, 101, false},
                         Invitation{2, 1, 1, 5, 1, "b", 1000, {}, {}, false},
                         Invitation{3, 1, 1, 6, 1, "c", 1000, {}, {}, true}};
  }
};

TEST(Earnings, SalesCountEveryOrderAndSumTheMainCurrency) {
  Example x;
  auto cur = main_currency(x.sales.conversions);
  EXPECT_EQ(cur, "EUR");
  auto s = sales_json(x.sales.conversions, cur);
  EXPECT_EQ(s.at("orders").as_int64(), 6);
  EXPECT_EQ(s.at("revenue_cents").as_int64(), 28000);
  EXPECT_EQ(s.at("chat_orders").as_int64(), 3);
  EXPECT_EQ(s.at("chat_revenue_cents").as_int64(), 15000);
  EXPECT_NEAR(s.at("chat_share").as_double(), 15000.0 / 28000.0, 1e-9);
  EXPECT_EQ(s.at("leads").as_int64(), 1);
  EXPECT_EQ(s.at("chat_leads").as_int64(), 1);
  EXPECT_EQ(s.at("other_currency_orders").as_int64(), 1);
  auto agents = by_agent(x.sales.conversions, cur);
  EXPECT_EQ(agents[7].orders, 3);
  EXPECT_EQ(agents[7].revenue_cents, 15000);
  EXPECT_EQ(agents[7].leads, 1);
  EXPECT_TRUE(main_currency({}).empty());
}

TEST(Earnings, ChattersAgainstTheOtherVisitors) {
  Example x;
  auto c = chat_vs_nonchat(x.convs, x.sales, "EUR");
  auto chat = c.at("chatters").as_object(), other = c.at("non_chatters").as_object();
  EXPECT_EQ(chat.at("visitors").as_int64(), 2);   // 1 and 2 (3's chat was never answered)
  EXPECT_EQ(chat.at("converted").as_int64(), 2);  // 2 bought in SEK: converted, not in the money
  EXPECT_EQ(chat.at("orders").as_int64(), 3);
  EXPECT_EQ(chat.at("revenue_cents").as_int64(), 15000);
  EXPECT_EQ(chat.at("aov_cents").as_int64(), 7500);
  EXPECT_EQ(other.at("visitors").as_int64(), 8);
  EXPECT_EQ(other.at("converted").as_int64(), 2);  // 3 and 4; A6 has no visitor
  EXPECT_DOUBLE_EQ(other.at("rate").as_double(), 0.25);
  EXPECT_EQ(other.at("aov_cents").as_int64(), 5000);
}

TEST(Earnings, TheFunnelAndTheHoldout) {
  Example x;
  auto f = funnel(x.sales);
  EXPECT_EQ(f.at("shown").as_int64(), 2);
  EXPECT_EQ(f.at("accepted").as_int64(), 1);
  EXPECT_EQ(f.at("converted").as_int64(), 1);
  EXPECT_EQ(f.at("held_out").as_int64(), 1);
  auto h = holdout(x.sales, 7 * kDay, "EUR");
  ASSERT_TRUE(h.is_object());
  auto inv = h.at("invited").as_object(), held = h.at("held_out").as_object();
  EXPECT_EQ(inv.at("visits").as_int64(), 2);
  EXPECT_EQ(inv.at("converted").as_int64(), 1);
  EXPECT_DOUBLE_EQ(inv.at("revenue_per_visit_cents").as_double(), 7500);
  EXPECT_EQ(held.at("visits").as_int64(), 1);
  EXPECT_EQ(held.at("converted").as_int64(), 0);
  auto up = h.at("uplift").as_object();
  EXPECT_DOUBLE_EQ(up.at("rate").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(up.at("revenue_per_1000_cents").as_double(), 7'500'000);
  EXPECT_TRUE(up.at("revenue_per_1000_ci").is_null());  // one held-out visit: no interval
  // An order after the window does not count for the visit.
  x.sales.conversions = {order("late", 1, 10000, "EUR", 101, 1000 + 7 * kDay + 1)};
  EXPECT_EQ(holdout(x.sales, 7 * kDay, "EUR").at("invited").at("converted").as_int64(), 0);
  // Without held-out visits there is no comparison.
  x.sales.invitations.pop_back();
  EXPECT_TRUE(holdout(x.sales, 7 * kDay, "EUR").is_null());
}

// A bigger holdout: 1,000 invited visits of which 100 bought 50 EUR, 1,000 held out of which
// 80 did: uplift 2 points (interval from Newcombe), 1,000 EUR per 1,000 visits.
TEST(Earnings, HoldoutIntervalsOnALargerSample) {
  ReportSales s;
  Id v = 0;
  for (bool held : {false, true}) {
    for (int i = 0; i < 1000; ++i) {
      ++v;
      s.invitations.push_back(Invitation{v, 1, 1, v, 1, "x", 1000, {}, {}, held});
      if (i < (held ? 80 : 100)) s.conversions.push_back(order("o" + std::to_string(v), v, 5000, "EUR", std::nullopt));
    }
  }
  auto h = holdout(s, 7 * kDay, "EUR");
  auto up = h.at("uplift").as_object();
  EXPECT_NEAR(up.at("rate").as_double(), 0.02, 1e-12);
  auto ci = up.at("rate_ci").as_array();
  EXPECT_LT(ci[0].as_double(), 0.0);  // 10 % vs 8 % on 1,000 each is not yet significant
  EXPECT_GT(ci[1].as_double(), 0.04);
  EXPECT_NEAR(up.at("revenue_per_1000_cents").as_double(), 100'000, 1e-6);
  EXPECT_TRUE(up.at("revenue_per_1000_ci").is_array());
}

}  // namespace
}  // namespace tiski::analytics
