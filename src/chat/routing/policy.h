// Routing policy: who gets a new chat, and where a waiting visitor stands in the queue.
// Pure functions over plain data — no clocks, no I/O — so the rules are unit-tested exactly
// (policy_test.cc) and the router only gathers the inputs and applies the result.
//
// The assignment rule: among agents who are online, belong to the chat's tenant and
// have free capacity, the one with the fewest active chats; ties go to whoever has waited
// longest since their last assignment (never assigned counts as longest), then the lowest id
// so the choice is deterministic.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "chat/presence/availability.h"
#include "store/store.h"

namespace tiski::routing {

struct AgentLoad {
  Id agent = 0;
  Availability presence = Availability::kOffline;
  int active = 0;               // open chats assigned to the agent
  int capacity = 0;             // maximum concurrent chats
  Millis last_assigned_at = 0;  // 0 = never
};

// The agent to assign a new chat to, or nullopt if nobody online has free capacity.
// `exclude` lists agents that must not get it (e.g. the one who did not answer in time).
std::optional<Id> pick_agent(std::span<const AgentLoad> agents, std::span<const Id> exclude = {});

struct Waiting {
  Id conv = 0;
  Millis since = 0;  // when the chat started waiting
};

// Waiting chats in the order they will be served: arrival order, ties by id.
std::vector<Waiting> queue_order(std::vector<Waiting> waiting);

// Estimated wait for the visitor at 1-based `position`: each free-up of capacity serves one
// chat, and with `online_capacity` concurrent seats each turning over every
// `avg_handle_ms`, seats free up every avg_handle_ms / online_capacity on average.
// Returns 0 when there is no online capacity (the caller shows "no estimate").
Millis estimate_wait(int position, int online_capacity, Millis avg_handle_ms);

}  // namespace tiski::routing
