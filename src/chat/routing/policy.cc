#include "chat/routing/policy.h"

#include <algorithm>

namespace tiski::routing {

std::optional<Id> pick_agent(std::span<const AgentLoad> agents, std::span<const Id> exclude) {
  const AgentLoad* best = nullptr;
  for (const auto& a : agents) {
    if (a.presence != Availability::kOnline || a.active >= a.capacity) continue;
    if (std::find(exclude.begin(), exclude.end(), a.agent) != exclude.end()) continue;
    if (!best || a.active < best->active ||
        (a.active == best->active && (a.last_assigned_at < best->last_assigned_at ||
                                      (a.last_assigned_at == best->last_assigned_at && a.agent < best->agent)))) {
      best = &a;
    }
  }
  if (!best) return std::nullopt;
  return best->agent;
}

std::vector<Waiting> queue_order(std::vector<Waiting> waiting) {
  std::sort(waiting.begin(), waiting.end(), [](const Waiting& a, const Waiting& b) {
    return a.since != b.since ? a.since < b.since : a.conv < b.conv;
  });
  return waiting;
}

Millis estimate_wait(int position, int online_capacity, Millis avg_handle_ms) {
  if (online_capacity <= 0 || position <= 0) return 0;
  return static_cast<Millis>(position) * avg_handle_ms / online_capacity;
}

}  // namespace tiski::routing
