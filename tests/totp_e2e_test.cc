// Two-factor login (RFC 6238, docs/admin.md) over real sockets: an agent turns it on with a code
// of the new key; logging in then needs a code, a wrong or reused one counts as a failed login;
// a tenant that requires it lets its agents do nothing but set it up; turning it off needs a
// code and is refused while required.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "util/time.h"
#include "util/totp.h"

namespace tiski::testing {
namespace {

using boost::json::object;

HttpReply login_with(const Server& srv, const std::string& email, const std::string& code) {
  std::string body = R"({"email":")" + email + R"(","password":"demo1234")";
  if (!code.empty()) body += R"(,"code":")" + code + "\"";
  return http_request(srv.port, "POST", "/api/login", body + "}");
}

std::string error_code(const HttpReply& r) {
  auto v = boost::json::parse(r.body);
  return std::string(v.at("error").at("code").as_string());
}

// The code of `key` at the test's start `t0` (unix seconds) or `ahead` steps later, as the phone
// would show it. One start time per test keeps "already used" exact across a step boundary (the
// server accepts one step either side of its clock).
std::string code_of(const std::string& key, std::int64_t t0, int ahead = 0) {
  return totp::code_at(key, t0 + ahead * totp::kStepSeconds);
}

TEST(Totp, AnAgentTurnsItOnAndLoginNeedsTheCodeOnce) {
  Server srv;
  const std::int64_t t0 = now_ms() / 1000;
  Rest aino(srv, admin::kDemoAgentEmail);
  EXPECT_FALSE(aino.json("GET", "/api/me/totp", "", 200).at("on").as_bool());
  EXPECT_EQ(aino.call("POST", "/api/me/totp/confirm", R"({"code":"123456"})").status, 409);  // no set-up begun
  auto setup = aino.json("POST", "/api/me/totp", "{}", 200);
  std::string uri(setup.at("uri").as_string());
  EXPECT_TRUE(uri.starts_with("otpauth://totp/Tiski:agentti%40eramaa.demo?secret=")) << uri;
  auto key = *totp::base32_decode(setup.at("secret").as_string());
  ASSERT_EQ(key.size(), totp::kKeyBytes);
  // Not on until a code of the new key is typed: login still needs no code.
  EXPECT_EQ(login_with(srv, admin::kDemoAgentEmail, "").status, 200);
  EXPECT_EQ(aino.call("POST", "/api/me/totp/confirm", R"({"code":"000000"})").status, 400);
  EXPECT_EQ(aino.call("POST", "/api/me/totp/confirm", "[]").status, 400);
  aino.json("POST", "/api/me/totp/confirm", R"({"code":")" + code_of(key, t0) + "\"}", 200);
  EXPECT_TRUE(aino.json("GET", "/api/me", "", 200).at("agent").at("totp").as_bool());
  EXPECT_EQ(aino.call("POST", "/api/me/totp", "{}").status, 409);  // a second key needs it off first

  // Off again: only with a current, unused code; then on with a new key.
  EXPECT_EQ(aino.call("POST", "/api/me/totp/disable", R"({"code":"000000"})").status, 400);
  EXPECT_EQ(aino.call("POST", "/api/me/totp/disable", R"({"code":")" + code_of(key, t0) + "\"}").status, 400);  // used
  aino.json("POST", "/api/me/totp/disable", R"({"code":")" + code_of(key, t0, 1) + "\"}", 200);
  EXPECT_EQ(login_with(srv, admin::kDemoAgentEmail, "").status, 200);
  key = *totp::base32_decode(aino.json("POST", "/api/me/totp", "{}", 200).at("secret").as_string());
  aino.json("POST", "/api/me/totp/confirm", R"({"code":")" + code_of(key, t0) + "\"}", 200);

  auto missing = login_with(srv, admin::kDemoAgentEmail, "");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(error_code(missing), "totp_required");
  EXPECT_TRUE(missing.set_cookie.empty());
  auto wrong = login_with(srv, admin::kDemoAgentEmail, "000000");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(error_code(wrong), "unauthorized");
  // The confirming code used this step: the next step's code logs in, once.
  auto ok = login_with(srv, admin::kDemoAgentEmail, code_of(key, t0, 1));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_FALSE(ok.set_cookie.empty());
  EXPECT_EQ(login_with(srv, admin::kDemoAgentEmail, code_of(key, t0, 1)).status, 401);
  // A wrong password with a right code says nothing about the code.
  EXPECT_EQ(http_request(srv.port, "POST", "/api/login",
                         R"({"email":"agentti@eramaa.demo","password":"nope","code":"123456"})")
                .status,
            401);

  // The audit log has the wrong code as a failed login, and the set-up.
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto log = boost::json::serialize(owner.json("GET", "/api/audit?action=totp", "", 200));
  EXPECT_NE(log.find("totp.enable"), std::string::npos) << log;
}

// Codes typed in a session are limited like logins (a probe: 30 wrong codes to turn it off were
// all answered 400, so a stolen session could guess its way to turning it off).
TEST(Totp, WrongCodesInASessionAreLimitedLikeLogins) {
  Server srv;
  Rest aino(srv, admin::kDemoAgentEmail);
  auto t0 = now_ms() / 1000;
  auto key = *totp::base32_decode(aino.json("POST", "/api/me/totp", "{}", 200).at("secret").as_string());
  aino.json("POST", "/api/me/totp/confirm", R"({"code":")" + code_of(key, t0) + "\"}", 200);
  int refused = 0;
  for (int i = 0; i < 12; ++i) {
    auto r = aino.call("POST", "/api/me/totp/disable", R"({"code":"000000"})");
    if (r.status == 429)
      ++refused;
    else
      EXPECT_EQ(r.status, 400);
  }
  EXPECT_EQ(refused, 2);
  // The right code is refused too until the window passes, and so is a login of the account.
  EXPECT_EQ(aino.call("POST", "/api/me/totp/disable", R"({"code":")" + code_of(key, t0, 1) + "\"}").status, 429);
  EXPECT_EQ(login_with(srv, admin::kDemoAgentEmail, code_of(key, t0, 1)).status, 429);
}

TEST(Totp, ATenantThatRequiresItLetsItsAgentsOnlySetItUp) {
  Server srv;
  const std::int64_t t0 = now_ms() / 1000;
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/security", R"({"require_totp":true})").status, 403);  // supervisor
  EXPECT_EQ(owner.call("PUT", "/api/tenants/2/security", R"({"require_totp":"yes"})").status, 400);
  // The rule binds everyone who serves the tenant, its admins (here the owner) too: they set it
  // up first (without it, requiring it would lock its maker out at once).
  auto first = owner.call("PUT", "/api/tenants/2/security", R"({"require_totp":true})");
  EXPECT_EQ(first.status, 409);
  EXPECT_NE(first.body.find("your own account first"), std::string::npos);
  auto owner_key = *totp::base32_decode(owner.json("POST", "/api/me/totp", "{}", 200).at("secret").as_string());
  owner.json("POST", "/api/me/totp/confirm", R"({"code":")" + code_of(owner_key, t0) + "\"}", 200);
  owner.json("PUT", "/api/tenants/2/security", R"({"require_totp":true})", 200);
  EXPECT_FALSE(aino.json("GET", "/api/tenants/1/security", "", 200).at("require_totp").as_bool());
  // The agents list says whose is on (a reset is offered for those only).
  auto listed = owner.json("GET", "/api/tenants/2/agents", "", 200);
  for (const auto& a : listed.at("agents").as_array()) {
    EXPECT_EQ(a.at("totp").as_bool(), a.at("owner").as_bool()) << boost::json::serialize(a);
  }

  // Pekka (tenant 2) can log in, but only to set it up: no REST, no console socket.
  Rest pekka(srv, "agentti@pyorapaja.demo");
  auto me = pekka.json("GET", "/api/me", "", 200);
  EXPECT_TRUE(me.at("agent").at("totp_setup_needed").as_bool());
  auto refused = pekka.call("GET", "/api/tenants/2/queue");
  EXPECT_EQ(refused.status, 403);
  EXPECT_NE(refused.body.find("two-factor"), std::string::npos);
  WsClient ws;
  EXPECT_EQ(ws.connect(srv.port, "/ws/agent", pekka.cookie, origin_of(srv)), 403);
  EXPECT_TRUE(pekka.json("GET", "/api/me/totp", "", 200).at("required").as_bool());

  auto key = *totp::base32_decode(pekka.json("POST", "/api/me/totp", "{}", 200).at("secret").as_string());
  pekka.json("POST", "/api/me/totp/confirm", R"({"code":")" + code_of(key, t0) + "\"}", 200);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/2/queue").status, 200);
  WsClient ok;
  EXPECT_EQ(ok.connect(srv.port, "/ws/agent", pekka.cookie, origin_of(srv)), 101);
  auto off = pekka.call("POST", "/api/me/totp/disable", R"({"code":")" + code_of(key, t0, 1) + "\"}");
  EXPECT_EQ(off.status, 409);
  EXPECT_NE(off.body.find("requires"), std::string::npos);
  // Lost the phone: an admin of the tenant resets it; the next login asks for no code and the
  // session may only set up the new phone.
  auto pekka_id = std::to_string(me.at("agent").at("id").as_int64());
  EXPECT_EQ(aino.call("PUT", "/api/tenants/2/agents/" + pekka_id, R"({"totp_reset":true})").status, 404);
  owner.json("PUT", "/api/tenants/2/agents/" + pekka_id, R"({"totp_reset":true})", 200);
  EXPECT_EQ(login_with(srv, "agentti@pyorapaja.demo", "").status, 200);
  EXPECT_TRUE(pekka.json("GET", "/api/me", "", 200).at("agent").at("totp_setup_needed").as_bool());
  // Aino's tenant does not require it: untouched.
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/queue").status, 200);
}

}  // namespace
}  // namespace tiski::testing
