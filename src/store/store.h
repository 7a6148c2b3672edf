// The storage interface of Tiski: every back end (SQLite now, PostgreSQL later) implements
// Store, and store_conformance_test.cc runs the same suite against each.
//
// Threading: a Store is NOT thread-safe. Exactly one thread uses it at a time — in the server
// that is the StoreWorker's thread (store_worker.h), which wraps batches of jobs in one
// transaction (group commit) and each job in a savepoint. Admin commands use a Store directly.
//
// Failure: every method returns Result/Status. Constraint violations map to conflict
// (duplicate slug or email) or not_found (a missing row); I/O and SQL errors map to internal.
// A failed call inside a job leaves the job's savepoint to be rolled back by the caller.
//
// Times are milliseconds since the Unix epoch (UTC). Ids are positive 64-bit integers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski {

using Id = std::int64_t;
using Millis = std::int64_t;

// Conversation statuses and origins as stored and sent on the wire.
namespace conv_status {
inline constexpr std::string_view kWaiting = "waiting";  // no agent yet
inline constexpr std::string_view kActive = "active";    // assigned to an agent
inline constexpr std::string_view kClosed = "closed";
}  // namespace conv_status

namespace origin {
inline constexpr std::string_view kReactive = "reactive";
inline constexpr std::string_view kProactive = "proactive";
inline constexpr std::string_view kAgent = "agent";
inline constexpr std::string_view kOffline = "offline";
inline constexpr std::string_view kEmail = "email";
inline constexpr std::string_view kApi = "api";
}  // namespace origin

enum class Role { kAgent, kSupervisor, kAdmin };
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Tenant {
  Id id = 0;
  std::string slug;
  std::string name;
  Millis created_at = 0;
  std::string hours;  // business hours in the text form of chat/hours.h; empty = always open
  int default_max_chats = 3;  // capacity of its agents who have no capacity of their own
  // The chat lifecycle (0 = never): a waiting live chat whose visitor has been gone this long
  // is closed as missed; an active chat without a message this long is closed.
  int missed_after_seconds = 600;
  int idle_close_seconds = 1800;
};

struct Site {
  Id id = 0;
  Id tenant_id = 0;
  std::string key;     // public, in the embed snippet
  std::string secret;  // HMAC key for identity verification (later); never sent to browsers
  std::string name;
  std::string greeting;  // the default greeting (any language without its own)
  std::vector<std::string> langs;  // e.g. {"fi","sv","en"}
  Millis created_at = 0;
  std::optional<Id> team_id;  // chats from this site are routed to this team's agents only
  std::string rules = "[]";   // proactive invitation rules, JSON (chat/rules.h), validated on the way in
  std::map<std::string, std::string> greetings;  // per language ("sv" -> "Hej! ..."), over `greeting`
  // The greeting a visitor speaking `lang` sees.
  const std::string& greeting_for(std::string_view lang) const;
};

// A group of a tenant's agents (e.g. "Myynti", "Huolto") that chats can be routed to.
struct Team {
  Id id = 0;
  Id tenant_id = 0;
  std::string name;
  std::vector<Id> members;  // agent ids, ascending
};

struct Agent {
  Id id = 0;
  std::string email;
  std::string name;
  std::string password_hash;  // Argon2id (libsodium string format)
  Millis created_at = 0;
  int max_chats = 0;  // concurrent chats routing may assign to the agent; 0 = the tenants' default
};

struct Membership {
  Id agent_id = 0;
  Id tenant_id = 0;
  std::string tenant_name;
  Role role = Role::kAgent;
  int tenant_default_max_chats = 3;
};

struct Session {
  std::string token_hash;  // SHA-256 hex of the cookie value
  Id agent_id = 0;
  std::string csrf;
  Millis expires_at = 0;
};

// A shopping cart as the shop's page reports it.
struct Cart {
  std::int64_t cents = 0;
  std::string currency;
  int items = 0;
};

// One page view of a visit (the widget's visit id).
struct PageView {
  Id visitor_id = 0;
  std::string visit;
  std::string url;
  std::string title;
  std::string category;
  Millis at = 0;
};

struct Visitor {
  Id id = 0;
  Id site_id = 0;
  Id tenant_id = 0;
  std::string lang;
  std::string page_url;
  std::string page_title;
  Millis created_at = 0;
  Millis last_seen_at = 0;
  std::optional<Cart> cart;  // the last cart the page reported
  std::int64_t number = 0;   // 1, 2, 3... per tenant ("Kävijä #3"); never reveals other tenants' volume
};

struct Conversation {
  Id id = 0;
  Id tenant_id = 0;
  Id site_id = 0;
  Id visitor_id = 0;
  std::string status;
  std::string origin;
  std::optional<Id> assignee_id;
  Millis created_at = 0;
  std::optional<Millis> assigned_at;
  std::optional<Millis> closed_at;
  std::int64_t last_seq = 0;
  Millis last_at = 0;
  std::string preview;  // start of the last message
  std::string contact_name;   // from the leave-a-message form
  std::string contact_email;  // set: agent replies are also sent here by email
  std::optional<Id> team_id;  // routed to this team's agents only (from the site, or a transfer)
  std::string team_name;      // joined, read-only
  std::optional<std::int64_t> rule_id;  // origin proactive: the rule whose invitation was answered
  std::vector<std::string> signals;     // buying signals seen (cart, product_page, phrase:...)
  // Joined for display, read-only.
  std::int64_t visitor_number = 0;
  std::string tenant_name;
  std::string site_name;
  std::string assignee_name;
  std::string page_url;
  std::string page_title;
};

struct Message {
  Id conv_id = 0;
  std::int64_t seq = 0;
  std::string author;  // "visitor", "agent", "system", "note" (internal: agents only)
  std::optional<Id> author_id;
  std::string author_name;
  std::string body;
  std::string cid;  // client message id; empty for system messages
  Millis at = 0;
};

// A conversation's preview of its last message: the first 140 bytes, cut at a character.
std::string message_preview(std::string_view body);

struct Appended {
  Message msg;
  bool duplicate = false;  // the cid was already stored: msg is the original
};

namespace mail_status {
inline constexpr std::string_view kQueued = "queued";  // waiting for its first or next attempt
inline constexpr std::string_view kSent = "sent";      // accepted by the relay
inline constexpr std::string_view kFailed = "failed";  // gave up
}  // namespace mail_status

// An email in the outbox: one agent reply (conv, seq) rendered once, sent as is on every
// attempt, so retries carry the same Message-ID and Date.
struct OutMail {
  Id id = 0;
  Id tenant_id = 0;
  Id conv_id = 0;
  std::int64_t seq = 0;
  std::string to;
  std::string message_id;  // without the angle brackets
  std::string mime;        // the whole message, headers and body, CRLF line ends
  std::string status;
  int attempts = 0;
  Millis next_at = 0;  // when a queued mail is due
  std::string error;   // why the last attempt failed
  Millis created_at = 0;
  std::optional<Millis> sent_at;
};

// A proactive invitation shown to a visitor, and what became of it.
struct Invitation {
  Id id = 0;
  Id tenant_id = 0;
  Id site_id = 0;
  Id visitor_id = 0;
  std::int64_t rule_id = 0;
  std::string visit;  // the widget's visit id
  Millis shown_at = 0;
  std::optional<Millis> dismissed_at;
  std::optional<Id> conv_id;  // answered: the conversation it started
};

struct Event {
  Id id = 0;
  Id tenant_id = 0;
  std::optional<Id> conv_id;
  std::string kind;  // e.g. conversation.created, conversation.assigned, message.created
  std::string data;  // a JSON object
  Millis at = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Transactions. begin/commit/rollback wrap a batch; savepoint/release/rollback_to wrap one
  // job inside it. Nesting beyond that is not supported.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  virtual Status savepoint() = 0;
  virtual Status release() = 0;
  virtual Status rollback_to() = 0;

  // Workspace settings (key/value), e.g. the visitor-token secret and the demo site key.
  virtual Result<std::optional<std::string>> setting(std::string_view key) = 0;
  virtual Status set_setting(std::string_view key, std::string_view value) = 0;

  // Tenants. Slugs are unique (conflict).
  virtual Result<Tenant> create_tenant(std::string_view slug, std::string_view name, Millis now) = 0;
  virtual Result<Tenant> tenant_by_slug(std::string_view slug) = 0;
  virtual Result<std::vector<Tenant>> tenants() = 0;
  // Stores the tenant's business hours text (already validated by the caller; "" = always open).
  virtual Status set_tenant_hours(Id tenant_id, std::string_view hours) = 0;
  // The capacity of the tenant's agents who have none of their own (1..50).
  virtual Status set_tenant_default_max_chats(Id tenant_id, int max_chats) = 0;
  virtual Status set_tenant_name(Id tenant_id, std::string_view name) = 0;
  // The chat lifecycle in seconds (0..limits::kMaxLifecycleSeconds; 0 = never).
  virtual Status set_tenant_lifecycle(Id tenant_id, int missed_after_seconds, int idle_close_seconds) = 0;

  // Sites. `site.id` and `created_at` are assigned; keys are unique (conflict).
  virtual Result<Site> create_site(const Site& site) = 0;
  virtual Result<Site> site_by_key(std::string_view key) = 0;
  virtual Result<Site> site_by_id(Id id) = 0;
  virtual Result<std::vector<Site>> sites() = 0;
  // Stores a site's rules JSON (validated by the caller).
  virtual Status set_site_rules(Id site_id, std::string_view rules) = 0;
  // Stores a site's name, greeting, greetings and languages (validated by the caller).
  virtual Status update_site(const Site& site) = 0;

  // Agents (emails unique, compared case-insensitively) and their tenant memberships.
  virtual Result<Agent> create_agent(std::string_view email, std::string_view name, std::string_view password_hash,
                                     Millis now) = 0;
  virtual Result<Agent> agent_by_email(std::string_view email) = 0;
  virtual Result<Agent> agent_by_id(Id id) = 0;
  virtual Result<std::vector<Agent>> agents() = 0;
  // Changes name, email (conflict if taken) and, when not empty, the password hash.
  virtual Status update_agent(Id agent_id, std::string_view email, std::string_view name, std::string_view password_hash) = 0;
  // Sets how many chats may be assigned to the agent at once (1..50; 0 = the tenants' default).
  virtual Status set_max_chats(Id agent_id, int max_chats) = 0;
  // Adds or changes the agent's role in the tenant.
  virtual Status set_membership(Id agent_id, Id tenant_id, Role role) = 0;
  virtual Result<std::vector<Membership>> memberships_of(Id agent_id) = 0;

  // Teams. Names are unique within a tenant (conflict). Members must serve the tenant
  // (bad_request otherwise); adding twice is fine. A site's team must be of its tenant.
  virtual Result<Team> create_team(Id tenant_id, std::string_view name) = 0;
  virtual Status add_team_member(Id team_id, Id agent_id) = 0;
  virtual Result<std::vector<Team>> teams_of_tenants(const std::vector<Id>& tenant_ids) = 0;
  virtual Result<std::vector<Id>> team_ids_of(Id agent_id) = 0;
  virtual Status set_site_team(Id site_id, std::optional<Id> team_id) = 0;

  // Agent sessions. session_by_hash returns not_found for unknown or expired sessions.
  virtual Status create_session(const Session& s) = 0;
  virtual Result<Session> session_by_hash(std::string_view token_hash, Millis now) = 0;
  virtual Status delete_session(std::string_view token_hash) = 0;

  // Visitors. create_visitor numbers them 1, 2, 3... per tenant.
  virtual Result<Visitor> create_visitor(Id site_id, std::string_view lang, Millis now) = 0;
  virtual Result<Visitor> visitor_by_id(Id id) = 0;
  virtual Status update_visitor_page(Id id, std::string_view url, std::string_view title, Millis now) = 0;
  virtual Status set_visitor_cart(Id id, const std::optional<Cart>& cart) = 0;
  // Page views: recorded as they happen; page_path returns the latest visit's last `limit`
  // views, oldest first.
  virtual Status record_page_view(const PageView& v) = 0;
  virtual Result<std::vector<PageView>> page_path(Id visitor_id, std::size_t limit) = 0;

  // Conversations. create_conversation stores status waiting (and the rule it answers, if any).
  virtual Result<Conversation> create_conversation(Id visitor_id, std::string_view origin, Millis now,
                                                   std::optional<std::int64_t> rule_id = std::nullopt) = 0;
  virtual Result<Conversation> conversation(Id id) = 0;
  // The visitor's newest conversation that is not closed, if any.
  virtual Result<std::optional<Conversation>> open_conversation_of(Id visitor_id) = 0;
  // The visitor's conversations, newest first, at most `limit`.
  virtual Result<std::vector<Conversation>> conversations_of_visitor(Id visitor_id, std::size_t limit) = 0;
  // Adds buying signals not yet recorded; returns the conversation and whether any was new.
  virtual Result<std::pair<Conversation, bool>> add_signals(Id conv_id, const std::vector<std::string>& signals) = 0;
  // Conversations not closed in any of these tenants, oldest first.
  virtual Result<std::vector<Conversation>> open_conversations(const std::vector<Id>& tenant_ids) = 0;
  // Conversations of these tenants closed at or after `since`, newest first, strictly before
  // the cursor (closed_at, id) when one is given, at most `limit`.
  struct ClosedCursor {
    Millis closed_at = 0;
    Id id = 0;
  };
  virtual Result<std::vector<Conversation>> closed_conversations(const std::vector<Id>& tenant_ids, Millis since,
                                                                 std::optional<ClosedCursor> before, std::size_t limit) = 0;
  // Assigns to the agent (status active). conflict if closed or assigned to another agent.
  virtual Result<Conversation> assign(Id conv_id, Id agent_id, Millis now) = 0;
  // Moves an active conversation from one agent to another. conflict if it is not active or
  // not assigned to `from`.
  virtual Result<Conversation> transfer(Id conv_id, Id from, Id to, Millis now) = 0;
  // Hands an active conversation from its agent to a team: status waiting, no assignee, routed
  // among the team. conflict if it is not active with `from`; bad_request for another tenant's team.
  virtual Result<Conversation> transfer_to_team(Id conv_id, Id from, Id team_id, Millis now) = 0;
  // Takes the conversation back from `agent_id` (status waiting, no assignee) so routing can
  // offer it to someone else. conflict if it is closed or not assigned to that agent.
  virtual Result<Conversation> release_assignment(Id conv_id, Id agent_id) = 0;
  // conflict if already closed.
  virtual Result<Conversation> close(Id conv_id, Millis now) = 0;
  // Records who to answer by email (already validated). conflict if closed.
  virtual Result<Conversation> set_contact(Id conv_id, std::string_view name, std::string_view email) = 0;

  // Appends with the next seq. If m.cid is non-empty and already stored in that conversation,
  // returns the stored message with duplicate=true and changes nothing. conflict if the
  // conversation is closed, not_found if it does not exist, too_large if it already holds
  // limits::kMaxMessagesPerConversation messages.
  virtual Result<Appended> append_message(const Message& m) = 0;
  // Messages with seq > after, ascending, at most `limit`.
  virtual Result<std::vector<Message>> messages_after(Id conv_id, std::int64_t after, std::size_t limit) = 0;
  // The newest `limit` messages with after < seq < before, ascending; internal notes only
  // with `with_notes`. History pages are read with this (limit + 1 tells whether more exist).
  virtual Result<std::vector<Message>> messages_page(Id conv_id, std::int64_t after, std::int64_t before,
                                                     std::size_t limit, bool with_notes) = 0;

  // The email outbox. enqueue_mail assigns id (status queued, attempts 0; m.error may say why
  // it cannot go yet, e.g. no relay configured); due_mail lists
  // queued mail with next_at <= now, oldest first; record_mail_attempt counts an attempt:
  // sent, or failed with `error` and either a retry time (stays queued) or none (failed).
  virtual Result<OutMail> enqueue_mail(const OutMail& m) = 0;
  virtual Result<std::vector<OutMail>> due_mail(Millis now, std::size_t limit) = 0;
  virtual Result<OutMail> record_mail_attempt(Id id, bool sent, std::string_view error, std::optional<Millis> retry_at,
                                              Millis now) = 0;
  // Agent replies since `since` in conversations with a contact email that have no outbox row
  // (their email was never queued: the server stopped between the reply and its email), as
  // (conversation, seq), oldest first, at most `limit`.
  virtual Result<std::vector<std::pair<Id, std::int64_t>>> replies_without_mail(Millis since, std::size_t limit) = 0;
  // The conversation's mail for replies with from_seq <= seq <= to_seq, by seq.
  virtual Result<std::vector<OutMail>> mail_of_conversation(Id conv_id, std::int64_t from_seq, std::int64_t to_seq) = 0;

  // Invitations. record assigns id. dismiss marks the visitor's latest undecided invitation of
  // the rule; accept links it to the conversation it started (not_found if there is none).
  // history: the visitor's invitations shown since `since`, oldest first.
  virtual Result<Invitation> record_invitation(const Invitation& inv) = 0;
  virtual Result<Invitation> dismiss_invitation(Id visitor_id, std::int64_t rule_id, Millis now) = 0;
  virtual Result<Invitation> accept_invitation(Id visitor_id, std::int64_t rule_id, Id conv_id) = 0;
  virtual Result<std::vector<Invitation>> invitations_of(Id visitor_id, Millis since) = 0;

  // The append-only event log that analytics read.
  virtual Status append_event(const Event& e) = 0;
  virtual Result<std::vector<Event>> events_of_conversation(Id conv_id) = 0;
};

}  // namespace tiski
