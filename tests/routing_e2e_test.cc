// Routing over real sockets: capacity and the queue, away agents, transfers with notes, teams,
// and presence/queue over REST. A real `tiski serve` (tests/harness.h).
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

// Chats are assigned automatically within capacity; the rest queue in arrival order
// and learn their position; closing a chat serves the next one.
TEST(Routing, CapacityQueueAndServiceOnClose) {
  Server srv;
  add_agent(srv, "bertta@eramaa.demo", 2);
  object snap;
  auto a = agent(srv, "bertta@eramaa.demo", &snap);
  bool me_online = false;
  for (auto& p : snap.at("presence").as_array()) {
    if (p.as_object().at("name").as_string() == "Bertta Berg")
      me_online = p.as_object().at("status").as_string() == "online";
  }
  EXPECT_TRUE(me_online);
  std::vector<std::unique_ptr<Visitor>> v;
  for (int i = 0; i < 3; ++i) {
    v.push_back(visitor(srv, srv.site_a));
    v[i]->ws.send(send_frame("c", "hei " + std::to_string(i)));
    ASSERT_GT(ack_seq(v[i]->ws, "c"), 0);
  }
  std::int64_t first = 0;
  std::string who;
  // The first two are served (each sees "waiting" then "active" with the agent's name) ...
  for (int i = 0; i < 2; ++i) {
    std::string st;
    std::int64_t id = 0;
    while ((st = conv_status_of(v[i]->ws, &id, &who)) == "waiting") {}
    EXPECT_EQ(st, "active") << i;
    EXPECT_EQ(who, "Bertta Berg");
    if (i == 0) first = id;
  }
  // ... the third waits at position 1.
  auto q = v[2]->ws.recv_type("queue");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("position").as_int64(), 1);
  EXPECT_GT(q->at("eta").as_int64(), 0);
  // A reconnecting visitor in the queue learns its position at once.
  auto again = visitor(srv, srv.site_a, v[2]->token);
  auto q2 = again->ws.recv_type("queue");
  ASSERT_TRUE(q2);
  EXPECT_EQ(q2->at("position").as_int64(), 1);
  // Closing a chat frees a seat: the third visitor is served.
  a->send({{"t", "close"}, {"conv", first}});
  std::string st;
  while ((st = conv_status_of(v[2]->ws, nullptr, &who)) == "waiting") {}
  EXPECT_EQ(st, "active");
  EXPECT_EQ(who, "Bertta Berg");
}

TEST(Routing, AwayAgentsGetNoChatsAndOnlineAgainServesTheQueue) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");
  a->send({{"t", "status"}, {"status", "away"}});
  std::string status;
  while (auto pres = a->recv_type("presence", 10s)) {  // first the "online" of connecting
    status = std::string(pres->at("presence").as_object().at("status").as_string());
    if (status == "away") break;
  }
  EXPECT_EQ(status, "away");
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("c", "hei"));
  auto q = v->ws.recv_type("queue");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at("position").as_int64(), 1);
  EXPECT_EQ(q->at("eta").as_int64(), 0);  // nobody online: no estimate
  a->send({{"t", "status"}, {"status", "online"}});
  std::string st, who;
  while ((st = conv_status_of(v->ws, nullptr, &who)) == "waiting") {}
  EXPECT_EQ(st, "active");
  EXPECT_EQ(who, "Aino Virtanen");
  a->send({{"t", "status"}, {"status", "busy"}});
  auto e = a->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code").as_string(), "bad_request");
}

// A transfer moves the chat with an internal note the visitor never sees.
TEST(Routing, TransferWithAnInternalNote) {
  Server srv;
  add_agent(srv, "bertta@eramaa.demo", 3);
  object snap;
  auto aino = agent(srv, "agentti@eramaa.demo", &snap);
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("c", "Haluan palauttaa teltan"));
  std::string st, who;
  std::int64_t id = 0;
  while ((st = conv_status_of(v->ws, &id, &who)) == "waiting") {}
  ASSERT_EQ(who, "Aino Virtanen");  // the only agent online
  object bsnap;
  auto bertta = agent(srv, "bertta@eramaa.demo", &bsnap);
  std::int64_t bertta_id = 0, aino_id = snap.at("agent").as_object().at("id").as_int64();
  bertta_id = bsnap.at("agent").as_object().at("id").as_int64();
  for (auto* a : {aino.get(), bertta.get()}) {
    a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
    ASSERT_TRUE(a->recv_type("history"));
  }

  // Bad transfers are refused clearly.
  auto expect_error = [&](WsClient& ws, object frame, const std::string& code) {
    ws.send(frame);
    auto e = ws.recv_type("error");
    ASSERT_TRUE(e) << boost::json::serialize(frame);
    EXPECT_EQ(e->at("code").as_string(), code) << boost::json::serialize(frame);
  };
  expect_error(*aino, {{"t", "transfer"}, {"conv", id}, {"to", 9999}}, "bad_request");
  expect_error(*aino, {{"t", "transfer"}, {"conv", id}, {"to", aino_id}}, "bad_request");
  object other;
  auto pekka = agent(srv, "agentti@pyorapaja.demo", &other);
  expect_error(*aino, {{"t", "transfer"}, {"conv", id}, {"to", other.at("agent").as_object().at("id").as_int64()}},
               "bad_request");
  expect_error(*bertta, {{"t", "transfer"}, {"conv", id}, {"to", aino_id}}, "conflict");

  // An internal note from a colleague: agents see it, the visitor does not.
  bertta->send({{"t", "send"}, {"conv", id}, {"cid", "n1"}, {"body", "Tarkista kuitti"}, {"internal", true}});
  EXPECT_GT(ack_seq(*bertta, "n1"), 0);
  auto note = aino->recv_type("msg");
  ASSERT_TRUE(note);
  EXPECT_EQ(note->at("m").as_object().at("author").as_string(), "note");

  aino->send({{"t", "transfer"}, {"conv", id}, {"to", bertta_id}, {"note", "Palautus, tilaus 1234"}});
  std::string now_with;
  while ((st = conv_status_of(v->ws, nullptr, &now_with)) == "active" && now_with != "Bertta Berg") {}
  EXPECT_EQ(now_with, "Bertta Berg");
  auto line = v->ws.recv_type("msg");
  ASSERT_TRUE(line);
  EXPECT_EQ(line->at("m").as_object().at("author").as_string(), "system");
  EXPECT_EQ(line->at("m").as_object().at("body").as_string(),
            "Keskustelu siirrettiin asiakaspalvelijalle Bertta Berg.");
  // Bertta can now answer; Aino no longer can.
  bertta->send({{"t", "send"}, {"conv", id}, {"cid", "b1"}, {"body", "Hei, hoidan palautuksen."}});
  EXPECT_GT(ack_seq(*bertta, "b1"), 0);
  expect_error(*aino, {{"t", "send"}, {"conv", id}, {"cid", "a9"}, {"body", "x"}}, "forbidden");
  // A reconnecting visitor's history has no internal notes; the agents' has both.
  auto back = visitor(srv, srv.site_a, v->token);
  for (auto& m : back->welcome.at("msgs").as_array()) EXPECT_NE(m.as_object().at("author").as_string(), "note");
  bertta->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  auto h = bertta->recv_type("history");
  ASSERT_TRUE(h);
  int notes = 0;
  for (auto& m : h->at("msgs").as_array()) notes += m.as_object().at("author").as_string() == "note";
  EXPECT_EQ(notes, 2);
}

// A site routed to a team sends its chats to that team only; a chat can be handed to
// another team, whose next free agent gets it.
TEST(Routing, TeamsRouteAndReceiveTransfers) {
  Server srv;
  add_agent(srv, "bertta@eramaa.demo", 3);
  ASSERT_EQ(srv.admin({"team", "create", "--tenant", "eramaa", "--team", "Huolto"}), 0);
  ASSERT_EQ(srv.admin({"team", "create", "--tenant", "eramaa", "--team", "Myynti"}), 0);
  EXPECT_NE(srv.admin({"team", "create", "--tenant", "eramaa", "--team", "Myynti"}), 0);  // duplicate
  ASSERT_EQ(srv.admin({"team", "add", "--tenant", "eramaa", "--team", "Huolto", "--agent", "bertta@eramaa.demo"}), 0);
  ASSERT_EQ(srv.admin({"team", "add", "--tenant", "eramaa", "--team", "Myynti", "--agent", "agentti@eramaa.demo"}), 0);
  EXPECT_NE(srv.admin({"team", "add", "--tenant", "eramaa", "--team", "Myynti", "--agent", "agentti@pyorapaja.demo"}),
            0);
  ASSERT_EQ(srv.admin({"team", "site", "--site", srv.site_a, "--team", "Huolto"}), 0);
  EXPECT_NE(srv.admin({"team", "site", "--site", srv.site_a, "--team", "Ei ole"}), 0);
  srv.stop(SIGKILL);
  srv.start();
  object snap;
  auto aino = agent(srv, "agentti@eramaa.demo", &snap);
  auto bertta = agent(srv, "bertta@eramaa.demo");
  auto teams = snap.at("teams").as_array();
  ASSERT_EQ(teams.size(), 2u);
  std::int64_t myynti = 0;
  for (auto& t : teams) {
    if (t.as_object().at("name").as_string() == "Myynti") myynti = t.as_object().at("id").as_int64();
  }
  ASSERT_GT(myynti, 0);
  // Both chats go to Bertta, the Huolto team, although Aino has fewer.
  std::vector<std::unique_ptr<Visitor>> vs;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 2; ++i) {
    vs.push_back(visitor(srv, srv.site_a));
    vs.back()->ws.send(send_frame("c", "Huoltokysymys " + std::to_string(i)));
    std::string st, who;
    std::int64_t id = 0;
    while ((st = conv_status_of(vs.back()->ws, &id, &who)) == "waiting") {}
    EXPECT_EQ(who, "Bertta Berg");
    ids.push_back(id);
  }
  auto expect_err = [&](WsClient& ws, object frame, const std::string& code) {
    ws.send(frame);
    auto e = ws.recv_type("error");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->at("code").as_string(), code) << boost::json::serialize(*e);
  };
  expect_err(*bertta, {{"t", "transfer"}, {"conv", ids[1]}, {"to", 1}, {"team", myynti}}, "bad_request");
  expect_err(*bertta, {{"t", "transfer"}, {"conv", ids[1]}}, "bad_request");
  expect_err(*bertta, {{"t", "transfer"}, {"conv", ids[1]}, {"team", 9999}}, "bad_request");
  // Handed to Myynti: it waits for that team and Aino gets it, with the visitor told.
  bertta->send({{"t", "transfer"}, {"conv", ids[1]}, {"team", myynti}, {"note", "Kysyy tarjousta"}});
  std::string line, who;
  while (line.empty() || who != "Aino Virtanen") {
    auto f = vs[1]->ws.recv(5s);
    ASSERT_TRUE(f) << "line '" << line << "', agent " << who;
    if (f->at("t").as_string() == "msg") line = f->at("m").as_object().at("body").as_string();
    if (f->at("t").as_string() == "conv" && f->at("conv").as_object().contains("agent")) {
      who = f->at("conv").as_object().at("agent").as_string();
    }
  }
  EXPECT_EQ(line, "Keskustelu siirrettiin tiimille Myynti. Seuraava vapaa asiakaspalvelija vastaa sinulle.");
}

// Presence, the queue and the status switch over REST.
TEST(Rest, PresenceQueueAndStatus) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  std::string csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  auto conflict =
      http_request(srv.port, "PUT", "/api/me/status", R"({"status":"away"})", cookie, "X-CSRF-Token: " + csrf);
  EXPECT_EQ(conflict.status, 409) << conflict.body;  // no console open
  auto ws = std::make_unique<WsClient>();
  ASSERT_EQ(ws->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  ASSERT_TRUE(ws->recv_type("snapshot"));
  auto pres = http_request(srv.port, "GET", "/api/tenants/1/presence", "", cookie);
  ASSERT_EQ(pres.status, 200);
  auto pj = boost::json::parse(pres.body).as_object();
  EXPECT_TRUE(pj.at("open").as_bool());
  ASSERT_EQ(pj.at("agents").as_array().size(), 1u);
  EXPECT_EQ(pj.at("agents").as_array()[0].as_object().at("status").as_string(), "online");
  EXPECT_EQ(pj.at("agents").as_array()[0].as_object().at("capacity").as_int64(), 3);  // the tenant default
  EXPECT_EQ(
      http_request(srv.port, "PUT", "/api/me/status", R"({"status":"busy"})", cookie, "X-CSRF-Token: " + csrf).status,
      400);
  EXPECT_EQ(http_request(srv.port, "PUT", "/api/me/status", R"({"status":"away"})", cookie).status, 403);  // no CSRF
  auto away = http_request(srv.port, "PUT", "/api/me/status", R"({"status":"away"})", cookie, "X-CSRF-Token: " + csrf);
  EXPECT_EQ(away.status, 200) << away.body;
  auto v = visitor(srv, srv.site_a);
  EXPECT_FALSE(v->welcome.at("open").as_bool());  // the only agent is away
  v->ws.send(send_frame("q", "hei"));
  ASSERT_GT(ack_seq(v->ws, "q"), 0);
  auto q = http_request(srv.port, "GET", "/api/tenants/1/queue", "", cookie);
  ASSERT_EQ(q.status, 200);
  auto qa = boost::json::parse(q.body).at("queue").as_array();
  ASSERT_EQ(qa.size(), 1u);
  EXPECT_EQ(qa[0].as_object().at("position").as_int64(), 1);
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/2/queue", "", cookie).status, 404);  // another tenant
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/1/queue").status, 401);
  // A tenant default capacity applies to agents without their own.
  ASSERT_EQ(srv.admin({"tenant", "capacity", "--slug", "eramaa", "--default-max-chats", "5"}), 0);
  EXPECT_NE(srv.admin({"tenant", "capacity", "--slug", "eramaa", "--default-max-chats", "0"}), 0);
  auto ws2 = std::make_unique<WsClient>();
  ws.reset();
  ASSERT_EQ(ws2->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  ASSERT_TRUE(ws2->recv_type("snapshot"));
  pres = http_request(srv.port, "GET", "/api/tenants/1/presence", "", cookie);
  EXPECT_EQ(boost::json::parse(pres.body).at("agents").as_array()[0].as_object().at("capacity").as_int64(), 5)
      << pres.body;
}

}  // namespace
}  // namespace tiski::testing
