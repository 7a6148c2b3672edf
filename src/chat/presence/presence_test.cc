// Presence on a manual clock: online, away, offline, and live chat open or closed.
#include "chat/presence/presence.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

constexpr Id kTenant = 1;

class PresenceTest : public ::testing::Test {
 protected:
  PresenceTest() {
    bus.on<events::AvailabilityChanged>([this](const auto& e) { avail.emplace_back(e.tenant, e.open); });
    bus.on<events::AgentStatusChanged>([this](const auto& e) { changes.push_back(e.agent); });
  }
  void online(Id agent) { presence.connected(agent, AgentProfile{"Agent", 3, {kTenant}, {}}); }
  void advance(Millis ms) {
    clock.advance(ms);
    presence.tick();
  }
  Availability status(Id agent) { return presence.agent(agent)->status; }

  ManualClock clock;
  EventBus bus;
  Presence presence{PresenceOptions{600'000, 30'000}, bus, clock};
  std::vector<std::pair<Id, bool>> avail;
  std::vector<Id> changes;
};

TEST_F(PresenceTest, LiveChatIsOpenWhileSomeoneIsOnlineWithinHours) {
  EXPECT_FALSE(presence.live_open(kTenant));
  online(7);
  EXPECT_TRUE(presence.live_open(kTenant));
  ASSERT_FALSE(avail.empty());
  EXPECT_EQ(avail.back(), std::make_pair(kTenant, true));
  ASSERT_TRUE(presence.set_status(7, Availability::kAway).ok());
  EXPECT_FALSE(presence.live_open(kTenant));
  EXPECT_EQ(avail.back(), std::make_pair(kTenant, false));
  EXPECT_EQ(presence.set_status(99, Availability::kOnline).error().code, Errc::kConflict);
}

TEST_F(PresenceTest, AnIdleAgentIsAwayUntilTheyDoSomething) {
  online(7);
  advance(600'000);
  EXPECT_EQ(status(7), Availability::kOnline);
  advance(1'000);
  EXPECT_EQ(status(7), Availability::kAway);
  presence.activity(7);
  EXPECT_EQ(status(7), Availability::kOnline);
  // Away by choice stays away whatever they do.
  ASSERT_TRUE(presence.set_status(7, Availability::kAway).ok());
  presence.activity(7);
  EXPECT_EQ(status(7), Availability::kAway);
}

TEST_F(PresenceTest, AReloadIsNotAnAbsenceButALogoutIs) {
  online(7);
  presence.disconnected(7, false);
  advance(29'000);
  EXPECT_EQ(status(7), Availability::kOnline);  // a page reload fits in the grace period
  online(7);
  advance(60'000);
  EXPECT_EQ(status(7), Availability::kOnline);
  presence.disconnected(7, false);
  advance(31'000);
  EXPECT_EQ(status(7), Availability::kOffline);
  online(7);
  changes.clear();
  presence.disconnected(7, true);
  EXPECT_EQ(status(7), Availability::kOffline);  // at once
  EXPECT_EQ(changes, std::vector<Id>{7});
}

TEST_F(PresenceTest, BusinessHoursOpenAndCloseLiveChatWithTheClock) {
  // Monday 2027-01-04 08:59:30 UTC; open 09:00-17:00 on weekdays.
  clock.set(1'799'053'170'000);
  auto hours = parse_hours("tz=UTC; mon-fri 09:00-17:00");
  ASSERT_TRUE(hours.ok()) << hours.error().message;
  presence.set_hours(kTenant, *hours);
  online(7);
  EXPECT_FALSE(presence.live_open(kTenant));
  ASSERT_TRUE(presence.opens_at(kTenant));
  EXPECT_EQ(*presence.opens_at(kTenant), 1'799'053'200'000);
  presence.activity(7);
  advance(30'000);
  EXPECT_TRUE(presence.live_open(kTenant));
  EXPECT_EQ(avail.back(), std::make_pair(kTenant, true));
  EXPECT_FALSE(presence.opens_at(kTenant));
}

}  // namespace
}  // namespace tiski
