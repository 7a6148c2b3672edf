// Chat's part in several nodes (chat/cluster/, docs/scaling.md): joining, who owns what, reading
// the store anew after an outage, and the admins' commands told to the other nodes and obeyed.
#include <algorithm>

#include "chat/chat.h"
#include "chat/cluster/wire.h"
#include "util/log.h"

namespace tiski {

cluster::Cluster& Chat::join_cluster(cluster::Link& link, std::string node) {
  cluster_ = std::make_unique<cluster::Cluster>(cluster::Cluster::Deps{bus_, presence_, owners_, clock_}, link,
                                                std::move(node));
  cluster_->set_on_owners_changed([this] { owners_changed(); });
  cluster_->set_on_command([this](const boost::json::object& cmd) { on_command(cmd); });
  // The live visitor list: each entry of this node as it changes; all of them to a node that
  // joined or after an outage (in messages of 200); the others' entries kept here.
  proactive_.set_live_out([this](boost::json::object e) { cluster_->send_live(boost::json::array{std::move(e)}); });
  cluster_->set_on_live(
      [this](const std::string& node, const boost::json::object& e) { proactive_.remote_live(node, e); });
  cluster_->set_on_node_gone([this](const std::string& node) {
    proactive_.node_gone(node);
    abuse_.node_gone(node);
  });
  // The abuse limits hold across nodes: what each allowed is spent from the others' buckets.
  abuse_.share();
  cluster_->set_on_limits([this](const std::string& node, const boost::json::object& spent) {
    abuse_.spend_elsewhere(node, limits_of(spent), clock_.now());
  });
  cluster_->set_on_stale([this](const std::string& node) { proactive_.node_gone(node); });
  cluster_->set_on_resend([this] {
    boost::json::array batch;
    for (auto& e : proactive_.local_live()) {
      batch.push_back(std::move(e));
      if (batch.size() == 200) cluster_->send_live(std::exchange(batch, {}));
    }
    cluster_->send_live(std::move(batch));
  });
  return *cluster_;
}

// The nodes changed: this one may lead now (or no longer), and own tenants it did not.
void Chat::owners_changed() {
  outbox_.set_mailer(owners_.leads() ? mailer_ : nullptr);
  router_.route_all();
}

void Chat::resync() {
  std::vector<Id> held = router_.open_ids();
  jobs_.run<std::vector<Conversation>>(
      [held](Store& st, events::Recorder&) -> Result<std::vector<Conversation>> {
        std::vector<Id> tenants;
        for (const auto& t : TRY(st.tenants())) tenants.push_back(t.id);
        auto list = TRY(st.open_conversations(tenants));
        std::unordered_set<Id> open;
        for (const auto& c : list) open.insert(c.id);
        for (Id id : held) {
          if (open.contains(id)) continue;
          auto c = st.conversation(id);  // closed meanwhile (or erased: then nothing to show)
          if (c) list.push_back(std::move(c).value());
        }
        return list;
      },
      [this](Result<std::vector<Conversation>> r) {
        if (!r) {
          log::warn("cluster: reading the open conversations anew failed", {{"error", r.error().message}});
          return;
        }
        for (const auto& c : *r) bus_.publish(events::ConversationUpdated{c});
        router_.route_all();
        log::info("cluster: open conversations read anew from the store", {{"conversations", r->size()}});
      });
}

boost::json::object Chat::limits_json(const AbuseLimits::Shared& s) {
  boost::json::array addresses, visitors, connections;
  for (const auto& [address, n] : s.addresses) addresses.push_back(boost::json::array{address, n[0], n[1], n[2], n[3]});
  for (const auto& [visitor, n] : s.visitors) visitors.push_back(boost::json::array{visitor, n[0], n[1]});
  for (const auto& [address, n] : s.connections) connections.push_back(boost::json::array{address, n});
  return {{"a", std::move(addresses)}, {"v", std::move(visitors)}, {"c", std::move(connections)}};
}

// Another node's report; entries of the wrong shape are skipped (counts are clamped to 0..1000).
AbuseLimits::Shared Chat::limits_of(const boost::json::object& o) {
  AbuseLimits::Shared s;
  auto count = [](const boost::json::value& v) {
    return v.is_int64() ? static_cast<int>(std::clamp<std::int64_t>(v.get_int64(), 0, 1000)) : 0;
  };
  auto list = [&](const char* k) -> const boost::json::array* {
    const auto* v = o.if_contains(k);
    return v ? v->if_array() : nullptr;
  };
  if (const auto* a = list("a")) {
    for (const auto& e : *a) {
      const auto* x = e.if_array();
      if (!x || x->size() != 5 || !x->at(0).is_string()) continue;
      s.addresses[std::string(x->at(0).get_string())] = {count(x->at(1)), count(x->at(2)), count(x->at(3)),
                                                         count(x->at(4))};
    }
  }
  if (const auto* v = list("v")) {
    for (const auto& e : *v) {
      const auto* x = e.if_array();
      if (!x || x->size() != 3 || !x->at(0).is_int64()) continue;
      s.visitors[x->at(0).get_int64()] = {count(x->at(1)), count(x->at(2))};
    }
  }
  if (const auto* c = list("c")) {
    for (const auto& e : *c) {
      const auto* x = e.if_array();
      if (!x || x->size() != 2 || !x->at(0).is_string()) continue;
      s.connections.emplace_back(std::string(x->at(0).get_string()), count(x->at(1)));
    }
  }
  return s;
}

void Chat::tell(boost::json::object cmd) {
  if (cluster_ && !obeying_) cluster_->command(std::move(cmd));
}

void Chat::session_ended(const std::string& session_hash) {
  gateway_.session_ended(session_hash);
  tell({{"c", "session_ended"}, {"hash", session_hash}});
}

void Chat::agent_sessions_ended(Id agent) {
  gateway_.agent_sessions_ended(agent);
  tell({{"c", "agent_ended"}, {"agent", agent}});
}

void Chat::block_added(const Block& b) {
  gateway_.block_added(b);
  tell({{"c", "block"}, {"block", cluster::block_json(b)}});
}

void Chat::block_lifted(Id tenant, Id block) {
  gateway_.block_lifted(tenant, block);
  tell({{"c", "unblock"}, {"tenant", tenant}, {"block", block}});
}

// Another node's command. Ids and texts are checked for their type; one that does not fit is
// dropped with a warning (the nodes run the same version: that is a bug, not an attack).
void Chat::on_command(const boost::json::object& cmd) {
  auto str = [&](const char* k) -> std::string {
    const auto* v = cmd.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  auto id = [&](const char* k) -> Id {
    const auto* v = cmd.if_contains(k);
    return v && v->is_int64() ? v->get_int64() : 0;
  };
  std::string c = str("c");
  obeying_ = true;
  if (c == "session_ended" && !str("hash").empty()) {
    gateway_.session_ended(str("hash"));
  } else if (c == "agent_ended" && id("agent") > 0) {
    gateway_.agent_sessions_ended(id("agent"));
  } else if (c == "block" && cmd.contains("block")) {
    if (auto b = cluster::block_of(cmd.at("block"))) gateway_.block_added(*b);
  } else if (c == "unblock" && id("block") > 0) {
    gateway_.block_lifted(id("tenant"), id("block"));
  } else if (c == "agent" && id("agent") > 0) {
    reload_agent(id("agent"));
  } else if (c == "reload") {
    reload_settings();
  } else if (c == "mailboxes") {
    kick_mailboxes();
  } else {
    log::warn("cluster: a command this node does not know was dropped", {{"command", c}});
  }
  obeying_ = false;
}

void Chat::reload_settings() {
  jobs_.run<ChatState>([](Store& st, events::Recorder&) { return load_state(st, /*settings_only=*/true); },
                       [this](Result<ChatState> r) {
                         if (!r) {
                           log::warn("cluster: reading changed settings failed", {{"error", r.error().message}});
                           return;
                         }
                         obeying_ = true;
                         apply_settings(*r);
                         obeying_ = false;
                       });
}

void Chat::reload_agent(Id id) {
  struct Read {
    Agent agent;
    std::vector<Membership> memberships;
    std::vector<Id> teams;
  };
  jobs_.run<Read>(
      [id](Store& st, events::Recorder&) -> Result<Read> {
        return Read{TRY(st.agent_by_id(id)), TRY(st.memberships_of(id)), TRY(st.team_ids_of(id))};
      },
      [this, id](Result<Read> r) {
        if (!r) {
          log::warn("cluster: reading a changed agent failed", {{"agent", id}, {"error", r.error().message}});
          return;
        }
        obeying_ = true;
        agent_changed(r->agent, r->memberships, r->teams);
        obeying_ = false;
      });
}

}  // namespace tiski
