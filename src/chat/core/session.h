// A client connection as the domain sees it: the visitor's widget or the agent's console. The
// network layer owns the socket and implements Transport; the gateway owns the sessions and is
// the only module that sends on them. Other modules keep their own state by visitor, agent or
// conversation, never by session (the proactive module's per-tab facts are the one exception:
// they live in VisitorSession::prospect, data it alone reads and writes).
//
// Threading: the domain thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "chat/auth.h"
#include "chat/protocol.h"
#include "chat/pubsub.h"
#include "chat/rules/rules.h"
#include "util/bucket.h"
#include "util/interned.h"
#include "util/short_string.h"

namespace tiski {

// A connection's way out. Implemented by net/ (WebSocket).
class Transport {
 public:
  virtual ~Transport() = default;
  // Queues a text frame without blocking. False when the transport already knows it will not
  // be sent (closing); true means handed on (net/ hands it to the socket's I/O thread, which may
  // still drop it as a slow consumer's and close). Nobody relies on the answer for correctness.
  // Must not destroy the session synchronously.
  virtual bool send(const proto::SharedFrame& frame) = 0;
  // Sends a close frame (after what is queued) and ends the connection. `reason` must be a
  // string literal (it is kept, not copied).
  virtual void close(std::uint16_t code, std::string_view reason) = 0;
  // The page's origin as its browser named it at connect (the Origin header; "" without one).
  virtual std::string_view origin() const { return {}; }
};

// WebSocket close codes of the application (4000-4999, RFC 6455 7.4.2).
inline constexpr std::uint16_t kCloseSessionEnded = 4001;   // logged out or expired: log in again
inline constexpr std::uint16_t kCloseRightsChanged = 4002;  // tenants or roles changed: reconnect
inline constexpr std::uint16_t kCloseNotHere = 4003;        // the page is not among the site's: no chat
inline constexpr std::uint16_t kClosePolicy = 1008;

class ClientSession : public Subscriber, public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(Transport& t, double frames_per_second, double frame_burst, Interned address);
  // Called when the connection is gone; the session then sends nothing more.
  void detach() { transport_ = nullptr; }
  bool attached() const { return transport_ != nullptr; }
  void send(const proto::SharedFrame& f);
  void close(std::uint16_t code, std::string_view reason);
  const std::string& address() const { return address_.str(); }
  std::string_view origin() const { return transport_ ? transport_->origin() : std::string_view(); }
  std::uint64_t id() const { return id_; }

  Bucket frames;                    // every frame of this connection
  std::vector<std::string> topics;  // subscribed, for cleanup
  std::chrono::steady_clock::time_point last_typing{};

 private:
  Transport* transport_;
  Interned address_;  // the client address key (AbuseLimits), the connection's copy
  std::uint64_t id_;

 public:
  // Last, so that a derived session's first small fields go into the padding after it.
  bool ready = false;  // welcome / snapshot sent: published frames flow
};

// What the widget of one tab reports for the proactive rules, and its invitation state.
struct Prospect {
  // The visitor's invitations: those of the past (shown this visit, dismissed) and the one open
  // on this page. Allocated with the first: most visitors never see one.
  struct Invites {
    rules::History history;
    std::int64_t rule = 0;  // shown on this page, neither answered nor dismissed
    std::string text;
  };

  rules::Facts facts;
  Interned title;
  ShortString visit;  // the widget's visit id (16 characters: inside, not on the heap)
  std::unique_ptr<Invites> invites;
  bool invited_this_page = false;  // at most one invitation per page view
  bool panel_open = false;         // the widget's chat panel is open: no invitation is offered

  Invites& invites_made() {
    if (!invites) invites = std::make_unique<Invites>();
    return *invites;
  }
  std::int64_t open_rule() const { return invites ? invites->rule : 0; }
  const rules::History& history() const {
    static const rules::History none;
    return invites ? invites->history : none;
  }
};

class VisitorSession final : public ClientSession {
 public:
  VisitorSession(Transport& t, Interned address);
  void deliver(const Envelope& e) override;

  // These two first: they go into the padding after ClientSession's last field.
  bool hello_started = false;
  // Sends in flight while no conversation was known: pipelined first messages open one
  // conversation between them, so only the first is counted against the new-conversation limit.
  int opening = 0;
  Id visitor = 0;
  Id site = 0;
  Id tenant = 0;
  std::int64_t number = 0;
  Id conv = 0;  // the open conversation as last known, 0 if none
  Prospect prospect;

  // The widget's language (hello; "fi" if it named none), kept once, in the rules' facts.
  const std::string& lang() const { return prospect.facts.lang.str(); }
};

class AgentSession final : public ClientSession {
 public:
  AgentSession(Transport& t, AgentIdentity id, Interned address);
  void deliver(const Envelope& e) override;
  const AgentIdentity& identity() const { return identity_; }
  Id agent() const { return identity_.agent.id; }

  Bucket messages;
  bool ended = false;                    // its login session ended: closing
  std::unordered_map<Id, Id> watching;   // conv -> its visitor, history sent
  std::unordered_set<Id> pending_watch;  // conv whose history is being read

 private:
  AgentIdentity identity_;
};

}  // namespace tiski
