// What the store keeps: the records every repository reads and writes (repositories.h); those of
// accounts and administration are in admin_records.h. Times are milliseconds since the Unix epoch
// (UTC). Ids are positive 64-bit integers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"
#include "util/interned.h"

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
// Conversations that wait in the agents' inbox (answered when an agent can), not the live queue.
inline bool is_inbox(std::string_view o) { return o == kOffline || o == kEmail || o == kApi; }
}  // namespace origin

// What came of a conversation, as the agent sets it.
namespace outcome {
inline constexpr std::string_view kSale = "sale";
inline constexpr std::string_view kLead = "lead";
inline constexpr std::string_view kRedirected = "redirected";  // sent to another channel (outcome_channel)
inline constexpr std::string_view kResolved = "resolved";
inline constexpr std::string_view kNone = "none";
inline constexpr std::string_view kSpam = "spam";
bool valid(std::string_view o);
}  // namespace outcome

enum class Role { kAgent, kSupervisor, kAdmin };
std::string_view role_name(Role r);
std::optional<Role> parse_role(std::string_view s);

struct Tenant {
  Id id = 0;
  std::string slug;
  std::string name;
  Millis created_at = 0;
  std::string hours;          // business hours in the text form of chat/hours.h; empty = always open
  int default_max_chats = 3;  // capacity of its agents who have no capacity of their own
  // The chat lifecycle (0 = never): a waiting live chat whose visitor has been gone this long
  // is closed as missed; an active chat without a message this long is closed.
  int missed_after_seconds = 600;
  int idle_close_seconds = 1800;
  // Analytics (docs/metrics.md): an agent must choose an outcome before closing a chat; an
  // order or lead is credited to the visitor's last chat up to this many days before it (1..30).
  bool outcome_required = false;
  int attribution_days = 7;
  // The agent's desk (src/chat/desk/): the tenant's colour ("#rrggbb"; "" = from a palette by
  // id) beside its name everywhere, and its policy card (docs/desk.md) beside its chats.
  std::string color;
  std::string policy;
  // Privacy (docs/privacy.md): conversations closed this many days ago are erased (0 = kept).
  int retention_days = 0;
  bool require_totp = false;  // its agents must use two-factor login (docs/admin.md)
  // Expected response times per channel, text form of chat/presence/response_targets.h
  // ("" = the defaults).
  std::string response_targets;
  // Attachments' policy, text form of chat/attachments/policy.h ("" = the defaults).
  std::string attachments;
  // Channel cards (chat/desk/cards.h), their stored JSON ("" = none).
  std::string channel_cards;
};

// What an erasure removed (docs/privacy.md).
struct Erased {
  std::int64_t visitors = 0;
  std::int64_t conversations = 0;
  std::int64_t messages = 0;
  std::int64_t page_views = 0;
  std::int64_t files = 0;
};

struct Site {
  Id id = 0;
  Id tenant_id = 0;
  std::string key;     // public, in the embed snippet
  std::string secret;  // HMAC key for identity verification (later); never sent to browsers
  std::string name;
  std::string greeting;            // the default greeting (any language without its own)
  std::vector<std::string> langs;  // e.g. {"fi","sv","en"}
  Millis created_at = 0;
  std::optional<Id> team_id;  // chats from this site are routed to this team's agents only
  std::string rules = "[]";   // proactive invitation rules, JSON (chat/rules.h), validated on the way in
  std::map<std::string, std::string> greetings;  // per language ("sv" -> "Hej! ..."), over `greeting`
  // Percent of the visits a proactive rule would invite that are, at random, never invited
  // (held out, and recorded as such): the control group of the holdout report. 0..50.
  int holdout_percent = 0;
  // Only verified identities accepted (tiski('identify') with the HMAC of the site's secret).
  bool identity_required = false;
  // The widget's look (docs/admin.md): the brand colour ("#rrggbb"; "" = the widget's default
  // or the snippet's data-color), its corner ("right" or "left"), the launcher's text per
  // language ("" or missing = the widget's own "Chat with us" in that language).
  std::string color;
  std::string position = "right";
  int lift = 0;  // px above the corner's usual place (clear of the shop's own buttons), 0..kMaxLauncherLift
  std::map<std::string, std::string> launchers;
  // Where the widget may run: the pages' origins in normal form ("https://eramaa.fi",
  // "https://*.eramaa.fi" for its subdomains; util/web_origin.h); empty: any page.
  std::vector<std::string> origins;
  // The greeting a visitor speaking `lang` sees.
  const std::string& greeting_for(std::string_view lang) const;
  // The launcher's text for `lang`; "" for the widget's own.
  std::string launcher_for(std::string_view lang) const;
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
  // The workspace owner: creates tenants and is an admin of every tenant (docs/roles.md).
  bool owner = false;
  Millis deactivated_at = 0;  // not 0: cannot log in (docs/admin.md)
};

struct Membership {
  Id agent_id = 0;
  Id tenant_id = 0;
  std::string tenant_name;
  Role role = Role::kAgent;
  int tenant_default_max_chats = 3;
  // Not stored: the admin rights a workspace owner has in a tenant they do not serve as an
  // agent (routing never offers them its chats).
  bool implied = false;
};

// An agent as a tenant's admin sees them.
struct Member {
  Agent agent;
  Role role = Role::kAgent;
};

// A shopping cart as the shop's page reports it. The currency is interned (one copy of "EUR"
// however many carts): each open tab's cart is held as long as the tab (rules::Facts::cart).
struct Cart {
  std::int64_t cents = 0;
  Interned currency;
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

// The shop's logged-in customer (tiski('identify', ...), docs/integrations.md): the shop's id
// for them, and whether the site's secret vouched for it (then one visitor per id and site:
// the same history on every device).
struct VisitorIdentity {
  std::string external_id;  // "" = not identified
  std::string name;
  std::string email;
  bool verified = false;
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
  VisitorIdentity identity;  // the shop's customer, if the page identified them
  Id contact_id = 0;         // the person across channels (0: not known yet)
};

// What tells a contact apart within a tenant (docs/contacts.md): a site's verified customer id
// ("identity": "<site key>:<id>"), an email address (lower case) or a phone number (digits,
// a leading + kept). One key belongs to at most one contact of a tenant.
struct ContactKey {
  std::string kind;
  std::string value;
  friend bool operator==(const ContactKey&, const ContactKey&) = default;
};

// A person across channels: the visitors (browsers, email senders, API callers) it joins.
struct Contact {
  Id id = 0;
  Id tenant_id = 0;
  std::string name;
  Millis created_at = 0;
  std::vector<ContactKey> keys;  // sorted: identity, email, phone
  std::int64_t visitors = 0;     // how many visitors it joins
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
  std::string preview;                  // start of the last message
  std::string contact_name;             // from the leave-a-message form
  std::string contact_email;            // set: agent replies are also sent here by email
  std::optional<Id> team_id;            // routed to this team's agents only (from the site, or a transfer)
  std::string team_name;                // joined, read-only
  std::optional<std::int64_t> rule_id;  // origin proactive: the rule whose invitation was answered
  std::vector<std::string> signals;     // buying signals seen (cart, product_page, phrase:...)
  // What the agent says came of it (outcome:: below; "" = not set), the channel a redirected
  // visitor was sent to, and the tenant's tags the agent chose.
  std::string outcome;
  std::string outcome_channel;
  std::vector<std::string> tags;
  // The visitor's satisfaction answer (1..5) and comment; when the survey was first shown.
  std::optional<int> csat;
  std::string csat_comment;
  std::optional<Millis> csat_shown_at;
  // The visitor's last tab has been gone since then (for the grace period: events::VisitorLeft);
  // none while they are here or came back.
  std::optional<Millis> visitor_left_at;
  // Joined for display, read-only.
  std::int64_t visitor_number = 0;
  std::string tenant_name;
  std::string site_name;
  std::string assignee_name;
  std::string page_url;
  std::string page_title;
  std::string lang;  // the visitor's language (fi, sv, en)
  // An inbox conversation (email, form, API) whose customer waits for an answer: when it is
  // due (docs/channels.md, expected response times).
  std::optional<Millis> due_at;

  // Answered by email when an agent can (an inbox item, or a chat where the visitor left an
  // address): never closed as missed or idle, never held back because the visitor left.
  bool by_email() const { return origin::is_inbox(origin) || !contact_email.empty(); }
  // A live chat whose visitor has left (visitor_left_at): offered to nobody until they return.
  bool visitor_gone() const { return visitor_left_at && status != conv_status::kClosed && !by_email(); }
};

// Answers against the expected response time of one inbox channel (ConversationRepo::target_counts).
struct TargetCount {
  std::string origin;
  std::int64_t on_time = 0;
  std::int64_t late = 0;
  std::int64_t overdue = 0;     // open, due before now
  std::int64_t waiting = 0;     // open, due later
  std::int64_t unanswered = 0;  // closed with the customer's message unanswered
};

// A file sent with a message, as the message names it (docs/attachments.md). id 0 with
// `refused` set: an email's attachment that was not kept (too large, a type not accepted).
struct FileRef {
  Id id = 0;
  std::string name;
  std::string type;  // the MIME type it is served as
  std::int64_t size = 0;
  bool image = false;  // a picture that decoded: shown inline
  int width = 0, height = 0;
  std::string refused;  // why it was not kept
  bool body = false;    // an email's HTML body itself (shown sanitised, not as a file)
};
// The text form kept beside a message (a JSON array; "" = none), and back (an unreadable text
// is no files).
std::string files_text(const std::vector<FileRef>& files);
std::vector<FileRef> files_from_text(std::string_view text);

// A kept file: whose it is, and its content by hash (attachments::Files keeps the bytes).
struct Attachment {
  Id id = 0;
  Id tenant_id = 0;
  Id conv_id = 0;
  bool internal = false;  // sent with an internal note: agents only
  std::string sha256;
  std::string name, type;
  std::int64_t size = 0;
  bool image = false;
  int width = 0, height = 0;
  Millis created_at = 0;
};
// A tenant's file by content: its bytes go once no row refers to it.
struct FileKey {
  Id tenant_id = 0;
  std::string sha256;
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
  std::string quoted;  // an email's quoted history and signature, folded away from body
  std::vector<FileRef> files;
  std::string card;  // a channel card sent by an agent (chat/desk/cards.h), as JSON; "" = none
};

// A conversation's preview of its last message: the first 140 bytes, cut at a character.
std::string message_preview(std::string_view body);
// The same of a message: a message of files alone is previewed by its first file's name.
std::string message_preview(const Message& m);

struct Appended {
  Message msg;
  bool duplicate = false;  // the cid was already stored: msg is the original
};

namespace mail_status {
inline constexpr std::string_view kQueued = "queued";  // waiting for its first or next attempt
inline constexpr std::string_view kSent = "sent";      // accepted by the relay
inline constexpr std::string_view kFailed = "failed";  // gave up
}  // namespace mail_status

// An email waiting for, or after, delivery: a reply in a conversation (conv_id, seq), or an
// account's own mail (a password link: conv_id 0, tenant_id 0 or the inviting tenant).
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
  // Held out (the site's holdout share): the rule fired but the visitor was, at random, not
  // invited; shown_at is when it would have been shown.
  bool held_out = false;
};

// An order or lead the shop reported (the widget's tiski('track', ...) or the signed
// server-to-server call), credited to the visitor's last answered chat within the tenant's
// attribution window, and to that chat's (last) agent.
struct Conversion {
  Id id = 0;
  Id tenant_id = 0;
  Id site_id = 0;
  std::optional<Id> visitor_id;  // unknown when the shop's server did not say
  std::string kind;              // "order" or "lead"
  std::string ref;               // the shop's order or lead id: unique per tenant and kind
  std::int64_t value_cents = 0;
  std::string currency;  // ISO 4217; "" for a lead without a value
  Millis at = 0;
  std::string source;  // "widget" or "api"
  std::optional<Id> conv_id;
  std::optional<Id> agent_id;
};
struct Recorded {
  Conversion conversion;
  bool duplicate = false;  // the id was reported before: conversion is the stored one
};

struct Event {
  Id id = 0;
  Id tenant_id = 0;
  std::optional<Id> conv_id;
  std::string kind;  // e.g. conversation.created, conversation.assigned, message.created
  std::string data;  // a JSON object
  Millis at = 0;
};

// What the reports read about one conversation (docs/metrics.md): the row's facts, its lines
// (time and author only) and the events that metrics use.
struct ReportQuery {
  Id tenant_id = 0;
  Millis from = 0;  // conversations created in [from, to)
  Millis to = 0;
  std::optional<Id> site_id;
  std::optional<Id> agent_id;  // the conversation's (last) assignee
  std::optional<std::string> origin;
  std::optional<Id> team_id;           // routed to this team
  std::optional<std::string> channel;  // chat (reactive, proactive, agent), form (offline), email, api
  std::size_t limit = 0;               // at most this many conversations (the caller refuses more)
  bool open_only = false;              // only those not closed yet (through the open index)
};
struct ReportLine {
  Millis at = 0;
  std::string author;  // as Message::author
};
struct ReportConversation {
  Conversation conv;  // id, site, origin, assignee, created, closed (no joined fields)
  std::vector<ReportLine> lines;
  std::vector<Event> events;  // visitor.left/returned, conversation.transferred/closed
};
// What one tenant-local day's report rollup is made of (src/chat/analytics/rollup.h).
struct ReportDayFacts {
  std::vector<ReportConversation> convs;  // created in the day (any status)
  // Orders and leads made in the day; for each, the credited conversation's origin and team.
  struct Sale {
    Conversion c;
    std::string origin;
    Id team = 0;
  };
  std::vector<Sale> sales;
  // Orders credited to the day's conversations (made any time).
  std::vector<Conversion> credited_to_day;
  // Visitors (id, site) with a page view in the day.
  std::vector<std::pair<Id, Id>> seen;
  // Invitations shown or held out in the day, and whether each was its visit's first.
  std::vector<std::pair<Invitation, bool>> invitations;
  // The day's accepted invitations' conversations with at least one credited order.
  std::vector<Id> sold_convs;
  // Orders of the visitors invited (or held out) in the day, made from the day's start to
  // the window after its end.
  std::vector<Conversion> unit_orders;
};
// A canned answer (src/chat/desk/canned.h): a tenant's, or workspace-wide (no tenant), with
// its text per language ("" = none in that language).
struct CannedAnswer {
  Id id = 0;
  std::optional<Id> tenant_id;
  std::string shortcut;
  std::string title;
  std::string fi, sv, en;
  Millis updated_at = 0;
};

// Transcript search (chat/desk/search.h builds `match`, never from the user's text directly):
// messages of `tenants` matching, newest first, below the cursor `before` (0: from the newest),
// narrowed by the optional filters. At most `limit` hits, one per conversation, after reading
// at most `scan` matching messages (then `next` says where to go on).
struct SearchQuery {
  std::vector<Id> tenants;
  std::string match;
  std::optional<Id> site, agent;
  std::string origin, outcome, tag;
  Millis from = 0, to = 0;  // 0: unbounded
  std::int64_t before = 0;
  std::size_t limit = 20;
  std::size_t scan = 2000;
};
struct SearchHit {
  std::int64_t id = 0;  // the message's place in the index (a cursor)
  Conversation conv;
  std::int64_t seq = 0;
  Millis at = 0;
  std::string author;
  std::string author_name;
  std::string body;  // the line (chat/desk/search.h cuts the snippet from it)
};
struct SearchPage {
  std::vector<SearchHit> hits;
  std::int64_t next = 0;  // 0: no more
};

// Quality review (src/chat/desk/quality.h): a supervisor's scores of one closed conversation
// on the chat barometer's dimensions, 1..5 each, and the agent who handled it.
struct Review {
  Id conv_id = 0;
  Id tenant_id = 0;
  std::optional<Id> agent_id;
  Id reviewer_id = 0;
  std::string reviewer_name;  // read only
  int reachability = 0, efficiency = 0, atmosphere = 0, sales = 0;
  std::string comment;
  Millis at = 0;
};
// The automatic flags of one closed conversation (comma-separated names, "" = none) with
// what triggered them (a JSON object), as the flagger last judged it.
struct QualityFlags {
  Id conv_id = 0;
  Id tenant_id = 0;
  std::string flags;
  std::string detail;
  Millis closed_at = 0;
};
// One row of the review queue: a flagged conversation no one has scored yet.
struct ReviewItem {
  QualityFlags flags;
  Conversation conv;
};
// One week of an agent's scores: reviews made in [start, start + 7 days), their averages.
struct ReviewWeek {
  Millis start = 0;
  std::int64_t count = 0;
  double reachability = 0, efficiency = 0, atmosphere = 0, sales = 0;
};
// A visitor line of an earlier conversation that matched a suggestion's query.
struct PastLine {
  Id conv_id = 0;
  std::int64_t seq = 0;
  std::string body;
};
// An earlier agent reply to a visitor line like the one asked about (suggested replies).
struct PastReply {
  Id conv_id = 0;
  std::string question;  // the visitor line that matched
  std::string reply;     // the agent's next line in that conversation
  double score = 0;      // BM25: higher is better
};
// How many suggestions were offered and how many of them an agent took, per tenant.
struct SuggestionStats {
  std::int64_t offered = 0;
  std::int64_t used = 0;
};

// A tenant's UTC hour (hour = ms / 3,600,000) that a write touched, and the sequence number of
// the latest such write.
struct ReportChange {
  std::int64_t hour = 0;
  std::int64_t mark = 0;
};

}  // namespace tiski
