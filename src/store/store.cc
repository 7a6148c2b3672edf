#include "store/store.h"

namespace tiski {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAgent: return "agent";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
  }
  return "agent";
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "agent") return Role::kAgent;
  if (s == "supervisor") return Role::kSupervisor;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace tiski
