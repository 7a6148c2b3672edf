// Fan-out of frames to the participants of conversations, tenants and visitors.
//
// Every delivery goes through PubSub. The in-process LocalPubSub is what one node uses. With
// several nodes (net/redis_bus.h) each node renders the frames of domain events for its own
// sockets (the events themselves cross nodes, chat/cluster/); only frames that come from no
// event — typing, the live visitor list — are marked `all_nodes` and cross through Redis.
//
// Topics (see topic_*): "c:<conv>" agents watching a conversation; "v:<visitor>" that
// visitor's tabs; "t:<tenant>" agents of a tenant (conversation lifecycle).
//
// Threading: network thread only. Subscribers must unsubscribe before they are destroyed.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "chat/protocol.h"

namespace tiski {

// What a publish carries: the serialised frame plus what receivers need to filter it
// without parsing (the conversation it concerns, 0 if none).
struct Envelope {
  proto::SharedFrame frame;
  Id conv = 0;
  bool all_nodes = false;  // also to the other nodes' subscribers (no event carries it there)
};

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void deliver(const Envelope& e) = 0;
};

std::string topic_conv(Id conv);
std::string topic_visitor(Id visitor);
std::string topic_tenant(Id tenant);
// Live-chat availability of a tenant, for its visitors (avail frames).
std::string topic_avail(Id tenant);
// The live visitor list of a tenant, for agents who follow it.
std::string topic_live(Id tenant);

class PubSub {
 public:
  virtual ~PubSub() = default;
  virtual void subscribe(const std::string& topic, Subscriber* s) = 0;
  virtual void unsubscribe(const std::string& topic, Subscriber* s) = 0;
  // Delivers to every subscriber of `topic` except `except` (the sender, which gets an ack).
  virtual void publish(const std::string& topic, const Envelope& e, const Subscriber* except = nullptr) = 0;
};

class LocalPubSub final : public PubSub {
 public:
  void subscribe(const std::string& topic, Subscriber* s) override;
  void unsubscribe(const std::string& topic, Subscriber* s) override;
  void publish(const std::string& topic, const Envelope& e, const Subscriber* except = nullptr) override;
  std::size_t topic_count() const { return topics_.size(); }

 private:
  std::unordered_map<std::string, std::vector<Subscriber*>> topics_;
};

}  // namespace tiski
