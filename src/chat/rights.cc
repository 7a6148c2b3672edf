#include "chat/rights.h"

#include <algorithm>
#include <array>

namespace tiski::rights {
namespace {

using enum Level;

// Every REST route. Routes::add refuses a route that is not here, and the roles test fails on
// a line here that no route serves.
constexpr std::array kRoutes{
    RouteRule{"GET", "/healthz", kPublic, "Liveness"},
    RouteRule{"GET", "/readyz", kPublic, "Readiness (the store answers, not draining)"},
    RouteRule{"GET", "/metrics", kPublic, "Prometheus metrics, with the [metrics] token"},
    RouteRule{"POST", "/api/login", kPublic, "Log in with email and password"},
    RouteRule{"POST", "/api/password/forgot", kPublic, "Mail a password reset link (the same answer for any address)"},
    RouteRule{"POST", "/api/password/reset", kPublic, "Set a password with a mailed link's token"},
    RouteRule{"POST", "/api/sites/{key}/conversions", kPublic, "The shop's server reports an order (signed)"},
    RouteRule{"POST", "/api/visitor/files", kPublic, "The widget sends a file (the visitor's token)"},
    RouteRule{"GET", "/api/visitor/files/{file}", kPublic,
              "A file of the visitor's conversation (the visitor's token)"},
    RouteRule{"GET", "/api/me", kSignedIn, "Who I am, my tenants and roles"},
    RouteRule{"POST", "/api/logout", kSignedIn, "End this session"},
    RouteRule{"PUT", "/api/me/status", kSignedIn, "Set my presence"},
    RouteRule{"GET", "/api/me/sessions", kSignedIn, "My login sessions"},
    RouteRule{"DELETE", "/api/me/sessions/{session}", kSignedIn, "End one of my sessions"},
    RouteRule{"GET", "/api/me/totp", kSignedIn, "My two-factor login: on, required"},
    RouteRule{"POST", "/api/me/totp", kSignedIn, "Start setting up two-factor login (a new key)"},
    RouteRule{"POST", "/api/me/totp/confirm", kSignedIn, "Turn two-factor login on with a code of the new key"},
    RouteRule{"POST", "/api/me/totp/disable", kSignedIn, "Turn it off with a current code (not when required)"},
    RouteRule{"POST", "/api/me/password", kSignedIn,
              "Change my password (the current one first); my other sessions end"},
    RouteRule{"GET", "/api/search", kSignedIn, "Search transcripts of my tenants"},
    RouteRule{"GET", "/api/desk", kSignedIn, "Colours and policy cards of my tenants"},
    RouteRule{"GET", "/api/tenants", kSignedIn, "The tenants I serve (all of them for an owner)"},
    RouteRule{"POST", "/api/tenants", kOwner, "Create a tenant"},
    RouteRule{"GET", "/api/audit", kOwner, "The whole workspace's audit log"},
    RouteRule{"GET", "/api/reviews/queue", kSupervisor, "Flagged conversations to review (tenants I supervise)"},
    RouteRule{"GET", "/api/tenants/{id}/hours", kAgent, "Business hours and whether open now"},
    RouteRule{"PUT", "/api/tenants/{id}/hours", kSupervisor, "Change business hours"},
    RouteRule{"GET", "/api/tenants/{id}/settings", kAgent, "Outcome required, attribution window"},
    RouteRule{"PUT", "/api/tenants/{id}/settings", kSupervisor, "Change those settings"},
    RouteRule{"GET", "/api/tenants/{id}/presence", kAgent, "Agents' presence"},
    RouteRule{"GET", "/api/tenants/{id}/queue", kAgent, "The waiting queue"},
    RouteRule{"GET", "/api/tenants/{id}/desk", kAgent, "The tenant's colour and policy card"},
    RouteRule{"PUT", "/api/tenants/{id}/desk", kSupervisor, "Change the colour, policy card and channel cards"},
    RouteRule{"GET", "/api/tenants/{id}/canned", kAgent, "Canned answers"},
    RouteRule{"POST", "/api/tenants/{id}/canned", kSupervisor, "Add a canned answer"},
    RouteRule{"POST", "/api/tenants/{id}/canned/import", kSupervisor, "Import canned answers"},
    RouteRule{"PUT", "/api/tenants/{id}/canned/{canned}", kSupervisor, "Change a canned answer"},
    RouteRule{"DELETE", "/api/tenants/{id}/canned/{canned}", kSupervisor, "Remove a canned answer"},
    RouteRule{"GET", "/api/tenants/{id}/reports/summary", kAgent, "Reports (an agent sees only their own figures)"},
    RouteRule{"GET", "/api/tenants/{id}/reports/staffing", kSupervisor, "Staffing planner"},
    RouteRule{"GET", "/api/tenants/{id}/reviews", kAgent, "Quality reviews (an agent sees only their own)"},
    RouteRule{"GET", "/api/tenants/{id}/reviews/trend", kAgent, "An agent's weekly scores (an agent: their own)"},
    RouteRule{"GET", "/api/tenants/{id}/suggestions/stats", kAgent, "Suggested replies offered and used"},
    RouteRule{"GET", "/api/tenants/{id}/agents", kSupervisor, "The tenant's agents, roles and capacity"},
    RouteRule{"POST", "/api/tenants/{id}/agents", kAdmin, "Add an agent (a new account or an existing one)"},
    RouteRule{"PUT", "/api/tenants/{id}/agents/{agent}", kAdmin, "Change an agent's role or capacity"},
    RouteRule{"DELETE", "/api/tenants/{id}/agents/{agent}", kAdmin, "Remove an agent from the tenant"},
    RouteRule{"GET", "/api/tenants/{id}/audit", kAdmin, "The tenant's audit log"},
    RouteRule{"GET", "/api/tenants/{id}/blocks", kSupervisor, "Blocked visitors"},
    RouteRule{"DELETE", "/api/tenants/{id}/blocks/{block}", kSupervisor, "Lift a block"},
    RouteRule{"POST", "/api/conversations/{id}/block", kAgent, "Block the conversation's visitor"},
    RouteRule{"POST", "/api/conversations/{id}/followup", kAgent, "Continue my chat by email (transcript and answers)"},
    RouteRule{"POST", "/api/conversations/{id}/card", kAgent, "Send a channel card: the matter continues elsewhere"},
    RouteRule{"POST", "/api/conversations/{id}/files", kAgent, "Send a file (a reply, or with internal=1 a note)"},
    RouteRule{"GET", "/api/conversations/{id}/files/{file}", kAgent, "A file of the conversation"},
    RouteRule{"GET", "/api/conversations/{id}/files/{file}/view", kAgent,
              "An email's HTML, sanitised (pictures on request)"},
    RouteRule{"GET", "/api/tenants/{id}/security", kAgent, "Whether two-factor login is required"},
    RouteRule{"PUT", "/api/tenants/{id}/security", kAdmin, "Require two-factor login of the tenant's agents"},
    RouteRule{"GET", "/api/tenants/{id}/privacy", kAdmin, "The retention period"},
    RouteRule{"PUT", "/api/tenants/{id}/privacy", kAdmin, "Change the retention period"},
    RouteRule{"GET", "/api/tenants/{id}/privacy/export", kAdmin, "Export a person's data (by visitor number or email)"},
    RouteRule{"POST", "/api/tenants/{id}/privacy/erase", kAdmin, "Erase a person's data"},
    RouteRule{"GET", "/api/tenants/{id}/tokens", kAdmin, "API tokens (never their secrets)"},
    RouteRule{"POST", "/api/tenants/{id}/tokens", kAdmin, "Create an API token (its secret shown once)"},
    RouteRule{"DELETE", "/api/tenants/{id}/tokens/{token}", kAdmin, "Revoke an API token"},
    RouteRule{"GET", "/api/tenants/{id}/webhooks", kAdmin, "Webhooks and the event types"},
    RouteRule{"POST", "/api/tenants/{id}/webhooks", kAdmin, "Add a webhook (its signing secret shown once)"},
    RouteRule{"PUT", "/api/tenants/{id}/webhooks/{hook}", kAdmin, "Change a webhook's URL, events, on/off"},
    RouteRule{"DELETE", "/api/tenants/{id}/webhooks/{hook}", kAdmin, "Remove a webhook and its log"},
    RouteRule{"GET", "/api/tenants/{id}/webhooks/{hook}/deliveries", kAdmin, "A webhook's delivery log"},
    RouteRule{"POST", "/api/tenants/{id}/webhooks/{hook}/deliveries/{delivery}/retry", kAdmin, "Send a delivery again"},
    RouteRule{"GET", "/api/tenants/{id}/mailboxes", kAdmin,
              "The email channel's IMAP mailboxes (never their passwords)"},
    RouteRule{"POST", "/api/tenants/{id}/mailboxes", kAdmin, "Add an IMAP mailbox to read"},
    RouteRule{"PUT", "/api/tenants/{id}/mailboxes/{mailbox}", kAdmin, "Change a mailbox's server, login, site, on/off"},
    RouteRule{"DELETE", "/api/tenants/{id}/mailboxes/{mailbox}", kAdmin, "Stop reading a mailbox and forget it"},
    RouteRule{"GET", "/api/tenants/{id}/teams", kAgent, "The tenant's teams and their members"},
    RouteRule{"POST", "/api/tenants/{id}/teams", kAdmin, "Create a team"},
    RouteRule{"PUT", "/api/tenants/{id}/teams/{team}", kAdmin, "Set a team's members"},
    RouteRule{"GET", "/api/tenants/{id}/contacts", kAgent, "The tenant's contacts, found by name, email or phone"},
    RouteRule{"POST", "/api/tenants/{id}/contacts", kAgent, "Create a contact with its keys"},
    RouteRule{"GET", "/api/tenants/{id}/contacts/{contact}", kAgent, "A contact, its keys and visitors"},
    RouteRule{"PUT", "/api/tenants/{id}/contacts/{contact}", kAgent, "Rename a contact"},
    RouteRule{"POST", "/api/tenants/{id}/contacts/{contact}/keys", kAgent,
              "Give a contact an email, phone or identity"},
    RouteRule{"GET", "/api/tenants/{id}/contacts/{contact}/conversations", kAgent,
              "The contact's conversations over every channel and site"},
    RouteRule{"POST", "/api/tenants/{id}/contacts/{contact}/merge", kAgent, "Merge another contact into this one"},
    RouteRule{"POST", "/api/tenants/{id}/contacts/{contact}/split", kAgent,
              "Split visitors and keys off into a new contact"},
    RouteRule{"POST", "/api/tenants/{id}/channel/messages", kAgent,
              "A bridge's customer writes (the API channel; opens an inbox conversation)"},
    RouteRule{"POST", "/api/tenants/{id}/mail/inbound", kAgent,
              "An email to the tenant, as raw MIME from the mail provider (the email channel)"},
    RouteRule{"GET", "/api/tenants/{id}/sites", kAgent, "The tenant's sites (widget installations)"},
    RouteRule{"POST", "/api/tenants/{id}/sites", kAdmin, "Create a site (its key goes in the embed snippet)"},
    RouteRule{"GET", "/api/sites/{key}", kAgent, "A site's name, greetings, languages and look"},
    RouteRule{"PUT", "/api/sites/{key}", kSupervisor, "Change them"},
    RouteRule{"GET", "/api/sites/{key}/secret", kAdmin, "The site's secret for signing conversions and identities"},
    RouteRule{"GET", "/api/sites/{key}/rules", kAgent, "Proactive invitation rules"},
    RouteRule{"PUT", "/api/sites/{key}/rules", kSupervisor, "Change the rules"},
    RouteRule{"GET", "/api/conversations/{id}/review", kAgent, "A review (an agent: of their own chats)"},
    RouteRule{"PUT", "/api/conversations/{id}/review", kSupervisor, "Score a conversation"},
    RouteRule{"GET", "/api/conversations/{id}/suggestions", kAgent, "Suggested replies"},
    RouteRule{"POST", "/api/conversations/{id}/suggestions/used", kAgent, "Count a suggestion as used"},
};

constexpr std::array kFrames{
    FrameRule{"ping", kSignedIn, "Keep the connection alive"},
    FrameRule{"status", kSignedIn, "Set my presence (online, away)"},
    FrameRule{"list", kSignedIn, "Page a conversation list of my tenants"},
    FrameRule{"visitors", kSignedIn, "Follow the live visitor list of my tenants"},
    FrameRule{"watch", kAgent, "Open a conversation (history, then live)"},
    FrameRule{"unwatch", kSignedIn, "Stop following a conversation (nothing for one not followed)"},
    FrameRule{"older", kAgent, "Earlier messages of a conversation"},
    FrameRule{"typing", kAgent, "Typing indicator in a conversation"},
    FrameRule{"take", kAgent, "Take a waiting conversation"},
    FrameRule{"take.over", kSupervisor,
              "`take` with `over: true`: take an active conversation from its agent (recorded as a transfer)"},
    FrameRule{"send", kAgent, "Reply (takes a waiting chat), or an internal note in any chat"},
    FrameRule{"close", kAgent, "Close a conversation (waiting, or mine)"},
    FrameRule{"close.others", kSupervisor, "Close another agent's conversation"},
    FrameRule{"transfer", kAgent, "Transfer a conversation to an agent or a team"},
    FrameRule{"start", kAgent, "Start a chat with a visitor on the site"},
    FrameRule{"outcome", kAgent, "Set the outcome and tags of my conversation"},
    FrameRule{"outcome.others", kSupervisor, "Set the outcome of another agent's conversation"},
    FrameRule{"review.others", kSupervisor, "Read the review of a conversation another agent served (REST)"},
    FrameRule{"figures.others", kSupervisor, "Reports and trends of other agents (REST; an agent sees their own)"},
};

int rank(Role r) { return static_cast<int>(r) + static_cast<int>(kAgent); }

}  // namespace

std::string_view level_name(Level l) {
  switch (l) {
    case kPublic: return "anyone";
    case kSignedIn: return "signed in";
    case kAgent: return "agent";
    case kSupervisor: return "supervisor";
    case kAdmin: return "admin";
    case kOwner: return "owner";
  }
  return "?";
}

std::span<const RouteRule> routes() { return kRoutes; }
std::span<const FrameRule> frames() { return kFrames; }

const RouteRule* route_rule(std::string_view method, std::string_view pattern) {
  auto it = std::find_if(kRoutes.begin(), kRoutes.end(),
                         [&](const RouteRule& r) { return r.method == method && r.pattern == pattern; });
  return it == kRoutes.end() ? nullptr : &*it;
}

const FrameRule* frame_rule(std::string_view frame) {
  auto it = std::find_if(kFrames.begin(), kFrames.end(), [&](const FrameRule& r) { return r.frame == frame; });
  return it == kFrames.end() ? nullptr : &*it;
}

Verdict judge(Level need, std::optional<Role> role, bool owner) {
  if (need == kPublic || need == kSignedIn) return Verdict::kAllow;
  if (need == kOwner) return owner ? Verdict::kAllow : Verdict::kForbidden;
  if (!role) return Verdict::kNotFound;
  return rank(*role) >= static_cast<int>(need) ? Verdict::kAllow : Verdict::kForbidden;
}

bool allows(std::string_view frame, std::optional<Role> role, bool owner) {
  const auto* r = frame_rule(frame);
  return r && judge(r->level, role, owner) == Verdict::kAllow;
}

std::string forbidden_message(Level need) {
  switch (need) {
    case kSupervisor: return "supervisors and admins only";
    case kAdmin: return "admins only";
    case kOwner: return "workspace owners only";
    default: return "not allowed";
  }
}

std::string markdown() {
  std::string out =
      "# Roles and rights\n\n"
      "<!-- Generated by `tiski roles` from src/chat/rights.cc; a test fails when this file differs. -->\n\n"
      "Every agent account has a role in each tenant it serves: **agent**, **supervisor** or\n"
      "**admin** (each can do what the ones before it can). A workspace **owner** creates tenants and\n"
      "is an admin of every tenant without serving its chats. The level below is the least role an\n"
      "agent needs in the tenant the object belongs to (the path's tenant, the site's, the\n"
      "conversation's). An agent who serves the tenant in a lower role gets **403**; one who does\n"
      "not serve it at all gets **404**, the same answer as for an id that does not exist, so other\n"
      "tenants' objects cannot be probed. *signed in* means any agent, about themselves or with the\n"
      "answer filtered to their own tenants; *anyone* routes check a password, token or signature of\n"
      "their own. Writes (POST, PUT, DELETE) with a session also need the same origin and the\n"
      "session's X-CSRF-Token.\n\n"
      "An **API token** (`Authorization: Bearer tsk_…`, docs/integrations.md) acts in its one tenant\n"
      "as a supervisor (scopes `read` for GET, `write` for the rest), or as an admin with the scope\n"
      "`admin`; it never reaches the owner's routes, the token routes or an agent's own routes.\n\n"
      "## REST routes\n\n| Method | Path | Least role | What |\n|---|---|---|---|\n";
  for (const auto& r : kRoutes) {
    out += "| " + std::string(r.method) + " | `" + std::string(r.pattern) + "` | " + std::string(level_name(r.level)) +
           " | " + std::string(r.what) + " |\n";
  }
  out +=
      "\n## Agent frames (WebSocket), and rights within a route or frame\n\n"
      "A frame about a conversation of a tenant the agent does not serve gets the error frame\n"
      "`not_found`; one the agent's role does not allow gets `forbidden`. Names with a dot are the\n"
      "part of a frame or route that needs more than the rest of it.\n\n"
      "| Frame | Least role | What |\n|---|---|---|\n";
  for (const auto& f : kFrames) {
    out +=
        "| `" + std::string(f.frame) + "` | " + std::string(level_name(f.level)) + " | " + std::string(f.what) + " |\n";
  }
  return out;
}

}  // namespace tiski::rights
