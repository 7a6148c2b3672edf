// Part of docs/metrics.md end to end: what the domain records (the visitor leaving and coming
// back, closes with who closed them, transfers) is enough to measure a conversation. The chat
// runs on a manual clock (testing/domain.h); the timeline is read back from the store.
#include <gtest/gtest.h>

#include "chat/analytics/metrics.h"
#include "chat/analytics/timeline.h"
#include "chat/testing/domain.h"
#include "util/limits.h"

namespace tiski {
namespace {

using testing::Domain;
using testing::send_frame;

constexpr const char* kAinoEmail = "agentti@eramaa.demo";

analytics::Timeline stored(Domain& d, Id conv) {
  auto c = d.query<Conversation>([conv](Store& st) { return st.conversation(conv); });
  auto msgs = d.query<std::vector<Message>>([conv](Store& st) { return st.messages_after(conv, 0, 1000); });
  auto evs = d.query<std::vector<Event>>([conv](Store& st) { return st.events_of_conversation(conv); });
  return analytics::timeline_of(c, msgs, evs);
}

// The visitor asks, closes the tab for good; the agent answers 70 s later: a missed chat, whose
// departure is recorded at the moment the tab closed, not when the grace period noticed it.
TEST(Recorded, AVisitorWhoLeftBeforeTheAnswerMakesAMissedChat) {
  Domain d;
  auto a = d.agent(kAinoEmail);
  d.send(*a, {{"t", "status"}, {"status", "away"}});
  auto v = d.visitor();
  Millis asked = d.clock.now();
  d.send(*v, send_frame("q", "onko teltta varastossa?"));
  Id conv = v->last("ack")->at("conv").as_int64();
  d.advance(30'000);
  d.close(*v);
  Millis gone = d.clock.now();
  d.advance(limits::kVisitorGoneMs + 30'000);
  d.send(*a, {{"t", "take"}, {"conv", conv}});
  d.send(*a, {{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "On, monta mallia."}});
  auto t = stored(d, conv);
  ASSERT_EQ(t.presence.size(), 1u);
  EXPECT_EQ(t.presence[0].at, gone);
  EXPECT_FALSE(t.presence[0].present);
  auto m = analytics::measure(t, {}, nullptr, d.clock.now());
  EXPECT_TRUE(m.missed);
  EXPECT_FALSE(m.wait_ms);
  EXPECT_EQ(m.first_response_ms, d.clock.now() - asked);
}

// Moving to the next page (a new tab within the grace period) is not leaving; coming back
// after a recorded departure is recorded too; the agent's close is recorded as the agent's.
TEST(Recorded, ANextPageIsNotLeavingAndAReturnIsRecorded) {
  Domain d;
  auto a = d.agent(kAinoEmail);
  auto v = d.visitor();
  d.send(*v, send_frame("q", "hei"));
  Id conv = v->last("ack")->at("conv").as_int64();
  std::string token(v->last("welcome")->at("token").as_string());
  d.close(*v);
  d.advance(2'000);
  auto next = d.visitor({{"token", token}});
  d.advance(limits::kVisitorGoneMs + 5'000);
  EXPECT_TRUE(stored(d, conv).presence.empty());
  d.close(*next);
  d.advance(limits::kVisitorGoneMs + 1'000);
  auto back = d.visitor({{"token", token}});
  d.advance(1'000);
  d.send(*a, {{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "Päivää!"}});
  d.send(*a, {{"t", "close"}, {"conv", conv}});
  auto t = stored(d, conv);
  ASSERT_EQ(t.presence.size(), 2u);
  EXPECT_FALSE(t.presence[0].present);
  EXPECT_TRUE(t.presence[1].present);
  EXPECT_EQ(t.closed_by, "agent");
  EXPECT_TRUE(t.closed);
  auto m = analytics::measure(t, {}, nullptr, d.clock.now());
  EXPECT_FALSE(m.missed);  // back before the answer
  EXPECT_TRUE(m.answered);
}

// Every change of an agent's availability is recorded in their tenant, for the staffing
// planner: online when the console connects, away by choice, offline after the grace period.
TEST(Recorded, AgentStatusChangesAreRecordedPerTenant) {
  Domain d;
  Millis t0 = d.clock.now();
  auto a = d.agent(kAinoEmail);
  d.send(*a, {{"t", "status"}, {"status", "away"}});
  d.send(*a, {{"t", "status"}, {"status", "away"}});  // no change: not recorded again
  d.close(*a);
  d.advance(60'000);
  auto evs = d.query<std::vector<Event>>(
      [t0](Store& st) { return st.tenant_events(1, "agent.status", t0, t0 + 3'600'000, 100); });
  std::vector<std::string> seen;
  for (const auto& e : evs) seen.push_back(e.data);
  EXPECT_EQ(seen, (std::vector<std::string>{R"({"agent":1,"status":"online"})", R"({"agent":1,"status":"away"})",
                                            R"({"agent":1,"status":"offline"})"}));
  EXPECT_TRUE(d.query<std::vector<Event>>([t0](Store& st) {
                 return st.tenant_events(2, "agent.status", t0, t0 + 3'600'000, 100);
               }).empty());  // Aino does not serve the second tenant
}

}  // namespace
}  // namespace tiski
