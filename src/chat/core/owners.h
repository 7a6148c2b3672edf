// Owners: which tenants this node acts for. With several nodes (chat/cluster/) every node holds
// the same picture of queues and loads, but only one acts on a tenant's clock: offers its
// waiting chats, takes back unanswered ones, closes idle ones, records its agents' status
// changes. One node, the leader, also runs the workspace's background senders (email, webhooks,
// mailboxes). A single node owns everything and leads.
//
// Threading: the domain thread only.
#pragma once

#include <functional>

#include "store/store.h"

namespace tiski {

class Owners {
 public:
  bool owns(Id tenant) const { return !owns_ || owns_(tenant); }
  bool leads() const { return !leads_ || leads_(); }
  void set(std::function<bool(Id)> owns, std::function<bool()> leads) {
    owns_ = std::move(owns);
    leads_ = std::move(leads);
  }

 private:
  std::function<bool(Id)> owns_;
  std::function<bool()> leads_;
};

}  // namespace tiski
