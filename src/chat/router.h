// Router: the routing state of one node — agents' presence and load, the waiting queues of
// every tenant, who has been offered which chat — and the decisions made from it. It owns no
// socket, no store and no clock: the hub tells it what happened (with the time) and it tells
// the hub, through Router::Sink, what to do (assign, release, announce).
//
// DESIGN: every operation costs O(what changed), never O(open chats). A tenant's waiting chats
// sit in order-statistics trees (one per team, key (waiting since, id)), so taking the next
// chat, a visitor's position and the queue length are O(log n); each agent's load is a
// counter kept as chats come and go; unanswered assignments that may time out are a set of
// their own. Queue positions are announced from tick(), at most once a second per tenant and,
// for visitors deep in the queue, at most every kDeepQueueAnnounce — a burst of assignments
// therefore costs one pass over the queue, not one per assignment (quadratic before).
//
// The policy itself (who gets a chat, the estimate) is routing.h's pure functions.
//
// Threading: the domain thread only; not thread-safe. Sink calls are synchronous.
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

#include "chat/hours.h"
#include "chat/routing.h"
#include "store/store.h"

namespace tiski {

// Routing settings (config [routing]); times in milliseconds.
struct RoutingOptions {
  Millis assign_timeout_ms = 60'000;      // an auto-assigned or transferred chat unanswered this long goes to the next agent
  Millis auto_away_ms = 10 * 60'000;      // an online agent idle this long becomes away
  Millis offline_grace_ms = 30'000;       // an agent whose sockets all dropped is offline after this
  Millis default_handle_ms = 4 * 60'000;  // handling time assumed for queue estimates until measured
};

// Who an agent is, as routing needs it.
struct AgentProfile {
  std::string name;
  int capacity = 3;
  std::vector<Id> tenants;
  std::vector<Id> teams;
};

// How an agent came to hold a chat. Automatic assignments and transfers that stay unanswered
// for assign_timeout go to the next agent; a chat taken by hand stays.
enum class Assignment { kHand, kAuto, kTransfer };

class Router {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    // Routing chose `agent` for the waiting `conv`: store the assignment, then report it with
    // assign_done() (and, on success, update() with the new state).
    virtual void assign(Id conv, Id agent) = 0;
    // The unanswered `conv` must leave `agent` (reason "no answer" or "agent offline"): store
    // the release, then report release_done() (and, on success, update()).
    virtual void release(Id conv, Id agent, std::string_view reason) = 0;
    // An agent's status, load or capacity changed.
    virtual void presence_changed(Id agent) = 0;
    // Live chat opened or closed for a tenant's visitors.
    virtual void availability_changed(Id tenant, bool open) = 0;
    // A waiting chat's place in its queue changed (position 1 is next; eta 0 = no estimate).
    virtual void queue_position(Id conv, Id visitor, int position, Millis eta_ms) = 0;
  };

  struct Presence {
    Id agent = 0;
    std::string name;
    routing::Presence status = routing::Presence::kOffline;
    int active = 0;
    int capacity = 0;
  };
  struct Queued {
    Id conv = 0;
    int position = 0;
    Millis since = 0;
    Millis eta_ms = 0;
  };

  Router(RoutingOptions options, Sink& sink);

  // ---- agents
  // An agent known to serve tenants, whether connected or not (start-up, login).
  void know_agent(Id agent, AgentProfile profile);
  // A console connected: the agent is online unless they chose away.
  void connected(Id agent, AgentProfile profile, Millis now);
  // A console closed: offline after the grace period once the last one is gone.
  void disconnected(Id agent, Millis now);
  // The agent logged out: offline at once (their consoles are being closed).
  void logged_out(Id agent, Millis now);
  // online or away by choice; conflict without an open console.
  Status set_status(Id agent, routing::Presence status, Millis now);
  // Any activity in the console: an agent away because idle comes back.
  void activity(Id agent, Millis now);

  // ---- tenants
  void set_hours(Id tenant, std::optional<BusinessHours> hours, Millis now);
  // Within business hours and at least one of the tenant's agents online.
  bool live_open(Id tenant, Millis now) const;

  // ---- conversations
  // Every stored change of a conversation passes through here (created, assigned,
  // transferred, released, closed). Routes the tenant when a seat or a chat became free.
  void update(const Conversation& c, Millis now);
  // Says how the conversation's current assignee got it (after update()).
  void assigned_as(Id conv, Assignment how, Millis now);
  // An agent wrote in the conversation: its assignee has answered.
  void answered(Id conv);
  // Completions of the sink's jobs.
  void assign_done(Id conv, bool ok, Millis now);
  void release_done(Id conv, bool ok, Millis now);
  // Offers waiting chats of the tenant to agents with free seats, oldest first.
  void route(Id tenant, Millis now);

  // Once a second: presence timeouts, unanswered chats, business hours, queue positions.
  void tick(Millis now);

  // ---- reads
  std::optional<Presence> presence(Id agent) const;
  std::vector<Presence> presence_of(Id tenant) const;  // by agent id
  std::vector<Id> agents_of(Id tenant) const;
  std::vector<Id> tenants_of(Id agent) const;
  // The tenant's waiting live chats in service order, from `offset`, at most `limit`.
  std::vector<Queued> queue(Id tenant, std::size_t offset, std::size_t limit, Millis now) const;
  std::size_t queue_length(Id tenant) const;
  std::optional<Queued> position(Id conv) const;
  int free_seats(Id tenant) const;  // of online agents
  // When an unanswered assignment that times out will go to the next agent, if it does.
  std::optional<Millis> answer_by(Id conv) const;
  bool is_open(Id conv) const { return convs_.contains(conv); }
  std::optional<Id> tenant_of(Id conv) const;
  const RoutingOptions& options() const { return options_; }

 private:
  using Key = std::pair<Millis, Id>;  // (waiting since, conv)
  using Queue = __gnu_pbds::tree<Key, __gnu_pbds::null_type, std::less<Key>, __gnu_pbds::rb_tree_tag,
                                 __gnu_pbds::tree_order_statistics_node_update>;
  struct AgentState {
    std::string name;
    int capacity = 3;
    std::vector<Id> tenants;
    std::vector<Id> teams;
    int sockets = 0;
    routing::Presence status = routing::Presence::kOffline;
    bool auto_away = false;  // away because idle, not by choice: activity brings them back
    Millis last_activity = 0;
    Millis offline_at = 0;
    Millis last_assigned_at = 0;
    int active = 0;   // open live chats assigned
    int pending = 0;  // assignments in flight
  };
  struct ConvState {
    Id tenant = 0;
    Id visitor = 0;
    std::optional<Id> assignee;
    std::optional<Id> team;
    bool inbox = false;  // leave-a-message item: never routed, takes no seat
    bool releasing = false;  // a release job is in flight
    Millis since = 0;    // queue key while waiting
    bool queued = false;
    Assignment how = Assignment::kHand;
    bool answered = false;
    Millis assigned_at = 0;
    std::vector<Id> passed;  // agents who let it time out
    int pos_sent = 0;
    Millis pos_sent_at = 0;
  };
  struct TenantState {
    std::optional<BusinessHours> hours;
    bool open = false;
    std::vector<Id> agents;
    std::map<Id, Queue> queues;  // by team; 0 = the whole tenant
    bool queue_dirty = false;
  };

  void enqueue(Id conv, ConvState& c);
  void dequeue(Id conv, ConvState& c);
  void set_assignee(Id conv, ConvState& c, std::optional<Id> agent, Millis assigned_at, Millis now);
  std::vector<routing::AgentLoad> loads(const TenantState& t) const;
  bool serves_queue(const AgentState& a, Id team) const;
  int queue_capacity(const TenantState& t, Id team) const;
  void refresh_avail(Id tenant, Millis now);
  void presence_changed(Id agent, Millis now);
  void announce_queue(Id tenant, TenantState& t, Millis now);
  AgentState& agent(Id id);

  RoutingOptions options_;
  Sink& sink_;
  std::unordered_map<Id, AgentState> agents_;
  std::unordered_map<Id, ConvState> convs_;
  std::unordered_map<Id, TenantState> tenants_;
  std::unordered_set<Id> unanswered_;  // assigned, not answered, releasable
  std::unordered_map<Id, Id> offers_;  // conv -> agent: assignments in flight
  double avg_handle_ms_;
};

}  // namespace tiski
