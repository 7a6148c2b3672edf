// Every definition of docs/metrics.md on hand-built conversations (times in seconds from the
// start, for readability; the worked examples of the document are these cases).
#include "chat/analytics/metrics.h"

#include <gtest/gtest.h>

#include "chat/analytics/erlang.h"

namespace tiski::analytics {
namespace {

constexpr Millis kS = 1000;
constexpr Millis kT0 = 1'780'000'000'000;  // 2026-05-28, a Thursday

Line v(Millis s) { return {kT0 + s * kS, Author::kVisitor}; }
Line a(Millis s) { return {kT0 + s * kS, Author::kAgent}; }
Line note(Millis s) { return {kT0 + s * kS, Author::kNote}; }
Line sys(Millis s) { return {kT0 + s * kS, Author::kSystem}; }
Presence left(Millis s) { return {kT0 + s * kS, false}; }
Presence back(Millis s) { return {kT0 + s * kS, true}; }

Timeline chat(std::vector<Line> lines, std::optional<Millis> closed_s = std::nullopt, std::string by = "agent") {
  Timeline t;
  t.started = kT0;
  t.lines = std::move(lines);
  if (closed_s) t.closed = kT0 + *closed_s * kS;
  t.closed_by = std::move(by);
  return t;
}

Measured run(const Timeline& t, Millis now_s = 3600) { return measure(t, Thresholds{}, nullptr, kT0 + now_s * kS); }

// The worked example: greeting (system), visitor asks at 0, again at 5, agent answers at 30,
// visitor at 60, agent at 75, a note at 80, agent at 100, agent closes at 160.
TEST(Metrics, AnAnsweredChat) {
  auto m = run(chat({sys(0), v(0), v(5), a(30), v(60), a(75), note(80), a(100)}, 160));
  EXPECT_TRUE(m.live);
  EXPECT_EQ(m.wait_ms, 30 * kS);
  EXPECT_EQ(m.first_response_ms, 30 * kS);
  EXPECT_EQ(m.first_response_business_ms, 30 * kS);
  EXPECT_EQ(m.reply_ms, (std::vector<Millis>{30 * kS, 15 * kS}));  // the burst 0+5 answered at 30; 60 at 75
  EXPECT_TRUE(m.answered);
  EXPECT_FALSE(m.missed);
  EXPECT_FALSE(m.abandoned);
  EXPECT_FALSE(m.slow);
  EXPECT_TRUE(m.within_service_level == false);  // 30 s > 20 s
  EXPECT_EQ(m.active_ms, 100 * kS);              // 0→5→30→60→75→100, every gap short
  EXPECT_EQ(m.wall_ms, 130 * kS);                // 160 - 30
}

// Patience (the staffing planner's Erlang A): how long a visitor waited before going unanswered.
TEST(Metrics, GivingUpIsWhenTheVisitorWentUnanswered) {
  auto gone = chat({v(10)});
  gone.presence = {left(55)};
  EXPECT_EQ(run(gone).gave_up_ms, 45 * kS);                         // their tab went 45 s after they wrote
  EXPECT_EQ(run(chat({v(0)}, 30, "visitor")).gave_up_ms, 30 * kS);  // closed the chat themselves
  auto late = chat({v(0), a(90)}, 120);
  late.presence = {left(40)};
  EXPECT_EQ(run(late).gave_up_ms, 40 * kS);  // the answer came after they had gone
  auto returned = chat({v(0), a(90)}, 120);
  returned.presence = {left(40), back(50)};
  EXPECT_FALSE(run(returned).gave_up_ms);          // came back in time: answered, not given up
  EXPECT_FALSE(run(chat({v(0)}, 30)).gave_up_ms);  // the agent closed it: nobody gave up
  EXPECT_FALSE(run(chat({v(0), a(10)}, 60)).gave_up_ms);
  EXPECT_FALSE(run(chat({v(0)})).gave_up_ms);  // still waiting
}

TEST(Metrics, ClosedByTheVisitorBeforeAnyAnswerIsMissed) {
  auto m = run(chat({sys(0), v(0)}, 45, "visitor"));
  EXPECT_TRUE(m.missed);
  EXPECT_FALSE(m.answered);
  EXPECT_FALSE(m.wait_ms);
  EXPECT_FALSE(m.first_response_ms);
  EXPECT_FALSE(m.within_service_level);
  EXPECT_FALSE(m.abandoned);
  EXPECT_FALSE(m.slow);  // waited 45 s, under the 60 s threshold
  EXPECT_FALSE(m.wall_ms);
}

TEST(Metrics, AReplyAfterTheVisitorLeftIsStillMissed) {
  auto t = chat({v(0), a(90)}, 200);
  t.presence = {left(70)};
  auto m = run(t);
  EXPECT_TRUE(m.missed);
  EXPECT_FALSE(m.wait_ms);                  // they were not there to get it
  EXPECT_EQ(m.first_response_ms, 90 * kS);  // but the tenant did respond
  EXPECT_EQ(m.reply_ms, std::vector<Millis>{90 * kS});
  EXPECT_TRUE(m.slow);
  EXPECT_FALSE(m.abandoned);  // missed, not abandoned
}

TEST(Metrics, AVisitorWhoCameBackBeforeTheAnswerIsNotMissed) {
  auto t = chat({v(0), a(50)}, 100);
  t.presence = {left(10), back(40)};
  auto m = run(t);
  EXPECT_FALSE(m.missed);
  EXPECT_EQ(m.wait_ms, 50 * kS);
}

TEST(Metrics, AnOpenChatStillWaitingIsNeitherMissedNorAnswered) {
  auto m = run(chat({v(0)}), 30);
  EXPECT_FALSE(m.missed);
  EXPECT_FALSE(m.answered);
  EXPECT_FALSE(m.slow);
  auto later = run(chat({v(0)}), 90);
  EXPECT_TRUE(later.slow);  // an unanswered wait over the threshold is slow already
  EXPECT_FALSE(later.missed);
}

TEST(Metrics, LeavingWhileAReplyWasAwaitedTooLongIsAbandoned) {
  auto t = chat({v(0), a(10), v(20)}, 300);
  t.presence = {left(120)};  // waited 100 s for the second answer
  auto m = run(t);
  EXPECT_FALSE(m.missed);
  EXPECT_TRUE(m.abandoned);
  EXPECT_TRUE(m.slow);
  // Leaving 30 s into the wait is not abandoning (the threshold is 60 s).
  auto t2 = chat({v(0), a(10), v(20)}, 300);
  t2.presence = {left(50)};
  EXPECT_FALSE(run(t2).abandoned);
  // Closing the chat counts as leaving.
  EXPECT_TRUE(run(chat({v(0), a(10), v(20)}, 100, "visitor")).abandoned);
}

TEST(Metrics, NotesAndSystemLinesAreNeverRepliesNorActivity) {
  auto m = run(chat({v(0), note(5), sys(6), a(40)}, 60));
  EXPECT_EQ(m.first_response_ms, 40 * kS);
  EXPECT_EQ(m.reply_ms, std::vector<Millis>{40 * kS});
  EXPECT_EQ(m.active_ms, 40 * kS);
  auto only_notes = run(chat({v(0), note(5)}, 30, "agent"));
  EXPECT_FALSE(only_notes.answered);
  EXPECT_TRUE(only_notes.missed);  // closed without a word to the visitor
}

TEST(Metrics, LongGapsAreNotHandlingTime) {
  // 0 visitor, 30 agent (30 s), 30+600 visitor: a 10 min gap after an agent line counts (limit
  // 10 min); 630 → 900 agent: 270 s after a visitor line is over 4 min: not counted.
  auto m = run(chat({v(0), a(30), v(630), a(900)}, 1000));
  EXPECT_EQ(m.active_ms, (30 + 600) * kS);
  EXPECT_EQ(m.wall_ms, 970 * kS);
}

TEST(Metrics, ATransferIsCounted) {
  auto t = chat({v(0), a(10), v(20), a(25)}, 60);
  t.transfers = 1;
  EXPECT_TRUE(run(t).transferred);
  EXPECT_FALSE(run(chat({v(0), a(10)}, 60)).transferred);
}

TEST(Metrics, AgentStartedChatsHaveNoWaitAndNoFirstResponse) {
  auto t = chat({a(0), v(30), a(40)}, 100);
  t.origin = "agent";
  auto m = run(t);
  EXPECT_TRUE(m.live);
  EXPECT_FALSE(m.wait_ms);
  EXPECT_FALSE(m.first_response_ms);
  EXPECT_FALSE(m.missed);
  EXPECT_EQ(m.reply_ms, std::vector<Millis>{10 * kS});
}

TEST(Metrics, OfflineMessagesHaveAFirstResponseButNoWaitOrMiss) {
  auto t = chat({v(0), a(3 * 3600)}, 4 * 3600);
  t.origin = "offline";
  auto m = measure(t, Thresholds{}, nullptr, kT0 + 5 * 3600 * kS);
  EXPECT_FALSE(m.live);
  EXPECT_FALSE(m.wait_ms);
  EXPECT_FALSE(m.missed);
  EXPECT_EQ(m.first_response_ms, 3 * 3600 * kS);
}

TEST(Metrics, FirstResponseWithinBusinessHours) {
  // Left on Friday 2026-05-29 16:30 local (13:30 UTC), answered Monday 09:15 local (06:15 UTC):
  // open 30 minutes on Friday and 15 on Monday.
  auto hours = *parse_hours("tz=Europe/Helsinki; mon-fri 09:00-17:00");
  Timeline t;
  t.origin = "offline";
  t.started = 1'780'061'400'000;                                                   // 2026-05-29T13:30:00Z
  t.lines = {{t.started, Author::kVisitor}, {1'780'294'500'000, Author::kAgent}};  // 2026-06-01T06:15:00Z
  auto m = measure(t, Thresholds{}, &hours, t.started + 10LL * 86400 * kS);
  EXPECT_EQ(m.first_response_ms, 233'100 * kS);
  EXPECT_EQ(m.first_response_business_ms, 45 * 60 * kS);
}

TEST(Metrics, ServiceLevelCountsAnswersWithinTheTarget) {
  EXPECT_TRUE(run(chat({v(0), a(20)}, 60)).within_service_level);
  EXPECT_FALSE(run(chat({v(0), a(21)}, 60)).within_service_level);
}

// Published Erlang C values: 10 Erlangs of offered load; P(wait) with 11..14 agents from the
// standard tables (0.6821, 0.4494, 0.2853, 0.1741), and at 180 s handling time 14 agents are
// needed for 80 % answered within 20 s (13 give 79.6 %).
TEST(Erlang, MatchesThePublishedTable) {
  EXPECT_NEAR(erlang_c(11, 10), 0.6821, 5e-4);
  EXPECT_NEAR(erlang_c(12, 10), 0.4494, 5e-4);
  EXPECT_NEAR(erlang_c(13, 10), 0.2853, 5e-4);
  EXPECT_NEAR(erlang_c(14, 10), 0.1741, 5e-4);
  EXPECT_NEAR(service_level(13, 10, 180, 20), 0.7956, 5e-4);
  EXPECT_NEAR(service_level(14, 10, 180, 20), 0.8884, 5e-4);
  EXPECT_EQ(servers_needed(10, 180, 20, 0.8), 14);
  EXPECT_NEAR(*average_wait(14, 10, 180), 0.1741 * 180 / 4, 0.05);
}

TEST(Erlang, EdgesOfTheLoad) {
  EXPECT_EQ(servers_needed(0, 180, 20, 0.8), 0);
  EXPECT_EQ(erlang_c(10, 10), 1);  // as many agents as Erlangs: the queue never empties
  EXPECT_FALSE(average_wait(5, 10, 180));
  EXPECT_EQ(service_level(3, 10, 180, 20), 0);
  // A large load stays finite and monotone (no factorial overflow).
  int n = servers_needed(500, 180, 20, 0.8);
  EXPECT_GT(n, 500);
  EXPECT_LT(n, 540);
}

}  // namespace
}  // namespace tiski::analytics
