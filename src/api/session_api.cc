// The agent's session: log in (a cookie), who am I, log out (consoles close at once), and the
// availability switch.
#include <boost/json/array.hpp>

#include "api/api.h"
#include "chat/protocol.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski::api {
namespace {

boost::json::object identity_json(const AgentIdentity& id) {
  boost::json::array tenants;
  for (const auto& m : id.memberships) {
    tenants.push_back(boost::json::object{
        {"id", m.tenant_id}, {"name", m.tenant_name}, {"role", role_name(m.role)}, {"serves", !m.implied}});
  }
  return boost::json::object{{"agent", boost::json::object{{"id", id.agent.id},
                                                           {"name", id.agent.name},
                                                           {"email", id.agent.email},
                                                           {"owner", id.agent.owner},
                                                           {"totp", id.totp_on},
                                                           {"totp_setup_needed", id.totp_setup_needed}}},
                             {"tenants", std::move(tenants)},
                             {"csrf", id.csrf}};
}

void login(Services& s, const OriginPolicy& origins, const Call& c) {
  if (auto why = origins.problem(c.req.origin, c.req.host, false); !why.empty()) return c.fail(Error::forbidden(why));
  auto body = json_object(c.req.body);
  if (!body) return c.fail(body.error());
  auto email = proto::str(*body, "email");
  auto password = proto::str(*body, "password");
  if (email.empty() || password.empty()) return c.fail(Error::bad_request("email and password are required strings"));
  if (email.size() > limits::kMaxEmailBytes || password.size() > limits::kMaxPasswordBytes) {
    return c.fail(Error::too_large("field too long"));
  }
  auto code = proto::str(*body, "code");  // the two-factor code, when the account has one
  if (code.size() > 16) return c.fail(Error::too_large("code too long"));
  bool secure = s.secure_cookies;
  AuthService::From from{c.req.ip, c.req.user_agent};
  s.auth.login(std::string(email), std::string(password), std::string(code), from, [c, secure](Result<LoginResult> r) {
    if (!r) return c.fail(r.error());
    auto res = Response::ok(identity_json(r->identity));
    auto attrs = cookie_attrs(std::chrono::seconds(limits::kSessionLifetime).count(), secure);
    res.header("Set-Cookie", std::string(kSessionCookie) + "=" + r->session_token + "; HttpOnly" + attrs);
    res.header("Set-Cookie", std::string(kSignedInCookie) + "=1" + attrs);
    log::info("agent logged in", {{"agent", r->identity.agent.id}});
    c.reply(std::move(res));
  });
}

void logout(Services& s, Call c) {
  std::string hash = c.who->session_hash;
  Id agent = c.who->agent.id;
  s.auth.logout(c.req.session, [&s, c, hash, agent](const Status& st) {
    if (!st) return c.fail(st.error());
    s.chat.session_ended(hash);  // its consoles close at once
    log::info("agent logged out", {{"agent", agent}});
    auto res = Response::empty(204);
    c.reply(std::move(forget_session(res)));
  });
}

// PUT {"status": "online"|"away"}: my availability, as the console's switch sets it.
void set_status(Services& s, Call c) {
  auto body = json_object(c.req.body, R"({"status": "online"|"away"})");
  if (!body) return c.fail(body.error());
  const auto* status = body->if_contains("status");
  if (!status || !status->is_string()) return c.fail(Error::bad_request(R"(body must be {"status": "online"|"away"})"));
  if (auto st = s.chat.set_status(c.who->agent.id, status->as_string()); !st) return c.fail(st.error());
  c.ok({{"agent", c.who->agent.id}, {"status", status->as_string()}});
}

}  // namespace

void add_session_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/login", [&s, &routes](const Call& c) { login(s, routes.origins(), c); });
  routes.add(Method::kGet, "/api/me", [](Call c) { c.ok(identity_json(*c.who)); });
  routes.add(Method::kPost, "/api/logout", [&s](Call c) { logout(s, std::move(c)); });
  routes.add(Method::kPut, "/api/me/status", [&s](Call c) { set_status(s, std::move(c)); });
}

}  // namespace tiski::api
