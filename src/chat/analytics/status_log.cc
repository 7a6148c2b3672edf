#include "chat/analytics/status_log.h"

#include "util/log.h"

namespace tiski::analytics {

std::string_view availability_name(Availability a) {
  switch (a) {
    case Availability::kOnline: return "online";
    case Availability::kAway: return "away";
    case Availability::kOffline: return "offline";
  }
  return "offline";
}

StatusLog::StatusLog(Jobs& jobs, EventBus& bus, const tiski::Presence& presence) : jobs_(jobs), presence_(presence) {
  bus.on<events::AgentStatusChanged>([this](const auto& e) { changed(e.agent); });
}

// AgentStatusChanged also announces capacity changes: only a new availability is recorded.
void StatusLog::changed(Id agent) {
  const auto* a = presence_.agent(agent);
  if (!a) return;
  auto [it, fresh] = recorded_.try_emplace(agent, Availability::kOffline);
  if (!fresh && it->second == a->status) return;
  if (fresh && a->status == Availability::kOffline) return;  // never online: nothing to record
  it->second = a->status;
  if (jobs_.shutting_down()) return;
  std::vector<Id> tenants;
  for (Id t : a->profile.tenants) {
    if (!owners_ || owners_->owns(t)) tenants.push_back(t);
  }
  if (tenants.empty()) return;
  jobs_.run<bool>(
      [agent, tenants = std::move(tenants), status = std::string(availability_name(a->status))](
          Store&, events::Recorder& rec) -> Result<bool> {
        for (Id tenant : tenants) TRY_OK(rec.add(events::AgentStatus{tenant, agent, status}));
        return true;
      },
      [agent](const Result<bool>& r) {
        if (!r)
          log::warn("an agent's status change was not recorded", {{"agent", agent}, {"error", r.error().message}});
      });
}

}  // namespace tiski::analytics
