// Regression tests of defects found trying Tiski as a new user and as an attacker would: bad
// input, /metrics, the console's lists and languages, admin commands, proactive idleness, the
// Content-Security-Policy. Against a real server over real sockets; each failed before its fix.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <set>
#include <thread>

#include "chat/auth.h"
#include "chat/core/session.h"
#include "tests/defects_helpers.h"
#include "tests/harness.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// ------------------------------------------------------------------ bad input

TEST(Input, CurrencyControlCharactersNestingAndOriginAreNamed) {
  Server srv;
  auto v = std::make_unique<Visitor>();
  ASSERT_EQ(v->ws.connect(srv.port, "/ws/visitor"), 101);
  v->ws.send(
      {{"t", "hello"}, {"site", srv.site_a}, {"cart", object{{"cents", 100}, {"currency", "x y"}, {"items", 1}}}});
  auto e = v->ws.recv();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("t").as_string(), "error");
  EXPECT_EQ(e->at("message").as_string(), "cart.currency must be an ISO 4217 code such as EUR");
  ASSERT_TRUE(v->ws.recv_type("welcome"));  // the visitor is served, without that cart
  EXPECT_EQ(error_of(v->ws, {{"t", "track"}, {"cart", object{{"cents", 1}, {"currency", "€"}, {"items", 1}}}}),
            "bad_request: cart.currency must be an ISO 4217 code such as EUR");
  // A NUL and other control characters are not stored; newlines and tabs are.
  v->ws.send(send_frame("n", std::string("a\0b\x1b\tc\r\nd", 10)));
  ASSERT_GT(ack_seq(v->ws, "n"), 0);
  auto a = agent(srv, "agentti@eramaa.demo");
  object snap;
  auto a2 = agent(srv, "agentti@eramaa.demo", &snap);
  Id conv = snap.at("convs").as_array()[0].as_object().at("id").as_int64();
  a2->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h = a2->recv_type("history");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("msgs").as_array().back().as_object().at("body").as_string(), "ab\tc\nd");
  // Deep nesting names the limit.
  std::string deep = R"({"t":"ping","x":)" + std::string(40, '[') + std::string(40, ']') + "}";
  v->ws.send_text(deep);
  auto depth = v->ws.recv_type("error");
  ASSERT_TRUE(depth);
  EXPECT_EQ(depth->at("message").as_string(),
            "frame nests deeper than " + std::to_string(limits::kMaxJsonDepth) + " levels");
  // A foreign Origin on a REST write is named as such, not as a CSRF problem.
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto r = http_request(srv.port, "PUT", "/api/me/status", R"({"status":"away"})", cookie,
                        "X-CSRF-Token: " + csrf_of(srv, cookie) + "\nOrigin: https://evil.example");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("cross-site request refused: Origin 'https://evil.example'"), std::string::npos) << r.body;
}

// ----------------------------------------------------------------- /metrics

TEST(Metrics, ServedOnlyWithTheTokenOrOnTheirOwnListener) {
  std::uint16_t mport = free_port();
  Server srv(0, "[metrics]\nlisten = \"127.0.0.1:" + std::to_string(mport) + "\"\ntoken = \"" + kMetricsToken + "\"\n");
  EXPECT_EQ(http_request(srv.port, "GET", "/metrics").status, 401);
  EXPECT_EQ(http_request(srv.port, "GET", "/metrics", "", "", "Authorization: Bearer wrong-token-123456789").status,
            401);
  EXPECT_EQ(metrics(srv).status, 200);
  auto own = http_request(mport, "GET", "/metrics");
  EXPECT_EQ(own.status, 200);
  EXPECT_NE(own.body.find("tiski_ws_visitors"), std::string::npos);
  EXPECT_EQ(http_request(mport, "GET", "/api/me").status, 404);  // nothing else there
}

// ------------------------------------------- the console, languages, admin commands

TEST(Console, RecentlyClosedConversationsArePagedAndReadable) {
  Server srv(0, kLoopbackUnlimited);
  for (int i = 0; i < 55; ++i) {
    auto v = visitor(srv, srv.site_a);
    v->ws.send(send_frame("c", "kysymys " + std::to_string(i)));
    ASSERT_GT(ack_seq(v->ws, "c"), 0);
    v->ws.send({{"t", "close"}});
    ASSERT_TRUE(v->ws.recv_type("conv"));
  }
  auto a = agent(srv, "agentti@eramaa.demo");
  a->send({{"t", "list"}, {"which", "closed"}});
  auto p1 = next_list(*a);
  ASSERT_EQ(p1.at("convs").as_array().size(), limits::kListPage);
  auto newest = p1.at("convs").as_array()[0].as_object();
  EXPECT_EQ(newest.at("status").as_string(), "closed");
  EXPECT_EQ(newest.at("preview").as_string(), "kysymys 54");
  a->send({{"t", "list"}, {"which", "closed"}, {"after", p1.at("next")}});
  auto p2 = next_list(*a);
  EXPECT_EQ(p2.at("convs").as_array().size(), 5u);
  EXPECT_FALSE(p2.contains("next"));
  // A closed conversation opens read-only with its history.
  a->send({{"t", "watch"}, {"conv", newest.at("id")}, {"after", 0}});
  auto h = a->recv_type("history");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("msgs").as_array().back().as_object().at("body").as_string(), "kysymys 54");
  // The other tenant's agent sees none of them.
  auto b = agent(srv, "agentti@pyorapaja.demo");
  b->send({{"t", "list"}, {"which", "closed"}});
  EXPECT_TRUE(next_list(*b).at("convs").as_array().empty());
  EXPECT_EQ(error_of(*a, {{"t", "list"}, {"which", "closed"}, {"after", "nonsense"}}),
            "bad_request: 'after' is not a cursor this server gave");
}

TEST(Language, GreetingsPerLanguageAndVisitorNumbersPerTenant) {
  Server srv;
  auto sv = visitor_with(srv, {{"lang", "sv"}}, srv.site_a);
  EXPECT_EQ(sv->welcome.at("site").as_object().at("greeting").as_string(),
            "Välkommen till Erämaa Outdoor! Vad letar du efter?");
  auto en = visitor_with(srv, {{"lang", "en"}}, srv.site_a);
  EXPECT_EQ(en->welcome.at("site").as_object().at("greeting").as_string(),
            "Welcome to Erämaa Outdoor! What are you looking for?");
  // The greeting stored as the first message is the one the visitor saw.
  en->ws.send(send_frame("e", "Hello"));
  auto first = en->ws.recv_type("msg");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->at("m").as_object().at("body").as_string(), "Welcome to Erämaa Outdoor! What are you looking for?");
  // The other tenant's first visitor is its number 1, whatever the other tenant's volume.
  auto b = visitor(srv, srv.site_b);
  b->ws.send(send_frame("b", "hei"));
  ASSERT_GT(ack_seq(b->ws, "b"), 0);
  object snap;
  auto agent_b = agent(srv, "agentti@pyorapaja.demo", &snap);
  EXPECT_EQ(snap.at("convs").as_array()[0].as_object().at("visitor_no").as_int64(), 1);
  // Over REST, a supervisor changes the Swedish greeting; the next visitor sees it.
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto put = http_request(srv.port, "PUT", "/api/sites/" + srv.site_a, R"({"greetings":{"sv":"Hej hej!"}})", cookie,
                          "X-CSRF-Token: " + csrf_of(srv, cookie) + "\nOrigin: " + origin_of(srv));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(visitor_with(srv, {{"lang", "sv"}}, srv.site_a)->welcome.at("site").as_object().at("greeting").as_string(),
            "Hej hej!");
  auto bad = http_request(srv.port, "PUT", "/api/sites/" + srv.site_a, R"({"greetings":{"de":"Hallo"}})", cookie,
                          "X-CSRF-Token: " + csrf_of(srv, cookie));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unsupported greeting language 'de'"), std::string::npos);
  std::string other = login(srv, "agentti@pyorapaja.demo");
  EXPECT_EQ(http_request(srv.port, "GET", "/api/sites/" + srv.site_a, "", other).status, 404);
}

TEST(Admin, UpdateCommandsChangeTenantsSitesAndAgents) {
  Server srv;
  srv.stop(SIGTERM);
  EXPECT_EQ(srv.admin({"tenant", "update", "--slug", "eramaa", "--name", "Erämaa Oy"}), 0);
  EXPECT_EQ(srv.admin({"tenant", "update", "--slug", "eramaa", "--missed-after", "soon"}), 1);
  EXPECT_EQ(srv.admin({"site", "update", "--site", srv.site_a, "--name", "Erämaa", "--greeting-en", "Hi there!"}), 0);
  EXPECT_EQ(srv.admin({"site", "update", "--site", srv.site_a, "--langs", "fi,de"}), 1);
  EXPECT_EQ(srv.admin({"site", "update", "--site", "no-such-key", "--name", "x"}), 1);
  EXPECT_EQ(srv.admin({"agent", "update", "--email", "agentti@eramaa.demo", "--name", "Aino V."}), 0);
  EXPECT_EQ(srv.admin({"agent", "update", "--email", "agentti@eramaa.demo", "--new-email", "agentti@pyorapaja.demo"}),
            1);
  srv.start();
  auto en = visitor_with(srv, {{"lang", "en"}}, srv.site_a);
  EXPECT_EQ(en->welcome.at("site").as_object().at("name").as_string(), "Erämaa");
  EXPECT_EQ(en->welcome.at("site").as_object().at("greeting").as_string(), "Hi there!");
  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  EXPECT_EQ(snap.at("agent").as_object().at("name").as_string(), "Aino V.");
  EXPECT_EQ(snap.at("tenants").as_array()[0].as_object().at("name").as_string(), "Erämaa Oy");
}

// The console watches only its own chats: what a waiting visitor writes next reaches it in the
// tenant's previews frame, once a second at most.
TEST(Console, AWaitingChatsNewMessagesArriveAsPreviews) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");
  a->send({{"t", "status"}, {"status", "away"}});
  std::string status;  // away before the visitor comes, or routing would give the chat to her
  while (auto pres = a->recv_type("presence", 10s)) {
    status = std::string(pres->at("presence").as_object().at("status").as_string());
    if (status == "away") break;
  }
  ASSERT_EQ(status, "away");
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("1", "Ensimmäinen kysymys"));
  ASSERT_GT(ack_seq(v->ws, "1"), 0);
  v->ws.send(send_frame("2", "Onko kukaan paikalla?"));
  ASSERT_GT(ack_seq(v->ws, "2"), 0);
  auto p = a->recv_type("previews", 10s);
  ASSERT_TRUE(p);
  auto list = p->at("list").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].as_object().at("preview").as_string(), "Onko kukaan paikalla?");
  EXPECT_EQ(list[0].as_object().at("last_seq").as_int64(), 3);  // greeting, then two
}

// Item 15: the transfer dialog lists colleagues who are away or not connected, and refuses an
// offline one with a reason.
TEST(Console, EveryColleagueIsListedAndOfflineOnesAreRefused) {
  Server srv;
  ASSERT_EQ(srv.admin({"agent", "create", "--email", "bertta@eramaa.demo", "--name", "Bertta", "--password", "demo1234",
                       "--tenant", "eramaa"}),
            0);
  srv.stop(SIGTERM);
  srv.start();  // agents created while it ran are known from the next start
  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  Id bertta = 0;
  for (const auto& p : snap.at("presence").as_array()) {
    if (p.as_object().at("name").as_string() == "Bertta") {
      bertta = p.as_object().at("agent").as_int64();
      EXPECT_EQ(p.as_object().at("status").as_string(), "offline");
    }
  }
  ASSERT_NE(bertta, 0) << "a colleague who has not connected is still listed";
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("x", "hei"));
  auto c = a->recv_type("conv");
  ASSERT_TRUE(c);
  Id conv = c->at("conv").as_object().at("id").as_int64();
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "Hei!"}});
  ASSERT_GT(ack_seq(*a, "r"), 0);
  EXPECT_EQ(error_of(*a, {{"t", "transfer"}, {"conv", conv}, {"to", bertta}}),
            "conflict: Bertta is offline: transfer to a colleague who is online or away, or to a team");
}

// ---------------------------------------------------------------- proactive idleness

// "idle 10 s" fired after ~15.7 s because idleness counted from the widget's report (5 s late).
TEST(Proactive, IdleSecondsCountFromTheLastActivity) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");  // invitations need someone online
  auto v = visitor_with(srv,
                        {{"page", object{{"url", "https://eramaa.demo/teltat/vaellus-2"}, {"category", "teltat"}}},
                         {"idle", true},
                         {"idle_ms", 9500}},
                        srv.site_a);
  auto start = std::chrono::steady_clock::now();
  auto inv = v->ws.recv_type("invite", 5s);  // the demo rule: idle 10 s on a tent page
  ASSERT_TRUE(inv);
  // Due ~0.5 s after the hello, checked on the 1 s tick; the bug was 5 s late or more.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4000ms);
}

// -------------------------------------------------------------------------- CSP

TEST(Security, TheConsoleAndTheDemoShopSendAContentSecurityPolicy) {
  Server srv;
  srv.stop(SIGTERM);
  fs::create_directories(srv.web_dir() / "console");
  fs::create_directories(srv.web_dir() / "demo");
  std::ofstream(srv.web_dir() / "console" / "index.html") << "<!doctype html><title>console</title>";
  std::ofstream(srv.web_dir() / "demo" / "index.html") << "<!doctype html><title>shop</title>";
  srv.start();
  auto csp = [&](const std::string& path) {
    auto r = http_request(srv.port, "GET", path);
    EXPECT_EQ(r.status, 200) << path;
    return r.headers.contains("content-security-policy") ? r.headers.at("content-security-policy")
                                                         : std::string("(none)");
  };
  std::string console = csp("/console/");
  EXPECT_NE(console.find("script-src 'self';"), std::string::npos) << console;
  EXPECT_NE(console.find("frame-ancestors 'none'"), std::string::npos) << console;
  std::string demo = csp("/demo/");
  EXPECT_NE(demo.find("script-src 'self' 'sha256-"), std::string::npos) << demo;
  EXPECT_EQ(csp("/index.html"), "(none)");  // the widget's host pages are the shops' business
}

}  // namespace
}  // namespace tiski::testing
