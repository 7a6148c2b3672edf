// The staffing planner on a hand-built week (UTC, Monday 2026-06-01): arrivals per hour of the
// week, Erlang C seats, the measured concurrency, the agents online and the missed target.
#include "chat/analytics/staffing.h"

#include <gtest/gtest.h>

#include "chat/analytics/erlang.h"

namespace tiski::analytics {
namespace {

constexpr Millis kMonday = 1'780'272'000'000;  // 2026-06-01T00:00:00Z
constexpr Millis kH = 3'600'000;
constexpr Millis kSecond = 1000;

// A chat arriving at `at`, answered after `wait` s by `agent`, closed `wall` s after the answer.
ReportConversation chat(Millis at, Millis wait, Millis wall, Id agent = 1) {
  ReportConversation r;
  r.conv.origin = "reactive";
  r.conv.created_at = at;
  r.conv.closed_at = at + (wait + wall) * kSecond;
  r.conv.assignee_id = agent;
  r.conv.status = conv_status::kClosed;
  r.lines = {{at, "visitor"}, {at + wait * kSecond, "agent"}};
  r.events = {Event{0, 1, 1, "conversation.closed", R"({"by":"agent"})", *r.conv.closed_at}};
  return r;
}

// The conversations rolled into one bucket (rollup.h), as a report merges them.
Partial rolled(std::vector<ReportConversation> convs, const char* zone) {
  DayFacts f;
  f.convs = std::move(convs);
  RollSettings rs;
  rs.zone = date::locate_zone(zone);
  Partial p;
  for (const auto& [combo, part] : roll_day(f, 0, rs)) p.merge(part);
  return p;
}

Event status(Millis at, const char* s) {
  return Event{0, 1, std::nullopt, "agent.status", std::string(R"({"agent":1,"status":")") + s + "\"}", at};
}

TEST(Staffing, OneWeekOfMondayMornings) {
  std::vector<ReportConversation> convs;
  // Monday 09-10: 20 chats, answered in 10 s, each open 5 min; two at a time overlap.
  for (int i = 0; i < 20; ++i) convs.push_back(chat(kMonday + 9 * kH + i * 180 * kSecond, 10, 300));
  // Monday 10-11: 2 chats answered after 60 s (the target of 20 s missed).
  convs.push_back(chat(kMonday + 10 * kH, 60, 300));
  convs.push_back(chat(kMonday + 10 * kH + 1200 * kSecond, 60, 300));
  // The agent is online 08:30-10:30 on Monday.
  std::vector<Event> st = {status(kMonday + 8 * kH + 1800 * kSecond, "online"),
                           status(kMonday + 10 * kH + 1800 * kSecond, "away")};
  StaffingAsk ask;
  auto s = plan(rolled(convs, "UTC"), st, kMonday, kMonday + 7 * 24 * kH, date::locate_zone("UTC"), ask,
                kMonday + 8 * 24 * kH);
  EXPECT_DOUBLE_EQ(s.weeks, 1.0);
  EXPECT_DOUBLE_EQ(s.handling_s, 300.0);
  // Chats every 180 s lasting 300 s: while busy, 5/3 of a chat at a time on average.
  EXPECT_NEAR(s.concurrency, 1.6, 0.1);
  const auto& nine = s.hours[9];  // Monday 09
  EXPECT_EQ(nine.weekday, 0);
  EXPECT_EQ(nine.hour, 9);
  EXPECT_DOUBLE_EQ(nine.arrivals, 20.0);
  EXPECT_NEAR(nine.erlangs, 20.0 * 300 / 3600, 1e-9);
  EXPECT_EQ(nine.seats, servers_needed(nine.erlangs, 300, 20, 0.8));
  EXPECT_EQ(nine.agents_needed, static_cast<int>(std::ceil(nine.seats / s.concurrency)));
  EXPECT_DOUBLE_EQ(nine.agents_online, 1.0);
  EXPECT_FALSE(nine.target_missed);
  const auto& ten = s.hours[10];
  EXPECT_TRUE(ten.target_missed);
  EXPECT_DOUBLE_EQ(ten.agents_online, 0.5);
  EXPECT_DOUBLE_EQ(s.hours[8].agents_online, 0.5);
  EXPECT_EQ(s.hours[33].arrivals, 0);  // Tuesday 09: nobody came
  EXPECT_EQ(s.hours[33].agents_needed, 0);
  int sum = 0;
  for (const auto& h : s.hours) sum += h.agents_needed;
  EXPECT_EQ(s.agent_hours_per_week, sum);
  auto j = to_json(s, StaffingAsk{0.8, 20, 25});
  EXPECT_EQ(j.at("hours").as_array().size(), 168u);
  EXPECT_NEAR(j.at("monthly_cost").as_double(), sum * 4.345 * 25, 1e-6);
  EXPECT_TRUE(to_json(s, ask).at("monthly_cost").is_null());
}

// A chat whose visitor closed it unanswered after `patience` s: one who gave up.
ReportConversation gave_up(Millis at, Millis patience) {
  ReportConversation r;
  r.conv.origin = "reactive";
  r.conv.created_at = at;
  r.conv.closed_at = at + patience * kSecond;
  r.conv.status = conv_status::kClosed;
  r.lines = {{at, "visitor"}};
  r.events = {Event{0, 1, 1, "conversation.closed", R"({"by":"visitor"})", *r.conv.closed_at}};
  return r;
}

// Patience = all waiting time / those who gave up: 40 answered after 10 s and 25 who left after
// 30 s make (400 + 750) / 25 = 46 s. With 20 or more who gave up, the plan is Erlang A's.
TEST(Staffing, ErlangAWithTheMeasuredPatience) {
  std::vector<ReportConversation> convs;
  for (int i = 0; i < 40; ++i) convs.push_back(chat(kMonday + 9 * kH + i * 90 * kSecond, 10, 300));
  for (int i = 0; i < 25; ++i) convs.push_back(gave_up(kMonday + 9 * kH + i * 140 * kSecond, 30));
  auto p = rolled(convs, "UTC");
  auto zone = date::locate_zone("UTC");
  auto week = [&](StaffingAsk ask) {
    return plan(p, {}, kMonday, kMonday + 7 * 24 * kH, zone, ask, kMonday + 8 * 24 * kH);
  };
  auto s = week({});
  EXPECT_EQ(s.gave_up, 25);
  ASSERT_TRUE(s.patience_s);
  EXPECT_DOUBLE_EQ(*s.patience_s, 46.0);
  EXPECT_EQ(s.model, Model::kErlangA);
  const auto& nine = s.hours[9];
  EXPECT_DOUBLE_EQ(nine.arrivals, 65.0);
  EXPECT_EQ(nine.seats, servers_needed_a(nine.erlangs, 300, 46, 20, 0.8));
  EXPECT_EQ(nine.seats_erlang_c, servers_needed(nine.erlangs, 300, 20, 0.8));
  EXPECT_LT(nine.seats, nine.seats_erlang_c);  // impatient visitors shorten the queue
  auto j = to_json(s, {});
  EXPECT_EQ(j.at("model").as_string(), "erlang_a");
  EXPECT_DOUBLE_EQ(j.at("patience_s").as_double(), 46.0);
  EXPECT_EQ(j.at("hours").as_array()[9].at("seats_erlang_c").as_int64(), nine.seats_erlang_c);

  auto c = week({0.8, 20, 0, Model::kErlangC});  // asked for Erlang C
  EXPECT_EQ(c.model, Model::kErlangC);
  EXPECT_EQ(c.hours[9].seats, nine.seats_erlang_c);

  // Too few gave up to trust by default; asked for explicitly, Erlang A all the same.
  convs.resize(40 + 19);
  p = rolled(convs, "UTC");
  EXPECT_EQ(week({}).model, Model::kErlangC);
  EXPECT_EQ(week({0.8, 20, 0, Model::kErlangA}).model, Model::kErlangA);
  // Nobody gave up: no patience to use, whatever was asked.
  convs.resize(40);
  p = rolled(convs, "UTC");
  auto none = week({0.8, 20, 0, Model::kErlangA});
  EXPECT_EQ(none.model, Model::kErlangC);
  EXPECT_FALSE(none.patience_s);
  EXPECT_TRUE(to_json(none, {}).at("patience_s").is_null());
}

// Two weeks: arrivals are per hour on average; a Helsinki Monday 09 is 06 UTC in summer.
TEST(Staffing, AveragesOverWeeksInTheTenantsZone) {
  std::vector<ReportConversation> convs = {chat(kMonday + 6 * kH, 5, 60), chat(kMonday + 6 * kH + 60 * kSecond, 5, 60),
                                           chat(kMonday + 7 * 24 * kH + 6 * kH, 5, 60)};
  auto s = plan(rolled(convs, "Europe/Helsinki"), {}, kMonday - 3 * kH, kMonday - 3 * kH + 14 * 24 * kH,
                date::locate_zone("Europe/Helsinki"), {}, kMonday + 20 * 24 * kH);
  EXPECT_DOUBLE_EQ(s.weeks, 2.0);
  EXPECT_DOUBLE_EQ(s.hours[9].arrivals, 1.5);  // three chats in two Monday 09:00 hours
  EXPECT_DOUBLE_EQ(s.hours[9].agents_online, 0.0);
}

// A period that ends today counts only the hours until now: an agent still online is not
// online in the evening that has not come yet.
TEST(Staffing, HoursStillToComeCountNothing) {
  std::vector<Event> st = {status(kMonday + 8 * kH, "online")};
  auto s =
      plan(Partial{}, st, kMonday, kMonday + 24 * kH, date::locate_zone("UTC"), {}, kMonday + 10 * kH + 1800 * 1000);
  EXPECT_DOUBLE_EQ(s.hours[9].agents_online, 1.0);
  EXPECT_DOUBLE_EQ(s.hours[10].agents_online, 0.5);
  EXPECT_DOUBLE_EQ(s.hours[11].agents_online, 0.0);
  EXPECT_DOUBLE_EQ(s.hours[20].agents_online, 0.0);
}

}  // namespace
}  // namespace tiski::analytics
