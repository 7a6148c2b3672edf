// What the store keeps about accounts and the workspace's administration, beside the
// conversation records of records.h: agents' logins (sessions, two-factor keys, password links),
// blocked visitors, the audit log, API tokens and webhooks with their delivery outbox.
// Times are milliseconds since the Unix epoch (UTC).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace tiski {

// An agent's two-factor login (RFC 6238): the key (raw bytes; empty = off), a key being set up,
// the last time step used (a code works once), and whether a tenant of theirs requires it.
struct Totp {
  std::string key;
  std::string pending;
  std::int64_t step = 0;
  bool required = false;
  bool on() const { return !key.empty(); }
};

// One agent login session (its cookie is never stored, only its hash).
struct Session {
  std::string token_hash;  // SHA-256 hex of the cookie value
  Id agent_id = 0;
  std::string csrf;
  Millis expires_at = 0;
  Millis created_at = 0;
  std::string ip = {};          // where the login came from
  std::string user_agent = {};  // the browser, cut to limits::kMaxUserAgent
};

// A visitor blocked by an agent (docs/roles.md, "Abuse"): by their visitor id and, when
// `ip` is set, by the address they were connected from; until `expires_at` (0 = until lifted).
struct Block {
  Id id = 0;
  Id tenant_id = 0;
  Id visitor_id = 0;
  std::string ip;  // "" = not by address
  Id conv_id = 0;  // the conversation it was made from
  std::int64_t visitor_number = 0;
  std::string reason;
  Id created_by = 0;
  Millis created_at = 0;
  Millis expires_at = 0;
  Millis lifted_at = 0;
  Id lifted_by = 0;
};

// One line of the audit log (docs/roles.md): a login, failed or not, an admin change with the
// values before and after, a data export or erasure. `tenant_id` 0 = the workspace.
struct AuditEntry {
  Id id = 0;
  Millis at = 0;
  Id tenant_id = 0;
  Id actor_id = 0;     // the agent (0: the command line, or an unknown login email)
  std::string actor;   // their email as it was then, or "cli"
  std::string action;  // e.g. login.failed, site.update, agent.invite
  std::string target;  // what was changed, e.g. "site 3kq…", "agent 12"
  std::string detail;  // JSON: {"before": {...}, "after": {...}} or a reason
  std::string ip;
};

// An API token of a tenant (docs/integrations.md): the secret is shown once; the store keeps
// its SHA-256 (`hash`, hex) and the first characters (`prefix`) to tell tokens apart.
struct ApiToken {
  Id id = 0;
  Id tenant_id = 0;
  std::string name;
  std::vector<std::string> scopes;  // "read", "write", "admin"
  std::string prefix;
  Id created_by = 0;
  Millis created_at = 0;
  Millis last_used_at = 0;  // 0 = never
  Millis revoked_at = 0;    // 0 = in use
};

// A webhook of a tenant: where to POST which events, signed with `secret`.
struct Webhook {
  Id id = 0;
  Id tenant_id = 0;
  std::string url;
  std::string secret;
  std::vector<std::string> events;  // e.g. "message.created"
  bool active = true;
  Millis created_at = 0;
  // Why Tiski paused it (kPauseAfterFailures deliveries in a row gave up); "" when not paused.
  // Turning it on again clears it.
  std::string paused_reason;
};
// An IMAP mailbox of a tenant that Tiski reads for the email channel (docs/channels.md). The
// password never leaves the server. uidvalidity 0: not read yet (the first check starts after
// the mail already there); last_uid: the newest message taken, saved after each one.
struct Mailbox {
  Id id = 0;
  Id tenant_id = 0;
  std::string url;  // imaps://host[:port]/MAILBOX (imap:// with STARTTLS)
  std::string username;
  std::string password;
  std::string site_key;  // the site whose inbox its mail joins; "" = the tenant's first site
  bool active = true;
  std::int64_t uidvalidity = 0;
  std::int64_t last_uid = 0;
  Millis checked_at = 0;      // the last check, 0 = never
  std::string last_error;     // of the last check; "" = it went well
  std::int64_t received = 0;  // messages taken so far
  Millis created_at = 0;
  // The address customers write to; the tenant's emails name the first active mailbox's as
  // Reply-To ("" = [smtp] reply_to).
  std::string address;
};
// Mailboxes per tenant at most.
inline constexpr std::size_t kMaxMailboxes = 10;

// Final failures in a row after which a webhook is paused (docs/integrations.md).
inline constexpr int kPauseAfterFailures = 10;

namespace hook_status {
inline constexpr std::string_view kQueued = "queued";
inline constexpr std::string_view kDelivered = "delivered";
inline constexpr std::string_view kFailed = "failed";  // gave up (attempts used) or sent again by hand
}  // namespace hook_status

// One event for one webhook: queued in the transaction that made the event, delivered at least
// once with retries. `delivery` is the id receivers use to drop a duplicate.
struct WebhookDelivery {
  Id id = 0;
  Id webhook_id = 0;
  Id tenant_id = 0;
  std::string delivery;
  std::string type;
  std::string body;
  std::string status;
  int attempts = 0;
  Millis next_at = 0;
  int last_code = 0;  // the receiver's HTTP status of the last attempt (0: none)
  std::string error;
  Millis created_at = 0;
  Millis done_at = 0;
  std::string url = {};     // the webhook's, for the sender
  std::string secret = {};  // the webhook's, for the sender
};

// Which audit lines to read: of these tenants (and the workspace's own lines when
// `workspace`), newest first below the id `before` (0 = from the newest).
struct AuditQuery {
  std::vector<Id> tenants;
  bool workspace = false;
  std::string action;  // "" = all; "login" matches login.ok and login.failed
  Id actor_id = 0;     // 0 = anyone
  Id before = 0;
  int limit = 50;
};

// A password link's token (docs/admin.md): a reset asked for by email, or an invitation an
// admin sent. Only its SHA-256 is stored; it works once, until it expires.
struct PasswordToken {
  std::string token_hash;
  Id agent_id = 0;
  std::string kind;  // "reset" or "invite"
  Millis created_at = 0;
  Millis expires_at = 0;
};

}  // namespace tiski
