// Administration over REST (docs/roles.md): an owner creates a tenant, an admin adds agents
// and changes their roles (the agent's console reconnects with the new rights), every change
// and login is in the audit log of the tenant, failed logins are limited, and an agent ends
// one of their own sessions.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;

bool has_action(const object& log, const std::string& action, const std::string& actor = {}) {
  for (const auto& e : log.at("entries").as_array()) {
    if (e.at("action").as_string() == action && (actor.empty() || e.at("actor").as_string() == actor)) return true;
  }
  return false;
}

TEST(AdminApi, AnOwnerCreatesATenantAndItsAdminManagesAgents) {
  Server srv(0, {}, [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  });
  Rest owner(srv, admin::kDemoOwnerEmail), adm(srv, "adm@eramaa.demo"), aino(srv, admin::kDemoAgentEmail);

  auto me = owner.json("GET", "/api/me", "", 200);
  EXPECT_TRUE(me.at("agent").at("owner").as_bool());
  EXPECT_EQ(owner.json("GET", "/api/tenants", "", 200).at("tenants").as_array().size(), 2u);
  EXPECT_EQ(aino.json("GET", "/api/tenants", "", 200).at("tenants").as_array().size(), 1u);

  // Only an owner creates tenants; bad input says why.
  EXPECT_EQ(adm.call("POST", "/api/tenants", R"({"slug":"kenka","name":"Kenkä Oy"})").status, 403);
  auto bad = owner.call("POST", "/api/tenants", R"({"slug":"Kenkä!","name":"Kenkä Oy"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("slug"), std::string::npos);
  EXPECT_EQ(owner.call("POST", "/api/tenants", R"({"slug":"kenka","name":"Kenkä Oy","x":1})").status, 400);
  auto t = owner.json("POST", "/api/tenants", R"({"slug":"kenka","name":"Kenkä Oy"})", 201);
  EXPECT_EQ(owner.call("POST", "/api/tenants", R"({"slug":"kenka","name":"Toinen"})").status, 409);
  auto kenka = std::to_string(t.at("id").as_int64());
  EXPECT_EQ(adm.call("GET", "/api/tenants/" + kenka + "/agents").status, 404);  // not theirs

  // The eramaa admin adds a new agent, then promotes them; a supervisor may only look.
  auto added = adm.json("POST", "/api/tenants/1/agents",
                        R"({"email":"uusi@eramaa.demo","name":"Uuno Uusi","password":"demo1234","role":"agent"})", 201);
  auto uusi = std::to_string(added.at("id").as_int64());
  EXPECT_EQ(adm.call("POST", "/api/tenants/1/agents", R"({"email":"uusi@eramaa.demo"})").status, 409);
  EXPECT_EQ(
      adm.call("POST", "/api/tenants/1/agents", R"({"email":"x@eramaa.demo","name":"X","password":"short"})").status,
      400);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/agents", R"({"email":"y@eramaa.demo"})").status, 403);
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/agents").status, 200);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + uusi, R"({"role":"boss"})").status, 400);

  auto console = agent(srv, "uusi@eramaa.demo");
  auto changed = adm.json("PUT", "/api/tenants/1/agents/" + uusi, R"({"role":"supervisor","max_chats":5})", 200);
  EXPECT_EQ(changed.at("role").as_string(), "supervisor");
  EXPECT_EQ(changed.at("max_chats").as_int64(), 5);
  // Their console closes to reconnect with the new role.
  for (int i = 0; i < 20 && !console->closed(); ++i) console->recv(std::chrono::milliseconds(500));
  EXPECT_EQ(console->close_code(), 4002);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + std::to_string(me.at("agent").at("id").as_int64() + 100),
                     R"({"role":"agent"})")
                .status,
            404);
  auto self = adm.json("GET", "/api/me", "", 200).at("agent").at("id").as_int64();
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + std::to_string(self), R"({"role":"agent"})").status, 409);

  // Changes through the other resources are audited too.
  adm.json("PUT", "/api/tenants/1/hours", R"({"hours":"tz=Europe/Helsinki; mon-fri 09:00-17:00"})", 200);

  // The audit log: the tenant's changes and its agents' logins, before and after.
  auto log = adm.json("GET", "/api/tenants/1/audit", "", 200);
  EXPECT_TRUE(has_action(log, "hours.update"));
  EXPECT_TRUE(has_action(log, "agent.add", "adm@eramaa.demo"));
  EXPECT_TRUE(has_action(log, "agent.update"));
  EXPECT_TRUE(has_action(log, "login.ok", "uusi@eramaa.demo"));
  EXPECT_FALSE(has_action(log, "tenant.create"));  // another tenant's
  for (const auto& e : log.at("entries").as_array()) {
    if (e.at("action").as_string() == "agent.update") {
      EXPECT_EQ(e.at("detail").at("before").at("role").as_string(), "agent");
      EXPECT_EQ(e.at("detail").at("after").at("role").as_string(), "supervisor");
      EXPECT_EQ(e.at("ip").as_string(), "127.0.0.1");
    }
  }
  auto logins = adm.json("GET", "/api/tenants/1/audit?action=login", "", 200);
  for (const auto& e : logins.at("entries").as_array()) EXPECT_TRUE(e.at("action").as_string().starts_with("login."));
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/audit").status, 403);
  EXPECT_TRUE(has_action(owner.json("GET", "/api/audit", "", 200), "tenant.create"));
  EXPECT_EQ(adm.call("GET", "/api/audit").status, 403);

  // Deactivated: their consoles close, they cannot log in; active again, they can.
  auto live = agent(srv, "uusi@eramaa.demo");
  auto off = adm.json("PUT", "/api/tenants/1/agents/" + uusi, R"({"active":false})", 200);
  EXPECT_FALSE(off.at("active").as_bool());
  for (int i = 0; i < 20 && !live->closed(); ++i) live->recv(std::chrono::milliseconds(500));
  EXPECT_EQ(live->close_code(), 4001);
  auto refused = http_request(srv.port, "POST", "/api/login", R"({"email":"uusi@eramaa.demo","password":"demo1234"})");
  EXPECT_EQ(refused.status, 401);
  EXPECT_NE(refused.body.find("deactivated"), std::string::npos);
  // An admin of one company cannot deactivate the workspace owner, even one serving it.
  auto owner_id = std::to_string(me.at("agent").at("id").as_int64());
  EXPECT_EQ(owner.call("POST", "/api/tenants/1/agents", R"({"email":"omistaja@tiski.demo"})").status, 201);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + owner_id, R"({"active":false})").status, 403);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + owner_id, R"({"totp_reset":true})").status, 403);
  // Nor add an account that serves another company (a probe: an admin took another company's
  // supervisor in, saw her login history and could lock her out with a two-factor rule): the
  // owner does; nor change what the account shares with the other company: its capacity and its
  // two-factor login (a review: both were allowed, on the owner's account too). Its role in this
  // company is this company's own.
  auto foreign = adm.call("POST", "/api/tenants/1/agents", R"({"email":"agentti@pyorapaja.demo"})");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.body.find("Pekka"), std::string::npos) << foreign.body;
  auto pekka = owner.json("POST", "/api/tenants/1/agents", R"({"email":"agentti@pyorapaja.demo"})", 201);
  auto pekka_id = std::to_string(pekka.at("id").as_int64());
  auto capacity = pekka.at("max_chats").as_int64();
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + pekka_id, R"({"max_chats":1})").status, 403);
  EXPECT_EQ(adm.call("PUT", "/api/tenants/1/agents/" + pekka_id, R"({"totp_reset":true})").status, 403);
  EXPECT_EQ(adm.json("PUT", "/api/tenants/1/agents/" + pekka_id, R"({"role":"supervisor"})", 200).at("role"),
            "supervisor");
  auto theirs = owner.json("GET", "/api/tenants/2/agents", "", 200);
  for (const auto& m : theirs.at("agents").as_array()) {
    if (m.at("id").as_int64() == pekka.at("id").as_int64()) {
      EXPECT_EQ(m.at("max_chats").as_int64(), capacity);
    }
  }
  EXPECT_EQ(adm.call("DELETE", "/api/tenants/1/agents/" + pekka_id).status, 204);
  EXPECT_EQ(adm.call("POST", "/api/tenants/1/agents", R"({"email":"agentti@pyorapaja.demo","max_chats":1})").status,
            403);
  adm.json("PUT", "/api/tenants/1/agents/" + uusi, R"({"active":true})", 200);
  Rest back(srv, "uusi@eramaa.demo");

  // Removed from the tenant: nothing of it is theirs any more.
  EXPECT_EQ(adm.call("DELETE", "/api/tenants/1/agents/" + uusi).status, 204);
  Rest gone(srv, "uusi@eramaa.demo");
  EXPECT_EQ(gone.call("GET", "/api/tenants/1/queue").status, 404);
}

TEST(AdminApi, FailedLoginsAreAuditedAndLimited) {
  Server srv;
  auto attempt = [&](const std::string& password) {
    return http_request(srv.port, "POST", "/api/login",
                        R"({"email":"agentti@eramaa.demo","password":")" + password + R"("})");
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(attempt("wrong" + std::to_string(i)).status, 401);
  auto refused = attempt("demo1234");  // even the right password, for now
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find("try again in"), std::string::npos) << refused.body;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto log = owner.json("GET", "/api/audit?action=login.failed", "", 200);
  EXPECT_EQ(log.at("entries").as_array().size(), 10u);
  EXPECT_EQ(log.at("entries").as_array()[0].at("actor").as_string(), "agentti@eramaa.demo");
}

TEST(AdminApi, AnAgentSeesAndEndsTheirOwnSessions) {
  Server srv;
  Rest here(srv, admin::kDemoAgentEmail), there(srv, admin::kDemoAgentEmail);
  auto list = here.json("GET", "/api/me/sessions", "", 200).at("sessions").as_array();
  ASSERT_EQ(list.size(), 2u);
  std::string other;
  for (const auto& s : list) {
    if (!s.at("current").as_bool()) other = std::string(s.at("id").as_string());
  }
  ASSERT_FALSE(other.empty());
  auto console = std::make_unique<WsClient>();
  EXPECT_EQ(console->connect(srv.port, "/ws/agent", there.cookie, origin_of(srv)), 101);
  EXPECT_EQ(here.call("DELETE", "/api/me/sessions/" + other).status, 204);
  EXPECT_EQ(there.call("GET", "/api/me").status, 401);
  EXPECT_EQ(here.call("GET", "/api/me").status, 200);
  for (int i = 0; i < 20 && !console->closed(); ++i) console->recv(std::chrono::milliseconds(500));
  EXPECT_EQ(console->close_code(), 4001);
  // Someone else's session id, or a made-up one: 404.
  Rest pekka(srv, "agentti@pyorapaja.demo");
  auto theirs = pekka.json("GET", "/api/me/sessions", "", 200).at("sessions").as_array()[0].at("id");
  EXPECT_EQ(here.call("DELETE", "/api/me/sessions/" + std::string(theirs.as_string())).status, 404);
}

}  // namespace
}  // namespace tiski::testing
