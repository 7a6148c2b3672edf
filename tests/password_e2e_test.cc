// Password links by email (docs/admin.md) against a real SMTP server (tests/smtp_sink.py): a
// forgotten password is reset with the mailed link, once, ending every session; unknown
// addresses get the same answer and no mail; links are limited per account; an admin invites a
// new agent who sets their own password; without a relay the server says so.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// The body of a single-part mail, decoded; and the token of the link in it.
std::string body_of(const std::string& eml) {
  auto b = eml.find("\r\n\r\n");
  return b == std::string::npos ? "" : decode_b64(eml.substr(b + 4));
}
std::string token_of(const std::string& body) {
  auto p = body.find("/console/#password=");
  if (p == std::string::npos) return "";
  p += 19;
  auto e = body.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", p);
  return body.substr(p, e - p);
}

bool audited(Rest& admin, const std::string& action, const std::string& actor) {
  auto log = admin.json("GET", "/api/tenants/1/audit?action=login", "", 200);
  for (const auto& e : log.at("entries").as_array())
    if (e.at("action").as_string() == action && e.at("actor").as_string() == actor) return true;
  return false;
}

TEST(Passwords, AForgottenPasswordIsResetOnceWithTheMailedLink) {
  SmtpSink sink;
  Server srv(0, sink.config(), [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  });
  std::string cookie = login(srv, admin::kDemoAgentEmail);
  WsClient console;
  ASSERT_EQ(console.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  auto snap = console.recv_type("snapshot");
  ASSERT_TRUE(snap);
  EXPECT_TRUE(snap->at("email").as_bool());  // the SMTP sink is the relay

  auto ask = [&](const std::string& body) { return http_request(srv.port, "POST", "/api/password/forgot", body); };
  auto known = ask(R"({"email":"agentti@eramaa.demo","lang":"fi"})");
  auto unknown = ask(R"({"email":"nobody@eramaa.demo","lang":"fi"})");
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(unknown.status, 202);
  EXPECT_EQ(known.body, unknown.body);  // nothing tells whether the address has an account
  EXPECT_EQ(ask(R"({"email":"not an address"})").status, 400);
  EXPECT_EQ(ask(R"({"mail":"agentti@eramaa.demo"})").status, 400);

  auto mails = sink.wait_for(1);
  std::this_thread::sleep_for(300ms);
  mails = sink.messages();
  ASSERT_EQ(mails.size(), 1u);  // none for the unknown address
  EXPECT_NE(mails[0].find("To: "), std::string::npos);
  EXPECT_NE(mails[0].find("agentti@eramaa.demo>"), std::string::npos);
  EXPECT_NE(mails[0].find("Auto-Submitted: auto-generated"), std::string::npos);
  std::string body = body_of(mails[0]);
  EXPECT_NE(body.find("Vaihda salasana"), std::string::npos) << body;
  EXPECT_NE(body.find("http://127.0.0.1:" + std::to_string(srv.port) + "/console/#password="), std::string::npos);
  std::string token = token_of(body);
  ASSERT_GE(token.size(), 40u);

  auto reset = [&](const std::string& t, const std::string& pw) {
    return http_request(srv.port, "POST", "/api/password/reset",
                        boost::json::serialize(object{{"token", t}, {"password", pw}}));
  };
  EXPECT_EQ(reset(token, "lyhyt").status, 400);  // too short: the link is not spent
  auto wrong = reset(token + "x", "uusi-salasana-1");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_NE(wrong.body.find("expired or has been used"), std::string::npos);
  auto ok = reset(token, "uusi-salasana-1");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("agentti@eramaa.demo"), std::string::npos);
  EXPECT_EQ(reset(token, "kolmas-salasana").status, 400);  // once only

  // Every session ended: the cookie no longer works and the console was closed.
  EXPECT_EQ(http_request(srv.port, "GET", "/api/me", "", cookie).status, 401);
  for (int i = 0; i < 20 && !console.closed(); ++i) console.recv(500ms);
  EXPECT_TRUE(console.closed());
  auto old_pw =
      http_request(srv.port, "POST", "/api/login", R"({"email":"agentti@eramaa.demo","password":"demo1234"})");
  EXPECT_EQ(old_pw.status, 401);
  auto new_pw =
      http_request(srv.port, "POST", "/api/login", R"({"email":"agentti@eramaa.demo","password":"uusi-salasana-1"})");
  EXPECT_EQ(new_pw.status, 200);

  // The tenant's admin sees both in the audit log.
  Rest adm(srv, "adm@eramaa.demo");
  EXPECT_TRUE(audited(adm, "login.reset_requested", "agentti@eramaa.demo"));
  EXPECT_TRUE(audited(adm, "login.password_reset", "agentti@eramaa.demo"));

  // At most three links an hour per account; the answer stays the same.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ask(R"({"email":"agentti@eramaa.demo","lang":"en"})").status, 202);
  sink.wait_for(3);
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sink.messages().size(), 3u);
  EXPECT_NE(body_of(sink.messages()[1]).find("Choose it with this link"), std::string::npos);
}

TEST(Passwords, AnAdminInvitesANewAgentWhoSetsTheirOwnPassword) {
  SmtpSink sink;
  Server srv(0, sink.config(), [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"adm@eramaa.demo", "Aatu Admin", "demo1234", "eramaa", "admin"}, true).ok());
  });
  Rest adm(srv, "adm@eramaa.demo");
  auto made = adm.json("POST", "/api/tenants/1/agents",
                       R"({"email":"uusi@eramaa.demo","name":"Uuno Uusi","role":"agent","lang":"sv"})", 201);
  EXPECT_TRUE(made.at("invited").as_bool());
  // Nobody can log in to the invited account before the link is used.
  for (const auto* pw : {"", "invited:", "demo1234"}) {
    auto r = http_request(srv.port, "POST", "/api/login",
                          boost::json::serialize(object{{"email", "uusi@eramaa.demo"}, {"password", pw}}));
    EXPECT_NE(r.status, 200) << pw;
  }
  auto mails = sink.wait_for(1);
  ASSERT_EQ(mails.size(), 1u);
  std::string body = body_of(mails[0]);
  EXPECT_NE(body.find("Aatu Admin"), std::string::npos) << body;
  EXPECT_NE(body.find("Erämaa"), std::string::npos) << body;
  EXPECT_NE(body.find("Välj ditt lösenord"), std::string::npos) << body;  // in Swedish, as asked
  auto ok = http_request(srv.port, "POST", "/api/password/reset",
                         boost::json::serialize(object{{"token", token_of(body)}, {"password", "oma-salasana"}}));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(
      http_request(srv.port, "POST", "/api/login", R"({"email":"uusi@eramaa.demo","password":"oma-salasana"})").status,
      200);
  EXPECT_TRUE(audited(adm, "login.invite_accepted", "uusi@eramaa.demo"));
  // An existing account joins without a mail (one of another company: the owner adds it).
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto joined = owner.json("POST", "/api/tenants/1/agents", R"({"email":"agentti@pyorapaja.demo"})", 201);
  EXPECT_FALSE(joined.contains("invited"));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST(Passwords, WithoutAMailRelayTheServerSaysSo) {
  Server srv;
  auto r = http_request(srv.port, "POST", "/api/password/forgot", R"({"email":"agentti@eramaa.demo"})");
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("not set up"), std::string::npos);
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto add = owner.call("POST", "/api/tenants/1/agents", R"({"email":"uusi@eramaa.demo","name":"Uuno"})");
  EXPECT_EQ(add.status, 400);
  EXPECT_NE(add.body.find("password"), std::string::npos);
}

// Without a mail relay an agent still changes their own password, knowing the current one; their
// other sessions end, this one goes on, and a wrong current password counts as a failed login.
TEST(Passwords, AnAgentChangesTheirOwnPassword) {
  Server srv;
  Rest here(srv, admin::kDemoAgentEmail);
  Rest elsewhere(srv, admin::kDemoAgentEmail);
  auto wrong = here.call("POST", "/api/me/password", R"({"current":"arvaus123","password":"uusi-salasana"})");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(here.call("POST", "/api/me/password", R"({"current":"demo1234","password":"lyhyt"})").status, 400);
  EXPECT_EQ(here.call("POST", "/api/me/password", R"({"password":"uusi-salasana"})").status, 400);
  auto ok = here.json("POST", "/api/me/password", R"({"current":"demo1234","password":"uusi-salasana"})", 200);
  EXPECT_EQ(ok.at("sessions_ended").as_int64(), 1);
  EXPECT_EQ(here.call("GET", "/api/me").status, 200) << "the session that changed it goes on";
  EXPECT_EQ(elsewhere.call("GET", "/api/me").status, 401) << "the other session ended";
  auto old = http_request(srv.port, "POST", "/api/login",
                          std::string(R"({"email":")") + admin::kDemoAgentEmail + R"(","password":"demo1234"})");
  EXPECT_EQ(old.status, 401);
  auto fresh = http_request(srv.port, "POST", "/api/login",
                            std::string(R"({"email":")") + admin::kDemoAgentEmail + R"(","password":"uusi-salasana"})");
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  Rest owner(srv, admin::kDemoOwnerEmail);
  auto audit = owner.json("GET", "/api/tenants/1/audit", "", 200);
  EXPECT_NE(boost::json::serialize(audit).find("login.password_changed"), std::string::npos);
}

}  // namespace
}  // namespace tiski::testing
