// Fan-out across nodes through Redis (issue 15, docs/scaling.md): a PubSub that delivers locally at
// once, as LocalPubSub does, and publishes a frame marked `all_nodes` on the Redis channel of its
// topic for the other nodes; frames other nodes publish on the topics this node's sessions follow
// are delivered to them. A node subscribes in Redis only to the topics it has subscribers for.
// Its own frames coming back from Redis are recognised by the node id and dropped (delivered
// once, locally). It is also the cluster's link (chat/cluster/cluster.h): the channel
// tiski:cluster carries the nodes' events and heartbeats.
//
// Two Redis connections (hiredis, async, driven by this io_context: a subscribing connection can
// publish nothing); a lost connection is retried every 250 ms to 2 s and, once back, every
// followed topic is subscribed again and `on_reconnect` runs (what was published meanwhile is
// lost to this node: its clients resync by sequence number — the caller's part).
//
// Threading: the io_context's thread only (the domain thread, like every PubSub).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "chat/cluster/cluster.h"
#include "chat/pubsub.h"

struct redisAsyncContext;
struct redisReply;

namespace tiski::net {

class RedisBus final : public PubSub, public cluster::Link {
 public:
  RedisBus(boost::asio::io_context& io, std::string host, int port, std::string node_id);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  void start();
  void stop();  // disconnects; no reconnect
  void subscribe(const std::string& topic, Subscriber* s) override;
  void unsubscribe(const std::string& topic, Subscriber* s) override;
  void publish(const std::string& topic, const Envelope& e, const Subscriber* except = nullptr) override;

  bool connected() const;
  // cluster::Link
  void send(std::string payload) override;
  bool up() const override { return connected(); }
  // Where the other nodes' cluster messages go.
  void set_on_cluster(std::function<void(std::string_view)> f) { on_cluster_ = std::move(f); }
  // Runs after a lost connection is back (not on the first connect).
  void set_on_reconnect(std::function<void()> f) { on_reconnect_ = std::move(f); }
  // Runs each time the subscribing connection is up and following its topics, the first included.
  void set_on_subscribed(std::function<void()> f) { on_subscribed_ = std::move(f); }
  std::uint64_t published() const { return published_; }
  std::uint64_t received() const { return received_; }

  struct Conn;                         // one hiredis connection on an asio descriptor (redis_bus.cc)
  void deliver_remote(redisReply* r);  // another node's frame, from the subscribing connection

 private:
  void connect(bool subscriber);
  void connected_(bool subscriber);
  void lost(bool subscriber);
  void send_subscribe(const std::string& topic, bool on);
  void publish_raw(const std::string& channel, Id conv, std::string_view body);

  boost::asio::io_context& io_;
  std::string host_;
  int port_;
  std::string node_;
  LocalPubSub local_;
  std::unordered_map<std::string, int> followed_;  // topic -> local subscribers
  std::shared_ptr<Conn> pub_, sub_;
  boost::asio::steady_timer pub_retry_, sub_retry_;
  int pub_delay_ms_ = 250, sub_delay_ms_ = 250;
  bool stopping_ = false;
  bool had_both_ = false;  // both connections have been up before (a reconnect follows)
  bool missed_ = false;    // one was lost since: the clients resync when both are back
  std::function<void()> on_reconnect_;
  std::function<void()> on_subscribed_;
  std::function<void(std::string_view)> on_cluster_;
  std::uint64_t published_ = 0, received_ = 0;
};

}  // namespace tiski::net
