// Chat: the composition root of the chat domain. It builds the modules, wires them to one
// EventBus and hands the network layer one object to talk to.
//
//   gateway/        the visitor and agent channels: sessions, checks, answers, fan-out
//   conversations/  every change of a conversation, and the chat lifecycle
//   outcomes/       what came of a conversation: the agent's outcome and tags, the visitor's CSAT
//   conversions/    the shops' orders and leads, credited to the last chat (and the S2S signature)
//   routing/        queues, loads, offers (listens on the bus, assigns through conversations)
//   presence/       agents online/away/offline, business hours, live chat open or closed
//   proactive/      the visitors' facts, invitations, the live visitor list, buying signals
//   outbox/         email copies of replies
//   cluster/        several nodes: events and presence between them, which node owns a tenant
//   core/           what they share: events, the bus, store jobs, sessions, sites, owners
//
// A module reaches the others only through the bus (events it publishes and subscribes to)
// and the narrow interfaces passed to its constructor. docs/design.md tells how to add one.
//
// Threading: the domain thread (the io_context that owns the connections); store jobs run on
// the StoreWorker's thread and complete back on the domain thread through `post`.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <vector>

#include "chat/analytics/status_log.h"
#include "chat/cluster/cluster.h"
#include "chat/conversations/conversations.h"
#include "chat/conversions/conversions.h"
#include "chat/core/bus.h"
#include "chat/core/jobs.h"
#include "chat/core/sites.h"
#include "chat/gateway/abuse.h"
#include "chat/gateway/gateway.h"
#include "chat/mailboxes/fetcher.h"
#include "chat/outbox/outbox.h"
#include "chat/outcomes/outcomes.h"
#include "chat/presence/presence.h"
#include "chat/proactive/proactive.h"
#include "chat/pubsub.h"
#include "chat/routing/router.h"
#include "chat/visitor_token.h"
#include "chat/webhooks/sender.h"
#include "store/store_worker.h"
#include "util/clock.h"
#include "util/metrics.h"

namespace tiski {

struct ChatOptions {
  PresenceOptions presence;
  RouterOptions routing;
  mail::Identity mail;           // how email replies are composed
  bool mail_configured = false;  // an SMTP relay is set
  std::string token_secret;      // signs visitor tokens
};

// What the domain keeps in memory, read from the store at start-up.
struct ChatState {
  struct KnownAgent {
    Agent agent;
    std::vector<Membership> memberships;
    std::vector<Id> teams;
  };
  std::vector<Tenant> tenants;
  std::vector<Site> sites;
  std::vector<Team> teams;
  std::vector<KnownAgent> agents;
  std::vector<Conversation> open;                         // open when the server stopped: routing resumes with them
  std::unordered_map<Id, std::vector<std::string>> tags;  // each tenant's tag list
  std::vector<Block> blocks;                              // blocked visitors, active at start
};
// settings_only: what apply_settings needs (an admin's change made on another node).
Result<ChatState> load_state(Store& st, bool settings_only = false);

class Chat {
 public:
  Chat(StoreWorker& store, PubSub& pubsub, Metrics& metrics, AbuseLimits& abuse, const Clock& clock, Jobs::Post post,
       ChatOptions options);

  // ---- start-up and later changes
  void load(const ChatState& state);
  void know_agent(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams);
  void set_phrases(signals::Phrases p) { proactive_.set_phrases(std::move(p)); }
  // The mailer that sends email replies: kicked when one is queued, ticked with the domain.
  void set_mailer(mail::Mailer* m);
  // The webhook sender: kicked when a job queued deliveries, ticked with the domain.
  void set_webhooks(webhooks::Sender* s) { webhooks_ = s; }
  // The email channel's IMAP reader: read the mailboxes soon (one was added or changed).
  void set_mail_fetcher(mailboxes::Fetcher* f) { fetcher_ = f; }
  void kick_mailboxes() {
    if (fetcher_ && owners_.leads()) fetcher_->check_soon();
    tell({{"c", "mailboxes"}});
  }
  void kick_webhooks() {
    if (webhooks_ && owners_.leads()) webhooks_->kick();
  }
  // A queued email changed state (the mailer's completion, domain thread).
  void mail_changed(const OutMail& m) {
    if (m.conv_id) bus_.publish_all({events::MailChanged{m}});  // an account's own mail is no conversation's
  }
  // Account mail (password links, api/password_api.cc): how it is signed, whether it can go,
  // and sending it once queued.
  const mail::Identity& mail_identity() const { return outbox_.identity(); }
  bool mail_configured() const { return outbox_.configured(); }
  void kick_mail() {
    if (owners_.leads()) outbox_.kick();
  }
  // An admin's changes (the other nodes read the settings anew: chat_cluster.cc).
  void set_tenant_hours(Id tenant, const std::string& hours);
  void set_tenant_lifecycle(Id tenant, int missed_after_seconds, int idle_close_seconds);
  void set_site(const Site& site) {
    sites_.put(site);
    tell_reload();
  }
  void set_site_rules(Id site, rules::RuleSet rs) {
    sites_.set_rules(site, std::move(rs));
    tell_reload();
  }
  void set_outcome_required(Id tenant, bool required) {
    outcomes_.set_outcome_required(tenant, required);
    tell_reload();
  }

  Millis now() const { return clock_.now(); }
  // A visitor token the widget was given (welcome), checked against the workspace secret.
  std::optional<VisitorClaim> check_visitor_token(std::string_view token) const {
    return ::tiski::check_visitor_token(token_secret_, token);
  }

  // ---- the shops' orders and leads (REST's signed server-to-server call)
  void record_conversion(Id tenant, Id site, std::optional<Id> visitor, conversions::Report r,
                         std::function<void(Result<Recorded>)> done) {
    conversions_.record(tenant, site, visitor, std::move(r), "api", std::move(done));
  }

  // ---- the API channel (REST, docs/channels.md): a bridge's customer writes
  void channel_message(Conversations::ChannelMessage in, std::function<void(Result<Conversations::ChannelSent>)> done) {
    conversations_.channel_message(std::move(in), std::move(done));
  }

  // ---- the email channel (REST's inbound door, docs/channels.md): a person's email
  void follow_up(const AgentIdentity& who, Conversations::FollowUp in,
                 std::function<void(Result<Conversations::Sent>)> done) {
    conversations_.follow_up(who, std::move(in), std::move(done));
  }
  void send_card(const AgentIdentity& who, Conversations::CardSend in,
                 std::function<void(Result<Conversations::Sent>)> done) {
    conversations_.send_card(who, std::move(in), std::move(done));
  }
  void email_message(Conversations::EmailMessage in, std::function<void(Result<Conversations::ChannelSent>)> done) {
    conversations_.email_message(std::move(in), std::move(done));
  }
  // A parsed email (the REST door's, the IMAP reader's) with its attachments staged first.
  void inbound_email(mail::InboundMail m, Id tenant, std::string site_key,
                     std::function<void(Result<Conversations::ChannelSent>)> done);

  // ---- attachments (chat_files.cc, docs/attachments.md)
  void set_attachments(attachments::Stager* s) {
    stager_ = s;
    conversations_.set_files(s ? &s->files() : nullptr);
    outbox_.set_files(s ? &s->files() : nullptr);
  }
  const attachments::Files* attachment_files() const { return stager_ ? &stager_->files() : nullptr; }
  // A visitor's files with an optional caption, as one message of theirs (an upload over HTTP,
  // the visitor proven by their token): the abuse limits and blocks as for any message, the
  // files staged, then stored like a chat message (opening a conversation if none is open).
  struct VisitorFiles {
    VisitorClaim claim;
    std::string address, cid, body;
    std::optional<std::string> origin;  // the page's (Origin): checked against the site's list
    std::vector<attachments::Stager::Upload> uploads;
  };
  void visitor_files(VisitorFiles in, std::function<void(Result<Conversations::Sent>)> done);
  // An agent's files as a reply or an internal note (`in` without files: they are staged here).
  void agent_files(const AgentIdentity& who, Conversations::Reply in, std::vector<attachments::Stager::Upload> uploads,
                   std::function<void(Result<Conversations::Sent>)> done);
  // A kept file for the visitor (theirs, not an internal note's) or for an agent of the tenant
  // through conversation `conv`; not_found for anyone else, whatever the id.
  struct FileOut {
    Attachment file;
    std::string bytes;
  };
  // A file of the visitor's conversation; `origin`: the page asking (Origin), when it named one.
  void visitor_file(VisitorClaim claim, Id file, const std::optional<std::string>& origin,
                    std::function<void(Result<FileOut>)> done);
  void agent_file(const AgentIdentity& who, Id conv, Id file, std::function<void(Result<FileOut>)> done);
  // The same, only for an email's HTML body (bad_request for any other file, a visitor's
  // uploaded page among them): what the console shows sanitised as a page.
  void agent_email_body(const AgentIdentity& who, Id conv, Id file, std::function<void(Result<FileOut>)> done);

  // ---- connections (net/)
  std::shared_ptr<VisitorSession> visitor_connected(Transport& t, Interned address) {
    return gateway_.visitor_connected(t, std::move(address));
  }
  std::shared_ptr<AgentSession> agent_connected(Transport& t, AgentIdentity identity, Interned address) {
    return gateway_.agent_connected(t, std::move(identity), std::move(address));
  }
  void on_text(VisitorSession& s, std::string_view text) { gateway_.on_text(s, text); }
  void on_text(AgentSession& s, std::string_view text) { gateway_.on_text(s, text); }
  // A frame decoded by an I/O thread (net/): the domain thread only dispatches it.
  void on_frame(VisitorSession& s, const Result<proto::visitor_client::Frame>& f) { gateway_.on_frame(s, f); }
  void on_frame(AgentSession& s, const Result<proto::agent_client::Frame>& f) { gateway_.on_frame(s, f); }
  void disconnected(ClientSession& s) { gateway_.disconnected(s); }
  // A login session ended (logout, expiry): its consoles close, on every node.
  void session_ended(const std::string& session_hash);
  // Every login session of the agent ended (a deactivation): all their consoles close.
  void agent_sessions_ended(Id agent);
  // Blocked visitors (docs/roles.md, "Abuse"); see Gateway.
  void block_added(const Block& b);
  // Conversations changed outside the modules (a privacy erasure): consoles get them anew.
  void conversations_changed(const std::vector<Conversation>& list) {
    std::vector<events::Event> changes;
    changes.reserve(list.size());
    for (const auto& c : list) changes.emplace_back(events::ConversationUpdated{c});
    bus_.publish_all(changes);
  }
  void block_lifted(Id tenant, Id block);
  std::optional<std::string> visitor_address(Id visitor) const { return gateway_.visitor_address(visitor); }
  // An admin changed the agent's memberships: routing learns them, their consoles reconnect.
  void agent_changed(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams) {
    know_agent(agent, memberships, teams);
    gateway_.rights_changed(agent.id);
    tell({{"c", "agent"}, {"agent", agent.id}});
  }

  // ---- REST
  boost::json::array presence_of(Id tenant) const;
  // The tenant's live queue in service order: conv, position, waiting ms, eta; a page.
  boost::json::object queue_of(Id tenant, std::size_t offset) const;
  Status set_status(Id agent, std::string_view status);
  bool live_open(Id tenant) const { return presence_.live_open(tenant); }
  // Several nodes: this node runs the workspace's background work (always, alone).
  bool leads() const { return owners_.leads(); }

  // About once a second: presence, routing, the lifecycle, invitations, the consoles' counts,
  // email retries, the abuse limits' sweep.
  void tick();

  // Graceful shutdown: from now on new work is refused with "unavailable".
  void begin_shutdown() { jobs_.begin_shutdown(); }
  // Store jobs submitted and not yet completed (their acks are still owed).
  std::size_t in_flight() const { return jobs_.in_flight(); }

  EventBus& bus() { return bus_; }

  // ---- several nodes (chat/cluster/, docs/scaling.md)
  // Joins the other nodes of the workspace through `link`, as node `node`.
  cluster::Cluster& join_cluster(cluster::Link& link, std::string node);
  cluster::Cluster* cluster() { return cluster_.get(); }
  // After events may have been missed (the link was down): open conversations read anew from
  // the store, and every conversation this node held open that closed meanwhile.
  void resync();

 private:
  void agent_files_of(Id tenant, const AgentIdentity& who, Conversations::Reply in,
                      std::vector<attachments::Stager::Upload> uploads,
                      std::function<void(Result<Conversations::Sent>)> done);
  void read_file(Result<Attachment> a, std::function<void(Result<FileOut>)> done);
  void agent_file_if(const AgentIdentity& who, Id conv, Id file, bool email_body,
                     std::function<void(Result<FileOut>)> done);

  // ---- several nodes (chat_cluster.cc)
  void owners_changed();
  // Tells the other nodes an admin's command (nothing without a cluster, or while doing theirs).
  void tell(boost::json::object cmd);
  void tell_reload() { tell({{"c", "reload"}}); }
  void on_command(const boost::json::object& cmd);
  void reload_settings();
  void reload_agent(Id agent);
  void apply_settings(const ChatState& s);
  static boost::json::object limits_json(const AbuseLimits::Shared& s);
  static AbuseLimits::Shared limits_of(const boost::json::object& o);

  const Clock& clock_;
  Metrics& metrics_;
  AbuseLimits& abuse_;
  std::string token_secret_;
  EventBus bus_;
  Owners owners_;  // single node: everything
  Jobs jobs_;
  attachments::Stager* stager_ = nullptr;
  Sites sites_;
  Presence presence_;
  Conversations conversations_;
  Outcomes outcomes_;
  Conversions conversions_;
  Router router_;
  Proactive proactive_;
  Outbox outbox_;
  analytics::StatusLog status_log_;
  Gateway gateway_;
  mail::Mailer* mailer_ = nullptr;
  webhooks::Sender* webhooks_ = nullptr;
  mailboxes::Fetcher* fetcher_ = nullptr;
  Millis last_sweep_ = 0;
  Millis last_count_ = 0;
  bool reported_connections_ = false;
  std::unique_ptr<cluster::Cluster> cluster_;
  bool obeying_ = false;  // running another node's command: not told on
};

}  // namespace tiski
