#include "chat/routing/policy.h"

#include <gtest/gtest.h>

namespace tiski::routing {
namespace {

constexpr auto kOn = Availability::kOnline;

TEST(Routing, FewestActiveChatsWins) {
  std::vector<AgentLoad> a = {{1, kOn, 2, 3, 100}, {2, kOn, 1, 3, 900}, {3, kOn, 2, 3, 50}};
  EXPECT_EQ(pick_agent(a), 2);
}

TEST(Routing, TieGoesToWhoeverWaitedLongest) {
  std::vector<AgentLoad> a = {{1, kOn, 1, 3, 500}, {2, kOn, 1, 3, 200}, {3, kOn, 1, 3, 300}};
  EXPECT_EQ(pick_agent(a), 2);
  a[2].last_assigned_at = 0;  // never assigned waited longest of all
  EXPECT_EQ(pick_agent(a), 3);
  std::vector<AgentLoad> same = {{7, kOn, 0, 3, 0}, {4, kOn, 0, 3, 0}};
  EXPECT_EQ(pick_agent(same), 4);  // deterministic
}

TEST(Routing, CapacityIsRespected) {
  std::vector<AgentLoad> a = {{1, kOn, 2, 2, 0}, {2, kOn, 5, 3, 0}};
  EXPECT_EQ(pick_agent(a), std::nullopt);
  a[0].capacity = 3;
  EXPECT_EQ(pick_agent(a), 1);
}

TEST(Routing, OnlyOnlineAgents) {
  std::vector<AgentLoad> a = {{1, Availability::kAway, 0, 3, 0}, {2, Availability::kOffline, 0, 3, 0}};
  EXPECT_EQ(pick_agent(a), std::nullopt);
  a.push_back({3, kOn, 2, 3, 0});
  EXPECT_EQ(pick_agent(a), 3);
}

TEST(Routing, ExcludedAgentsAreSkipped) {
  std::vector<AgentLoad> a = {{1, kOn, 0, 3, 0}, {2, kOn, 1, 3, 0}};
  std::vector<Id> not_again = {1};
  EXPECT_EQ(pick_agent(a, not_again), 2);
  std::vector<Id> nobody = {1, 2};
  EXPECT_EQ(pick_agent(a, nobody), std::nullopt);
}

TEST(Routing, QueueIsArrivalOrder) {
  auto q = queue_order({{5, 300}, {3, 100}, {4, 100}, {9, 200}});
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0].conv, 3);
  EXPECT_EQ(q[1].conv, 4);
  EXPECT_EQ(q[2].conv, 9);
  EXPECT_EQ(q[3].conv, 5);
}

TEST(Routing, EstimatedWait) {
  EXPECT_EQ(estimate_wait(1, 2, 240'000), 120'000);
  EXPECT_EQ(estimate_wait(3, 2, 240'000), 360'000);
  EXPECT_EQ(estimate_wait(1, 0, 240'000), 0);
}

}  // namespace
}  // namespace tiski::routing
