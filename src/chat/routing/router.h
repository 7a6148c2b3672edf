// Router: the waiting queues of every tenant, each agent's load, and who has been offered which
// chat. It listens on the bus — conversation events keep its state, AgentStatusChanged tells it
// when a seat may be free or an agent has gone — and asks an Assigner (the conversations
// module) to store each assignment and release; their events come back on the bus.
//
// DESIGN: every operation costs O(what changed), never O(open chats). A tenant's waiting chats
// sit in order-statistics trees (one per team, key (waiting since, id)), so taking the next
// chat, a visitor's position and the queue length are O(log n); each agent's load is a
// counter kept as chats come and go; unanswered assignments that may time out are a set of
// their own. Queue positions are announced from tick(), at most once a second per tenant and,
// for visitors deep in the queue, at most every kDeepQueueAnnounce — a burst of assignments
// therefore costs one pass over the queue, not one per assignment (quadratic before).
//
// An automatic assignment or a transfer to an agent that stays unanswered for
// `assign_timeout_ms` goes to the next agent (never back to one who let it pass, unless nobody
// else is free); an unanswered chat of an agent who goes offline returns to the queue at once;
// a chat taken by hand stays. A chat whose visitor has left (VisitorLeft: the last tab gone for
// the grace period) is offered to nobody until they come back: it waits out of the queue (it
// holds no place in others' positions), and an unanswered one stays with its agent instead of
// going round — a miss is the agent's who had it when the visitor went, and a chat nobody can
// answer must not reach an agent who logs in later. The lifecycle closes it as missed. The
// policy itself (who gets a chat, the estimate) is policy.h.
//
// Threading: the domain thread only; time from the Clock.
#pragma once

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chat/core/bus.h"
#include "chat/core/owners.h"
#include "chat/presence/presence.h"
#include "chat/routing/policy.h"
#include "store/store.h"
#include "util/clock.h"

namespace tiski {

// Routing settings (config [routing]); times in milliseconds.
struct RouterOptions {
  Millis assign_timeout_ms =
      60'000;  // an auto-assigned or transferred chat unanswered this long goes to the next agent
  Millis default_handle_ms = 4 * 60'000;  // handling time assumed for queue estimates until measured
};

// Stores what the router decides. Each call completes with ok (the change is stored and its
// event published) or not (someone else changed the conversation first).
class Assigner {
 public:
  virtual ~Assigner() = default;
  virtual void assign(Id conv, Id agent, std::function<void(bool ok)> done) = 0;
  virtual void release(Id conv, Id agent, std::string reason, std::function<void(bool ok)> done) = 0;
};

class Router {
 public:
  struct Queued {
    Id conv = 0;
    int position = 0;
    Millis since = 0;
    Millis eta_ms = 0;
  };

  // Subscribes to the bus.
  Router(RouterOptions options, EventBus& bus, const Clock& clock, Presence& presence, Assigner& assigner);

  // Start-up: a conversation that was open when the server stopped (assigned ones count as answered).
  void load(const Conversation& c);
  // Offers waiting chats of the tenant to agents with free seats, oldest first.
  void route(Id tenant);
  // `agent` is typing in `conv`: an unanswered chat of theirs does not move on while they write
  // (its countdown is given kTypingGraceMs again when less is left). True when the countdown
  // changed (the consoles are to be told). Several nodes: it counts on the tenant's owner node.
  bool engaged(Id conv, Id agent);
  static constexpr Millis kTypingGraceMs = 20'000;
  // Once a second: unanswered chats that timed out, queue positions.
  void tick();
  // Several nodes: only the tenants `owners` names are routed and timed out here (the others'
  // owners do it and their events keep this router's picture). Without: every tenant.
  void set_owners(const Owners* owners) { owners_ = owners; }
  // This node may have become some tenants' owner: offers their waiting chats.
  void route_all();

  // ---- reads
  int active(Id agent) const;
  std::vector<Queued> queue(Id tenant, std::size_t offset, std::size_t limit) const;
  std::size_t queue_length(Id tenant) const;
  std::optional<Queued> position(Id conv) const;
  int free_seats(Id tenant) const;  // of online agents
  // When an unanswered assignment that times out will go to the next agent, if it does.
  std::optional<Millis> answer_by(Id conv) const;
  bool is_open(Id conv) const { return convs_.contains(conv); }
  std::optional<Id> tenant_of(Id conv) const;
  std::vector<Id> open_ids() const;  // every open conversation known here

 private:
  enum class How { kHand, kAuto, kTransfer };
  using Key = std::pair<Millis, Id>;  // (waiting since, conv)
  using Queue = __gnu_pbds::tree<Key, __gnu_pbds::null_type, std::less<Key>, __gnu_pbds::rb_tree_tag,
                                 __gnu_pbds::tree_order_statistics_node_update>;
  struct Load {
    int active = 0;   // open live chats assigned
    int pending = 0;  // assignments in flight
    Millis last_assigned_at = 0;
  };
  struct ConvState {
    Id tenant = 0;
    Id visitor = 0;
    std::optional<Id> assignee;
    std::optional<Id> team;
    bool inbox = false;  // leave-a-message item: never routed, takes no seat
    bool releasing = false;
    Millis since = 0;  // queue key while waiting
    bool queued = false;
    How how = How::kHand;
    bool answered = false;
    bool gone = false;          // the visitor left (not offered, not passed on, no seat) until they come back
    Millis assigned_at = 0;     // handling time counts from here
    Millis countdown_from = 0;  // the answer countdown (assign_timeout_ms) runs from here
    std::vector<Id> passed;     // agents who let it time out
    int pos_sent = 0;
    Millis pos_sent_at = 0;
  };
  struct TenantQueues {
    std::map<Id, Queue> queues;  // by team; 0 = the whole tenant
    bool dirty = false;
  };

  static bool holds_seat(const ConvState& c) { return !c.inbox && !c.gone; }
  void update(const Conversation& c, std::optional<How> how = std::nullopt);
  void answered(Id conv);
  void agent_changed(Id agent);
  void release(Id conv, ConvState& c, const char* reason);
  void assign_done(Id conv, bool ok);
  void enqueue(Id conv, ConvState& c);
  void dequeue(Id conv, ConvState& c);
  void set_assignee(Id conv, ConvState& c, std::optional<Id> agent, Millis assigned_at);
  std::vector<routing::AgentLoad> loads(Id tenant) const;
  bool serves_queue(Id agent, Id team) const;
  bool owns(Id tenant) const { return !owners_ || owners_->owns(tenant); }
  int queue_capacity(Id tenant, Id team) const;
  bool someone_else_free(const ConvState& c) const;
  bool online(Id agent) const;
  void announce_queue(Id tenant, TenantQueues& t, Millis now);

  RouterOptions options_;
  EventBus& bus_;
  const Clock& clock_;
  Presence& presence_;
  Assigner& assigner_;
  const Owners* owners_ = nullptr;
  std::unordered_map<Id, Load> loads_;
  std::unordered_map<Id, ConvState> convs_;
  std::unordered_map<Id, TenantQueues> tenants_;
  std::unordered_set<Id> unanswered_;  // assigned, not answered, releasable
  std::unordered_map<Id, Id> offers_;  // conv -> agent: assignments in flight
  double avg_handle_ms_;
};

}  // namespace tiski
