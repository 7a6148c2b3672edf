// The router on a manual clock with a recording sink: what it asks for, exactly when.
#include "chat/router.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

struct Recorder : Router::Sink {
  std::vector<std::pair<Id, Id>> assigned;  // (conv, agent)
  std::vector<std::tuple<Id, Id, std::string>> released;
  std::vector<std::pair<Id, int>> positions;  // (conv, position)
  std::vector<std::pair<Id, bool>> avail;
  int presence = 0;
  void assign(Id conv, Id agent) override { assigned.emplace_back(conv, agent); }
  void release(Id conv, Id agent, std::string_view reason) override { released.emplace_back(conv, agent, std::string(reason)); }
  void presence_changed(Id) override { ++presence; }
  void availability_changed(Id tenant, bool open) override { avail.emplace_back(tenant, open); }
  void queue_position(Id conv, Id, int position, Millis) override { positions.emplace_back(conv, position); }
};

constexpr Id kTenant = 1;

Conversation conv(Id id, std::optional<Id> assignee = std::nullopt, std::string_view status = conv_status::kWaiting) {
  Conversation c;
  c.id = id;
  c.tenant_id = kTenant;
  c.visitor_id = 100 + id;
  c.status = std::string(assignee && status == conv_status::kWaiting ? conv_status::kActive : status);
  c.origin = std::string(origin::kReactive);
  c.assignee_id = assignee;
  c.created_at = id;
  return c;
}

class RouterTest : public ::testing::Test {
 protected:
  RoutingOptions opts() {
    RoutingOptions o;
    o.assign_timeout_ms = 60'000;
    o.offline_grace_ms = 30'000;
    o.auto_away_ms = 600'000;
    return o;
  }
  void online(Id agent, int capacity, std::vector<Id> teams = {}) {
    router.connected(agent, AgentProfile{"Agent " + std::to_string(agent), capacity, {kTenant}, std::move(teams)}, now);
  }
  // The store said yes: the conversation is now the agent's.
  void accept_all() {
    auto offers = std::move(sink.assigned);
    sink.assigned.clear();
    for (auto [c, a] : offers) {
      router.update(conv(c, a), now);
      router.assign_done(c, true, now);
    }
  }
  Recorder sink;
  Router router{opts(), sink};
  Millis now = 1'000'000;
};

TEST_F(RouterTest, ANewChatGoesToAFreeAgentAndTheNextWaitsForTheSeat) {
  online(7, 1);
  router.update(conv(1), now);
  ASSERT_EQ(sink.assigned.size(), 1u);
  EXPECT_EQ(sink.assigned[0], std::make_pair(Id{1}, Id{7}));
  router.update(conv(2), now);  // the assignment of 1 is still in flight: it holds the seat
  EXPECT_EQ(sink.assigned.size(), 1u);
  accept_all();
  EXPECT_TRUE(sink.assigned.empty());
  ASSERT_TRUE(router.position(2));
  EXPECT_EQ(router.position(2)->position, 1);
  router.update(conv(1, 7, conv_status::kClosed), now);  // the seat frees
  ASSERT_EQ(sink.assigned.size(), 1u);
  EXPECT_EQ(sink.assigned[0], std::make_pair(Id{2}, Id{7}));
}

TEST_F(RouterTest, AnUnansweredAutomaticAssignmentGoesToTheNextAgent) {
  online(7, 3);
  online(8, 3);
  router.update(conv(1), now);
  accept_all();
  Id first = router.presence(7)->active == 1 ? 7 : 8;
  now += 59'000;
  router.tick(now);
  EXPECT_TRUE(sink.released.empty());
  now += 2'000;
  router.tick(now);
  ASSERT_EQ(sink.released.size(), 1u);
  EXPECT_EQ(sink.released[0], std::make_tuple(Id{1}, first, std::string("no answer")));
  router.update(conv(1), now);  // released: waiting again
  router.release_done(1, true, now);
  ASSERT_EQ(sink.assigned.size(), 1u);
  EXPECT_NE(sink.assigned[0].second, first);  // never back to the one who let it pass
}

TEST_F(RouterTest, AnAnsweredOrTakenChatStays) {
  online(7, 3);
  router.update(conv(1), now);
  accept_all();
  router.answered(1);
  router.update(conv(2, 7), now);  // taken by hand: never times out
  now += 3'600'000;
  router.tick(now);
  EXPECT_TRUE(sink.released.empty());
  EXPECT_EQ(router.answer_by(2), std::nullopt);
}

// Issue 9, item 19: X answers, hands the chat to a team; Y gets it and never answers. Y's
// silence must send it on like any unanswered chat, however well X did before.
TEST_F(RouterTest, AChatTransferredToATeamIsUnansweredUntilItsNewOwnerWrites) {
  online(1, 3);          // X
  online(2, 3, {50});    // Y, team 50
  Conversation c = conv(1, 1);
  router.update(c, now);
  router.answered(1);  // X wrote
  c.status = std::string(conv_status::kWaiting);
  c.assignee_id.reset();
  c.team_id = 50;
  router.update(c, now);  // transferred to the team
  ASSERT_EQ(sink.assigned.size(), 1u);
  EXPECT_EQ(sink.assigned[0].second, 2);
  accept_all();
  ASSERT_TRUE(router.answer_by(1));
  EXPECT_EQ(*router.answer_by(1), now + 60'000);
  now += 61'000;
  router.tick(now);
  ASSERT_EQ(sink.released.size(), 1u);
  EXPECT_EQ(std::get<1>(sink.released[0]), 2);
}

TEST_F(RouterTest, AChatTransferredToAColleagueTimesOutToo) {
  online(1, 3);
  online(2, 3);
  router.update(conv(1, 1), now);
  router.answered(1);
  router.update(conv(1, 2), now);  // transferred to 2
  router.assigned_as(1, Assignment::kTransfer, now);
  now += 61'000;
  router.tick(now);
  ASSERT_EQ(sink.released.size(), 1u);
  EXPECT_EQ(std::get<1>(sink.released[0]), 2);
}

TEST_F(RouterTest, AnAgentWhoGoesOfflineLosesUnansweredChatsAndLogoutIsImmediate) {
  online(7, 3);
  router.update(conv(1, 7), now);  // taken by hand, unanswered
  router.disconnected(7, now);
  now += 29'000;
  router.tick(now);
  EXPECT_TRUE(sink.released.empty());  // the grace period: a page reload must not lose chats
  online(7, 3);
  router.disconnected(7, now);
  router.logged_out(7, now);  // said goodbye: no grace
  ASSERT_EQ(sink.released.size(), 1u);
  EXPECT_EQ(std::get<2>(sink.released[0]), "agent offline");
  EXPECT_EQ(router.presence(7)->status, routing::Presence::kOffline);
}

TEST_F(RouterTest, QueuePositionsAreAnnouncedOncePerTickAndDeepOnesLessOften) {
  for (Id i = 1; i <= 100; ++i) router.update(conv(i), now);
  EXPECT_TRUE(sink.positions.empty());  // nothing until the tick
  router.tick(now);
  ASSERT_EQ(sink.positions.size(), 100u);
  EXPECT_EQ(sink.positions[0], std::make_pair(Id{1}, 1));
  EXPECT_EQ(sink.positions[99], std::make_pair(Id{100}, 100));
  sink.positions.clear();
  online(7, 5);  // five chats leave the queue at once
  accept_all();
  now += 1'000;
  router.tick(now);
  // Everyone moved up by five: those near the front hear it now, the rest within 10 s.
  EXPECT_EQ(sink.positions.size(), 10u);
  EXPECT_EQ(sink.positions[0], std::make_pair(Id{6}, 1));
  sink.positions.clear();
  now += 10'000;
  router.tick(now);
  EXPECT_EQ(sink.positions.size(), 85u);
  EXPECT_EQ(router.position(100)->position, 95);
}

TEST_F(RouterTest, RoutingCostsTheAssignmentsNotTheQueue) {
  for (Id i = 1; i <= 10'000; ++i) router.update(conv(i), now);
  for (Id a = 1; a <= 50; ++a) online(a, 2);
  EXPECT_EQ(sink.assigned.size(), 100u);  // 50 agents x 2 seats, oldest first
  EXPECT_EQ(sink.assigned.front().first, 1);
  EXPECT_EQ(router.queue_length(kTenant), 9'900u);
  auto page = router.queue(kTenant, 100, 10, now);
  ASSERT_EQ(page.size(), 10u);
  EXPECT_EQ(page[0].position, 101);
}

TEST_F(RouterTest, TeamChatsWaitForTheTeamWhileOthersAreServed) {
  online(1, 1);  // not in team 9
  Conversation team_chat = conv(1);
  team_chat.team_id = 9;
  router.update(team_chat, now);
  router.update(conv(2), now);
  ASSERT_EQ(sink.assigned.size(), 1u);
  EXPECT_EQ(sink.assigned[0], std::make_pair(Id{2}, Id{1}));  // the team chat is not hers
  online(3, 1, {9});
  ASSERT_EQ(sink.assigned.size(), 2u);
  EXPECT_EQ(sink.assigned[1], std::make_pair(Id{1}, Id{3}));
}

TEST_F(RouterTest, LiveChatIsOpenWhileSomeoneIsOnlineWithinHours) {
  EXPECT_FALSE(router.live_open(kTenant, now));
  online(7, 1);
  EXPECT_TRUE(router.live_open(kTenant, now));
  ASSERT_FALSE(sink.avail.empty());
  EXPECT_EQ(sink.avail.back(), std::make_pair(kTenant, true));
  ASSERT_TRUE(router.set_status(7, routing::Presence::kAway, now).ok());
  EXPECT_FALSE(router.live_open(kTenant, now));
  EXPECT_EQ(sink.avail.back(), std::make_pair(kTenant, false));
  EXPECT_EQ(router.set_status(99, routing::Presence::kOnline, now).error().code, Errc::kConflict);
}

}  // namespace
}  // namespace tiski
