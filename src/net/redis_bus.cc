#include "net/redis_bus.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "util/log.h"

namespace tiski::net {

namespace asio = boost::asio;

namespace {
constexpr std::string_view kPrefix = "tiski:";         // Redis channels: tiski:<topic>
constexpr std::string_view kClusterTopic = "cluster";  // tiski:cluster
constexpr int kMaxRetryMs = 2000;
}  // namespace

// One hiredis connection whose socket asio waits on (hiredis' event-loop hooks, below).
struct RedisBus::Conn : std::enable_shared_from_this<Conn> {
  Conn(asio::io_context& io, RedisBus* b, bool s) : sd(io), bus(b), subscriber(s) {}
  redisAsyncContext* ac = nullptr;
  asio::posix::stream_descriptor sd;
  RedisBus* bus;
  bool subscriber;
  bool up = false;
  bool want_read = false, want_write = false, reading = false, writing = false;

  void arm_read() {
    if (!ac || reading || !want_read) return;
    reading = true;
    sd.async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
      self->reading = false;
      if (ec || !self->ac || !self->want_read) return;
      redisAsyncHandleRead(self->ac);  // may end the connection: ac is then null
      self->arm_read();
    });
  }
  void arm_write() {
    if (!ac || writing || !want_write) return;
    writing = true;
    sd.async_wait(asio::posix::stream_descriptor::wait_write,
                  [self = shared_from_this()](boost::system::error_code ec) {
                    self->writing = false;
                    if (ec || !self->ac || !self->want_write) return;
                    redisAsyncHandleWrite(self->ac);
                    self->arm_write();
                  });
  }

  static void add_read(void* p) {
    auto* c = static_cast<Conn*>(p);
    c->want_read = true;
    c->arm_read();
  }
  static void del_read(void* p) { static_cast<Conn*>(p)->want_read = false; }
  static void add_write(void* p) {
    auto* c = static_cast<Conn*>(p);
    c->want_write = true;
    c->arm_write();
  }
  static void del_write(void* p) { static_cast<Conn*>(p)->want_write = false; }
  // hiredis is done with the context (it closes the socket itself).
  static void cleanup(void* p) {
    auto* c = static_cast<Conn*>(p);
    c->ac = nullptr;
    c->want_read = c->want_write = false;
    boost::system::error_code ec;
    c->sd.cancel(ec);
    if (c->sd.is_open()) c->sd.release();
  }
  static void on_connect(const redisAsyncContext* ac, int status) {
    auto* c = static_cast<Conn*>(ac->data);
    if (status != REDIS_OK) {
      c->bus->lost(c->subscriber);
      return;
    }
    c->up = true;
    c->bus->connected_(c->subscriber);
  }
  static void on_disconnect(const redisAsyncContext* ac, int /*status*/) {
    auto* c = static_cast<Conn*>(ac->data);
    c->up = false;
    c->bus->lost(c->subscriber);
  }
};

RedisBus::RedisBus(asio::io_context& io, std::string host, int port, std::string node_id)
    : io_(io), host_(std::move(host)), port_(port), node_(std::move(node_id)), pub_retry_(io), sub_retry_(io) {}

RedisBus::~RedisBus() { stop(); }

void RedisBus::start() {
  stopping_ = false;
  followed_[std::string(kClusterTopic)] = 1;  // always: the cluster's channel
  connect(false);
  connect(true);
}

void RedisBus::stop() {
  stopping_ = true;
  pub_retry_.cancel();
  sub_retry_.cancel();
  for (auto* c : {&pub_, &sub_}) {
    if (*c && (*c)->ac) redisAsyncDisconnect((*c)->ac);  // the callbacks see stopping_
  }
}

bool RedisBus::connected() const { return pub_ && pub_->up && sub_ && sub_->up; }

void RedisBus::connect(bool subscriber) {
  auto c = std::make_shared<Conn>(io_, this, subscriber);
  (subscriber ? sub_ : pub_) = c;
  redisAsyncContext* ac = redisAsyncConnect(host_.c_str(), port_);
  if (!ac || ac->err) {
    log::warn("redis: cannot connect", {{"error", ac ? ac->errstr : "out of memory"}});
    if (ac) redisAsyncFree(ac);
    lost(subscriber);
    return;
  }
  c->ac = ac;
  ac->data = c.get();
  ac->ev.data = c.get();
  ac->ev.addRead = &Conn::add_read;
  ac->ev.delRead = &Conn::del_read;
  ac->ev.addWrite = &Conn::add_write;
  ac->ev.delWrite = &Conn::del_write;
  ac->ev.cleanup = &Conn::cleanup;
  c->sd.assign(ac->c.fd);
  redisAsyncSetConnectCallback(ac, &Conn::on_connect);
  redisAsyncSetDisconnectCallback(ac, &Conn::on_disconnect);
}

void RedisBus::connected_(bool subscriber) {
  if (!subscriber) {
    pub_delay_ms_ = 250;
  } else {
    sub_delay_ms_ = 250;
    for (const auto& [topic, n] : followed_)
      if (n > 0) send_subscribe(topic, true);
    if (on_subscribed_) on_subscribed_();
  }
  // Fan-out is back when both connections are: the clients are asked to resync only then (with
  // the subscriber back first, what they sent before the publisher was would go to no other node:
  // a message in that window reached no console of another node, the cluster test's round 1).
  if (!pub_ || !pub_->up || !sub_ || !sub_->up) return;
  if (had_both_ && missed_) {
    missed_ = false;
    log::info("redis: fan-out resumed", {{"topics", followed_.size()}});
    if (on_reconnect_) on_reconnect_();
  }
  had_both_ = true;
}

// A connection failed or ended: try again later, keeping the old one alive until hiredis is
// done with it (its cleanup runs after this callback).
void RedisBus::lost(bool subscriber) {
  if (stopping_) return;
  if (had_both_) missed_ = true;  // either way something published meanwhile went nowhere
  auto& timer = subscriber ? sub_retry_ : pub_retry_;
  int& delay = subscriber ? sub_delay_ms_ : pub_delay_ms_;
  auto old = subscriber ? sub_ : pub_;
  log::warn("redis: connection lost; retrying", {{"subscriber", subscriber}, {"in_ms", delay}});
  timer.expires_after(std::chrono::milliseconds(delay));
  delay = std::min(delay * 2, kMaxRetryMs);
  timer.async_wait([this, subscriber, old](boost::system::error_code ec) {
    if (!ec && !stopping_) connect(subscriber);
  });
}

namespace {
void on_message(redisAsyncContext* /*ac*/, void* reply, void* bus) {
  auto* r = static_cast<redisReply*>(reply);
  if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 3) return;
  if (std::string_view(r->element[0]->str, r->element[0]->len) != "message") return;
  static_cast<RedisBus*>(bus)->deliver_remote(r);
}
}  // namespace

void RedisBus::send_subscribe(const std::string& topic, bool on) {
  if (!sub_ || !sub_->up || !sub_->ac) return;  // done on (re)connect
  std::string channel = std::string(kPrefix) + topic;
  if (on) {
    redisAsyncCommand(sub_->ac, &on_message, this, "SUBSCRIBE %b", channel.data(), channel.size());
  } else {
    redisAsyncCommand(sub_->ac, nullptr, nullptr, "UNSUBSCRIBE %b", channel.data(), channel.size());
  }
}

void RedisBus::subscribe(const std::string& topic, Subscriber* s) {
  local_.subscribe(topic, s);
  if (++followed_[topic] == 1) send_subscribe(topic, true);
}

void RedisBus::unsubscribe(const std::string& topic, Subscriber* s) {
  local_.unsubscribe(topic, s);
  auto it = followed_.find(topic);
  if (it == followed_.end()) return;
  if (--it->second <= 0) {
    followed_.erase(it);
    send_subscribe(topic, false);
  }
}

void RedisBus::publish(const std::string& topic, const Envelope& e, const Subscriber* except) {
  local_.publish(topic, e, except);
  if (!e.all_nodes || !e.frame) return;  // the other nodes render it from the event
  publish_raw(std::string(kPrefix) + topic, e.conv, *e.frame);
}

void RedisBus::send(std::string payload) { publish_raw(std::string(kPrefix) + std::string(kClusterTopic), 0, payload); }

void RedisBus::publish_raw(const std::string& channel, Id conv, std::string_view body) {
  if (!pub_ || !pub_->up || !pub_->ac) return;  // lost to other nodes: they resync
  std::string payload = node_ + "\n" + std::to_string(conv) + "\n";
  payload += body;
  redisAsyncCommand(pub_->ac, nullptr, nullptr, "PUBLISH %b %b", channel.data(), channel.size(), payload.data(),
                    payload.size());
  ++published_;
}

void RedisBus::deliver_remote(redisReply* r) {
  std::string_view channel(r->element[1]->str, r->element[1]->len);
  std::string_view payload(r->element[2]->str, r->element[2]->len);
  if (!channel.starts_with(kPrefix)) return;
  auto a = payload.find('\n');
  auto b = a == std::string_view::npos ? a : payload.find('\n', a + 1);
  if (b == std::string_view::npos) return;
  if (payload.substr(0, a) == node_) return;  // our own, delivered locally already
  Id conv = 0;
  for (char ch : payload.substr(a + 1, b - a - 1)) {
    if (ch < '0' || ch > '9') return;
    conv = conv * 10 + (ch - '0');
  }
  ++received_;
  if (channel.substr(kPrefix.size()) == kClusterTopic) {
    if (on_cluster_) on_cluster_(payload.substr(b + 1));
    return;
  }
  local_.publish(std::string(channel.substr(kPrefix.size())),
                 Envelope{std::make_shared<const std::string>(payload.substr(b + 1)), conv});
}

}  // namespace tiski::net
