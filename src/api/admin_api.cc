// Administration over REST (docs/roles.md): the tenants (owners create them), a tenant's
// agents and their roles and capacity, the audit log, and my own login sessions. Every change
// is written to the audit log in the same transaction as the change.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "api/api.h"
#include "chat/accounts/passwords.h"
#include "chat/admin.h"
#include "chat/protocol.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski::api {
namespace {

constexpr int kAuditPage = 50;

boost::json::object tenant_json(const Tenant& t, std::optional<Role> role) {
  return {{"id", t.id},
          {"slug", t.slug},
          {"name", t.name},
          {"created_at", t.created_at},
          {"role", role ? boost::json::value(role_name(*role)) : nullptr}};
}

boost::json::object member_json(const Member& m, std::optional<bool> totp = std::nullopt) {
  boost::json::object o{{"id", m.agent.id},
                        {"email", m.agent.email},
                        {"name", m.agent.name},
                        {"role", role_name(m.role)},
                        {"max_chats", m.agent.max_chats},
                        {"owner", m.agent.owner},
                        {"active", m.agent.deactivated_at == 0}};
  if (totp) o["totp"] = *totp;  // two-factor login on (the list: a reset is offered only then)
  return o;
}

void list_tenants(Services& s, const Call& c) {
  store_job<std::vector<Tenant>>(
      s.store, [](Store& st) { return st.tenants(); },
      [c](Result<std::vector<Tenant>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& t : *r) {
          if (auto role = c.who->role_in(t.id)) out.push_back(tenant_json(t, role));
        }
        c.ok({{"tenants", std::move(out)}});
      });
}

// POST {"slug": "kenkakauppa", "name": "Kenkäkauppa Oy"}.
void create_tenant(Services& s, const Call& c) {
  auto body = json_object(c.req.body, R"({"slug": "kenkakauppa", "name": "Kenkäkauppa Oy"})");
  if (!body) return c.fail(body.error());
  std::string slug, name;
  for (const auto& [k, v] : *body) {
    if ((k == "slug" || k == "name") && v.is_string()) {
      (k == "slug" ? slug : name) = std::string(v.as_string());
    } else {
      return c.fail(Error::bad_request("unknown or mistyped field '" + std::string(k).substr(0, 40) +
                                       "': slug and name are strings"));
    }
  }
  store_job<Tenant>(
      s.store,
      [c, slug, name](Store& st) -> Result<Tenant> {
        auto t = TRY(admin::create_tenant(st, slug, name));
        TRY_OK(st.add_audit(audit_line(c, t.id, "tenant.create", "tenant " + std::to_string(t.id), nullptr,
                                       {{"slug", t.slug}, {"name", t.name}})));
        return t;
      },
      [c](Result<Tenant> t) {
        if (!t) return c.fail(t.error());
        c.reply(Response::json(201, tenant_json(*t, Role::kAdmin)));
      });
}

void list_agents(Services& s, const Call& c) {
  // The tenant's default capacity beside them: an agent's max_chats 0 means it.
  struct Listed {
    std::vector<Member> members;
    std::vector<bool> totp;  // each member's two-factor login on
    int default_max_chats = 0;
  };
  store_job<Listed>(
      s.store,
      [tenant = c.tenant](Store& st) -> Result<Listed> {
        Listed l{TRY(st.members_of(tenant)), {}, TRY(st.tenant_by_id(tenant)).default_max_chats};
        for (const auto& m : l.members) l.totp.push_back(TRY(st.totp_of(m.agent.id)).on());
        return l;
      },
      [c](Result<Listed> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (std::size_t i = 0; i < r->members.size(); ++i) out.push_back(member_json(r->members[i], r->totp[i]));
        c.ok({{"tenant", c.tenant}, {"agents", std::move(out)}, {"default_max_chats", r->default_max_chats}});
      });
}

// The fields of an agent an admin sets: role, max_chats, and for a new account email, name
// and password.
struct AgentFields {
  std::string email, name, password, role;
  std::string lang;  // create only: the invitation mail's language (fi, sv, en)
  std::optional<int> max_chats;
  std::optional<bool> active;  // update only: deactivate (false) or reactivate the account
  bool totp_reset = false;     // update only: the agent lost their phone (docs/admin.md)
};

Result<AgentFields> agent_fields(std::string_view body, bool create) {
  auto o = TRY(json_object(body, create ? R"({"email": "...", "name": "...", "password": "...", "role": "agent"})"
                                        : R"({"role": "supervisor", "max_chats": 4})"));
  AgentFields f;
  for (const auto& [k, v] : o) {
    bool text = k == "role" || (create && (k == "email" || k == "name" || k == "password" || k == "lang"));
    if (text && v.is_string()) {
      std::string val(v.as_string());
      if (val.size() > limits::kMaxEmailBytes) return Error::too_large(std::string(k) + " is too long");
      (k == "role"    ? f.role
       : k == "email" ? f.email
       : k == "name"  ? f.name
       : k == "lang"  ? f.lang
                      : f.password) = std::move(val);
    } else if (!create && k == "active" && v.is_bool()) {
      f.active = v.as_bool();
    } else if (!create && k == "totp_reset" && v.is_bool()) {
      f.totp_reset = v.as_bool();
    } else if (k == "max_chats" && v.is_int64()) {
      auto n = v.as_int64();
      if (n < 0 || n > limits::kMaxChatsPerAgent)
        return Error::bad_request("max_chats must be 1 to " + std::to_string(limits::kMaxChatsPerAgent) +
                                  " (0: the tenant default)");
      f.max_chats = static_cast<int>(n);
    } else {
      return Error::bad_request("unknown or mistyped field '" + std::string(k).substr(0, 40) + "'");
    }
  }
  if (!f.role.empty() && !parse_role(f.role)) return Error::bad_request("role must be agent, supervisor or admin");
  if (create && f.email.empty()) return Error::bad_request("email is required");
  return f;
}

// After a change of the agent's memberships: routing and their consoles learn it.
struct Changed {
  Member member;
  std::vector<Membership> memberships;
  std::vector<Id> teams;
  bool deactivated = false;  // its sessions ended
  bool invited = false;      // a new account invited by email to set its password
};

Result<Changed> changed(Store& st, Id agent, Id tenant) {
  Changed out;
  for (auto& m : TRY(st.members_of(tenant))) {
    if (m.agent.id == agent) out.member = m;
  }
  if (!out.member.agent.id) out.member.agent = TRY(st.agent_by_id(agent));
  out.memberships = TRY(st.memberships_of(agent));
  out.teams = TRY(st.team_ids_of(agent));
  return out;
}

void after_change(Services& s, const Call& c, const Result<Changed>& r, int status) {
  if (!r) return c.fail(r.error());
  if (r->deactivated) s.chat.agent_sessions_ended(r->member.agent.id);  // their consoles close at once
  s.chat.agent_changed(r->member.agent, r->memberships, r->teams);
  if (status == 204) return c.reply(Response::empty(204));
  auto body = member_json(r->member);
  if (r->invited) body["invited"] = true;
  c.reply(Response::json(status, body));
}

// What reaches every company an account serves (whether it is active, its capacity, its
// two-factor reset): an admin decides it only when they administer every tenant the account
// serves; otherwise the workspace owner does. An owner's account only an owner.
Status decides_for_account(const AgentIdentity& who, const Agent& agent, const std::vector<Membership>& memberships) {
  if (who.agent.owner) return {};
  if (agent.owner) return Error::forbidden("this is the workspace owner's account: only the owner changes it");
  bool all_mine = std::all_of(memberships.begin(), memberships.end(),
                              [&](const Membership& m) { return who.role_in(m.tenant_id) == Role::kAdmin; });
  if (!all_mine) return Error::forbidden("the agent also serves other companies: the workspace owner decides");
  return {};
}

// POST {"email", "name"?, "password"?, "role"?, "max_chats"?, "lang"?}: an existing account
// joins the tenant; a new one needs a name, and a password (8+ characters) or, with a mail
// relay, none: it is invited by email to set its own (docs/admin.md).
void add_agent(Services& s, const Call& c) {
  auto f = agent_fields(c.req.body, true);
  if (!f) return c.fail(f.error());
  passwords::Links links{s.chat.mail_identity(), s.public_url,
                         f->lang == "sv" || f->lang == "en" ? f->lang : std::string("fi")};
  bool can_invite = s.chat.mail_configured();
  auto run = [&s, c, f = *f, links, can_invite](const std::string& hash) {
    store_job<Changed>(
        s.store,
        [c, f, hash, links, can_invite](Store& st) -> Result<Changed> {
          auto tenant = TRY(st.tenant_by_id(c.tenant));
          auto role = parse_role(f.role.empty() ? "agent" : f.role).value();
          auto existing = st.agent_by_email(f.email);
          if (!existing && existing.error().code != Errc::kNotFound) return existing.error();
          Agent a;
          if (existing) {
            auto memberships = TRY(st.memberships_of(existing->id));
            for (const auto& m : memberships) {
              if (m.tenant_id == c.tenant) return Error::conflict(f.email + " already serves this tenant");
            }
            // An account that serves only companies the admin administers joins at their word; one
            // serving other companies (its login history would show here, a two-factor rule here
            // would reach its work there), the owner's account and a shared capacity are the
            // workspace owner's to decide (decides_for_account).
            TRY_OK(decides_for_account(*c.who, *existing, memberships));
            TRY_OK(st.set_membership(existing->id, c.tenant, role));
            if (f.max_chats) TRY_OK(st.set_max_chats(existing->id, *f.max_chats));
            a = *existing;
          } else if (!hash.empty()) {
            a = TRY(admin::create_agent(st, {f.email, f.name, f.password, tenant.slug, std::string(role_name(role)),
                                             f.max_chats.value_or(0), hash}));
          } else {
            if (!can_invite)
              return Error::bad_request(
                  "a new agent needs a name and a password (8+ characters); with a mail relay ([smtp] url) "
                  "they can be invited by email instead");
            // No password: nobody can log in until the invited agent sets one with the link.
            a = TRY(admin::create_agent(
                st, {f.email, f.name, crypto::random_token(24), tenant.slug, std::string(role_name(role)),
                     f.max_chats.value_or(0), "invited:" + crypto::random_token(24)}));
            TRY(passwords::invite(st, links, a, tenant.name, c.who->agent.name, now_ms()));
          }
          bool invited = !existing && hash.empty();
          TRY_OK(st.add_audit(
              audit_line(c, c.tenant, "agent.add", agent_target(a), nullptr,
                         {{"email", a.email}, {"role", role_name(role)}, {"new", !existing}, {"invited", invited}})));
          auto out = TRY(changed(st, a.id, c.tenant));
          out.invited = invited;
          return out;
        },
        [&s, c](const Result<Changed>& r) {
          if (r && r->invited) s.chat.kick_mail();  // an invitation, if one was queued
          after_change(s, c, r, 201);
        });
  };
  if (f->password.empty()) return run("");
  if (f->password.size() < 8 || f->password.size() > limits::kMaxPasswordBytes)
    return c.fail(
        Error::bad_request("password must be 8 to " + std::to_string(limits::kMaxPasswordBytes) + " characters"));
  s.auth.hash_password(f->password, [c, run](Result<std::string> h) {
    if (!h) return c.fail(h.error());
    run(*h);
  });
}

// Deactivates the account (its sessions end at once) or makes it active again
// (decides_for_account checked by the caller).
Result<bool> set_active(Store& st, const Changed& agent, bool active) {
  if (active) {
    TRY_OK(st.set_deactivated(agent.member.agent.id, 0));
    return false;
  }
  TRY_OK(st.set_deactivated(agent.member.agent.id, now_ms()));
  TRY_OK(st.delete_sessions_of(agent.member.agent.id, ""));
  return true;
}

// PUT {"role"?, "max_chats"?, "active"?, "totp_reset"?} or DELETE: an admin changes or removes an agent of the tenant,
// never themselves (they could lock the tenant out).
void change_agent(Services& s, const Call& c, bool remove) {
  auto id = positive_number(c.req.param("agent"));
  if (!id) return c.fail(Error::not_found("no such agent in the tenant"));
  if (*id == c.who->agent.id)
    return c.fail(Error::conflict("you cannot change or remove your own role; ask another admin"));
  AgentFields f;
  if (!remove) {
    auto parsed = agent_fields(c.req.body, false);
    if (!parsed) return c.fail(parsed.error());
    f = *parsed;
  }
  store_job<Changed>(
      s.store,
      [c, f, remove, agent = *id](Store& st) -> Result<Changed> {
        auto before = TRY(changed(st, agent, c.tenant));
        if (!before.member.agent.id || std::none_of(before.memberships.begin(), before.memberships.end(),
                                                    [&](const Membership& m) { return m.tenant_id == c.tenant; }))
          return Error::not_found("no such agent in the tenant");
        bool ended = false;
        if (remove) {
          TRY_OK(st.remove_membership(agent, c.tenant));
        } else {
          if (f.max_chats || f.active || f.totp_reset)
            TRY_OK(decides_for_account(*c.who, before.member.agent, before.memberships));
          if (!f.role.empty()) TRY_OK(st.set_membership(agent, c.tenant, *parse_role(f.role)));
          if (f.max_chats) TRY_OK(st.set_max_chats(agent, *f.max_chats));
          if (f.active) ended = TRY(set_active(st, before, *f.active));
          if (f.totp_reset) {  // set up again at the next login, if a tenant requires it
            TRY_OK(st.save_totp(agent, Totp{}));
            TRY_OK(st.add_audit(
                audit_line(c, c.tenant, "totp.reset", agent_target(before.member.agent), nullptr, nullptr)));
          }
        }
        auto after = TRY(changed(st, agent, c.tenant));
        after.deactivated = ended;
        TRY_OK(st.add_audit(audit_line(c, c.tenant, remove ? "agent.remove" : "agent.update",
                                       agent_target(before.member.agent), member_json(before.member),
                                       remove ? boost::json::value() : boost::json::value(member_json(after.member)))));
        return after;
      },
      [&s, c, remove](const Result<Changed>& r) { after_change(s, c, r, remove ? 204 : 200); });
}

boost::json::object audit_json(const AuditEntry& e) {
  boost::system::error_code ec;
  auto detail = boost::json::parse(e.detail, ec);
  return {{"id", e.id},
          {"at", e.at},
          {"tenant", e.tenant_id},
          {"actor_id", e.actor_id},
          {"actor", e.actor},
          {"action", e.action},
          {"target", e.target},
          {"detail", ec ? boost::json::value(nullptr) : detail},
          {"ip", e.ip}};
}

// GET ?action=login&actor=12&before=<id>: newest first, 50 a page.
void read_audit(Services& s, const Call& c, bool workspace) {
  AuditQuery q;
  q.limit = kAuditPage + 1;
  q.workspace = workspace;
  if (workspace) {
    for (const auto& m : c.who->memberships) q.tenants.push_back(m.tenant_id);
  } else {
    q.tenants.push_back(c.tenant);
  }
  auto action = c.req.query_text("action");
  if (!action) return c.fail(action.error());
  q.action = action->value_or("");
  if (q.action.size() > 40) return c.fail(Error::bad_request("action is at most 40 characters"));
  for (auto [name, out] : {std::pair{"actor", &q.actor_id}, std::pair{"before", &q.before}}) {
    auto v = c.req.query_param(name);
    if (!v) continue;
    auto n = positive_number(*v);
    if (!n) return c.fail(Error::bad_request(std::string(name) + " must be a positive whole number"));
    *out = *n;
  }
  store_job<std::vector<AuditEntry>>(
      s.reports, [q](Store& st) { return st.audit(q); },
      [c](Result<std::vector<AuditEntry>> r) {
        if (!r) return c.fail(r.error());
        bool more = r->size() > kAuditPage;
        if (more) r->resize(kAuditPage);
        boost::json::array out;
        for (const auto& e : *r) out.push_back(audit_json(e));
        c.ok({{"entries", std::move(out)}, {"next", more ? boost::json::value(r->back().id) : nullptr}});
      });
}

// My sessions: an id (the start of the stored hash, never the cookie), when and where from.
std::string session_id(const Session& s) { return s.token_hash.substr(0, 16); }

void my_sessions(Services& s, const Call& c) {
  store_job<std::vector<Session>>(
      s.store, [me = c.who->agent.id](Store& st) { return st.sessions_of(me, now_ms()); },
      [c](Result<std::vector<Session>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& x : *r) {
          out.push_back({{"id", session_id(x)},
                         {"created_at", x.created_at},
                         {"expires_at", x.expires_at},
                         {"ip", x.ip},
                         {"user_agent", x.user_agent},
                         {"current", x.token_hash == c.who->session_hash}});
        }
        c.ok({{"sessions", std::move(out)}});
      });
}

void end_session(Services& s, const Call& c) {
  std::string id(c.req.param("session"));
  store_job<std::string>(
      s.store,
      [me = c.who->agent.id, id](Store& st) -> Result<std::string> {
        for (const auto& x : TRY(st.sessions_of(me, now_ms()))) {
          if (session_id(x) == id) {
            TRY_OK(st.delete_session(x.token_hash));
            return x.token_hash;
          }
        }
        return Error::not_found("no such session");
      },
      [&s, c](Result<std::string> hash) {
        if (!hash) return c.fail(hash.error());
        s.chat.session_ended(*hash);  // its consoles close at once
        c.reply(Response::empty(204));
      });
}

}  // namespace

void add_admin_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants", [&s](const Call& c) { list_tenants(s, c); });
  routes.add(Method::kPost, "/api/tenants", [&s](const Call& c) { create_tenant(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/agents", [&s](const Call& c) { list_agents(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/agents", [&s](const Call& c) { add_agent(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/agents/{agent}", [&s](const Call& c) { change_agent(s, c, false); });
  routes.add(Method::kDelete, "/api/tenants/{id}/agents/{agent}", [&s](const Call& c) { change_agent(s, c, true); });
  routes.add(Method::kGet, "/api/tenants/{id}/audit", [&s](const Call& c) { read_audit(s, c, false); });
  routes.add(Method::kGet, "/api/audit", [&s](const Call& c) { read_audit(s, c, true); });
  routes.add(Method::kGet, "/api/me/sessions", [&s](const Call& c) { my_sessions(s, c); });
  routes.add(Method::kDelete, "/api/me/sessions/{session}", [&s](const Call& c) { end_session(s, c); });
}

}  // namespace tiski::api
