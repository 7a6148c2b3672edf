// Administration of a workspace: creating tenants, sites and agents, and the demo seed.
// Used by the CLI (`tiski tenant create`, ...) directly on a Store, and later by the REST API.
// Every function validates its input and returns bad_request with a message a person can act
// on. Not thread-safe (uses the Store directly).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "chat/rules/rules.h"
#include "store/store.h"

namespace tiski::admin {

struct NewSite {
  std::string tenant_slug;
  std::string name;
  std::string greeting;
  std::vector<std::string> langs = {"fi", "sv", "en"};
};
// A site of the tenant with this id (the REST API's), every field of `look` checked as a
// whole site (check_site): name, greetings, languages, colour, corner, launcher texts.
Result<Site> create_site(Store& s, Id tenant_id, Site look);
// A new site greets its visitors from the start (without, its widget opened on an empty chat):
// a site given no greeting at all gets the default one in fi, sv and en, rewritten by its admin.
void give_default_greetings(Site& site);

struct NewAgent {
  std::string email;
  std::string name;
  std::string password;
  std::string tenant_slug;  // optional: membership to create
  std::string role = "agent";
  int max_chats = 0;  // concurrent chats routing may assign (1..50); 0 = the tenant default
  // Already hashed (the API hashes off the store thread); `password` is then only checked
  // for its length.
  std::string password_hash = {};
  bool owner = false;  // a workspace owner (docs/roles.md)
};

Result<Tenant> create_tenant(Store& s, const std::string& slug, const std::string& name);

// A duration as people write it: "90s", "10m", "2h", "1d", or plain seconds; "0" = never.
Result<int> parse_duration(const std::string& text);

// Changes to existing objects (`tiski tenant|site|agent update`, REST): only what is given
// changes, validated as on creation.
struct TenantUpdate {
  std::optional<std::string> name;
  std::optional<int> missed_after_seconds;  // the chat lifecycle (lifecycle.h), 0 = never
  std::optional<int> idle_close_seconds;
  // Analytics: an outcome is required before an agent closes a chat; the attribution window
  // in days (limits::kMinAttributionDays..kMaxAttributionDays).
  std::optional<bool> outcome_required;
  std::optional<int> attribution_days;
  // Expected response times per channel, text form of chat/presence/response_targets.h.
  std::optional<std::string> response_targets;
  // Attachments' policy, text form of chat/attachments/policy.h.
  std::optional<std::string> attachments;
};
Result<Tenant> update_tenant(Store& s, const std::string& slug, const TenantUpdate& u);

struct SiteUpdate {
  std::optional<std::string> name;
  std::optional<std::string> greeting;           // the default greeting
  std::map<std::string, std::string> greetings;  // per language (fi, sv, en); "" removes one
  std::optional<std::vector<std::string>> langs;
  std::optional<int> holdout_percent;               // proactive holdout share, 0..limits::kMaxHoldoutPercent
  std::optional<std::string> color;                 // "#rrggbb" or "" for the default
  std::optional<std::string> position;              // "right" or "left"
  std::optional<int> lift;                          // px above the corner, 0..limits::kMaxLauncherLift
  std::map<std::string, std::string> launchers;     // per language; "" removes one
  std::optional<bool> identity_required;            // only verified identities (docs/integrations.md)
  std::optional<std::vector<std::string>> origins;  // the pages' origins, as typed (normalised here)
  bool team_given = false;                          // route the site's chats to `team` (none: everyone)
  std::optional<Id> team;
};
Result<Site> update_site(Store& s, const std::string& site_key, const SiteUpdate& u);
// The same checks for a whole site as it would be stored.
Status check_site(const Site& site);
// A site's list of origins as an admin typed it, in normal form (util/web_origin.h): blank lines
// dropped, duplicates once; bad_request naming the first entry that is no web address.
Result<std::vector<std::string>> normal_origins(const std::vector<std::string>& typed);
// Its look alone: colour, corner, launcher texts.
Status check_look(const Site& site);

struct AgentUpdate {
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> password;
  std::optional<int> max_chats;
  std::optional<std::string> tenant_slug;  // with role: join or change the role there
  std::optional<std::string> role;
  std::optional<bool> owner;
};
Result<Agent> update_agent(Store& s, const std::string& email, const AgentUpdate& u);
Result<Site> create_site(Store& s, const NewSite& in);
// `fast_hash` lowers the Argon2id cost (tests and the demo only).
Result<Agent> create_agent(Store& s, const NewAgent& in, bool fast_hash = false);

// Teams: a name (1-60 characters) unique within the tenant; members must serve the tenant; a
// site may route its chats to one team ("" = the whole tenant).
Result<Team> create_team(Store& s, const std::string& tenant_slug, const std::string& name);
Status add_team_member(Store& s, const std::string& tenant_slug, const std::string& team,
                       const std::string& agent_email);
Status set_site_team(Store& s, const std::string& site_key, const std::string& team);

// Validates and stores a site's proactive rules (chat/rules.h JSON form).
Result<rules::RuleSet> set_rules(Store& s, const std::string& site_key, const std::string& json);
// The demo shop's rule: idle 10 s on a tent page opens the chat with an offer of help.
inline constexpr const char* kDemoRules = R"([{"id": 1, "name": "Teltat: 10 s paikallaan",
  "when": {"all": [{"category": "teltat"}, {"idle_s": 10}]},
  "action": {"mode": "open", "text": {"fi": "Hei! Voinko auttaa teltan valinnassa? Kerro, millaiselle retkelle olet lähdössä.",
    "sv": "Hej! Kan jag hjälpa dig att välja tält? Berätta vilken sorts tur du planerar.",
    "en": "Hi! Can I help you choose a tent? Tell me what kind of trip you are planning."}},
  "cap": {"once_per_visit": true, "after_dismiss_days": 7}}])";

// The capacity of the tenant's agents who have none of their own (1..50).
Status set_default_max_chats(Store& s, const std::string& tenant_slug, int max_chats);

// Validates business hours (chat/hours.h text form; "always" clears them) and stores the
// canonical form for the tenant. Returns what was stored ("" = always open).
Result<std::string> set_hours(Store& s, const std::string& tenant_slug, const std::string& hours);

// The embed snippet for a site served from `base_url` (e.g. "http://127.0.0.1:8080").
std::string embed_snippet(const std::string& base_url, const Site& site);

// The workspace secret that signs visitor tokens; created on first use.
Result<std::string> token_secret(Store& s);

struct Demo {
  bool created = false;  // false: the workspace already had data and was left alone
  std::string site_key;
  std::string site_key_2;  // the second client company's (Pyöräpaja) site
  std::string agent_email;
  std::string agent_password;
};
inline constexpr const char* kDemoTenant = "eramaa";  // the demo's first company (slug)
// Open around the clock, with the days (reports, staffing) in Finnish time: make run's demo.
inline constexpr const char* kAlwaysInHelsinki = "tz=Europe/Helsinki; mon-sun 00:00-24:00";
inline constexpr const char* kDemoAgentEmail = "agentti@eramaa.demo";
inline constexpr const char* kDemoOwnerEmail = "omistaja@tiski.demo";
inline constexpr const char* kDemoAgentPassword = "demo1234";
// Seeds the demo workspace (an outdoor-gear shop and a second client company to show tenant
// isolation) if the store has no tenants yet. Runs in one transaction.
Result<Demo> seed_demo(Database& db);
// The demo site's key, if the workspace was seeded by seed_demo.
Result<std::string> demo_site_key(Store& s);

}  // namespace tiski::admin
