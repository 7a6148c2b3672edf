// Two nodes' domains in one process, joined by a link that hands each message to the other
// node at once (or drops it while "down"), on a manual clock: events replayed as remote,
// presence merged, owners computed alike on both, a silent or departing node forgotten.
#include "chat/cluster/cluster.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <map>
#include <set>

#include "chat/cluster/wire.h"

namespace tiski::cluster {
namespace {

constexpr Id kTenant = 1;

struct Node;
struct TestLink final : Link {
  Node* peer = nullptr;
  bool is_up = true;
  int sent = 0;
  void send(std::string payload) override;
  bool up() const override { return is_up; }
};

struct Node {
  explicit Node(ManualClock& clock, std::string name)
      : clock(clock), cluster({bus, presence, owners, clock}, link, name) {
    bus.on<events::MessageStored>([this](const auto& e) {
      seen.push_back(e.msg.body);
      remote.push_back(bus.remote());
    });
    presence.know_agent(7, AgentProfile{"Aino", 3, {kTenant}, {}});
  }
  ManualClock& clock;
  EventBus bus;
  Presence presence{PresenceOptions{600'000, 30'000}, bus, clock};
  Owners owners;
  TestLink link;
  Cluster cluster;
  std::vector<std::string> seen;
  std::vector<bool> remote;
};

void TestLink::send(std::string payload) {
  ++sent;
  if (is_up && peer && peer->link.is_up) peer->cluster.receive(payload);
}

struct Pair {
  Pair() {
    a.link.peer = &b;
    b.link.peer = &a;
    a.cluster.tick();  // first heartbeats: each learns the other
    b.cluster.tick();
  }
  void advance(Millis ms) {
    for (Millis t = 0; t < ms; t += 1000) {
      clock.advance(1000);
      a.cluster.tick();
      b.cluster.tick();
    }
  }
  ManualClock clock;
  Node a{clock, "node-a"}, b{clock, "node-b"};
};

Conversation full_conversation() {
  Conversation c;
  c.id = 41;
  c.tenant_id = kTenant;
  c.site_id = 3;
  c.visitor_id = 9;
  c.status = "active";
  c.origin = "proactive";
  c.assignee_id = 7;
  c.assigned_at = 1234;
  c.team_id = 2;
  c.team_name = "Myynti";
  c.rule_id = 5;
  c.signals = {"cart", "phrase:toimitus"};
  c.tags = {"alennus"};
  c.csat = 4;
  c.preview = "Hei \"lainaus\" ja rivinvaihto\nsekä ääkköset 🙂";
  c.due_at = 99;
  c.visitor_left_at = 98;
  return c;
}

TEST(ClusterWire, EventsRoundTripWithEveryFieldTheyCarry) {
  Message m;
  m.conv_id = 41;
  m.seq = 12;
  m.author = "agent";
  m.author_id = 7;
  m.body = "Tervetuloa";
  m.files.push_back(FileRef{5, "kuva.png", "image/png", 2048, true, 640, 480, "", false});
  std::vector<events::Event> list = {
      events::ConversationAssigned{full_conversation(), 7, events::By::kTake},
      events::MessageStored{m, 9, /*from_session=*/77},
      events::ConversationTransferred{full_conversation(), 7, std::nullopt, 2, "huomio"},
      events::TagsAdded{kTenant, {"a", "b"}},
  };
  auto back = decode(boost::json::value(encode(list)));
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 4u);
  const auto& assigned = std::get<events::ConversationAssigned>((*back)[0]);
  EXPECT_EQ(assigned.by, events::By::kTake);
  EXPECT_EQ(assigned.conv.preview, full_conversation().preview);
  EXPECT_EQ(assigned.conv.signals, full_conversation().signals);
  EXPECT_EQ(assigned.conv.assigned_at, std::optional<Millis>(1234));
  EXPECT_EQ(assigned.conv.closed_at, std::nullopt);
  EXPECT_EQ(assigned.conv.csat, std::optional<int>(4));
  const auto& stored = std::get<events::MessageStored>((*back)[1]);
  EXPECT_EQ(stored.msg.files.at(0).width, 640);
  EXPECT_EQ(stored.msg.author_id, std::optional<Id>(7));
  EXPECT_EQ(stored.from_session, 0u) << "the sender's session means nothing on another node";
  const auto& moved = std::get<events::ConversationTransferred>((*back)[2]);
  EXPECT_EQ(moved.to, std::nullopt);
  EXPECT_EQ(moved.team, std::optional<Id>(2));
  EXPECT_EQ(std::get<events::TagsAdded>((*back)[3]).tags, (std::vector<std::string>{"a", "b"}));
}

TEST(ClusterWire, WhatDoesNotDecodeIsAnErrorNotACrash) {
  for (const char* bad : {"{}", "[[99,{}]]", "[[0,{\"conv\":1}]]", "[[\"x\",{}]]", "[[0]]", "[1]"}) {
    EXPECT_FALSE(decode(boost::json::parse(bad)).ok()) << bad;
  }
}

TEST(ClusterOwners, EveryTenantHasOneOwnerAndOnlyTheDeadNodesTenantsMove) {
  std::vector<std::string> three = {"a", "b", "c"}, two = {"a", "c"};
  std::map<std::string, int> count;
  for (Id t = 1; t <= 300; ++t) {
    auto owner = owner_of(t, three);
    ++count[owner];
    if (owner != "b") {
      EXPECT_EQ(owner_of(t, two), owner) << "tenant " << t << " moved without need";
    }
    EXPECT_NE(owner_of(t, two), "b");
  }
  for (const auto& n : three) EXPECT_GT(count[n], 60) << n;
  EXPECT_EQ(owner_of(5, {}), "");
}

TEST(Cluster, AJobsEventsAreReplayedOnTheOtherNodeAsRemote) {
  Pair p;
  Message m;
  m.conv_id = 1;
  m.body = "moi";
  p.a.bus.publish_all({events::MessageStored{m, 9, 1}});
  EXPECT_EQ(p.a.seen, std::vector<std::string>{"moi"});
  EXPECT_EQ(p.a.remote, std::vector<bool>{false});
  EXPECT_EQ(p.b.seen, std::vector<std::string>{"moi"});
  EXPECT_EQ(p.b.remote, std::vector<bool>{true});
  EXPECT_FALSE(p.b.bus.remote()) << "only while replaying";
  // A replayed event is not sent on again.
  EXPECT_EQ(p.a.seen.size(), 1u);
}

TEST(Cluster, AnAgentOnlineOnOneNodeIsOnlineOnEvery) {
  Pair p;
  EXPECT_FALSE(p.b.presence.live_open(kTenant));
  p.a.presence.connected(7, AgentProfile{"Aino", 3, {kTenant}, {}});
  EXPECT_EQ(p.b.presence.agent(7)->status, Availability::kOnline);
  EXPECT_TRUE(p.b.presence.live_open(kTenant));
  ASSERT_TRUE(p.a.presence.set_status(7, Availability::kAway).ok());
  EXPECT_EQ(p.b.presence.agent(7)->status, Availability::kAway);
  // A second console on node b, online: online wins.
  p.b.presence.connected(7, AgentProfile{"Aino", 3, {kTenant}, {}});
  EXPECT_EQ(p.a.presence.agent(7)->status, Availability::kOnline);
  p.b.presence.disconnected(7, true);
  EXPECT_EQ(p.a.presence.agent(7)->status, Availability::kAway);
  p.a.presence.disconnected(7, true);
  EXPECT_EQ(p.b.presence.agent(7)->status, Availability::kOffline);
  EXPECT_FALSE(p.b.presence.live_open(kTenant));
}

TEST(Cluster, AnAgentOnlyTheOtherNodeKnowsComesWithTheirProfile) {
  Pair p;
  p.a.presence.connected(8, AgentProfile{"Bertta", 5, {kTenant, 2}, {4}});  // made after b started
  ASSERT_NE(p.b.presence.agent(8), nullptr);
  EXPECT_EQ(p.b.presence.agent(8)->status, Availability::kOnline);
  EXPECT_EQ(p.b.presence.agent(8)->profile.capacity, 5);
  EXPECT_EQ(p.b.presence.agent(8)->profile.teams, std::vector<Id>{4});
  EXPECT_EQ(p.b.presence.agents_of(2), std::vector<Id>{8});
  EXPECT_EQ(p.b.presence.agent(8)->sockets, 0) << "b has no console of theirs";
}

TEST(Cluster, BothNodesAgreeWhoOwnsATenantAndOneLeads) {
  Pair p;
  EXPECT_EQ(p.a.cluster.nodes(), (std::vector<std::string>{"node-a", "node-b"}));
  EXPECT_EQ(p.b.cluster.nodes(), p.a.cluster.nodes());
  for (Id t = 0; t < 50; ++t) EXPECT_NE(p.a.owners.owns(t), p.b.owners.owns(t)) << "tenant " << t;
  EXPECT_NE(p.a.owners.leads(), p.b.owners.leads());
}

TEST(Cluster, ASilentNodeIsForgottenAfterTheTimeoutAndItsTenantsMove) {
  Pair p;
  p.b.presence.connected(7, AgentProfile{"Aino", 3, {kTenant}, {}});
  ASSERT_EQ(p.a.presence.agent(7)->status, Availability::kOnline);
  p.b.link.is_up = false;  // b dies (or is cut off)
  p.advance(kNodeTimeoutMs);
  EXPECT_EQ(p.a.cluster.nodes().size(), 2u) << "not before the timeout";
  p.advance(2000);
  EXPECT_EQ(p.a.cluster.nodes(), std::vector<std::string>{"node-a"});
  EXPECT_EQ(p.a.presence.agent(7)->status, Availability::kOffline) << "b's consoles are gone with it";
  for (Id t = 0; t < 20; ++t) EXPECT_TRUE(p.a.owners.owns(t));
  // b, whose link was down, forgot nobody meanwhile: it cannot tell silence from an outage.
  EXPECT_EQ(p.b.cluster.nodes().size(), 2u);
}

TEST(Cluster, ANodeThatLeavesIsForgottenAtOnce) {
  Pair p;
  p.b.presence.connected(7, AgentProfile{"Aino", 3, {kTenant}, {}});
  p.b.cluster.leave();
  EXPECT_EQ(p.a.cluster.nodes(), std::vector<std::string>{"node-a"});
  EXPECT_EQ(p.a.presence.agent(7)->status, Availability::kOffline);
  p.advance(1000);  // its next heartbeat (it has not stopped yet) brings it back
  EXPECT_EQ(p.a.cluster.nodes().size(), 2u);
}

// After an outage (its deltas may have been lost either way) a node forgets what the others
// shared and asks them to send it whole; a process that starts under a name the others know has
// them forget what its predecessor shared.
TEST(Cluster, ANodeBackFromAnOutageOrStartedAgainHasTheLiveWordSentWhole) {
  Pair p;
  std::vector<std::string> stale_a, stale_b;
  int resent_a = 0, resent_b = 0;
  p.a.cluster.set_on_stale([&](const std::string& n) { stale_a.push_back(n); });
  p.b.cluster.set_on_stale([&](const std::string& n) { stale_b.push_back(n); });
  p.a.cluster.set_on_resend([&] { ++resent_a; });
  p.b.cluster.set_on_resend([&] { ++resent_b; });
  p.a.cluster.restored();
  EXPECT_EQ(stale_a, std::vector<std::string>{"node-b"});
  EXPECT_EQ(stale_b, std::vector<std::string>{"node-a"});
  EXPECT_EQ(resent_a, 1);
  EXPECT_EQ(resent_b, 1);
  // node-b's process dies and another starts under its name within the timeout.
  Node again{p.clock, "node-b"};
  again.link.peer = &p.a;
  p.a.link.peer = &again;
  stale_a.clear();
  again.cluster.tick();
  EXPECT_EQ(stale_a, std::vector<std::string>{"node-b"});
  EXPECT_EQ(resent_a, 2);
}

TEST(Cluster, GarbageFromTheLinkIsDropped) {
  Pair p;
  for (const char* bad : {"", "nope", "[]", "{\"n\":1}", "{\"n\":\"x\",\"k\":\"ev\",\"e\":[[0]]}",
                          "{\"n\":\"x\",\"k\":\"hb\",\"a\":[[\"7\",\"online\"],[7,\"flying\"],7]}",
                          "{\"n\":\"x\",\"k\":\"hb\",\"a\":[[7,\"online\",\"A\",3,[\"1\"],[]],[7,\"online\"]]}"}) {
    p.a.cluster.receive(bad);
  }
  EXPECT_EQ(p.a.presence.agent(7)->status, Availability::kOffline);
  EXPECT_TRUE(p.a.seen.empty());
}

}  // namespace
}  // namespace tiski::cluster
