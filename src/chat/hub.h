// The Hub: the chat domain for live connections. It turns client frames into store jobs and
// store results into acknowledgements and fan-out, and knows nothing of sockets (net/ owns
// those and talks to the hub through Transport) or of SQL (store/ behind StoreWorker).
//
// One message, end to end (docs/design.md tells it at length):
//   visitor frame -> on_text() validates, rate-limits -> StoreWorker job (sequence + store,
//   group commit) -> completion on the network thread -> ack to the sender, msg published to
//   "c:<conv>" (agents watching) and "v:<visitor>" (the visitor's other tabs).
//
// Exactly-once resync: a connection subscribes to a topic *before* it submits the job that
// reads the state (snapshot, history, welcome) and drops that topic's frames until the job's
// result has been sent. Completions arrive in commit order, so every frame dropped that way
// describes a change the read already saw, and every frame after it is newer.
//
// Threading: everything here runs on the network thread (the io_context that owns the
// connections); store work happens on the StoreWorker thread and comes back by post.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "chat/auth.h"
#include "chat/pubsub.h"
#include "chat/hours.h"
#include "chat/routing.h"
#include "chat/rules.h"
#include "chat/signals.h"
#include "mail/mime.h"
#include "store/store_worker.h"
#include "util/metrics.h"

namespace tiski {

// A connection as the hub sees it. Implemented by net/ (WebSocket). Network thread only.
class Transport {
 public:
  virtual ~Transport() = default;
  // Queues a text frame without blocking. Returns false when it was not queued: the
  // connection is closing, or its send queue overflowed (the transport then closes itself as a
  // slow consumer). Must not destroy the session synchronously.
  virtual bool send(const proto::SharedFrame& frame) = 0;
  // Sends a close frame (after what is queued) and ends the connection. `reason` must be a
  // string literal (it is kept, not copied).
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

// Token bucket rate limiter. Not thread-safe.
class TokenBucket {
 public:
  TokenBucket(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}
  bool take(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_{};
};

class Hub;

class ClientSession : public Subscriber, public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(Transport& t, double frames_per_second, double frame_burst);
  // Called by net when the connection is gone; the session then sends nothing more.
  void detach() { transport_ = nullptr; }
  bool attached() const { return transport_ != nullptr; }
  void send(const proto::SharedFrame& f);
  void close(std::uint16_t code, std::string_view reason);

 protected:
  friend class Hub;
  Transport* transport_;
  TokenBucket messages_;
  TokenBucket frames_;
  std::vector<std::string> topics_;  // subscribed, for cleanup
  bool ready_ = false;               // welcome / snapshot sent: published frames flow
  std::chrono::steady_clock::time_point last_typing_{};
};

class VisitorSession final : public ClientSession {
 public:
  explicit VisitorSession(Transport& t);
  void deliver(const Envelope& e) override;
  Id visitor() const { return visitor_; }

 private:
  friend class Hub;
  bool hello_started_ = false;
  Id visitor_ = 0;
  Id site_ = 0;
  Id tenant_ = 0;
  Id conv_ = 0;  // the open conversation as last known, 0 if none
  // What the widget reports for the proactive rules (issue 4), and the invitation state.
  rules::Facts facts_;
  std::optional<Cart> cart_;
  std::string title_;
  std::string visit_;
  rules::History history_;
  std::int64_t invited_rule_ = 0;  // shown on this page, neither answered nor dismissed
  std::string invited_text_;
  bool invited_this_page_ = false;  // at most one invitation per page view
};

class AgentSession final : public ClientSession {
 public:
  AgentSession(Transport& t, AgentIdentity id);
  void deliver(const Envelope& e) override;
  const AgentIdentity& identity() const { return identity_; }

 private:
  friend class Hub;
  AgentIdentity identity_;
  std::unordered_map<Id, Id> watching_;      // conv -> its visitor, history sent
  std::unordered_set<Id> pending_watch_;     // conv whose history is being read
};

// Routing settings (config [routing]); times in milliseconds.
struct RoutingOptions {
  Millis assign_timeout_ms = 60'000;      // an auto-assigned chat unanswered this long goes to the next agent
  Millis auto_away_ms = 10 * 60'000;      // an online agent idle this long becomes away
  Millis offline_grace_ms = 30'000;       // an agent whose sockets all dropped is offline after this
  Millis default_handle_ms = 4 * 60'000;  // handling time assumed for queue estimates until measured
};

namespace mail {
class Mailer;
}

// Email replies (config [smtp]): how replies are composed, and whether a relay is set.
struct HubMail {
  mail::Identity identity;
  bool configured = false;
};

class Hub {
 public:
  Hub(StoreWorker& store, PubSub& pubsub, Metrics& metrics, std::string token_secret, RoutingOptions routing = {},
      HubMail mail = {});
  // Start-up: the conversations that were open when the server last stopped, and the tenants
  // (their business hours decide whether live chat is open).
  void load_open(const std::vector<Conversation>& open);
  void load_tenants(const std::vector<Tenant>& tenants);
  // A tenant's business hours changed (text form; "" = always open).
  void set_tenant_hours(Id tenant, const std::string& hours);
  // Live chat is open for the tenant's visitors: within business hours and an agent online.
  bool live_open(Id tenant, Millis now) const;
  // Buying-signal phrases (share/buying-signals.json).
  void set_phrases(signals::Phrases p) { phrases_ = std::move(p); }
  // Proactive rules per site (start-up, and when they change).
  void load_sites(const std::vector<Site>& sites);
  void set_site_rules(Id site, rules::RuleSet rs);
  // The mailer that delivers email replies; kicked when a reply is queued.
  void set_mailer(mail::Mailer* m) { mailer_ = m; }
  // A queued email changed state (mailer, network thread): tell the agents.
  void mail_changed(const OutMail& m);
  // The tenant's agents and their presence (REST).
  boost::json::array presence_of(Id tenant) const;
  // The tenant's live queue in service order (REST): conv, position, waiting ms.
  boost::json::array queue_of(Id tenant, Millis now) const;
  // An agent sets their status from the REST API; conflict without an open console.
  Status set_status(Id agent, std::string_view status);
  // Called about once a second by the server: presence timeouts and reassignment.
  void tick(Millis now);

  std::shared_ptr<VisitorSession> visitor_connected(Transport& t);
  // Sends the snapshot (asynchronously) and subscribes to the agent's tenants.
  std::shared_ptr<AgentSession> agent_connected(Transport& t, AgentIdentity identity);
  void on_text(VisitorSession& s, std::string_view text);
  void on_text(AgentSession& s, std::string_view text);
  // The connection closed: unsubscribe everything, detach.
  void disconnected(ClientSession& s);

  // Graceful shutdown: from now on new work is refused with "unavailable".
  void begin_shutdown() { shutting_down_ = true; }
  // Store jobs submitted and not yet completed (their acks are still owed).
  std::size_t in_flight() const { return in_flight_; }

 private:
  template <class T, class S, class Fn, class Done>
  void run(S& s, Fn fn, Done done, std::string cid = {}, std::optional<Id> conv = {});
  void subscribe(ClientSession& s, const std::string& topic);
  void unsubscribe(ClientSession& s, const std::string& topic);
  bool admit(ClientSession& s, bool is_message, std::string_view cid);
  void reject(ClientSession& s, const Error& e, std::string_view cid = {}, std::optional<Id> conv = {});
  void publish_conv(const Conversation& c);
  void publish_message(const Message& m, Id visitor, const ClientSession* sender);

  void visitor_hello(VisitorSession& s, const boost::json::object& f);
  void visitor_send(VisitorSession& s, const boost::json::object& f);
  void visitor_page(VisitorSession& s, const boost::json::object& f);
  void visitor_close(VisitorSession& s);
  void visitor_typing(VisitorSession& s, const boost::json::object& f);
  void visitor_leave(VisitorSession& s, const boost::json::object& f);
  void visitor_track(VisitorSession& s, const boost::json::object& f);
  void visitor_dismiss(VisitorSession& s, const boost::json::object& f);
  void invite_round(Millis now);
  void agent_visitors(AgentSession& s, bool on);
  void agent_start(AgentSession& s, const boost::json::object& f);
  void note_signals(Id conv, const std::vector<std::string>& found);

  // The live visitor list (issue 4): one entry per visitor with a tab open, on the network thread.
  struct PathStep {
    std::string url, title, category;
    Millis at = 0;
  };
  struct LiveVisitor {
    Id tenant = 0;
    Id site = 0;
    std::string site_name, lang, url, title, category;
    std::vector<PathStep> path;  // newest last, at most limits::kMaxLivePath
    Millis since = 0;            // visit start
    Millis active_at = 0;
    int pages = 1;
    bool returning = false;
    std::optional<Cart> cart;
    Id conv = 0;
    int sessions = 0;
    Millis gone_at = 0;  // no session since
  };
  boost::json::object live_json(Id id, const LiveVisitor& v) const;
  void publish_live(Id visitor);
  void live_from_session(VisitorSession& s, bool new_page);
  // Publishes live_count to a tenant's agents when its number of live visitors changed.
  void publish_live_counts();
  int live_count(Id tenant) const;

  void agent_watch(AgentSession& s, const boost::json::object& f);
  void agent_take(AgentSession& s, Id conv);
  void agent_send(AgentSession& s, const boost::json::object& f);
  void agent_close(AgentSession& s, Id conv);
  void agent_typing(AgentSession& s, const boost::json::object& f);
  void agent_status(AgentSession& s, const boost::json::object& f);
  std::function<void(AgentSession*, Result<Conversation>)> conv_changed(Id conv, bool reroute);
  void agent_transfer(AgentSession& s, const boost::json::object& f);

  // Routing (network thread). Every conversation state change passes through note_conv.
  struct AgentState {
    std::string name;
    int capacity = 3;
    std::vector<Id> tenants;
    std::vector<Id> teams;
    int sockets = 0;
    routing::Presence status = routing::Presence::kOffline;
    bool auto_away = false;  // away because idle, not by choice: activity brings them back
    Millis last_activity = 0;
    Millis offline_at = 0;
    Millis last_assigned_at = 0;
  };
  struct OpenConv {
    Id tenant = 0;
    Id visitor = 0;
    std::optional<Id> assignee;
    Millis waiting_since = 0;
    Millis assigned_at = 0;
    bool auto_assigned = false;
    bool answered = false;
    bool busy = false;          // an assign/release job is in flight
    std::vector<Id> passed;     // agents who let it time out
    int queue_pos = 0;          // last position sent to the visitor
    bool inbox = false;         // a leave-a-message item: answered by email, never routed or queued
    std::optional<Id> team;     // only this team's agents get it
    std::vector<std::string> signals;  // buying signals already recorded
  };
  struct TenantState {
    std::optional<BusinessHours> hours;  // none = always open
    bool open = false;                    // last availability told to visitors
  };
  void refresh_avail(Id tenant, Millis now);
  void release_unanswered(Id conv, Id agent, std::string_view reason);
  template <class T, class Fn, class Done>
  void run_background(Fn fn, Done done);
  void note_conv(const Conversation& c);
  int active_of(Id agent) const;
  std::vector<routing::AgentLoad> loads_for(Id tenant) const;
  void route(Id tenant);
  void route_agent_tenants(Id agent);
  struct QueueView {
    std::vector<routing::Waiting> order;
    int capacity = 0;  // seats of the tenant's online agents
  };
  QueueView queue_view(Id tenant) const;
  proto::SharedFrame queue_frame(const QueueView& q, std::size_t index) const;
  void publish_queue(Id tenant);
  void send_queue_position(Id conv, ClientSession& to);
  void publish_presence(Id agent);
  boost::json::object presence_json(Id agent, const AgentState& a) const;
  void touch(AgentSession& s);

  RoutingOptions routing_;
  std::unordered_map<Id, AgentState> agents_;
  std::unordered_map<Id, OpenConv> open_;
  std::unordered_map<Id, TenantState> tenants_;
  std::unordered_map<Id, std::shared_ptr<const rules::RuleSet>> site_rules_;
  std::unordered_set<VisitorSession*> prospects_;  // connected visitors, for invitations
  std::unordered_map<Id, LiveVisitor> live_;
  std::unordered_map<Id, int> live_counts_;  // last published per tenant; absent = 0
  signals::Phrases phrases_;
  double avg_handle_ms_;
  HubMail mail_;
  mail::Mailer* mailer_ = nullptr;

  StoreWorker& store_;
  PubSub& pubsub_;
  Metrics& metrics_;
  std::string secret_;
  bool shutting_down_ = false;
  std::size_t in_flight_ = 0;
};

}  // namespace tiski
