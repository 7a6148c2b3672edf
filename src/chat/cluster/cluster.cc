#include "chat/cluster/cluster.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "chat/cluster/wire.h"
#include "util/log.h"

namespace tiski::cluster {

namespace json = boost::json;

namespace {

// FNV-1a, 64 bits: the same on every node (std::hash need not be).
std::uint64_t fnv(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// splitmix64's finaliser: FNV alone leaves short, similar keys badly spread.
std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string_view status_word(Availability a) {
  switch (a) {
    case Availability::kOnline: return "online";
    case Availability::kAway: return "away";
    case Availability::kOffline: break;
  }
  return "offline";
}

std::optional<Availability> status_of(std::string_view s) {
  if (s == "online") return Availability::kOnline;
  if (s == "away") return Availability::kAway;
  if (s == "offline") return Availability::kOffline;
  return std::nullopt;
}

// [id, status, name, capacity, [tenants], [teams]] of a heartbeat: the profile.
std::optional<AgentProfile> profile_of(const json::array& a) {
  const auto* tenants = a.at(4).if_array();
  const auto* teams = a.at(5).if_array();
  if (!a.at(2).is_string() || !a.at(3).is_int64() || !tenants || !teams) return std::nullopt;
  AgentProfile p;
  p.name = std::string(a.at(2).get_string());
  p.capacity = static_cast<int>(a.at(3).get_int64());
  for (const auto& t : *tenants) {
    if (!t.is_int64()) return std::nullopt;
    p.tenants.push_back(t.get_int64());
  }
  for (const auto& t : *teams) {
    if (!t.is_int64()) return std::nullopt;
    p.teams.push_back(t.get_int64());
  }
  return p;
}

}  // namespace

std::string owner_of(Id tenant, const std::vector<std::string>& nodes) {
  std::string best;
  std::uint64_t best_h = 0;
  std::string key = ":" + std::to_string(tenant);
  for (const auto& n : nodes) {
    std::uint64_t h = mix(fnv(key, fnv(n)));
    if (best.empty() || h > best_h || (h == best_h && n < best)) {
      best = n;
      best_h = h;
    }
  }
  return best;
}

Cluster::Cluster(Deps d, Link& link, std::string node) : d_(d), link_(link), node_(std::move(node)) {
  nodes_ = {node_};
  d_.bus.set_forward([this](const std::vector<events::Event>& list) {
    send(json::object{{"k", "ev"}, {"e", encode(list)}});
  });
  d_.bus.on<events::AgentStatusChanged>([this](const auto&) {
    if (d_.presence.own_statuses() != sent_) heartbeat();  // an own change: tell it now
  });
  d_.owners.set([this](Id tenant) { return owns(tenant); }, [this] { return leads(); });
}

Cluster::~Cluster() {
  d_.bus.set_forward(nullptr);
  d_.owners.set(nullptr, nullptr);
}

void Cluster::send(json::object msg) {
  msg["n"] = node_;
  link_.send(json::serialize(msg));
}

void Cluster::heartbeat() {
  sent_ = d_.presence.own_statuses();
  json::array agents;
  for (const auto& [id, s] : sent_) {
    // With the agent as routing knows them: an agent made while the other node ran is news to it.
    const auto& p = d_.presence.agent(id)->profile;
    json::array tenants(p.tenants.begin(), p.tenants.end()), teams(p.teams.begin(), p.teams.end());
    agents.push_back(json::array{id, status_word(s), p.name, p.capacity, std::move(tenants), std::move(teams)});
  }
  send(json::object{{"k", "hb"}, {"a", std::move(agents)}});
}

void Cluster::receive(std::string_view payload) {
  json::error_code ec;
  auto v = json::parse(payload, ec);
  const json::object* msg = ec ? nullptr : v.if_object();
  const json::string* from = msg && msg->contains("n") ? msg->at("n").if_string() : nullptr;
  const json::string* kind = msg && msg->contains("k") ? msg->at("k").if_string() : nullptr;
  if (!from || !kind) {
    log::warn("cluster: a message that does not parse was dropped", {{"bytes", payload.size()}});
    return;
  }
  std::string node(*from);
  if (node == node_) return;
  if (*kind == "bye") {
    log::info("cluster: a node left", {{"node", node}});
    return forget(node);
  }
  if (*kind == "hb") return heard(node, *msg);
  if (*kind == "lv") {
    if (!peers_.contains(node)) heard(node, json::object{});
    const auto* list = msg->contains("v") ? msg->at("v").if_array() : nullptr;
    if (!list || !on_live_) return;
    for (const auto& e : *list) {
      if (const auto* o = e.if_object()) on_live_(node, *o);
    }
    return;
  }
  if (*kind == "ab") {
    const auto* spent = msg->contains("s") ? msg->at("s").if_object() : nullptr;
    if (spent && on_limits_) on_limits_(node, *spent);
    return;
  }
  if (*kind == "cmd") {
    const auto* cmd = msg->contains("c") ? msg->at("c").if_object() : nullptr;
    if (cmd && on_command_) on_command_(*cmd);
    return;
  }
  if (*kind == "ev") {
    if (!peers_.contains(node)) heard(node, json::object{});  // events before its first heartbeat
    peers_[node].seen = d_.clock.now();
    auto list =
        msg->contains("e") ? decode(msg->at("e")) : Result<std::vector<events::Event>>(Error::bad_request("no events"));
    if (!list) {
      log::warn("cluster: events that do not decode were dropped", {{"node", node}, {"error", list.error().message}});
      return;
    }
    d_.bus.replay(*list);
  }
}

// A heartbeat (or the first sign of a node): its agents' status, compared with what it said before.
void Cluster::heard(const std::string& node, const json::object& msg) {
  auto [it, fresh] = peers_.try_emplace(node);
  it->second.seen = d_.clock.now();
  if (fresh) {
    log::info("cluster: a node joined", {{"node", node}});
    nodes_changed();
    if (on_resend_) on_resend_();  // it knows nothing of ours yet
  }
  const json::array* list = msg.contains("a") ? msg.at("a").if_array() : nullptr;
  if (!list) return;
  std::vector<std::pair<Id, Availability>> said;
  for (const auto& item : *list) {
    const auto* a = item.if_array();
    if (!a || a->size() != 6 || !a->at(0).is_int64() || !a->at(1).is_string()) continue;
    auto s = status_of(a->at(1).get_string());
    auto profile = profile_of(*a);
    if (!s || !profile) continue;
    Id agent = a->at(0).get_int64();
    const auto* known = d_.presence.agent(agent);
    if (!known || known->profile.name != profile->name || known->profile.capacity != profile->capacity ||
        known->profile.tenants != profile->tenants || known->profile.teams != profile->teams) {
      d_.presence.know_agent(agent, std::move(*profile));
    }
    said.emplace_back(agent, *s);
  }
  std::sort(said.begin(), said.end());
  auto& before = it->second.said;
  for (const auto& entry : before) {  // agents it no longer has
    Id gone = entry.first;
    bool still = std::any_of(said.begin(), said.end(), [gone](const auto& p) { return p.first == gone; });
    if (!still) d_.presence.remote_status(node, gone, Availability::kOffline);
  }
  for (const auto& [agent, s] : said) d_.presence.remote_status(node, agent, s);
  before = std::move(said);
}

void Cluster::forget(const std::string& node) {
  if (peers_.erase(node) == 0) return;
  d_.presence.node_gone(node);
  if (on_node_gone_) on_node_gone_(node);
  nodes_changed();
}

void Cluster::nodes_changed() {
  nodes_ = {node_};
  for (const auto& [n, p] : peers_) nodes_.push_back(n);
  std::sort(nodes_.begin(), nodes_.end());
  if (on_owners_changed_) on_owners_changed_();
}

std::vector<std::string> Cluster::nodes() const { return nodes_; }

void Cluster::tick() {
  Millis now = d_.clock.now();
  bool up = link_.up();
  if (up && !was_up_) up_since_ = now;
  was_up_ = up;
  if (!up) return;  // silence is not news while we cannot hear
  heartbeat();
  if (now - up_since_ < kNodeTimeoutMs) return;
  std::vector<std::string> silent;
  for (const auto& [n, p] : peers_) {
    if (now - p.seen > kNodeTimeoutMs) silent.push_back(n);
  }
  for (const auto& n : silent) {
    log::warn("cluster: a node fell silent; its tenants move", {{"node", n}});
    forget(n);
  }
}

void Cluster::restored() {
  Millis now = d_.clock.now();
  up_since_ = now;
  for (auto& [n, p] : peers_) p.seen = now;
  heartbeat();
  if (on_resend_) on_resend_();  // what the others missed meanwhile
}

void Cluster::send_limits(json::object spent) { send(json::object{{"k", "ab"}, {"s", std::move(spent)}}); }

void Cluster::send_live(json::array entries) {
  if (!entries.empty()) send(json::object{{"k", "lv"}, {"v", std::move(entries)}});
}

void Cluster::command(json::object cmd) { send(json::object{{"k", "cmd"}, {"c", std::move(cmd)}}); }

void Cluster::leave() { send(json::object{{"k", "bye"}}); }

}  // namespace tiski::cluster
