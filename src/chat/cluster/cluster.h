// Cluster: what several nodes of one workspace tell each other, so that each node's domain
// holds the same picture as if it were the only one (docs/scaling.md, "Several nodes").
//
//   - A job's events: after a node published them on its own bus it sends them to the others,
//     who replay them on theirs (EventBus::replay): queues, loads, the consoles' lists and the
//     frames for their own sockets follow; emails, webhooks and records stay with the sender.
//   - Heartbeats, once a second and at once when it changes: the agents whose consoles are on
//     the node and their status there. Presence merges them (Presence::remote_status).
//   - Owners: every tenant has one owner among the nodes alive, by rendezvous hashing of the
//     tenant over the node ids — every node computes the same from the same heartbeats, with no
//     round trip and no lock. The owner offers the tenant's chats, times out unanswered ones,
//     closes idle ones; the node that owns tenant 0 leads (email, webhooks, mailboxes). While
//     the nodes' views differ (a node joined or died, up to kNodeTimeoutMs) two nodes may both
//     act for a tenant: the store referees (an assignment only takes a chat nobody holds, a
//     close only an open chat), so that costs a refused offer, never a chat given twice.
//   - Commands: an admin's change made through one node that the others must act on too (a
//     logout closes that session's consoles wherever they are; changed settings are read anew).
//   - A node not heard from for kNodeTimeoutMs while this node's link was up is gone: its
//     agents' word is forgotten and its tenants move. A node leaving says so (leave()).
//   - "rs" (resend): a node that starts, or whose link is back, asks the others to forget what
//     it shared by deltas before (the live visitor list: a restart under the same name, or
//     deltas lost in an outage) and to send theirs whole; after an outage it forgets theirs too.
//
// The link (Redis pub/sub in net/redis_bus.h) delivers in order per sender and may lose what
// is sent while it is down; after an outage the caller resyncs from the store (Chat::resync)
// and this class gives the other nodes a fresh timeout.
//
// Threading: the domain thread only.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/core/bus.h"
#include "chat/core/owners.h"
#include "chat/presence/presence.h"
#include "util/clock.h"

namespace tiski::cluster {

inline constexpr Millis kHeartbeatMs = 1000;
inline constexpr Millis kNodeTimeoutMs = 5000;

// How nodes reach each other: best effort, in order per sender.
class Link {
 public:
  virtual ~Link() = default;
  virtual void send(std::string payload) = 0;  // to every other node; dropped while down
  virtual bool up() const = 0;
};

// The owner of `tenant` among `nodes` (rendezvous hashing: the node with the highest hash of
// node and tenant; stable when other nodes come and go). Empty when there are no nodes.
std::string owner_of(Id tenant, const std::vector<std::string>& nodes);

class Cluster {
 public:
  struct Deps {
    EventBus& bus;
    Presence& presence;
    Owners& owners;
    const Clock& clock;
  };
  // Takes over the bus's forwarding and the owners' answers.
  Cluster(Deps d, Link& link, std::string node);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // The live visitor list's entries of this node (wire JSON, chat/proactive/), to the others.
  void send_live(boost::json::array entries);
  void set_on_live(std::function<void(const std::string& node, const boost::json::object& entry)> f) {
    on_live_ = std::move(f);
  }
  // What this node's abuse limits allowed in the last second (chat/gateway/abuse.h), to the others.
  void send_limits(boost::json::object spent);
  void set_on_limits(std::function<void(const std::string& node, const boost::json::object& spent)> f) {
    on_limits_ = std::move(f);
  }
  // Everything this node shares by deltas must be sent whole: a node joined, or the link is back.
  void set_on_resend(std::function<void()> f) { on_resend_ = std::move(f); }
  // What `node` shared by deltas may be stale (this node's link was down, or that node started
  // again under its name): forget it; the node sends it whole again.
  void set_on_stale(std::function<void(const std::string& node)> f) { on_stale_ = std::move(f); }
  void set_on_node_gone(std::function<void(const std::string& node)> f) { on_node_gone_ = std::move(f); }
  // Sends an admin's command to the other nodes (their on_command runs it).
  void command(boost::json::object cmd);
  void set_on_command(std::function<void(const boost::json::object&)> f) { on_command_ = std::move(f); }
  // What another node sent (the link's delivery); this node's own are ignored.
  void receive(std::string_view payload);
  // Once a second: the heartbeat, and nodes that fell silent.
  void tick();
  // The link is back after an outage: the others get a fresh timeout.
  void restored();
  // A graceful stop: the others forget this node at once.
  void leave();

  const std::string& node() const { return node_; }
  std::vector<std::string> nodes() const;  // alive, this one included, sorted
  bool owns(Id tenant) const { return owner_of(tenant, nodes_) == node_; }
  bool leads() const { return owns(0); }
  // The set of nodes changed (so may the owners): the caller routes what it now owns.
  void set_on_owners_changed(std::function<void()> f) { on_owners_changed_ = std::move(f); }

 private:
  struct Peer {
    Millis seen = 0;
    std::vector<std::pair<Id, Availability>> said;  // its agents' status, by agent
  };
  void heartbeat();
  Peer& alive(const std::string& node);
  void heard(const std::string& node, Peer& peer, const boost::json::array& agents);
  void forget(const std::string& node);
  void nodes_changed();
  void send(boost::json::object msg);

  Deps d_;
  Link& link_;
  std::string node_;
  std::map<std::string, Peer> peers_;
  std::vector<std::string> nodes_;  // node_ and peers_, sorted
  std::vector<std::pair<Id, Availability>> sent_;
  Millis up_since_ = 0;
  bool was_up_ = false;
  std::function<void()> on_owners_changed_;
  std::function<void(const boost::json::object&)> on_command_;
  std::function<void(const std::string&, const boost::json::object&)> on_live_;
  std::function<void()> on_resend_;
  std::function<void(const std::string&)> on_stale_;
  bool said_start_ = false;  // "rs" sent once the link was first up
  std::function<void(const std::string&, const boost::json::object&)> on_limits_;
  std::function<void(const std::string&)> on_node_gone_;
};

}  // namespace tiski::cluster
