#include "chat/gateway/blocks.h"

#include <algorithm>

namespace tiski {
namespace {

bool active(const Block& b, Millis now) { return b.lifted_at == 0 && (b.expires_at == 0 || b.expires_at > now); }

// The later of two untils, where 0 means never.
Millis later(Millis a, Millis b) { return a == 0 || b == 0 ? 0 : std::max(a, b); }

bool applies(const std::unordered_map<Id, Millis>& m, Id key, Millis now) {
  auto it = m.find(key);
  return it != m.end() && (it->second == 0 || it->second > now);
}

}  // namespace

void Blocks::index(Tenant& t, Millis now) {
  std::erase_if(t.list, [now](const Block& b) { return !active(b, now); });
  t.visitors.clear();
  t.addresses.clear();
  for (const auto& b : t.list) {
    if (b.visitor_id) {
      auto [it, fresh] = t.visitors.emplace(b.visitor_id, b.expires_at);
      if (!fresh) it->second = later(it->second, b.expires_at);
    }
    if (!b.ip.empty()) {
      auto [it, fresh] = t.addresses.emplace(b.ip, b.expires_at);
      if (!fresh) it->second = later(it->second, b.expires_at);
    }
  }
}

void Blocks::load(const std::vector<Block>& list) {
  tenants_.clear();
  for (const auto& b : list) tenants_[b.tenant_id].list.push_back(b);
  for (auto& [id, t] : tenants_) index(t, 0);
}

void Blocks::add(const Block& b) {
  auto& t = tenants_[b.tenant_id];
  t.list.push_back(b);
  index(t, b.created_at);
}

void Blocks::lift(Id tenant, Id block) {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  std::erase_if(it->second.list, [block](const Block& b) { return b.id == block; });
  index(it->second, 0);
  if (it->second.list.empty()) tenants_.erase(it);
}

bool Blocks::blocked(Id tenant, Id visitor, std::string_view address, Millis now) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return false;
  const auto& t = it->second;
  if (visitor && applies(t.visitors, visitor, now)) return true;
  if (address.empty()) return false;
  auto a = t.addresses.find(std::string(address));
  return a != t.addresses.end() && (a->second == 0 || a->second > now);
}

std::size_t Blocks::size() const {
  std::size_t n = 0;
  for (const auto& [id, t] : tenants_) n += t.list.size();
  return n;
}

}  // namespace tiski
