// Presence and availability: who of each tenant's agents is online, away or offline, with
// what capacity, and whether live chat is open for the tenant's visitors (within business
// hours and at least one agent online).
//
// An agent is online while a console is connected (unless they chose away), away by choice or
// after `auto_away_ms` without activity, and offline `offline_grace_ms` after the last console
// closed — at once when they logged out. Changes are published on the bus as
// AgentStatusChanged and AvailabilityChanged; routing and the consoles react to them.
//
// Several nodes (chat/cluster/): each node knows the consoles connected to it (`own`); the
// others tell theirs (remote_status) and an agent's `status` is the best of all: online if any
// node says online, else away if any says away. A node that stops telling is forgotten
// (node_gone).
//
// Threading: the domain thread only. Time from the Clock.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/core/bus.h"
#include "chat/presence/availability.h"
#include "chat/presence/hours.h"
#include "store/store.h"
#include "util/clock.h"

namespace tiski {

// Presence settings (config [routing]); times in milliseconds.
struct PresenceOptions {
  Millis auto_away_ms = 10 * 60'000;  // an online agent idle this long becomes away
  Millis offline_grace_ms = 30'000;   // an agent whose consoles all closed is offline after this
};

// Who an agent is, as routing needs it.
struct AgentProfile {
  std::string name;
  int capacity = 3;
  std::vector<Id> tenants;
  std::vector<Id> teams;
  bool operator==(const AgentProfile&) const = default;
};

// An agent's profile from the store: their own capacity, else the smallest default among
// their tenants (3 when none is set).
AgentProfile profile_of(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams);

class Presence {
 public:
  struct Agent {
    AgentProfile profile;
    int sockets = 0;                                           // consoles connected to this node
    Availability status = Availability::kOffline;              // what every node together says
    Availability own = Availability::kOffline;                 // what this node's consoles say
    std::vector<std::pair<std::string, Availability>> remote;  // other nodes' word (never offline)
    bool auto_away = false;  // away because idle, not by choice: activity brings them back
    Millis last_activity = 0;
    Millis offline_at = 0;
  };

  Presence(PresenceOptions options, EventBus& bus, const Clock& clock) : options_(options), bus_(bus), clock_(clock) {}

  // An agent known to serve tenants, whether connected or not (start-up, login).
  void know_agent(Id agent, AgentProfile profile);
  // A console connected: the agent is online unless they chose away.
  void connected(Id agent, AgentProfile profile);
  // A console closed; `ended`: by logout or expiry, so no grace when it was the last.
  void disconnected(Id agent, bool ended);
  // online or away by choice; conflict without an open console.
  Status set_status(Id agent, Availability status);
  // Any activity in the console: an agent away because idle comes back.
  void activity(Id agent);
  // A tenant's business hours (none: always open).
  void set_hours(Id tenant, std::optional<BusinessHours> hours);

  // Once a second: offline after the grace period, away after idleness, hours that began or ended.
  void tick();

  // ---- several nodes
  // Node `node` says the agent is `status` there (offline: it has no console of theirs).
  void remote_status(const std::string& node, Id agent, Availability status);
  // Node `node` is gone or starts over: what it said is forgotten.
  void node_gone(const std::string& node);
  // What this node says: every agent whose own status is not offline.
  std::vector<std::pair<Id, Availability>> own_statuses() const;

  const Agent* agent(Id id) const;
  std::vector<Id> agents_of(Id tenant) const;  // ascending
  std::vector<Id> tenant_ids() const;          // every tenant known here
  bool serves(Id agent, Id tenant) const;
  // Within business hours and at least one of the tenant's agents online.
  bool live_open(Id tenant) const;
  // Within the tenant's business hours (always, without any).
  bool in_hours(Id tenant) const;
  // When the tenant's business hours next begin, if they are why live chat is closed.
  std::optional<Millis> opens_at(Id tenant) const;

 private:
  void changed(Id agent);
  void refresh(Id tenant);

  PresenceOptions options_;
  EventBus& bus_;
  const Clock& clock_;
  std::unordered_map<Id, Agent> agents_;
  struct Tenant {
    std::optional<BusinessHours> hours;
    std::vector<Id> agents;
    bool open = false;  // as last announced
  };
  std::unordered_map<Id, Tenant> tenants_;
};

}  // namespace tiski
