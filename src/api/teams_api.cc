// A tenant's teams (groups of agents that chats can be routed or transferred to), as the CLI's
// `tiski team ...` commands do, for the console (docs/admin.md):
//   GET  /api/tenants/{id}/teams               every agent of the tenant
//   POST /api/tenants/{id}/teams {name}        admins
//   PUT  /api/tenants/{id}/teams/{team} {members: [agent ids]}   admins: the whole member list
// A site's chats go to a team with PUT /api/sites/{key} {"team": id | null}. Changes are audited;
// the agents whose teams changed are routed by their new teams at once.
#include <algorithm>
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/admin.h"
#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::api {
namespace {

boost::json::object team_json(const Team& t) {
  boost::json::array members;
  for (Id m : t.members) members.push_back(m);
  return {{"id", t.id}, {"name", t.name}, {"members", std::move(members)}};
}

Result<Team> team_of(Store& st, Id tenant, Id team) {
  for (auto& t : TRY(st.teams_of_tenants({tenant}))) {
    if (t.id == team) return t;
  }
  return Error::not_found("no such team in the tenant");
}

// An agent whose teams changed, as the routing must know them now.
struct Moved {
  Agent agent;
  std::vector<Membership> memberships;
  std::vector<Id> teams;
};

void list_teams(Services& s, const Call& c) {
  store_job<std::vector<Team>>(
      s.store, [tenant = c.tenant](Store& st) { return st.teams_of_tenants({tenant}); },
      [c](const Result<std::vector<Team>>& teams) {
        if (!teams) return c.fail(teams.error());
        boost::json::array out;
        for (const auto& t : *teams) out.push_back(team_json(t));
        c.ok({{"tenant", c.tenant}, {"teams", std::move(out)}});
      });
}

void create_team(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"name": "Myynti"})");
  if (!o) return c.fail(o.error());
  const auto* name = o->if_contains("name");
  if (!name || !name->is_string() || o->size() != 1)
    return c.fail(Error::bad_request(R"(body must be {"name": "..."})"));
  std::string n(name->as_string());
  if (!name_fits(n, 60)) return c.fail(Error::bad_request("team name must be 1-60 characters, not blank"));
  if (!proto::one_line(n)) return c.fail(Error::bad_request("team name must be one line without control characters"));
  store_job<Team>(
      s.store,
      [c, n](Store& st) -> Result<Team> {
        auto t = st.create_team(c.tenant, n);  // a taken name or too many teams: conflict
        if (!t) return t.error();
        TRY_OK(st.add_audit(
            audit_line(c, c.tenant, "team.create", "team " + std::to_string(t->id), nullptr, team_json(*t))));
        return t;
      },
      [c](const Result<Team>& t) {
        if (!t) return c.fail(t.error());
        c.reply(Response::json(201, team_json(*t)));
      });
}

Result<std::vector<Id>> member_ids(std::string_view body) {
  auto o = TRY(json_object(body, R"({"members": [12, 15]})"));
  const auto* m = o.if_contains("members");
  if (!m || !m->is_array() || o.size() != 1) return Error::bad_request(R"(body must be {"members": [agent ids]})");
  if (m->as_array().size() > limits::kMaxTeamMembers)
    return Error::too_large("a team has at most " + std::to_string(limits::kMaxTeamMembers) + " members");
  std::vector<Id> ids;
  for (const auto& v : m->as_array()) {
    if (!v.is_int64() || v.as_int64() <= 0) return Error::bad_request("'members' must be agent ids");
    ids.push_back(v.as_int64());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

void set_members(Services& s, const Call& c) {
  auto team = positive_number(c.req.param("team"));
  if (!team) return c.fail(Error::not_found("no such team in the tenant"));
  auto ids = member_ids(c.req.body);
  if (!ids) return c.fail(ids.error());
  using Out = std::pair<Team, std::vector<Moved>>;
  store_job<Out>(
      s.store,
      [c, team = *team, want = *ids](Store& st) -> Result<Out> {
        auto before = TRY(team_of(st, c.tenant, team));
        std::vector<Id> changed;
        for (Id a : want) {
          if (std::find(before.members.begin(), before.members.end(), a) != before.members.end()) continue;
          auto added = st.add_team_member(team, a);
          if (!added && added.error().code == Errc::kBadRequest)
            return Error::bad_request("agent " + std::to_string(a) + " does not serve the tenant");
          if (!added) return added.error();
          changed.push_back(a);
        }
        for (Id a : before.members) {
          if (std::find(want.begin(), want.end(), a) != want.end()) continue;
          TRY_OK(st.remove_team_member(team, a));
          changed.push_back(a);
        }
        auto after = TRY(team_of(st, c.tenant, team));
        TRY_OK(st.add_audit(audit_line(c, c.tenant, "team.members", "team " + std::to_string(team), team_json(before),
                                       team_json(after))));
        std::vector<Moved> moved;
        moved.reserve(changed.size());
        for (Id a : changed)
          moved.push_back(Moved{TRY(st.agent_by_id(a)), TRY(st.memberships_of(a)), TRY(st.team_ids_of(a))});
        return Out{std::move(after), std::move(moved)};
      },
      [&s, c](const Result<Out>& r) {
        if (!r) return c.fail(r.error());
        for (const auto& m : r->second) s.chat.agent_changed(m.agent, m.memberships, m.teams);
        c.ok(team_json(r->first));
      });
}

}  // namespace

void add_team_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/teams", [&s](const Call& c) { list_teams(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/teams", [&s](const Call& c) { create_team(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/teams/{team}", [&s](const Call& c) { set_members(s, c); });
}

}  // namespace tiski::api
