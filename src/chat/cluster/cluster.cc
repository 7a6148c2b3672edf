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
  const json::value* from = msg ? msg->if_contains("n") : nullptr;
  const json::value* kind = msg ? msg->if_contains("k") : nullptr;
  if (!from || !from->is_string() || !kind || !kind->is_string()) {
    log::warn("cluster: a message that does not parse was dropped", {{"bytes", payload.size()}});
    return;
  }
  std::string node(from->get_string());
  std::string_view k = kind->get_string();
  if (node == node_) return;
  if (k == "bye") {
    log::info("cluster: a node left", {{"node", node}});
    return forget(node);
  }
  if (k != "hb" && k != "ev" && k != "lv" && k != "ab" && k != "cmd" && k != "rs") {
    log::warn("cluster: a message of an unknown kind was dropped", {{"node", node}});
    return;
  }
  Peer& peer = alive(node);  // whatever it says, it is alive
  if (k == "hb") {
    const auto* agents = msg->if_contains("a");
    if (agents && agents->is_array()) heard(node, peer, agents->get_array());
  } else if (k == "ev") {
    const auto* e = msg->if_contains("e");
    auto list = e ? decode(*e) : Result<std::vector<events::Event>>(Error::bad_request("no events"));
    if (!list) {
      log::warn("cluster: events that do not decode were dropped", {{"node", node}, {"error", list.error().message}});
      return;
    }
    d_.bus.replay(*list);
  } else if (k == "lv") {
    const auto* list = msg->if_contains("v");
    if (!list || !list->is_array() || !on_live_) return;
    for (const auto& e : list->get_array()) {
      if (const auto* o = e.if_object()) on_live_(node, *o);
    }
  } else if (k == "ab") {
    const auto* spent = msg->if_contains("s");
    if (spent && spent->is_object() && on_limits_) on_limits_(node, spent->get_object());
  } else if (k == "rs") {  // it started or its link is back: its earlier word is stale, it wants ours
    if (on_stale_) on_stale_(node);
    if (on_resend_) on_resend_();
  } else if (k == "cmd") {
    const auto* cmd = msg->if_contains("c");
    if (cmd && cmd->is_object() && on_command_) on_command_(cmd->get_object());
  }
}

// Any message of a node: it is alive now; a node not known yet has joined.
Cluster::Peer& Cluster::alive(const std::string& node) {
  auto [it, fresh] = peers_.try_emplace(node);
  it->second.seen = d_.clock.now();
  if (fresh) {
    log::info("cluster: a node joined", {{"node", node}});
    nodes_changed();
    if (on_resend_) on_resend_();  // it knows nothing of ours yet
  }
  return it->second;
}

// A heartbeat: the node's agents, each [id, status, name, capacity, [tenants], [teams]],
// compared with what it said before.
void Cluster::heard(const std::string& node, Peer& peer, const json::array& list) {
  std::vector<std::pair<Id, Availability>> said;
  for (const auto& item : list) {
    const auto* a = item.if_array();
    if (!a || a->size() != 6 || !a->at(0).is_int64() || !a->at(1).is_string()) continue;
    auto s = status_of(a->at(1).get_string());
    auto profile = profile_of(*a);
    if (!s || !profile) continue;
    Id agent = a->at(0).get_int64();
    const auto* known = d_.presence.agent(agent);
    if (!known || known->profile != *profile) d_.presence.know_agent(agent, std::move(*profile));
    said.emplace_back(agent, *s);
  }
  std::sort(said.begin(), said.end());
  for (const auto& entry : peer.said) {  // agents it no longer has
    Id gone = entry.first;
    bool still = std::any_of(said.begin(), said.end(), [gone](const auto& p) { return p.first == gone; });
    if (!still) d_.presence.remote_status(node, gone, Availability::kOffline);
  }
  for (const auto& [agent, s] : said) d_.presence.remote_status(node, agent, s);
  peer.said = std::move(said);
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
  if (!up) return;     // silence is not news while we cannot hear
  if (!said_start_) {  // before anything it shares: the others forget a process of the same name
    said_start_ = true;
    send(json::object{{"k", "rs"}});
  }
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
  for (auto& [n, p] : peers_) {
    p.seen = now;
    if (on_stale_) on_stale_(n);  // what they said meanwhile was lost: they send it whole again
  }
  send(json::object{{"k", "rs"}});  // before ours, which it would otherwise make them forget
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
