// The Hub: the chat domain for live connections. It turns client frames into store jobs and
// store results into acknowledgements and fan-out, and knows nothing of sockets (net/ owns
// those and talks to the hub through Transport) or of SQL (store/ behind StoreWorker).
// Routing (router.h), the chat lifecycle (lifecycle.h), the consoles' lists (conv_directory.h)
// and the abuse limits (abuse.h) are modules of their own that the hub feeds.
//
// One message, end to end (docs/design.md tells it at length):
//   visitor frame -> on_text() validates, rate-limits -> StoreWorker job (sequence + store,
//   group commit) -> completion on the network thread -> ack to the sender, msg published to
//   "c:<conv>" (agents watching) and "v:<visitor>" (the visitor's other tabs).
//
// Exactly-once resync: a connection subscribes to a topic *before* it submits the job that
// reads the state (history, welcome) and drops that topic's frames until the job's result has
// been sent. Completions arrive in commit order, so every frame dropped that way describes a
// change the read already saw, and every frame after it is newer. The agent's snapshot and
// lists are served from memory on this same thread, so they need no such gate.
//
// Paging: nothing sent at once grows with the data behind it (limits.h): welcome and history
// carry the newest page of messages, the snapshot counts and the first page of each list,
// the live visitor list comes in frames of 50.
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

#include "chat/abuse.h"
#include "chat/auth.h"
#include "chat/conv_directory.h"
#include "chat/hours.h"
#include "chat/lifecycle.h"
#include "chat/pubsub.h"
#include "chat/router.h"
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
  // connection is closing, or it is a slow consumer (the transport then closes itself).
  // Must not destroy the session synchronously.
  virtual bool send(const proto::SharedFrame& frame) = 0;
  // Sends a close frame (after what is queued) and ends the connection. `reason` must be a
  // string literal (it is kept, not copied).
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
};

// WebSocket close codes of the application (4000-4999, RFC 6455 7.4.2).
inline constexpr std::uint16_t kCloseSessionEnded = 4001;  // logged out or expired: log in again

class Hub;

class ClientSession : public Subscriber, public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(Transport& t, double frames_per_second, double frame_burst, std::string address);
  // Called by net when the connection is gone; the session then sends nothing more.
  void detach() { transport_ = nullptr; }
  bool attached() const { return transport_ != nullptr; }
  void send(const proto::SharedFrame& f);
  void close(std::uint16_t code, std::string_view reason);
  const std::string& address() const { return address_; }

 protected:
  friend class Hub;
  Transport* transport_;
  Bucket frames_;
  std::string address_;              // the client address key (AbuseLimits)
  std::vector<std::string> topics_;  // subscribed, for cleanup
  bool ready_ = false;               // welcome / snapshot sent: published frames flow
  std::chrono::steady_clock::time_point last_typing_{};
};

class VisitorSession final : public ClientSession {
 public:
  VisitorSession(Transport& t, std::string address);
  void deliver(const Envelope& e) override;
  Id visitor() const { return visitor_; }

 private:
  friend class Hub;
  bool hello_started_ = false;
  Id visitor_ = 0;
  Id site_ = 0;
  Id tenant_ = 0;
  std::int64_t number_ = 0;
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
  AgentSession(Transport& t, AgentIdentity id, std::string address);
  void deliver(const Envelope& e) override;
  const AgentIdentity& identity() const { return identity_; }

 private:
  friend class Hub;
  AgentIdentity identity_;
  Bucket messages_;
  bool ended_ = false;                       // its login session ended: closing
  std::unordered_map<Id, Id> watching_;      // conv -> its visitor, history sent
  std::unordered_set<Id> pending_watch_;     // conv whose history is being read
};

namespace mail {
class Mailer;
}

// Email replies (config [smtp]): how replies are composed, and whether a relay is set.
struct HubMail {
  mail::Identity identity;
  bool configured = false;
};

class Hub : private Router::Sink {
 public:
  Hub(StoreWorker& store, PubSub& pubsub, Metrics& metrics, AbuseLimits& abuse, std::string token_secret,
      RoutingOptions routing = {}, HubMail mail = {});
  // ---- start-up (and later changes)
  // The agents and teams of the workspace, so that presence lists show everyone.
  void know_agent(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams);
  void load_teams(const std::vector<Team>& teams);
  // The conversations that were open when the server last stopped.
  void load_open(const std::vector<Conversation>& open);
  // Tenants: business hours (live chat is open within them) and the chat lifecycle.
  void load_tenants(const std::vector<Tenant>& tenants);
  void set_tenant_hours(Id tenant, const std::string& hours);
  void set_tenant_lifecycle(Id tenant, int missed_after_seconds, int idle_close_seconds);
  // Live chat is open for the tenant's visitors: within business hours and an agent online.
  bool live_open(Id tenant, Millis now) const;
  // Buying-signal phrases (share/buying-signals.json).
  void set_phrases(signals::Phrases p) { phrases_ = std::move(p); }
  // Sites: their greetings, languages and proactive rules (start-up, and when they change).
  void load_sites(const std::vector<Site>& sites);
  void set_site(const Site& site);
  void set_site_rules(Id site, rules::RuleSet rs);
  // The mailer that delivers email replies; kicked when a reply is queued.
  void set_mailer(mail::Mailer* m) { mailer_ = m; }
  // A queued email changed state (mailer, network thread): tell the agents.
  void mail_changed(const OutMail& m);

  // ---- REST
  boost::json::array presence_of(Id tenant) const;
  // The tenant's live queue in service order (REST): conv, position, waiting ms, eta; a page.
  boost::json::object queue_of(Id tenant, std::size_t offset, Millis now) const;
  // An agent sets their status from the REST API; conflict without an open console.
  Status set_status(Id agent, std::string_view status);
  // A login session ended (logout): its consoles are closed at once with kCloseSessionEnded.
  void session_ended(const std::string& session_hash);

  // Called about once a second by the server: presence timeouts, reassignment, the chat
  // lifecycle, queue positions, counts, expired sessions.
  void tick(Millis now);

  std::shared_ptr<VisitorSession> visitor_connected(Transport& t, std::string address);
  // Sends the snapshot and the first page of each list, and subscribes to the agent's tenants.
  std::shared_ptr<AgentSession> agent_connected(Transport& t, AgentIdentity identity, std::string address);
  void on_text(VisitorSession& s, std::string_view text);
  void on_text(AgentSession& s, std::string_view text);
  // The connection closed: unsubscribe everything, detach.
  void disconnected(ClientSession& s);

  // Graceful shutdown: from now on new work is refused with "unavailable".
  void begin_shutdown() { shutting_down_ = true; }
  // Store jobs submitted and not yet completed (their acks are still owed).
  std::size_t in_flight() const { return in_flight_; }

 private:
  // Router::Sink
  void assign(Id conv, Id agent) override;
  void release(Id conv, Id agent, std::string_view reason) override;
  void presence_changed(Id agent) override;
  void availability_changed(Id tenant, bool open) override;
  void queue_position(Id conv, Id visitor, int position, Millis eta_ms) override;

  template <class T, class S, class Fn, class Done>
  void run(S& s, Fn fn, Done done, std::string cid = {}, std::optional<Id> conv = {});
  template <class T, class Fn, class Done>
  void run_background(Fn fn, Done done);
  void subscribe(ClientSession& s, const std::string& topic);
  void unsubscribe(ClientSession& s, const std::string& topic);
  bool admit(ClientSession& s);
  void reject(ClientSession& s, const Error& e, std::string_view cid = {}, std::optional<Id> conv = {});
  // Every stored change of a conversation: routing, lifecycle, the consoles' lists, fan-out.
  void conv_changed(const Conversation& c, bool to_visitor = true);
  std::string conv_json(const Conversation& c) const;
  void publish_message(const Message& m, Id visitor, const ClientSession* sender);
  boost::json::object avail_json(Id tenant, Millis now) const;

  // Visitor frames.
  void visitor_hello(VisitorSession& s, const boost::json::object& f);
  void hello_with_site(VisitorSession& s, const Site& site, const boost::json::object& f);
  void visitor_send(VisitorSession& s, const boost::json::object& f);
  void visitor_page(VisitorSession& s, const boost::json::object& f);
  void visitor_close(VisitorSession& s);
  void visitor_typing(VisitorSession& s, const boost::json::object& f);
  void visitor_leave(VisitorSession& s, const boost::json::object& f);
  void visitor_track(VisitorSession& s, const boost::json::object& f);
  void visitor_dismiss(VisitorSession& s, const boost::json::object& f);
  void visitor_older(VisitorSession& s, const boost::json::object& f);
  bool allow_new_conversation(VisitorSession& s, std::string_view cid);
  void invite_round(Millis now);

  // Agent frames.
  void send_snapshot(AgentSession& s);
  void send_list(AgentSession& s, ConvDirectory::List which, std::string_view after);
  void agent_list(AgentSession& s, const boost::json::object& f);
  void agent_closed_list(AgentSession& s, std::string_view after);
  void agent_watch(AgentSession& s, const boost::json::object& f);
  void agent_older(AgentSession& s, const boost::json::object& f);
  void agent_take(AgentSession& s, Id conv);
  void agent_send(AgentSession& s, const boost::json::object& f);
  void agent_close(AgentSession& s, Id conv);
  void agent_typing(AgentSession& s, const boost::json::object& f);
  void agent_status(AgentSession& s, const boost::json::object& f);
  void agent_transfer(AgentSession& s, const boost::json::object& f);
  void agent_visitors(AgentSession& s, bool on);
  void agent_start(AgentSession& s, const boost::json::object& f);
  std::function<void(AgentSession*, Result<Conversation>)> conv_done(Id conv);
  void note_signals(Id conv, const std::vector<std::string>& found);
  void end_session(AgentSession& s);

  // The chat lifecycle: closes what Lifecycle says is due.
  void close_stale(const Lifecycle::Due& due);
  void publish_counts();
  // The latest messages of waiting chats that changed, per tenant, once a second.
  void flush_previews();

  // The live visitor list (issue 4): one entry per visitor with a tab open, on the network thread.
  struct PathStep {
    std::string url, title, category;
    Millis at = 0;
  };
  struct LiveVisitor {
    Id tenant = 0;
    Id site = 0;
    std::int64_t number = 0;
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

  void publish_presence(Id agent);
  boost::json::object presence_json(const Router::Presence& p) const;

  struct SiteInfo {
    Site site;
    std::shared_ptr<const rules::RuleSet> rules;  // none: the site invites nobody
  };

  Router router_;
  Lifecycle lifecycle_;
  ConvDirectory directory_;
  AbuseLimits& abuse_;
  std::unordered_map<std::string, SiteInfo> sites_;  // by key
  std::unordered_map<Id, std::string> site_keys_;     // id -> key
  std::unordered_map<Id, std::vector<Team>> teams_;   // by tenant
  std::unordered_map<Id, std::optional<BusinessHours>> hours_;
  std::unordered_map<Id, std::string> tenant_names_;
  std::unordered_set<VisitorSession*> prospects_;  // connected visitors, for invitations
  std::unordered_set<AgentSession*> agents_online_;
  std::unordered_map<Id, LiveVisitor> live_;
  std::unordered_map<Id, int> live_counts_;  // last published per tenant; absent = 0
  signals::Phrases phrases_;
  HubMail mail_;
  mail::Mailer* mailer_ = nullptr;
  std::unordered_map<Id, std::vector<std::string>> signals_;  // open conv -> buying signals recorded
  std::unordered_set<Id> closing_;  // lifecycle closes in flight
  std::unordered_set<Id> previews_;  // waiting chats whose latest message the consoles have not had
  Millis last_sweep_ = 0;

  StoreWorker& store_;
  PubSub& pubsub_;
  Metrics& metrics_;
  std::string secret_;
  bool shutting_down_ = false;
  std::size_t in_flight_ = 0;
};

}  // namespace tiski
