#include "api/routes.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <stdexcept>

#include "chat/protocol.h"
#include "util/crypto.h"
#include "util/time.h"

namespace tiski::api {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

}  // namespace

void Routes::add(Method method, std::string_view pattern, Handler handler) {
  const auto* rule = rights::route_rule(method_name(method), pattern);
  if (!rule) throw std::logic_error("route " + std::string(pattern) + " is not in the rights table (chat/rights.cc)");
  add(method, pattern, rule->level, std::move(handler));
}

void Routes::add(Method method, std::string_view pattern, rights::Level level, Handler handler) {
  std::vector<std::string> segments;
  for (auto s : split(pattern)) segments.emplace_back(s);
  routes_.push_back({method, std::move(segments), level, std::move(handler)});
}

std::vector<std::pair<Method, std::string>> Routes::list() const {
  std::vector<std::pair<Method, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, pattern_of(r));
  return out;
}

bool Routes::match(const Route& r, const std::vector<std::string_view>& path, Request& req) {
  if (r.segments.size() != path.size()) return false;
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& s = r.segments[i];
    if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
      if (path[i].empty()) return false;
      params.emplace_back(s.substr(1, s.size() - 2), std::string(path[i]));
    } else if (s != path[i]) {
      return false;
    }
  }
  req.params = std::move(params);
  return true;
}

bool Routes::dispatch(Request req, Reply reply) {
  auto path = split(req.path);
  std::string allow;
  for (const auto& r : routes_) {
    if (!match(r, path, req)) continue;
    // HEAD is the GET without its body (the writer drops it) for the public routes: a load
    // balancer's check works. Not for the others: a GET may be audited (a secret read, an
    // export), and a HEAD that does it and shows nothing would only leave a false trail.
    bool head = req.method == Method::kHead && r.method == Method::kGet && r.level == rights::Level::kPublic;
    if (r.method == req.method || head) {
      guard(r, Call{std::move(req), std::nullopt, std::move(reply)});
      return true;
    }
    if (!allow.empty()) allow += ", ";
    allow += method_name(r.method);
    if (r.method == Method::kGet && r.level == rights::Level::kPublic) allow += ", HEAD";
  }
  if (allow.empty()) return false;
  reply(Response::error(Error::method_not_allowed("use " + allow)).header("Allow", allow));
  return true;
}

// The middleware: who is asking, for writes whether the browser page is ours, and whether
// their role in the tenant of the path's object is enough.
void Routes::guard(const Route& r, Call call) {
  if (r.level == rights::Level::kPublic) return r.handler(std::move(call));
  constexpr std::string_view kBearer = "Bearer ";
  if (call.req.authorization.starts_with(kBearer)) {
    // An API token, whatever cookie comes with it (a wrong token is 401 even beside a session: a
    // probe's was ignored). A browser sends no Authorization header cross-site without CORS,
    // which this server never allows: no origin or CSRF check.
    std::string token = call.req.authorization.substr(kBearer.size());
    auth_.authenticate_api_token(token, [this, &r, call = std::move(call)](Result<AgentIdentity> id) mutable {
      if (!id) return call.fail(id.error());
      call.who = std::move(id).value();
      authorize(r, std::move(call));
    });
    return;
  }
  std::string token = call.req.session;
  auth_.authenticate(token, [this, &r, call = std::move(call)](Result<AgentIdentity> id) mutable {
    if (!id && id.error().code == Errc::kUnauthorized && !call.req.session.empty()) {
      // A cookie of a session that is over (expired, ended elsewhere): the browser forgets it,
      // and the console's "tiski_in" with it, so its next visit shows the login at once.
      auto res = Response::error(id.error());
      return call.reply(std::move(forget_session(res)));
    }
    if (!id) return call.fail(id.error());
    if (r.method != Method::kGet) {
      if (auto why = origins_.problem(call.req.origin, call.req.host, false); !why.empty())
        return call.fail(Error::forbidden(why));
      if (!crypto::equal_ct(call.req.csrf, id->csrf))
        return call.fail(Error::forbidden("missing or wrong X-CSRF-Token header"));
    }
    call.who = std::move(id).value();
    authorize(r, std::move(call));
  });
}

// Finds the tenant of the path's object: /api/tenants/{id}, /api/sites/{key} (the site's) or
// /api/conversations/{id} (the conversation's), on the store thread for the last two.
void Routes::authorize(const Route& r, Call call) {
  const auto& seg = r.segments;
  bool scoped = seg.size() >= 3 && seg[0] == "api" && (seg[2] == "{id}" || seg[2] == "{key}");
  if (!scoped) return admit(r, std::move(call), std::nullopt);
  if (seg[1] == "tenants") {
    auto id = positive_number(call.req.param("id"));
    return admit(r, std::move(call), id ? std::optional<Id>(*id) : std::optional<Id>(0));
  }
  std::string key(call.req.param(seg[2] == "{id}" ? "id" : "key"));
  bool site = seg[1] == "sites";
  store_job<Id>(
      store_,
      [key, site](Store& st) -> Result<Id> {
        if (site) {
          auto s = st.site_by_key(key);
          if (!s) return s.error().code == Errc::kNotFound ? Result<Id>(Id{0}) : Result<Id>(s.error());
          return s->tenant_id;
        }
        auto id = positive_number(key);
        if (!id) return Id{0};
        auto c = st.conversation(*id);
        if (!c) return c.error().code == Errc::kNotFound ? Result<Id>(Id{0}) : Result<Id>(c.error());
        return c->tenant_id;
      },
      [this, &r, call = std::move(call)](Result<Id> tenant) mutable {
        if (!tenant) return call.fail(tenant.error());
        admit(r, std::move(call), *tenant);
      });
}

// What an API token may not do on this route (docs/integrations.md), or "" when it may.
std::string Routes::token_problem(const Route& r, const TokenGrant& g, bool scoped) {
  auto path = pattern_of(r);
  if (r.level == rights::Level::kOwner) return "API tokens cannot act for the workspace owner";
  if (path.starts_with("/api/tenants/{id}/tokens")) return "API tokens cannot manage API tokens";
  // Nor people: an account made by a token could log in and make tokens.
  if (path.starts_with("/api/tenants/{id}/agents") && r.method != Method::kGet)
    return "API tokens cannot add, change or remove agents";
  // A conversation's writes are an agent's own doing (a reply, a file, a card, a block, a review):
  // a token is nobody's.
  if (path.starts_with("/api/conversations/{id}/") && r.method != Method::kGet)
    return "API tokens cannot act in a conversation as an agent";
  bool general = r.method == Method::kGet && (path == "/api/me" || path == "/api/tenants" || path == "/api/search");
  if (!scoped && !general) return "this route is for signed-in agents, not API tokens";
  if (r.method == Method::kGet && !g.read) return "the API token lacks the read scope";
  if (r.method != Method::kGet && !g.write) return "the API token lacks the write scope";
  if (r.level == rights::Level::kAdmin && !g.admin) return "the API token lacks the admin scope";
  return "";
}

std::string Routes::pattern_of(const Route& r) {
  std::string p;
  for (const auto& s : r.segments) p += "/" + s;
  return p;
}

// `tenant`: nullopt when the route has no object; 0 when its object does not exist.
void Routes::admit(const Route& r, Call call, std::optional<Id> tenant) {
  const auto& who = *call.who;
  if (who.totp_setup_needed) {  // a tenant requires two-factor login: set it up first
    auto path = pattern_of(r);
    bool setup = path == "/api/me" || path == "/api/logout" || path.starts_with("/api/me/totp");
    if (!setup)
      return call.fail(Error::forbidden("your company requires two-factor login: set it up under My account first"));
  }
  if (who.token) {
    if (auto why = token_problem(r, *who.token, tenant.has_value()); !why.empty())
      return call.fail(Error::forbidden(why));
  }
  std::optional<Role> role;
  if (tenant) {
    role = *tenant ? who.role_in(*tenant) : std::nullopt;
  } else {
    role = who.best_role();
  }
  auto verdict = rights::judge(r.level, role, who.agent.owner);
  if (verdict == rights::Verdict::kNotFound && tenant) {
    const auto& kind = r.segments[1];
    return call.fail(Error::not_found(kind == "sites"           ? "no such site"
                                      : kind == "conversations" ? "no such conversation"
                                                                : "no such tenant"));
  }
  if (verdict != rights::Verdict::kAllow) return call.fail(Error::forbidden(rights::forbidden_message(r.level)));
  if (tenant) call.tenant = *tenant;
  r.handler(std::move(call));
}

std::optional<Error> require_role(const AgentIdentity& who, Id tenant, Role min) {
  auto role = who.role_in(tenant);
  if (!role) return Error::not_found("no such tenant");
  if (static_cast<int>(*role) < static_cast<int>(min)) {
    return Error::forbidden(min == Role::kAdmin ? "admins only" : "supervisors and admins only");
  }
  return std::nullopt;
}

std::optional<std::int64_t> positive_number(std::string_view text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

std::optional<Id> path_tenant(const Call& c) {
  auto id = positive_number(c.req.param("id"));
  if (!id || !c.who->member_of(*id)) return std::nullopt;
  return id;
}

std::string agent_target(const Agent& a) { return a.name + " (agent " + std::to_string(a.id) + ")"; }

AuditEntry audit_line(const Call& c, Id tenant, std::string action, std::string target,
                      const boost::json::value& before, const boost::json::value& after) {
  AuditEntry e;
  e.at = now_ms();
  e.tenant_id = tenant;
  e.actor_id = c.who ? c.who->agent.id : 0;
  e.actor = c.who ? c.who->agent.email : "";
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = change_json(before, after);
  e.ip = c.req.ip;
  return e;
}

std::string change_json(const boost::json::value& before, const boost::json::value& after) {
  return boost::json::serialize(boost::json::object{{"before", before}, {"after", after}});
}

Status only_fields(const boost::json::object& o, std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : o) {
    if (std::find(known.begin(), known.end(), k) == known.end())
      return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
  }
  return {};
}

Result<boost::json::object> json_object(std::string_view body, std::string_view expected) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Error::bad_request("body must be " + std::string(expected));
  return std::move(v.as_object());
}

Result<std::string> text_field(const boost::json::object& o, std::string_view key, std::size_t max, bool required,
                               bool line) {
  const auto* v = o.if_contains(key);
  if (!v) {
    if (required) return Error::bad_request("'" + std::string(key) + "' is required");
    return std::string();
  }
  if (!v->is_string()) return Error::bad_request("'" + std::string(key) + "' must be text");
  std::string_view raw = v->as_string();
  if (raw.size() > max)
    return Error::too_large("'" + std::string(key) + "' is at most " + std::to_string(max) + " bytes");
  if (line && !proto::one_line(raw))
    return Error::bad_request("'" + std::string(key) + "' must be one line without control characters");
  std::string clean = proto::clean_text(raw);
  if (required && clean.find_first_not_of(" \t\n") == std::string::npos)
    return Error::bad_request("'" + std::string(key) + "' must not be empty");
  return clean;
}

}  // namespace tiski::api
