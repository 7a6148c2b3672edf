// StatusLog: records every change of an agent's availability (online, away, offline) as an
// `agent.status` event in each of the agent's tenants, so that the staffing planner can compare
// the agents who were online with the agents an hour needed (docs/metrics.md, "Staffing").
// A subscriber of AgentStatusChanged; presence itself keeps no history.
//
// Threading: the domain thread only.
#pragma once

#include <unordered_map>

#include "chat/core/jobs.h"
#include "chat/core/owners.h"
#include "chat/presence/presence.h"

namespace tiski::analytics {

class StatusLog {
 public:
  StatusLog(Jobs& jobs, EventBus& bus, const tiski::Presence& presence);
  // Several nodes: each tenant's owner records its agents' changes (every node sees them).
  void set_owners(const Owners* owners) { owners_ = owners; }

 private:
  void changed(Id agent);

  Jobs& jobs_;
  const tiski::Presence& presence_;
  const Owners* owners_ = nullptr;
  std::unordered_map<Id, Availability> recorded_;  // the last status recorded per agent
};

std::string_view availability_name(Availability a);

}  // namespace tiski::analytics
