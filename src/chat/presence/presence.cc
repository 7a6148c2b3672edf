#include "chat/presence/presence.h"

#include <algorithm>

namespace tiski {
namespace {

template <class V>
bool has(const std::vector<V>& v, const V& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::chrono::system_clock::time_point at(Millis ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

AgentProfile profile_of(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams) {
  AgentProfile p;
  p.name = agent.name;
  p.capacity = agent.max_chats;
  if (p.capacity <= 0) {
    for (const auto& m : memberships) {
      if (m.implied) continue;
      p.capacity = p.capacity <= 0 ? m.tenant_default_max_chats : std::min(p.capacity, m.tenant_default_max_chats);
    }
    if (p.capacity <= 0) p.capacity = 3;
  }
  for (const auto& m : memberships) {
    if (!m.implied) p.tenants.push_back(m.tenant_id);  // an owner is not routed others' chats
  }
  p.teams = teams;
  return p;
}

void Presence::know_agent(Id id, AgentProfile profile) {
  auto& a = agents_[id];
  for (Id t : a.profile.tenants) {
    if (!has(profile.tenants, t)) std::erase(tenants_[t].agents, id);
  }
  for (Id t : profile.tenants) {
    auto& list = tenants_[t].agents;
    if (!has(list, id)) list.push_back(id);
  }
  bool capacity_changed = a.profile.capacity != profile.capacity;
  a.profile = std::move(profile);
  if (capacity_changed && a.status != Availability::kOffline) changed(id);
}

void Presence::connected(Id id, AgentProfile profile) {
  know_agent(id, std::move(profile));
  auto& a = agents_[id];
  a.sockets++;
  a.last_activity = clock_.now();
  if (a.own == Availability::kOffline) a.own = Availability::kOnline;
  changed(id);
}

void Presence::disconnected(Id id, bool ended) {
  auto& a = agents_[id];
  if (--a.sockets > 0) return;
  a.sockets = 0;
  a.offline_at = clock_.now() + (ended ? 0 : options_.offline_grace_ms);
  if (ended) tick();  // said goodbye: offline now
}

Status Presence::set_status(Id id, Availability status) {
  auto it = agents_.find(id);
  if (it == agents_.end() || it->second.sockets == 0) {
    return Error::conflict("open the console first: presence follows its connection");
  }
  auto& a = it->second;
  a.own = status;
  a.auto_away = false;
  a.last_activity = clock_.now();
  changed(id);
  return {};
}

void Presence::activity(Id id) {
  auto it = agents_.find(id);
  if (it == agents_.end()) return;
  auto& a = it->second;
  a.last_activity = clock_.now();
  if (a.own == Availability::kAway && a.auto_away) {
    a.own = Availability::kOnline;
    a.auto_away = false;
    changed(id);
  }
}

void Presence::set_hours(Id tenant, std::optional<BusinessHours> hours) {
  tenants_[tenant].hours = std::move(hours);
  refresh(tenant);
}

void Presence::tick() {
  Millis now = clock_.now();
  std::vector<Id> changes;
  for (auto& [id, a] : agents_) {
    if (a.sockets == 0 && a.own != Availability::kOffline && now >= a.offline_at) {
      a.own = Availability::kOffline;
      a.auto_away = false;
      changes.push_back(id);
    } else if (a.own == Availability::kOnline && now - a.last_activity > options_.auto_away_ms) {
      a.own = Availability::kAway;
      a.auto_away = true;
      changes.push_back(id);
    }
  }
  for (Id id : changes) changed(id);
  for (auto& [id, t] : tenants_) refresh(id);  // business hours begin and end with the clock
}

void Presence::remote_status(const std::string& node, Id agent, Availability status) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;  // not an agent this workspace knows (yet)
  auto& list = it->second.remote;
  auto at = std::find_if(list.begin(), list.end(), [&](const auto& p) { return p.first == node; });
  if (status == Availability::kOffline) {
    if (at == list.end()) return;
    list.erase(at);
  } else if (at == list.end()) {
    list.emplace_back(node, status);
  } else if (at->second == status) {
    return;
  } else {
    at->second = status;
  }
  changed(agent);
}

void Presence::node_gone(const std::string& node) {
  std::vector<Id> changes;
  for (auto& [id, a] : agents_) {
    if (std::erase_if(a.remote, [&](const auto& p) { return p.first == node; }) > 0) changes.push_back(id);
  }
  for (Id id : changes) changed(id);
}

std::vector<std::pair<Id, Availability>> Presence::own_statuses() const {
  std::vector<std::pair<Id, Availability>> out;
  for (const auto& [id, a] : agents_) {
    if (a.own != Availability::kOffline) out.emplace_back(id, a.own);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void Presence::changed(Id agent) {
  auto& a = agents_[agent];
  a.status = a.own;
  for (const auto& [node, s] : a.remote) a.status = std::max(a.status, s);  // online > away > offline
  bus_.publish(events::AgentStatusChanged{agent});
  for (Id t : agents_[agent].profile.tenants) refresh(t);
}

void Presence::refresh(Id tenant) {
  bool open = live_open(tenant);
  auto& t = tenants_[tenant];
  if (t.open == open) return;
  t.open = open;
  bus_.publish(events::AvailabilityChanged{tenant, open});
}

const Presence::Agent* Presence::agent(Id id) const {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

std::vector<Id> Presence::agents_of(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return {};
  std::vector<Id> ids = it->second.agents;
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<Id> Presence::tenant_ids() const {
  std::vector<Id> out;
  for (const auto& [id, t] : tenants_) out.push_back(id);
  return out;
}

bool Presence::serves(Id agent, Id tenant) const {
  auto it = agents_.find(agent);
  return it != agents_.end() && has(it->second.profile.tenants, tenant);
}

bool Presence::in_hours(Id tenant) const {
  auto it = tenants_.find(tenant);
  return it == tenants_.end() || !it->second.hours || is_open(*it->second.hours, at(clock_.now()));
}

bool Presence::live_open(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return false;
  const auto& t = it->second;
  if (!in_hours(tenant)) return false;
  return std::any_of(t.agents.begin(), t.agents.end(), [&](Id a) {
    auto ag = agents_.find(a);
    return ag != agents_.end() && ag->second.status == Availability::kOnline;
  });
}

std::optional<Millis> Presence::opens_at(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end() || !it->second.hours) return std::nullopt;
  auto now = at(clock_.now());
  if (is_open(*it->second.hours, now)) return std::nullopt;
  auto next = next_open(*it->second.hours, now);
  if (!next) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch()).count();
}

}  // namespace tiski
