// The rollups from hand-built facts: a period's counts, rates and percentiles; docs/metrics.md's
// worked example of sales, chat vs non-chat (by visitor-day), the funnel and the holdout; and
// that a bucket survives its encoding and that merging is adding.
#include "chat/analytics/rollup.h"

#include <gtest/gtest.h>

#include "chat/analytics/period.h"

namespace tiski::analytics {
namespace {

constexpr Millis kDay = 86'400'000;

RollSettings utc() {
  RollSettings s;
  s.zone = date::locate_zone("UTC");
  return s;
}

Partial merged(const Rolled& r) {
  Partial p;
  for (const auto& [c, part] : r) p.merge(part);
  return p;
}

ReportConversation closed(Id id, Id visitor, Id agent, std::vector<std::pair<Millis, std::string>> lines,
                          Millis closed_at) {
  ReportConversation r;
  r.conv.id = id;
  r.conv.site_id = 1;
  r.conv.visitor_id = visitor;
  r.conv.origin = "reactive";
  r.conv.status = conv_status::kClosed;
  r.conv.created_at = 0;
  r.conv.closed_at = closed_at;
  if (agent) r.conv.assignee_id = agent;
  for (auto& [at, who] : lines) r.lines.push_back({at, who});
  r.events.push_back(Event{0, 1, id, "conversation.closed", R"({"by":"agent"})", closed_at});
  return r;
}

// The day's facts rolled up in UTC, as a period.
Period rolled(const DayFacts& f) {
  Period period;
  for (const auto& [c, p] : roll_day(f, 0, utc())) period.add(c, p);
  return period;
}

TEST(Rollup, CountsRatesAndPercentiles) {
  DayFacts f;
  f.convs = {
      closed(1, 1, 7, {{0, "visitor"}, {10'000, "agent"}}, 60'000),   // within 20 s
      closed(2, 2, 7, {{0, "visitor"}, {40'000, "agent"}}, 90'000),   // answered in 40 s
      closed(3, 3, 8, {{0, "visitor"}, {90'000, "agent"}}, 120'000),  // slow
      closed(4, 4, 0, {{0, "visitor"}}, 30'000),                      // closed unanswered: missed
  };
  ReportConversation open = closed(5, 5, 0, {{0, "visitor"}}, 0);
  open.conv.status = "open";
  open.conv.closed_at.reset();
  f.convs.push_back(open);  // measured at report time, not rolled
  Period period = rolled(f);
  auto j = summary_json(period.total, "", true);
  EXPECT_EQ(j.at("conversations").as_int64(), 4);
  EXPECT_EQ(j.at("answered").as_int64(), 3);
  EXPECT_EQ(j.at("missed").as_int64(), 1);
  EXPECT_EQ(j.at("slow").as_int64(), 1);
  EXPECT_DOUBLE_EQ(j.at("service_level").as_double(), 0.25);  // 1 of 4 awaited chats within 20 s
  EXPECT_DOUBLE_EQ(j.at("missed_rate").as_double(), 0.25);
  auto wait = j.at("wait_ms").as_object();
  EXPECT_EQ(wait.at("n").as_int64(), 3);
  EXPECT_EQ(wait.at("avg").as_int64(), 46'666);  // (10 + 40 + 90) / 3 s: the average is exact
  // Percentiles are the lower edge of their histogram bucket (at most 3.2 % wide).
  EXPECT_EQ(wait.at("p50").as_int64(), Hist::lower_edge(Hist::bucket_of(40'000)));
  EXPECT_EQ(wait.at("p50").as_int64(), 39'936);
  EXPECT_EQ(wait.at("p90").as_int64(), Hist::lower_edge(Hist::bucket_of(90'000)));
  EXPECT_EQ(period.by_agent.size(), 2u);
  EXPECT_EQ(period.by_agent.at(7).answered, 2);
  // Nothing to measure: rates and durations are null, not zero.
  auto empty = summary_json(Partial{}, "", true);
  EXPECT_TRUE(empty.at("service_level").is_null());
  EXPECT_TRUE(empty.at("wait_ms").is_null());
  EXPECT_TRUE(empty.at("holdout").is_null());
}

// Found by a review: the reports said "228 answered of 232 live chats" and an agent 62 answered
// of 60 chats, as an answered email counted in `answered`. Answered counts live chats.
TEST(Rollup, AnAnsweredEmailIsAConversationButNotAnAnsweredChat) {
  DayFacts f;
  f.convs = {closed(1, 1, 7, {{0, "visitor"}, {10'000, "agent"}}, 60'000)};
  auto mail = closed(2, 2, 7, {{0, "visitor"}, {3'600'000, "agent"}}, 3'700'000);
  mail.conv.origin = "email";
  f.convs.push_back(mail);
  Period period = rolled(f);
  auto j = summary_json(period.total, "", true);
  EXPECT_EQ(j.at("conversations").as_int64(), 2);
  EXPECT_EQ(j.at("chats").as_int64(), 1);
  EXPECT_EQ(j.at("answered").as_int64(), 1);
  EXPECT_EQ(period.by_agent.at(7).chats, 1);
  EXPECT_EQ(period.by_agent.at(7).answered, 1);
}

TEST(Rollup, HistogramBucketsAreNarrow) {
  for (Millis v : {0LL, 1LL, 63LL, 64LL, 65LL, 1000LL, 4500LL, 59'999LL, 86'400'000LL, 40LL * 86'400'000}) {
    int b = Hist::bucket_of(v);
    EXPECT_LE(Hist::lower_edge(b), v);
    EXPECT_GT(Hist::lower_edge(b + 1), v);
    EXPECT_LE(static_cast<double>(v - Hist::lower_edge(b)), 0.032 * static_cast<double>(v) + 1e-9);
  }
  EXPECT_EQ(Hist::bucket_of(63), 63);  // exact below 64 ms
}

Conversion order(std::string ref, std::optional<Id> visitor, std::int64_t cents, std::string cur,
                 std::optional<Id> credited, Millis at = 2000) {
  Conversion c;
  c.site_id = 1;
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

// docs/metrics.md "Sales", worked example: ten visitors seen on one day.
struct Example {
  DayFacts f;
  Example() {
    f.convs = {closed(101, 1, 7, {{1000, "visitor"}, {1100, "agent"}}, 5000),
               closed(102, 2, 7, {{1000, "visitor"}, {1100, "agent"}}, 5000),
               closed(103, 3, 0, {{1000, "visitor"}}, 5000)};
    for (Id v = 1; v <= 10; ++v) f.seen.push_back({v, 1});
    std::vector<Conversion> all = {
        order("A1", 1, 10000, "EUR", 101),         order("A2", 1, 5000, "EUR", 101),
        order("A3", 3, 6000, "EUR", std::nullopt), order("A4", 4, 4000, "EUR", std::nullopt),
        order("A5", 2, 2000, "SEK", 102),          order("A6", std::nullopt, 3000, "EUR", std::nullopt)};
    Conversion lead;
    lead.site_id = 1;
    lead.kind = "lead";
    lead.ref = "L1";
    lead.visitor_id = 2;
    lead.conv_id = 102;
    lead.agent_id = 7;
    lead.at = 2000;
    all.push_back(lead);
    for (const auto& c : all) {
      f.sales.push_back({c, c.conv_id ? "reactive" : "", 0});
      if (c.conv_id) f.credited_to_day.push_back(c);
      if (c.visitor_id == 1) f.unit_orders.push_back(c);
    }
    f.invitations = {{Invitation{1, 1, 1, 1, 1, "a", 1000, {}, 101, false}, true},
                     {Invitation{2, 1, 1, 5, 1, "b", 1000, {}, {}, false}, true},
                     {Invitation{3, 1, 1, 6, 1, "c", 1000, {}, {}, true}, true}};
    f.sold_convs = {101};
  }
  boost::json::object summary() const {
    auto p = merged(roll_day(f, 0, utc()));
    return summary_json(p, main_currency(p), true);
  }
};

TEST(Rollup, SalesCountEveryOrderAndSumTheMainCurrency) {
  Example x;
  Period period;
  for (const auto& [c, p] : roll_day(x.f, 0, utc())) period.add(c, p);
  EXPECT_EQ(main_currency(period.total), "EUR");
  auto s = x.summary().at("sales").as_object();
  EXPECT_EQ(s.at("orders").as_int64(), 6);
  EXPECT_EQ(s.at("revenue_cents").as_int64(), 28000);
  EXPECT_EQ(s.at("chat_orders").as_int64(), 3);
  EXPECT_EQ(s.at("chat_revenue_cents").as_int64(), 15000);
  EXPECT_NEAR(s.at("chat_share").as_double(), 15000.0 / 28000.0, 1e-9);
  EXPECT_EQ(s.at("leads").as_int64(), 1);
  EXPECT_EQ(s.at("chat_leads").as_int64(), 1);
  EXPECT_EQ(s.at("other_currency_orders").as_int64(), 1);
  auto agent = agent_json(7, period.by_agent.at(7), "EUR");
  EXPECT_EQ(agent.at("orders").as_int64(), 3);
  EXPECT_EQ(agent.at("revenue_cents").as_int64(), 15000);
  EXPECT_EQ(agent.at("leads").as_int64(), 1);
  EXPECT_TRUE(main_currency(Partial{}).empty());
}

TEST(Rollup, ChatDaysAgainstTheOtherVisitorDays) {
  Example x;
  auto c = x.summary().at("chat_vs_nonchat").as_object();
  EXPECT_EQ(c.at("unit").as_string(), "visitor_day");
  auto chat = c.at("chatters").as_object(), other = c.at("non_chatters").as_object();
  EXPECT_EQ(chat.at("visitor_days").as_int64(), 2);  // 1 and 2 (3's chat was never answered)
  EXPECT_EQ(chat.at("converted").as_int64(), 2);     // 2 bought in SEK: converted, not in the money
  EXPECT_EQ(chat.at("orders").as_int64(), 3);
  EXPECT_EQ(chat.at("revenue_cents").as_int64(), 15000);
  EXPECT_EQ(chat.at("aov_cents").as_int64(), 7500);
  EXPECT_EQ(other.at("visitor_days").as_int64(), 8);
  EXPECT_EQ(other.at("converted").as_int64(), 2);  // 3 and 4; A6 has no visitor
  EXPECT_DOUBLE_EQ(other.at("rate").as_double(), 0.25);
  EXPECT_EQ(other.at("aov_cents").as_int64(), 5000);
}

TEST(Rollup, TheFunnelAndTheHoldout) {
  Example x;
  auto j = x.summary();
  auto f = j.at("funnel").as_object();
  EXPECT_EQ(f.at("shown").as_int64(), 2);
  EXPECT_EQ(f.at("accepted").as_int64(), 1);
  EXPECT_EQ(f.at("converted").as_int64(), 1);
  EXPECT_EQ(f.at("held_out").as_int64(), 1);
  auto h = j.at("holdout").as_object();
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
  x.f.unit_orders = {order("late", 1, 10000, "EUR", 101, 1000 + 7 * kDay + 1)};
  EXPECT_EQ(x.summary().at("holdout").at("invited").at("converted").as_int64(), 0);
  // Without held-out visits there is no comparison.
  x.f.invitations.pop_back();
  EXPECT_TRUE(x.summary().at("holdout").is_null());
}

// 1,000 invited visits of which 100 bought 50 EUR, 1,000 held out of which 80 did: uplift 2
// points (Newcombe's interval), 1,000 EUR per 1,000 visits with Welch's interval.
TEST(Rollup, HoldoutIntervalsOnALargerSample) {
  DayFacts f;
  Id v = 0;
  for (bool held : {false, true}) {
    for (int i = 0; i < 1000; ++i) {
      ++v;
      f.invitations.push_back({Invitation{v, 1, 1, v, 1, "x", 1000, {}, {}, held}, true});
      if (i < (held ? 80 : 100)) f.unit_orders.push_back(order("o" + std::to_string(v), v, 5000, "EUR", std::nullopt));
    }
  }
  auto up = summary_json(merged(roll_day(f, 0, utc())), "EUR", true).at("holdout").at("uplift").as_object();
  EXPECT_NEAR(up.at("rate").as_double(), 0.02, 1e-12);
  auto ci = up.at("rate_ci").as_array();
  EXPECT_LT(ci[0].as_double(), 0.0);  // 10 % vs 8 % on 1,000 each is not yet significant
  EXPECT_GT(ci[1].as_double(), 0.04);
  EXPECT_NEAR(up.at("revenue_per_1000_cents").as_double(), 100'000, 1e-6);
  auto rev = up.at("revenue_per_1000_ci").as_array();
  EXPECT_LT(rev[0].as_double(), 100'000);
  EXPECT_GT(rev[1].as_double(), 100'000);
}

TEST(Rollup, EncodingRoundTripsAndMergingAdds) {
  Example x;
  auto rolled = roll_day(x.f, 0, utc());
  Partial sum, decoded_sum;
  for (const auto& [c, p] : rolled) {
    auto bytes = p.encode();
    auto back = Partial::decode(bytes);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, p);
    sum.merge(p);
    ASSERT_TRUE(Partial::decode_into(bytes, decoded_sum));
  }
  EXPECT_EQ(decoded_sum, sum);
  // Damaged bytes are refused, never misread.
  auto bytes = sum.encode();
  EXPECT_FALSE(Partial::decode(bytes.substr(0, bytes.size() - 1)).has_value());
  EXPECT_FALSE(Partial::decode(bytes + "x").has_value());
  EXPECT_FALSE(Partial::decode("").has_value());
  bytes[0] = 99;
  EXPECT_FALSE(Partial::decode(bytes).has_value());
}

}  // namespace
}  // namespace tiski::analytics
