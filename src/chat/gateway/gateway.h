// Gateway: the visitor and agent channels. It owns the sessions, checks every frame (the
// schema, the frame and message rates, the limits per visitor and address), hands the work to
// the modules (conversations, proactive, presence), answers the client (ack, error, welcome,
// snapshot, history) and fans the bus's events out to the clients concerned.
//
// Exactly-once resync: a connection subscribes to a topic *before* it submits the job that
// reads the state (history, welcome) and drops that topic's frames until the job's result has
// been sent. Completions arrive in commit order, so every frame dropped that way describes a
// change the read already saw, and every frame after it is newer. The agent's snapshot and
// lists come from memory on this same thread (ConvDirectory), so they need no such gate.
//
// Paging: nothing sent at once grows with the data behind it (limits.h): welcome and history
// carry the newest page of messages, the snapshot counts and the first page of each list, the
// live visitor list comes in frames of 50.
//
// Threading: the domain thread; the network layer calls in on it.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "chat/conversations/conversations.h"
#include "chat/conversions/conversions.h"
#include "chat/core/jobs.h"
#include "chat/core/session.h"
#include "chat/core/sites.h"
#include "chat/gateway/abuse.h"
#include "chat/gateway/blocks.h"
#include "chat/gateway/conv_directory.h"
#include "chat/outcomes/outcomes.h"
#include "chat/presence/presence.h"
#include "chat/proactive/proactive.h"
#include "chat/pubsub.h"
#include "chat/routing/router.h"
#include "util/metrics.h"

namespace tiski {

namespace vc = proto::visitor_client;
namespace ac = proto::agent_client;

class Gateway {
 public:
  struct Deps {
    Jobs& jobs;
    EventBus& bus;
    PubSub& pubsub;
    Metrics& metrics;
    AbuseLimits& abuse;
    Presence& presence;
    Router& router;
    Conversations& conversations;
    Outcomes& outcomes;
    Conversions& conversions;
    Proactive& proactive;
    Sites& sites;
    std::string token_secret;
    bool email = false;  // an SMTP relay is set (the snapshot tells the consoles)
  };
  explicit Gateway(Deps d);

  void load_teams(const std::vector<Team>& teams);

  std::shared_ptr<VisitorSession> visitor_connected(Transport& t, Interned address);
  // Sends the snapshot and the first page of each list, and subscribes to the agent's tenants.
  std::shared_ptr<AgentSession> agent_connected(Transport& t, AgentIdentity identity, Interned address);
  // A frame the network thread decoded (proto::decode_*_client): decoding needs no domain
  // state, so it happens beside the socket and only the typed frame reaches the domain thread.
  void on_frame(VisitorSession& s, const Result<proto::visitor_client::Frame>& frame);
  void on_frame(AgentSession& s, const Result<proto::agent_client::Frame>& frame);
  void on_text(VisitorSession& s, std::string_view text) { on_frame(s, proto::decode_visitor_client(text)); }
  void on_text(AgentSession& s, std::string_view text) { on_frame(s, proto::decode_agent_client(text)); }
  // The connection closed: unsubscribe everything, detach.
  void disconnected(ClientSession& s);
  // A login session ended (logout): its consoles are closed at once with kCloseSessionEnded.
  void session_ended(const std::string& session_hash);
  void agent_sessions_ended(Id agent);
  // The agent's tenants or roles changed: their consoles reconnect to see what they may now.
  void rights_changed(Id agent);

  // Blocked visitors (blocks.h): refused at hello with the neutral "chat is not available";
  // a new block closes the visitor's sockets (and, by address, those from it in the tenant).
  void load_blocks(const std::vector<Block>& active) { blocks_.load(active); }
  void block_added(const Block& b);
  void block_lifted(Id tenant, Id block) { blocks_.lift(tenant, block); }
  // Whether the visitor, or the address, is blocked in the tenant now (an upload asks).
  bool visitor_blocked(Id tenant, Id visitor, std::string_view address) const {
    return blocks_.blocked(tenant, visitor, address, d_.jobs.now());
  }
  // Where the visitor is connected from now, if they are.
  std::optional<std::string> visitor_address(Id visitor) const;

  // Once a second: sessions that expired, waiting chats' previews, the lists' counts.
  void tick();

  // The agent presence as consoles and REST show it.
  // The agent's presence as one viewer sees it: `tenants` the viewer's tenants the agent serves.
  boost::json::object presence_json(Id agent, const std::vector<Id>& tenants) const;

 private:
  template <class T, class S, class Fn, class Done>
  void run(S& s, Fn fn, Done done);
  void subscribe(ClientSession& s, const std::string& topic);
  void unsubscribe(ClientSession& s, const std::string& topic);
  bool admit(ClientSession& s);
  void reject(ClientSession& s, const Error& e, std::string_view cid = {}, std::optional<Id> conv = {});
  void end_session(AgentSession& s);
  void ack(ClientSession* s, std::string_view cid, const Message& m);

  // Visitor frames (visitor_channel.cc).
  void visitor_hello(VisitorSession& s, const vc::Hello& f);
  void hello_with_site(VisitorSession& s, const Site& site, const vc::Hello& f);
  void visitor_send(VisitorSession& s, const vc::Send& f);
  void visitor_leave(VisitorSession& s, const vc::Leave& f);
  void visitor_close(VisitorSession& s);
  void visitor_typing(VisitorSession& s, const vc::Typing& f);
  void visitor_older(VisitorSession& s, const vc::Older& f);
  void visitor_convert(VisitorSession& s, const vc::Convert& f);
  void visitor_csat(VisitorSession& s, const vc::Csat& f);
  bool allow_message(VisitorSession& s, std::string_view cid);
  bool allow_new_conversation(VisitorSession& s, std::string_view cid);

  // Agent frames (agent_channel.cc, agent_reads.cc).
  void send_snapshot(AgentSession& s);
  void send_list(AgentSession& s, ConvDirectory::List which, std::string_view after);
  void agent_list(AgentSession& s, const ac::List& f);
  void agent_closed_list(AgentSession& s, std::string_view after);
  void agent_watch(AgentSession& s, const ac::Watch& f);
  void agent_older(AgentSession& s, const ac::Older& f);
  void agent_send(AgentSession& s, const ac::Send& f);
  void agent_transfer(AgentSession& s, const ac::Transfer& f);
  void agent_typing(AgentSession& s, const ac::Typing& f);
  void agent_visitors(AgentSession& s, bool on);
  void agent_status(AgentSession& s, proto::SettableStatus status);
  void agent_unwatch(AgentSession& s, Id conv);
  void agent_start(AgentSession& s, const ac::Start& f);
  void agent_outcome(AgentSession& s, const ac::Outcome& f);
  std::function<void(Result<Conversation>)> conv_done(AgentSession& s, Id conv);

  // Fan-out of the bus's events (fanout.cc).
  void subscribe_events();
  void conversation(const Conversation& c, bool to_visitor);
  std::string conv_json(const Conversation& c) const;
  void message(const events::MessageStored& e);
  void publish_presence(Id agent);
  void flush_previews();
  void publish_counts();

  void refuse_blocked(VisitorSession& s);

  Deps d_;
  ConvDirectory directory_;
  Blocks blocks_;
  std::unordered_map<Id, std::vector<Team>> teams_;             // by tenant
  std::unordered_map<std::uint64_t, ClientSession*> sessions_;  // by id: fan-out skips a sender
  std::unordered_set<AgentSession*> agents_;
  std::unordered_set<Id> previews_;  // waiting chats whose latest message the consoles have not had
};

}  // namespace tiski
