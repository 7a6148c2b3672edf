#include "store/store.h"

#include "util/limits.h"

namespace tiski {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAgent: return "agent";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
  }
  return "agent";
}

const std::string& Site::greeting_for(std::string_view lang) const {
  auto it = greetings.find(std::string(lang));
  return it != greetings.end() && !it->second.empty() ? it->second : greeting;
}

std::string Site::launcher_for(std::string_view lang) const {
  auto it = launchers.find(std::string(lang));
  return it != launchers.end() ? it->second : std::string();
}

std::string message_preview(std::string_view body) {
  constexpr std::size_t kMax = limits::kPreviewBytes;
  if (body.size() <= kMax) return std::string(body);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(body.substr(0, cut)) + "…";
}

bool outcome::valid(std::string_view o) {
  return o == kSale || o == kLead || o == kRedirected || o == kResolved || o == kNone || o == kSpam;
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "agent") return Role::kAgent;
  if (s == "supervisor") return Role::kSupervisor;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace tiski
