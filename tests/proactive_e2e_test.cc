// Proactive chat over real sockets: invitations by the rules and the live visitor list. A real
// `tiski serve` (tests/harness.h).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "tests/harness.h"
#include "util/limits.h"

#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// ------------------------------------------------------------------------------ proactive

std::unique_ptr<Visitor> tracked_visitor(const Server& s, const std::string& category, bool idle,
                                         const std::string& visit = "visit-1", const std::string& token = {}) {
  auto v = std::make_unique<Visitor>();
  EXPECT_EQ(v->ws.connect(s.port, "/ws/visitor"), 101);
  object hello{
      {"t", "hello"},
      {"site", s.site_a},
      {"lang", "fi"},
      {"idle", idle},
      {"page", object{{"url", "https://eramaa.demo/teltta.html"}, {"title", "Vaellus 2"}, {"category", category}}},
      {"visit", object{{"id", visit}, {"age_s", 120}, {"pages", 3}}},
      {"cart", object{{"cents", 32900}, {"currency", "EUR"}, {"items", 1}}}};
  if (!token.empty()) hello["token"] = token;
  v->ws.send(hello);
  auto w = v->ws.recv_type("welcome");
  EXPECT_TRUE(w);
  if (w) {
    v->welcome = *w;
    v->token = std::string(w->at("token").as_string());
  }
  return v;
}

// The server invites a visitor idle on a page of the rule's category — only while an
// agent has a free seat; answering makes a proactive conversation that remembers the rule.
TEST(Proactive, IdleOnACategoryPageInvitesAndAnsweringIsProactive) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  std::string csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  std::string rules = R"([{"id": 5, "name": "teltat", "when": {"all": [{"category": "teltat"}, {"idle_s": 1}]},
    "action": {"mode": "open", "text": {"fi": "Voinko auttaa teltan valinnassa?", "en": "Can I help?"}},
    "cap": {"once_per_visit": true, "after_dismiss_days": 7}}])";
  auto bad = http_request(srv.port, "PUT", "/api/sites/" + srv.site_a + "/rules",
                          R"([{"id":5,"when":{"idle":1},"action":{"text":"x"}}])", cookie, "X-CSRF-Token: " + csrf);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("unknown condition 'idle'"), std::string::npos) << bad.body;
  EXPECT_EQ(http_request(srv.port, "PUT", "/api/sites/" + srv.site_b + "/rules", rules, cookie, "X-CSRF-Token: " + csrf)
                .status,
            404);  // another tenant's site
  auto put =
      http_request(srv.port, "PUT", "/api/sites/" + srv.site_a + "/rules", rules, cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = http_request(srv.port, "GET", "/api/sites/" + srv.site_a + "/rules", "", cookie);
  EXPECT_EQ(boost::json::parse(got.body).at("rules").as_array().size(), 1u);

  auto a = std::make_unique<WsClient>();
  ASSERT_EQ(a->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  ASSERT_TRUE(a->recv_type("snapshot"));
  auto v = tracked_visitor(srv, "teltat", false, "visit-1");
  v->ws.send({{"t", "track"}, {"idle", true}});
  auto inv = v->ws.recv_type("invite", 5s);
  ASSERT_TRUE(inv);
  EXPECT_EQ(inv->at("rule").as_int64(), 5);
  EXPECT_EQ(inv->at("mode").as_string(), "open");
  EXPECT_EQ(inv->at("text").as_string(), "Voinko auttaa teltan valinnassa?");
  // Answering it: a proactive conversation, the invitation its first message.
  v->ws.send(send_frame("p1", "Joo, tarvitsen kahden hengen teltan"));
  EXPECT_EQ(ack_seq(v->ws, "p1"), 2);
  auto c = a->recv_type("conv");
  ASSERT_TRUE(c);
  auto conv = c->at("conv").as_object();
  EXPECT_EQ(conv.at("origin").as_string(), "proactive");
  EXPECT_EQ(conv.at("rule").as_int64(), 5);
  a->send({{"t", "watch"}, {"conv", conv.at("id").as_int64()}, {"after", 0}});
  auto h = a->recv_type("history");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("msgs").as_array()[0].as_object().at("body").as_string(), "Voinko auttaa teltan valinnassa?");
  // Who is not invited, and when (nobody online, every seat taken, another category,
  // dismissed, once per visit) is told on a manual clock in src/chat/chat_test.cc.
}

// The live visitor list follows visitors between pages; an agent starts a chat with
// one (origin agent); the chat's context carries the page path, cart and language.
TEST(Proactive, LiveVisitorListStartAChatAndContext) {
  Server srv;
  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  a->send({{"t", "visitors"}, {"on", true}});
  auto list = a->recv_type("visitors");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->at("list").as_array().size(), 0u);
  EXPECT_EQ(list->at("total").as_int64(), 0);
  auto other = tracked_visitor(srv, "teltat", false, "visit-o");  // tenant eramaa
  auto lv = a->recv_type("visitor");
  ASSERT_TRUE(lv);
  auto v1 = lv->at("v").as_object();
  std::int64_t vid = v1.at("id").as_int64();
  EXPECT_EQ(v1.at("page").as_object().at("category").as_string(), "teltat");
  EXPECT_EQ(v1.at("cart").as_object().at("cents").as_int64(), 32900);
  EXPECT_EQ(v1.at("path").as_array().size(), 1u);
  EXPECT_EQ(v1.at("site_name").as_string(), "Erämaa Outdoor verkkokauppa");
  // Another tenant's visitor never shows up here.
  auto foreign = visitor(srv, srv.site_b);
  other->ws.send(
      {{"t", "page"}, {"page", object{{"url", "https://eramaa.demo/reput.html"}, {"title", "Reput"}}}, {"pages", 4}});
  auto moved = a->recv_type("visitor");
  ASSERT_TRUE(moved);
  auto v2 = moved->at("v").as_object();
  EXPECT_EQ(v2.at("id").as_int64(), vid);
  EXPECT_EQ(v2.at("page").as_object().at("title").as_string(), "Reput");
  EXPECT_EQ(v2.at("path").as_array().size(), 2u);
  EXPECT_EQ(v2.at("pages").as_int64(), 4);
  // Every agent of the tenant gets the count, also one who does not follow the list.
  object snap2;
  auto b = agent(srv, "agentti@eramaa.demo", &snap2);
  auto count = b->recv_type("live_count");  // right after the snapshot, then each change
  while (count && count->at("n").as_int64() == 0) count = b->recv_type("live_count");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->at("n").as_int64(), 1);  // the foreign visitor is not counted here
  EXPECT_EQ(count->at("tenant").as_int64(), snap2.at("tenants").as_array()[0].as_object().at("id").as_int64());

  // The agent starts a chat: the visitor gets it at once, assigned, with the agent's words.
  a->send({{"t", "start"}, {"visitor", 99999}, {"cid", "s0"}, {"body", "Hei!"}});
  auto nf = a->recv_type("error");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->at("code").as_string(), "not_found");
  a->send({{"t", "start"}, {"visitor", vid}, {"cid", "s1"}, {"body", "Hei! Löytyikö sopiva reppu?"}});
  EXPECT_EQ(ack_seq(*a, "s1"), 1);
  auto vc = other->ws.recv_type("conv");
  ASSERT_TRUE(vc);
  EXPECT_EQ(vc->at("conv").as_object().at("status").as_string(), "active");
  auto vm = other->ws.recv_type("msg");
  ASSERT_TRUE(vm);
  EXPECT_EQ(vm->at("m").as_object().at("body").as_string(), "Hei! Löytyikö sopiva reppu?");
  a->send({{"t", "start"}, {"visitor", vid}, {"cid", "s2"}, {"body", "Toinen"}});
  auto dup = a->recv_type("error");
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->at("code").as_string(), "conflict");

  // The visitor answers with a buying phrase; the context beside the chat.
  other->ws.send(send_frame("o1", "Mikä on hinta kahdelle?"));
  ASSERT_GT(ack_seq(other->ws, "o1"), 0);
  std::int64_t conv = vc->at("conv").as_object().at("id").as_int64();
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  std::optional<object> h, marked;
  while (!h || !marked) {  // the signals' conv frame and the history, in either order
    auto f = a->recv(5s);
    ASSERT_TRUE(f);
    if (f->at("t").as_string() == "history") h = *f;
    if (f->at("t").as_string() == "conv" && f->at("conv").as_object().contains("signals"))
      marked = f->at("conv").as_object();
  }
  auto ctx = h->at("context").as_object();
  EXPECT_EQ(ctx.at("lang").as_string(), "fi");
  EXPECT_EQ(ctx.at("cart").as_object().at("cents").as_int64(), 32900);
  auto path = ctx.at("path").as_array();
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0].as_object().at("category").as_string(), "teltat");
  EXPECT_EQ(path[1].as_object().at("title").as_string(), "Reput");
  auto sigs = boost::json::serialize(marked->at("signals"));
  EXPECT_NE(sigs.find("phrase:hinta"), std::string::npos) << sigs;
  EXPECT_NE(sigs.find("cart"), std::string::npos) << sigs;
  EXPECT_EQ(marked->at("origin").as_string(), "agent");

  // The visitor closes the tab: the count drops within a tick (visitor_gone after the grace
  // period: chat_test.cc, on a manual clock).
  other->ws.close();
  auto zero = b->recv_type("live_count", 5s);
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->at("n").as_int64(), 0);
}

}  // namespace
}  // namespace tiski::testing
