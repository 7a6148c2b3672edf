// The blocked visitors in memory (docs/roles.md, "Abuse"): the gateway asks at every hello
// whether the visitor, or the address they connect from, is blocked in the site's tenant.
// Loaded at start from the store's active blocks; added and lifted as agents do it. Expired
// blocks simply stop applying, and are forgotten at the next change.
//
// Threading: the domain thread.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/admin_records.h"
#include "store/records.h"

namespace tiski {

class Blocks {
 public:
  void load(const std::vector<Block>& active);
  void add(const Block& b);
  void lift(Id tenant, Id block);
  // Whether the visitor (0: a new one) or the address is blocked in the tenant at `now`.
  bool blocked(Id tenant, Id visitor, std::string_view address, Millis now) const;
  std::size_t size() const;

 private:
  struct Tenant {
    std::vector<Block> list;
    std::unordered_map<Id, Millis> visitors;            // until (0: until lifted)
    std::unordered_map<std::string, Millis> addresses;  // the same by address
  };
  static void index(Tenant& t, Millis now);
  std::unordered_map<Id, Tenant> tenants_;
};

}  // namespace tiski
