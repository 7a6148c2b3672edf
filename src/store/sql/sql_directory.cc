// The SQL DirectoryRepo: settings, tenants, sites, agents, memberships, teams.

#include <algorithm>

#include <boost/json.hpp>

#include "store/sql/sql_internal.h"
#include "util/limits.h"

namespace tiski {

namespace {
Tenant read_tenant(auto& q) {
  return Tenant{q.i64(0),
                q.text(1),
                q.text(2),
                q.i64(3),
                q.text(4),
                static_cast<int>(q.i64(5)),
                static_cast<int>(q.i64(6)),
                static_cast<int>(q.i64(7)),
                q.i64(8) != 0,
                static_cast<int>(q.i64(9)),
                q.text(10),
                q.text(11),
                static_cast<int>(q.i64(12)),
                q.i64(13) != 0,
                q.text(14),
                q.text(15),
                q.text(16)};
}
#define TENANT_COLUMNS                                                                                             \
  "id, slug, name, created_at, COALESCE(hours, ''), default_max_chats, missed_after_seconds, idle_close_seconds, " \
  "outcome_required, attribution_days, color, policy, retention_days, require_totp, response_targets, "            \
  "attachments, channel_cards"

}  // namespace

Result<Tenant> SqlStore::create_tenant(std::string_view slug, std::string_view name, Millis now) {
  PREPARE(n, "SELECT COUNT(*) FROM tenants");
  if (n.step() != kRow) return n.error("counting tenants");
  if (n.i64(0) >= limits::kMaxTenants)
    return Error::conflict("the workspace has at most " + std::to_string(limits::kMaxTenants) + " client companies");
  PREPARE(q,
          "INSERT INTO tenants(slug, name, created_at) VALUES(?, ?, ?) "
          "RETURNING " TENANT_COLUMNS);
  if (q.bind(slug, name, now).step() != kRow) {
    auto e = q.error("creating tenant");
    if (e.code == Errc::kConflict) return Error::conflict("a tenant with slug '" + std::string(slug) + "' exists");
    return e;
  }
  return read_tenant(q);
}

Result<Tenant> SqlStore::tenant_by_slug(std::string_view slug) {
  PREPARE(q, "SELECT " TENANT_COLUMNS " FROM tenants WHERE slug = ?");
  int rc = q.bind(slug).step();
  if (rc == kDone) return Error::not_found("no tenant '" + std::string(slug) + "'");
  if (rc != kRow) return q.error("reading tenant");
  return read_tenant(q);
}

Result<Tenant> SqlStore::tenant_by_id(Id tenant_id) {
  PREPARE(q, "SELECT " TENANT_COLUMNS " FROM tenants WHERE id = ?");
  int rc = q.bind(tenant_id).step();
  if (rc == kDone) return Error::not_found("no such tenant");
  if (rc != kRow) return q.error("reading tenant");
  return read_tenant(q);
}

Status SqlStore::set_tenant_analytics(Id tenant_id, bool outcome_required, int attribution_days) {
  PREPARE(q, "UPDATE tenants SET outcome_required = ?, attribution_days = ? WHERE id = ?");
  if (q.bind(outcome_required ? 1 : 0, attribution_days, tenant_id).step() != kDone)
    return q.error("setting analytics");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_targets(Id tenant_id, std::string_view targets) {
  PREPARE(q, "UPDATE tenants SET response_targets = ? WHERE id = ?");
  if (q.bind(targets, tenant_id).step() != kDone) return q.error("setting response targets");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_attachments(Id tenant_id, std::string_view policy) {
  PREPARE(q, "UPDATE tenants SET attachments = ? WHERE id = ?");
  if (q.bind(policy, tenant_id).step() != kDone) return q.error("setting the attachment policy");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_cards(Id tenant_id, std::string_view cards) {
  PREPARE(q, "UPDATE tenants SET channel_cards = ? WHERE id = ?");
  if (q.bind(cards, tenant_id).step() != kDone) return q.error("setting the channel cards");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_desk(Id tenant_id, std::string_view color, std::string_view policy) {
  PREPARE(q, "UPDATE tenants SET color = ?, policy = ? WHERE id = ?");
  if (q.bind(color, policy, tenant_id).step() != kDone) return q.error("setting the policy card");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Result<std::vector<Tenant>> SqlStore::tenants() {
  PREPARE(q, "SELECT " TENANT_COLUMNS " FROM tenants ORDER BY id");
  std::vector<Tenant> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_tenant(q));
  if (rc != kDone) return q.error("listing tenants");
  return out;
}

Status SqlStore::set_tenant_default_max_chats(Id tenant_id, int max_chats) {
  if (max_chats < 1 || max_chats > limits::kMaxChatsPerAgent) {
    return Error::bad_request("default max chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent));
  }
  PREPARE(q, "UPDATE tenants SET default_max_chats = ? WHERE id = ?");
  if (q.bind(max_chats, tenant_id).step() != kDone) return q.error("setting default max chats");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_name(Id tenant_id, std::string_view name) {
  PREPARE(q, "UPDATE tenants SET name = ? WHERE id = ?");
  if (q.bind(name, tenant_id).step() != kDone) return q.error("renaming tenant");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_lifecycle(Id tenant_id, int missed_after, int idle_close) {
  for (int m : {missed_after, idle_close}) {
    if (m < 0 || m > limits::kMaxLifecycleSeconds) {
      return Error::bad_request("lifecycle times must be 0 (never) to " +
                                std::to_string(limits::kMaxLifecycleSeconds / 86400) + " days");
    }
  }
  PREPARE(q, "UPDATE tenants SET missed_after_seconds = ?, idle_close_seconds = ? WHERE id = ?");
  if (q.bind(missed_after, idle_close, tenant_id).step() != kDone) return q.error("setting the chat lifecycle");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

Status SqlStore::set_tenant_hours(Id tenant_id, std::string_view hours) {
  PREPARE(q, "UPDATE tenants SET hours = NULLIF(?, '') WHERE id = ?");
  if (q.bind(hours, tenant_id).step() != kDone) return q.error("setting business hours");
  if (changes() == 0) return Error::not_found("no such tenant");
  return {};
}

namespace {
// Texts per language (greetings, launcher texts) are stored as a JSON object of strings
// ({"sv": "Hej!"}).
std::string lang_texts_json(const std::map<std::string, std::string>& g) {
  boost::json::object o;
  for (const auto& [lang, text] : g) {
    if (!text.empty()) o[lang] = text;
  }
  return boost::json::serialize(o);
}

std::map<std::string, std::string> parse_lang_texts(const std::string& text) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [lang, g] : v.as_object()) {
    if (g.is_string()) out[std::string(lang)] = std::string(g.as_string());
  }
  return out;
}

Site read_site(auto& q) {
  Site s;
  s.id = q.i64(0);
  s.tenant_id = q.i64(1);
  s.key = q.text(2);
  s.secret = q.text(3);
  s.name = q.text(4);
  s.greeting = q.text(5);
  s.langs = split_list(q.text(6));
  s.created_at = q.i64(7);
  s.team_id = q.opt(8);
  s.rules = q.text(9);
  s.greetings = parse_lang_texts(q.text(10));
  s.holdout_percent = static_cast<int>(q.i64(11));
  s.color = q.text(12);
  s.position = q.text(13);
  s.launchers = parse_lang_texts(q.text(14));
  s.identity_required = q.i64(15) != 0;
  s.origins = split_list(q.text(16));
  s.lift = static_cast<int>(q.i64(17));
  return s;
}
#define SITE_COLUMNS                                                                                            \
  "id, tenant_id, key, secret, name, greeting, langs, created_at, team_id, rules, greetings, holdout_percent, " \
  "color, position, launchers, identity_required, origins, lift"

}  // namespace

Result<Site> SqlStore::create_site(const Site& s) {
  PREPARE(n, "SELECT COUNT(*) FROM sites WHERE tenant_id = ?");
  if (n.bind(s.tenant_id).step() != kRow) return n.error("counting sites");
  if (n.i64(0) >= limits::kMaxSitesPerTenant)
    return Error::conflict("a client company has at most " + std::to_string(limits::kMaxSitesPerTenant) + " sites");
  PREPARE(q,
          "INSERT INTO sites(tenant_id, key, secret, name, greeting, langs, created_at, greetings, color, position, "
          "launchers, identity_required, origins, lift) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "RETURNING " SITE_COLUMNS);
  if (q.bind(s.tenant_id, s.key, s.secret, s.name, s.greeting, join_list(s.langs), s.created_at,
             lang_texts_json(s.greetings), s.color, s.position, lang_texts_json(s.launchers),
             s.identity_required ? 1 : 0, join_list(s.origins), static_cast<std::int64_t>(s.lift))
          .step() != kRow) {
    return q.error("creating site");
  }
  return read_site(q);
}

Result<Site> SqlStore::site_by_key(std::string_view key) {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites WHERE key = ?");
  int rc = q.bind(key).step();
  if (rc == kDone) return Error::not_found("no such site");
  if (rc != kRow) return q.error("reading site");
  return read_site(q);
}

Result<Site> SqlStore::site_by_id(Id id) {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such site");
  if (rc != kRow) return q.error("reading site");
  return read_site(q);
}

namespace {
Agent read_agent(auto& q) {
  return Agent{q.i64(0),      q.text(1), q.text(2), q.text(3), q.i64(4), static_cast<int>(q.i64(5)),
               q.i64(6) != 0, q.i64(7)};
}
}  // namespace

Result<Agent> SqlStore::create_agent(std::string_view email, std::string_view name, std::string_view hash, Millis now) {
  PREPARE(q,
          "INSERT INTO agents(email, name, password_hash, created_at, max_chats) VALUES(?, ?, ?, ?, 0) "
          "RETURNING id, email, name, password_hash, created_at, max_chats, owner, deactivated_at");
  if (q.bind(email, name, hash, now).step() != kRow) return q.error("creating agent");
  return read_agent(q);
}

Result<Agent> SqlStore::agent_by_email(std::string_view email) {
  // The address matches whatever its case (SQLite: a NOCASE column; PostgreSQL: lower(), indexed).
  PREPARE(q, pg() ? "SELECT id, email, name, password_hash, created_at, max_chats, owner, deactivated_at FROM agents "
                    "WHERE lower(email) = lower(?)"
                  : "SELECT id, email, name, password_hash, created_at, max_chats, owner, deactivated_at FROM agents "
                    "WHERE email = ?");
  int rc = q.bind(email).step();
  if (rc == kDone) return Error::not_found("no such agent");
  if (rc != kRow) return q.error("reading agent");
  return read_agent(q);
}

Result<Agent> SqlStore::agent_by_id(Id id) {
  PREPARE(
      q,
      "SELECT id, email, name, password_hash, created_at, max_chats, owner, deactivated_at FROM agents WHERE id = ?");
  int rc = q.bind(id).step();
  if (rc == kDone) return Error::not_found("no such agent");
  if (rc != kRow) return q.error("reading agent");
  return read_agent(q);
}

Result<std::vector<Agent>> SqlStore::agents() {
  PREPARE(
      q, "SELECT id, email, name, password_hash, created_at, max_chats, owner, deactivated_at FROM agents ORDER BY id");
  std::vector<Agent> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_agent(q));
  if (rc != kDone) return q.error("listing agents");
  return out;
}

Status SqlStore::update_agent(Id agent_id, std::string_view email, std::string_view name, std::string_view hash) {
  PREPARE(q,
          "UPDATE agents SET email = ?, name = ?, password_hash = COALESCE(NULLIF(?, ''), password_hash) WHERE id = ?");
  if (q.bind(email, name, hash, agent_id).step() != kDone) return q.error("updating agent");
  if (changes() == 0) return Error::not_found("no such agent");
  return {};
}

Status SqlStore::set_max_chats(Id agent_id, int max_chats) {
  if (max_chats < 0 || max_chats > limits::kMaxChatsPerAgent) {
    return Error::bad_request("max chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent) +
                              " (0: the tenant default)");
  }
  PREPARE(q, "UPDATE agents SET max_chats = ? WHERE id = ?");
  if (q.bind(max_chats, agent_id).step() != kDone) return q.error("setting max chats");
  if (changes() == 0) return Error::not_found("no such agent");
  return {};
}

Status SqlStore::set_owner(Id agent_id, bool owner) {
  PREPARE(q, "UPDATE agents SET owner = ? WHERE id = ?");
  if (q.bind(owner ? 1 : 0, agent_id).step() != kDone) return q.error("setting owner");
  if (changes() == 0) return Error::not_found("no such agent");
  return {};
}

Status SqlStore::set_deactivated(Id agent_id, Millis at) {
  PREPARE(q, "UPDATE agents SET deactivated_at = ? WHERE id = ?");
  if (q.bind(at, agent_id).step() != kDone) return q.error("deactivating agent");
  if (changes() == 0) return Error::not_found("no such agent");
  return {};
}

Status SqlStore::set_membership(Id agent_id, Id tenant_id, Role role) {
  // A new member counts against the company's limit; a member's new role does not.
  PREPARE(n, "SELECT COUNT(*), SUM(CASE WHEN agent_id = ? THEN 1 ELSE 0 END) FROM memberships WHERE tenant_id = ?");
  if (n.bind(agent_id, tenant_id).step() != kRow) return n.error("counting members");
  if (n.i64(1) == 0 && n.i64(0) >= limits::kMaxAgentsPerTenant)
    return Error::conflict("a client company has at most " + std::to_string(limits::kMaxAgentsPerTenant) + " agents");
  PREPARE(q,
          "INSERT INTO memberships(agent_id, tenant_id, role) VALUES(?, ?, ?) "
          "ON CONFLICT(agent_id, tenant_id) DO UPDATE SET role = excluded.role");
  if (q.bind(agent_id, tenant_id, role_name(role)).step() != kDone) return q.error("setting membership");
  return {};
}

Result<std::vector<Member>> SqlStore::members_of(Id tenant_id) {
  PREPARE(q,
          "SELECT a.id, a.email, a.name, a.password_hash, a.created_at, a.max_chats, a.owner, a.deactivated_at, m.role "
          "FROM memberships m JOIN agents a ON a.id = m.agent_id WHERE m.tenant_id = ? ORDER BY a.name, a.id "
          "LIMIT ?");
  q.bind(tenant_id, limits::kMaxAgentsPerTenant);  // every member: set_membership keeps to it
  std::vector<Member> out;
  int rc;
  while ((rc = q.step()) == kRow) {
    Agent a = read_agent(q);
    a.password_hash.clear();
    out.push_back(Member{std::move(a), parse_role(q.text(8)).value_or(Role::kAgent)});
  }
  if (rc != kDone) return q.error("listing members");
  return out;
}

Status SqlStore::remove_membership(Id agent_id, Id tenant_id) {
  PREPARE(q, "DELETE FROM memberships WHERE agent_id = ? AND tenant_id = ?");
  if (q.bind(agent_id, tenant_id).step() != kDone) return q.error("removing membership");
  if (changes() == 0) return Error::not_found("no such agent in the tenant");
  PREPARE(t, "DELETE FROM team_members WHERE agent_id = ? AND team_id IN (SELECT id FROM teams WHERE tenant_id = ?)");
  if (t.bind(agent_id, tenant_id).step() != kDone) return t.error("removing team memberships");
  return {};
}

Result<std::vector<Membership>> SqlStore::memberships_of(Id agent_id) {
  PREPARE(q,
          "SELECT m.agent_id, m.tenant_id, t.name, m.role, t.default_max_chats FROM memberships m JOIN tenants t ON "
          "t.id = m.tenant_id "
          "WHERE m.agent_id = ? ORDER BY t.name");
  q.bind(agent_id);
  std::vector<Membership> out;
  int rc;
  while ((rc = q.step()) == kRow) {
    out.push_back(Membership{q.i64(0), q.i64(1), q.text(2), parse_role(q.text(3)).value_or(Role::kAgent),
                             static_cast<int>(q.i64(4))});
  }
  if (rc != kDone) return q.error("listing memberships");
  return out;
}

Result<std::vector<Site>> SqlStore::sites() {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites ORDER BY id");
  std::vector<Site> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_site(q));
  if (rc != kDone) return q.error("listing sites");
  return out;
}

Result<std::vector<Site>> SqlStore::sites_of(Id tenant_id) {
  PREPARE(q, "SELECT " SITE_COLUMNS " FROM sites WHERE tenant_id = ? ORDER BY id");
  q.bind(tenant_id);
  std::vector<Site> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(read_site(q));
  if (rc != kDone) return q.error("listing a tenant's sites");
  return out;
}

Status SqlStore::update_site(const Site& site) {
  PREPARE(q,
          "UPDATE sites SET name = ?, greeting = ?, greetings = ?, langs = ?, color = ?, position = ?, launchers = ?, "
          "identity_required = ?, origins = ?, lift = ? WHERE id = ?");
  if (q.bind(site.name, site.greeting, lang_texts_json(site.greetings), join_list(site.langs), site.color,
             site.position, lang_texts_json(site.launchers), site.identity_required ? 1 : 0, join_list(site.origins),
             static_cast<std::int64_t>(site.lift), site.id)
          .step() != kDone) {
    return q.error("updating site");
  }
  if (changes() == 0) return Error::not_found("no such site");
  return {};
}

Status SqlStore::set_site_holdout(Id site_id, int percent) {
  PREPARE(q, "UPDATE sites SET holdout_percent = ? WHERE id = ?");
  if (q.bind(percent, site_id).step() != kDone) return q.error("setting the holdout share");
  if (changes() == 0) return Error::not_found("no such site");
  return {};
}

Status SqlStore::set_site_rules(Id site_id, std::string_view rules) {
  PREPARE(q, "UPDATE sites SET rules = ? WHERE id = ?");
  if (q.bind(rules, site_id).step() != kDone) return q.error("setting rules");
  if (changes() == 0) return Error::not_found("no such site");
  return {};
}

Result<Team> SqlStore::create_team(Id tenant_id, std::string_view name) {
  PREPARE(n, "SELECT COUNT(*) FROM teams WHERE tenant_id = ?");
  if (n.bind(tenant_id).step() != kRow) return n.error("counting teams");
  if (n.i64(0) >= limits::kMaxTeamsPerTenant)
    return Error::conflict("a client company has at most " + std::to_string(limits::kMaxTeamsPerTenant) + " teams");
  PREPARE(q, "INSERT INTO teams(tenant_id, name) VALUES(?, ?) RETURNING id");
  if (q.bind(tenant_id, name).step() != kRow) {
    auto e = q.error("creating team");
    if (e.code == Errc::kConflict) return Error::conflict("the tenant already has a team '" + std::string(name) + "'");
    return e;
  }
  return Team{q.i64(0), tenant_id, std::string(name), {}};
}

Status SqlStore::add_team_member(Id team_id, Id agent_id) {
  PREPARE(q,
          "INSERT INTO team_members(team_id, agent_id) SELECT t.id, m.agent_id FROM teams t "
          "JOIN memberships m ON m.tenant_id = t.tenant_id AND m.agent_id = ? WHERE t.id = ? ON CONFLICT DO NOTHING");
  if (q.bind(agent_id, team_id).step() != kDone) return q.error("adding team member");
  if (changes() == 0) {
    PREPARE(c,
            "SELECT (SELECT COUNT(*) FROM teams WHERE id = ?), (SELECT COUNT(*) FROM team_members WHERE team_id = ? "
            "AND agent_id = ?)");
    if (c.bind(team_id, team_id, agent_id).step() != kRow) return c.error("checking team");
    if (c.i64(0) == 0) return Error::not_found("no such team");
    if (c.i64(1) == 0) return Error::bad_request("the agent does not serve the team's tenant");
  }
  return {};
}

Status SqlStore::remove_team_member(Id team_id, Id agent_id) {
  PREPARE(q, "DELETE FROM team_members WHERE team_id = ? AND agent_id = ?");
  if (q.bind(team_id, agent_id).step() != kDone) return q.error("removing team member");
  return {};
}

Result<std::vector<Team>> SqlStore::teams_of_tenants(const std::vector<Id>& tenant_ids) {
  PREPARE(q,
          "SELECT t.id, t.tenant_id, t.name, m.agent_id FROM teams t LEFT JOIN team_members m ON m.team_id = t.id "
          "WHERE t.tenant_id = ? ORDER BY t.name, t.id, m.agent_id");
  std::vector<Team> out;
  for (Id tenant : tenant_ids) {
    q.bind(tenant);
    int rc;
    while ((rc = q.step()) == kRow) {
      if (out.empty() || out.back().id != q.i64(0)) out.push_back(Team{q.i64(0), q.i64(1), q.text(2), {}});
      if (auto a = q.opt(3)) out.back().members.push_back(*a);
    }
    if (rc != kDone) return q.error("listing teams");
    q.reset();
  }
  return out;
}

Result<std::vector<Id>> SqlStore::team_ids_of(Id agent_id) {
  PREPARE(q, "SELECT team_id FROM team_members WHERE agent_id = ? ORDER BY team_id");
  q.bind(agent_id);
  std::vector<Id> out;
  int rc;
  while ((rc = q.step()) == kRow) out.push_back(q.i64(0));
  if (rc != kDone) return q.error("listing teams of agent");
  return out;
}

Status SqlStore::set_site_team(Id site_id, std::optional<Id> team_id) {
  auto site = site_by_id(site_id);
  if (!site) return site.error();
  if (team_id) {
    PREPARE(t, "SELECT tenant_id FROM teams WHERE id = ?");
    int rc = t.bind(*team_id).step();
    if (rc == kDone) return Error::not_found("no such team");
    if (rc != kRow) return t.error("reading team");
    if (t.i64(0) != site->tenant_id) return Error::bad_request("the team belongs to another tenant");
  }
  PREPARE(q, "UPDATE sites SET team_id = ? WHERE id = ?");
  if (q.bind(team_id, site_id).step() != kDone) return q.error("setting site team");
  return {};
}

}  // namespace tiski
