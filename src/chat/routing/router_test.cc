// The router on a manual clock, fed through the real bus, with an assigner that records what
// it is asked to store: what the router asks for, exactly when.
#include "chat/routing/router.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

struct FakeAssigner final : Assigner {
  std::vector<std::pair<Id, Id>> assigned;  // (conv, agent), not yet answered
  std::vector<std::function<void(bool)>> assign_done;
  std::vector<std::tuple<Id, Id, std::string>> released;
  std::vector<std::function<void(bool)>> release_done;
  void assign(Id conv, Id agent, std::function<void(bool)> done) override {
    assigned.emplace_back(conv, agent);
    assign_done.push_back(std::move(done));
  }
  void release(Id conv, Id agent, std::string reason, std::function<void(bool)> done) override {
    released.emplace_back(conv, agent, std::move(reason));
    release_done.push_back(std::move(done));
  }
};

constexpr Id kRoutedTenant = 1;

Conversation conv(Id id, std::optional<Id> assignee = std::nullopt, std::string_view status = conv_status::kWaiting) {
  Conversation c;
  c.id = id;
  c.tenant_id = kRoutedTenant;
  c.visitor_id = 100 + id;
  c.status = std::string(assignee && status == conv_status::kWaiting ? conv_status::kActive : status);
  c.origin = std::string(origin::kReactive);
  c.assignee_id = assignee;
  c.created_at = id;
  return c;
}

// The conversation as its visitor's leaving stores it.
Conversation left(Conversation c) {
  c.visitor_left_at = 1;
  return c;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    bus.on<events::QueuePositionChanged>([this](const auto& e) { positions.emplace_back(e.conv, e.position); });
  }
  void online(Id agent, int capacity, std::vector<Id> teams = {}) {
    presence.connected(agent,
                       AgentProfile{"Agent " + std::to_string(agent), capacity, {kRoutedTenant}, std::move(teams)});
  }
  void created(const Conversation& c) { bus.publish(events::ConversationCreated{c, std::nullopt}); }
  void taken(Id id, Id agent) { bus.publish(events::ConversationAssigned{conv(id, agent), agent, events::By::kTake}); }
  void closed(Id id, Id agent) {
    bus.publish(events::ConversationClosed{conv(id, agent, conv_status::kClosed), "agent", agent, "", 0});
  }
  void answered(Id id) {
    Message m;
    m.conv_id = id;
    m.author = "agent";
    bus.publish(events::MessageStored{m, 100 + id, 0});
  }
  // The store said yes to every offer: the conversation is now the agent's.
  void accept_all() {
    auto offers = std::move(assigner.assigned);
    auto dones = std::move(assigner.assign_done);
    assigner.assigned.clear();
    assigner.assign_done.clear();
    for (std::size_t i = 0; i < offers.size(); ++i) {
      auto [c, a] = offers[i];
      bus.publish(events::ConversationAssigned{conv(c, a), a, events::By::kAuto});
      dones[i](true);
    }
  }
  void advance(Millis ms) {
    clock.advance(ms);
    presence.tick();
    router.tick();
  }

  ManualClock clock{1'000'000};
  EventBus bus;
  Presence presence{PresenceOptions{600'000, 30'000}, bus, clock};
  FakeAssigner assigner;
  Router router{RouterOptions{60'000, 240'000}, bus, clock, presence, assigner};
  std::vector<std::pair<Id, int>> positions;  // (conv, position) announced
};

TEST_F(RouterTest, ANewChatGoesToAFreeAgentAndTheNextWaitsForTheSeat) {
  online(7, 1);
  created(conv(1));
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{1}, Id{7}));
  created(conv(2));  // the assignment of 1 is still in flight: it holds the seat
  EXPECT_EQ(assigner.assigned.size(), 1u);
  accept_all();
  EXPECT_TRUE(assigner.assigned.empty());
  ASSERT_TRUE(router.position(2));
  EXPECT_EQ(router.position(2)->position, 1);
  closed(1, 7);  // the seat frees
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{2}, Id{7}));
}

TEST_F(RouterTest, AnOfferTheStoreRefusesWaitsWhereItWas) {
  online(7, 1);
  created(conv(1));
  created(conv(2));
  ASSERT_EQ(assigner.assigned.size(), 1u);
  assigner.assign_done[0](false);            // someone else changed it first, and it is still waiting
  EXPECT_EQ(assigner.assigned.size(), 2u);   // offered again: the seat is free
  EXPECT_EQ(assigner.assigned[1].first, 1);  // still the oldest
}

TEST_F(RouterTest, AnUnansweredAutomaticAssignmentGoesToTheNextAgent) {
  online(7, 3);
  online(8, 3);
  created(conv(1));
  accept_all();
  Id first = router.active(7) == 1 ? 7 : 8;
  advance(59'000);
  EXPECT_TRUE(assigner.released.empty());
  advance(2'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(assigner.released[0], std::make_tuple(Id{1}, first, std::string("no answer")));
  bus.publish(events::ConversationReassigned{conv(1), first, "no answer"});  // stored: waiting again
  assigner.release_done[0](true);
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_NE(assigner.assigned[0].second, first);  // never back to the one who let it pass
}

// The agent is writing the answer when the minute runs out: the chat stays while they type, and
// moves on 20 s after their last keystroke if they never send.
TEST_F(RouterTest, AnAgentTypingTheAnswerKeepsTheChat) {
  online(7, 3);
  online(8, 3);
  created(conv(1));
  accept_all();
  Id first = router.active(7) == 1 ? 7 : 8;
  advance(30'000);
  EXPECT_FALSE(router.engaged(1, first)) << "30 s left: nothing to give";
  EXPECT_FALSE(router.engaged(1, first == 7 ? 8 : 7)) << "not theirs";
  Millis by = *router.answer_by(1);
  advance(25'000);
  EXPECT_TRUE(router.engaged(1, first));
  EXPECT_EQ(*router.answer_by(1), clock.now() + Router::kTypingGraceMs);
  EXPECT_GT(*router.answer_by(1), by);
  advance(10'000);  // past the minute
  EXPECT_TRUE(assigner.released.empty());
  advance(11'000);
  ASSERT_EQ(assigner.released.size(), 1u) << "20 s after the last keystroke it moves on";
}

TEST_F(RouterTest, AnAnsweredOrTakenChatStays) {
  online(7, 3);
  created(conv(1));
  accept_all();
  answered(1);
  taken(2, 7);  // taken by hand: never times out
  advance(3'600'000);
  EXPECT_TRUE(assigner.released.empty());
  EXPECT_EQ(router.answer_by(2), std::nullopt);
  EXPECT_EQ(router.active(7), 2);
}

// X answers, hands the chat to a team; Y gets it and never answers. Y's
// silence must send it on like any unanswered chat, however well X did before.
TEST_F(RouterTest, AChatTransferredToATeamIsUnansweredUntilItsNewOwnerWrites) {
  online(1, 3);        // X
  online(2, 3, {50});  // Y, team 50
  taken(1, 1);
  answered(1);  // X wrote
  Conversation c = conv(1);
  c.team_id = 50;
  bus.publish(events::ConversationTransferred{c, 1, std::nullopt, 50, ""});
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0].second, 2);
  accept_all();
  ASSERT_TRUE(router.answer_by(1));
  EXPECT_EQ(*router.answer_by(1), clock.now() + 60'000);
  advance(61'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<1>(assigner.released[0]), 2);
}

// X of team 50 hands the chat to the team: it goes to Y, not back to X, whose seat the transfer
// has just freed (the review: routed within the transfer, before X was counted as passing it on).
TEST_F(RouterTest, AChatTransferredToItsSendersTeamGoesToAnother) {
  online(1, 3, {50});  // X
  online(2, 3, {50});  // Y
  taken(1, 1);
  answered(1);
  Conversation c = conv(1);
  c.team_id = 50;
  bus.publish(events::ConversationTransferred{c, 1, std::nullopt, 50, ""});
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0].second, 2);
}

// The only agent online does not see an unanswered chat go round to themselves again: it stays,
// and moves as soon as a colleague with a free seat is there.
TEST_F(RouterTest, AnUnansweredChatStaysWithTheOnlyAgentUntilSomeoneElseIsFree) {
  online(7, 3);
  created(conv(1));
  accept_all();
  advance(61'000);
  EXPECT_TRUE(assigner.released.empty());
  online(8, 1);
  taken(2, 8);  // full
  advance(1'000);
  EXPECT_TRUE(assigner.released.empty());
  closed(2, 8);
  advance(1'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<1>(assigner.released[0]), 7);
}

// ...but an agent who went away does not keep it: it waits in the queue, where anyone may take it.
TEST_F(RouterTest, AnUnansweredChatOfAnAgentWhoWentAwayGoesBackToTheQueue) {
  online(7, 3);
  created(conv(1));
  accept_all();
  ASSERT_TRUE(presence.set_status(7, Availability::kAway).ok());
  advance(61'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<1>(assigner.released[0]), 7);
}

TEST_F(RouterTest, AChatTransferredToAColleagueTimesOutToo) {
  online(1, 3);
  online(2, 3);
  taken(1, 1);
  answered(1);
  bus.publish(events::ConversationTransferred{conv(1, 2), 1, 2, std::nullopt, ""});
  EXPECT_EQ(router.active(1), 0);
  EXPECT_EQ(router.active(2), 1);
  advance(61'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<1>(assigner.released[0]), 2);
}

// The colleague a chat was transferred to does not answer: it goes to a third agent, not back to
// the one who passed it on (a probe's chat went back and forth between the two for minutes).
TEST_F(RouterTest, AnUnansweredTransferDoesNotGoBackToItsSender) {
  online(1, 3);
  online(2, 3);
  online(3, 3);
  taken(1, 1);
  answered(1);
  bus.publish(events::ConversationTransferred{conv(1, 2), 1, 2, std::nullopt, ""});
  advance(61'000);
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<1>(assigner.released[0]), 2);
  bus.publish(events::ConversationReassigned{conv(1), 2, "no answer"});
  assigner.release_done[0](true);
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{1}, Id{3}));
}

// A supervisor who takes a chat over chose it: it stays theirs however long they read first (it
// went back to the agent a minute later).
TEST_F(RouterTest, AChatTakenOverBySupervisorDoesNotTimeOut) {
  online(1, 3);
  online(2, 3);
  taken(1, 1);
  answered(1);
  bus.publish(events::ConversationTransferred{conv(1, 2), 1, 2, std::nullopt, "take over", true});
  EXPECT_EQ(router.active(2), 1);
  EXPECT_FALSE(router.answer_by(1));
  advance(5 * 61'000);
  EXPECT_TRUE(assigner.released.empty());
}

TEST_F(RouterTest, AnAgentWhoGoesOfflineLosesUnansweredChatsAndLogoutIsImmediate) {
  online(7, 3);
  taken(1, 7);  // taken by hand, unanswered
  presence.disconnected(7, false);
  advance(29'000);
  EXPECT_TRUE(assigner.released.empty());  // the grace period: a page reload must not lose chats
  online(7, 3);
  presence.disconnected(7, true);  // logged out: no grace
  ASSERT_EQ(assigner.released.size(), 1u);
  EXPECT_EQ(std::get<2>(assigner.released[0]), "agent offline");
  EXPECT_EQ(presence.agent(7)->status, Availability::kOffline);
}

// A waiting chat whose visitor left is offered to nobody (an agent who logs in later would
// inherit a miss nobody could prevent) and holds no place in the queue; back, it waits again
// in its old place.
TEST_F(RouterTest, AChatWhoseVisitorLeftIsNotOfferedUntilTheyComeBack) {
  created(conv(1));
  created(conv(2));
  bus.publish(events::VisitorLeft{left(conv(1)), clock.now()});
  ASSERT_TRUE(router.position(2));
  EXPECT_EQ(router.position(2)->position, 1);
  EXPECT_EQ(router.queue_length(kRoutedTenant), 1u);
  online(7, 3);
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{2}, Id{7}));
  accept_all();
  bus.publish(events::VisitorReturned{conv(1)});
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{1}, Id{7}));
}

// An unanswered chat whose visitor left stays with its agent: not passed round the team.
TEST_F(RouterTest, AnUnansweredChatWhoseVisitorLeftIsNotPassedOn) {
  online(7, 3);
  online(8, 3);
  created(conv(1));
  accept_all();
  Id agent = router.active(7) ? 7 : 8;
  bus.publish(events::VisitorLeft{left(conv(1, agent)), clock.now()});
  advance(61'000);
  EXPECT_TRUE(assigner.released.empty());
  bus.publish(events::VisitorReturned{conv(1, agent)});  // back: the whole time again
  advance(59'000);
  EXPECT_TRUE(assigner.released.empty());
  advance(2'000);
  EXPECT_EQ(assigner.released.size(), 1u);
}

// A chat whose visitor left holds no seat: a full agent takes the next visitor (new shoppers
// queued behind chats nobody was in any more). Back, it counts again, even above the limit.
TEST_F(RouterTest, AChatWhoseVisitorLeftFreesItsSeat) {
  online(7, 1);
  taken(1, 7);
  answered(1);
  created(conv(2));
  EXPECT_TRUE(assigner.assigned.empty());  // full
  bus.publish(events::VisitorLeft{left(conv(1, 7)), clock.now()});
  EXPECT_EQ(router.active(7), 0);
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{2}, Id{7}));
  accept_all();
  EXPECT_EQ(router.active(7), 1);
  bus.publish(events::VisitorReturned{conv(1, 7)});
  EXPECT_EQ(router.active(7), 2);
  closed(1, 7);
  EXPECT_EQ(router.active(7), 1);
  bus.publish(events::VisitorLeft{left(conv(2, 7)), clock.now()});
  closed(2, 7);  // closed while gone: nothing to give back twice
  EXPECT_EQ(router.active(7), 0);
}

TEST_F(RouterTest, QueuePositionsAreAnnouncedOncePerTickAndDeepOnesLessOften) {
  for (Id i = 1; i <= 100; ++i) created(conv(i));
  EXPECT_TRUE(positions.empty());  // nothing until the tick
  router.tick();
  ASSERT_EQ(positions.size(), 100u);
  EXPECT_EQ(positions[0], std::make_pair(Id{1}, 1));
  EXPECT_EQ(positions[99], std::make_pair(Id{100}, 100));
  positions.clear();
  online(7, 5);  // five chats leave the queue at once
  accept_all();
  advance(1'000);
  // Everyone moved up by five: those near the front hear it now, the rest within 10 s.
  EXPECT_EQ(positions.size(), 10u);
  EXPECT_EQ(positions[0], std::make_pair(Id{6}, 1));
  positions.clear();
  advance(10'000);
  EXPECT_EQ(positions.size(), 85u);
  EXPECT_EQ(router.position(100)->position, 95);
}

TEST_F(RouterTest, RoutingCostsTheAssignmentsNotTheQueue) {
  for (Id i = 1; i <= 10'000; ++i) created(conv(i));
  for (Id a = 1; a <= 50; ++a) online(a, 2);
  EXPECT_EQ(assigner.assigned.size(), 100u);  // 50 agents x 2 seats, oldest first
  EXPECT_EQ(assigner.assigned.front().first, 1);
  EXPECT_EQ(router.queue_length(kRoutedTenant), 9'900u);
  auto page = router.queue(kRoutedTenant, 100, 10);
  ASSERT_EQ(page.size(), 10u);
  EXPECT_EQ(page[0].position, 101);
}

TEST_F(RouterTest, TeamChatsWaitForTheTeamWhileOthersAreServed) {
  online(1, 1);  // not in team 9
  Conversation team_chat = conv(1);
  team_chat.team_id = 9;
  created(team_chat);
  created(conv(2));
  ASSERT_EQ(assigner.assigned.size(), 1u);
  EXPECT_EQ(assigner.assigned[0], std::make_pair(Id{2}, Id{1}));  // the team chat is not hers
  online(3, 1, {9});
  ASSERT_EQ(assigner.assigned.size(), 2u);
  EXPECT_EQ(assigner.assigned[1], std::make_pair(Id{1}, Id{3}));
}

TEST_F(RouterTest, AnInboxItemIsNeverRoutedAndTakesNoSeat) {
  online(7, 1);
  Conversation left = conv(1);
  left.origin = std::string(origin::kOffline);
  created(left);
  EXPECT_TRUE(assigner.assigned.empty());
  EXPECT_EQ(router.queue_length(kRoutedTenant), 0u);
  EXPECT_EQ(router.free_seats(kRoutedTenant), 1);
}

}  // namespace
}  // namespace tiski
