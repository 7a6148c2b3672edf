// Protocol tests: a real `tiski serve` process on a free port, real sockets, real SQLite
// (tests/harness.h starts it).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "tests/e2e_helpers.h"
#include "tests/harness.h"
#include "util/limits.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

TEST(Server, VisitorAndAgentChatEndToEnd) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  EXPECT_EQ(v->welcome.at("site").as_object().at("greeting").as_string(),
            "Tervetuloa Erämaa Outdooriin! Mitä tuotteita olet etsimässä?");
  EXPECT_FALSE(v->welcome.contains("conv"));
  auto a = agent(srv, "agentti@eramaa.demo");

  v->ws.send(send_frame("v1", "Onko teltta varastossa?"));
  auto greeting = v->ws.recv_type("msg");
  ASSERT_TRUE(greeting);
  EXPECT_EQ(greeting->at("m").as_object().at("seq").as_int64(), 1);
  EXPECT_EQ(greeting->at("m").as_object().at("author").as_string(), "system");
  EXPECT_EQ(ack_seq(v->ws, "v1"), 2);

  auto conv = a->recv_type("conv");
  ASSERT_TRUE(conv);
  auto c = conv->at("conv").as_object();
  std::int64_t id = c.at("id").as_int64();
  EXPECT_EQ(c.at("status").as_string(), "waiting");
  EXPECT_EQ(c.at("tenant_name").as_string(), "Erämaa Outdoor Oy");
  EXPECT_EQ(c.at("page").as_object().at("title").as_string(), "Teltat");

  // Routing offers the chat to the only agent online, and the buying signal is marked: both
  // were stored before the history was read, so their frames come before it.
  a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  std::optional<object> taken, hist;
  while (!hist) {
    auto f = a->recv();
    ASSERT_TRUE(f);
    if (f->at("t") == "conv") taken = f;
    if (f->at("t") == "history") hist = f;
  }
  auto msgs = hist->at("msgs").as_array();
  EXPECT_EQ(seqs(msgs), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(msgs[1].as_object().at("body").as_string(), "Onko teltta varastossa?");
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->at("conv").as_object().at("status").as_string(), "active");
  EXPECT_EQ(taken->at("conv").as_object().at("assignee").as_int64(), 1);
  // "varastossa" is a buying signal (share/buying-signals.json): the agents see it marked.
  EXPECT_EQ(boost::json::serialize(taken->at("conv").as_object().at("signals")), R"(["phrase:varastossa"])");
  // Taking a chat already yours changes nothing and is no error.
  a->send({{"t", "take"}, {"conv", id}});
  a->send({{"t", "ping"}});
  for (auto f = a->recv(); f && f->at("t") != "pong"; f = a->recv())
    EXPECT_NE(f->at("t"), "error") << boost::json::serialize(*f);
  auto vconv = v->ws.recv_type("conv");
  ASSERT_TRUE(vconv);
  EXPECT_EQ(vconv->at("conv").as_object().at("agent").as_string(), "Aino Virtanen");

  // Typing both ways (not stored).
  a->send({{"t", "typing"}, {"conv", id}, {"on", true}});
  auto vt = v->ws.recv_type("typing");
  ASSERT_TRUE(vt);
  EXPECT_TRUE(vt->at("on").as_bool());
  v->ws.send({{"t", "typing"}, {"on", true}});
  auto at = a->recv_type("typing");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->at("conv").as_int64(), id);

  a->send({{"t", "send"}, {"conv", id}, {"cid", "a1"}, {"body", "On, 12 kpl."}});
  EXPECT_EQ(ack_seq(*a, "a1"), 3);
  auto reply = v->ws.recv_type("msg");
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->at("m").as_object().at("body").as_string(), "On, 12 kpl.");
  EXPECT_EQ(reply->at("m").as_object().at("name").as_string(), "Aino Virtanen");

  // Ordering: a burst from the visitor arrives at the agent in sequence, each once.
  for (int i = 0; i < 8; ++i) v->ws.send(send_frame("b" + std::to_string(i), "viesti " + std::to_string(i)));
  std::vector<std::int64_t> got;
  while (got.size() < 8) {
    auto m = a->recv_type("msg");
    ASSERT_TRUE(m);
    got.push_back(m->at("m").as_object().at("seq").as_int64());
  }
  EXPECT_EQ(got, (std::vector<std::int64_t>{4, 5, 6, 7, 8, 9, 10, 11}));

  a->send({{"t", "close"}, {"conv", id}});
  auto closed = v->ws.recv_type("conv");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->at("conv").as_object().at("status").as_string(), "closed");
  a->send({{"t", "send"}, {"conv", id}, {"cid", "late"}, {"body", "x"}});
  auto err = a->recv_type("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("code").as_string(), "conflict");
}

TEST(Server, ResentClientIdIsStoredOnce) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("same", "Hei"));
  EXPECT_EQ(ack_seq(v->ws, "same"), 2);
  v->ws.send(send_frame("same", "Hei"));
  EXPECT_EQ(ack_seq(v->ws, "same"), 2);
  // And after reconnecting (the ack may have been lost with the connection).
  auto again = visitor(srv, srv.site_a, v->token);
  again->ws.send(send_frame("same", "Hei"));
  EXPECT_EQ(ack_seq(again->ws, "same"), 2);
  auto fresh = visitor(srv, srv.site_a, v->token);
  EXPECT_EQ(seqs(fresh->welcome.at("msgs").as_array()), (std::vector<std::int64_t>{1, 2}));
}

TEST(Server, ReconnectingClientsReceiveExactlyWhatTheyMissed) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  for (int i = 0; i < 3; ++i) {
    v->ws.send(send_frame("v" + std::to_string(i), "m" + std::to_string(i)));
    ack_seq(v->ws, "v" + std::to_string(i));
  }
  std::string token = v->token;
  v->ws.close();  // visitor holds seq 1..4

  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  auto convs = snap.at("convs").as_array();
  ASSERT_EQ(convs.size(), 1u);
  std::int64_t id = convs[0].as_object().at("id").as_int64();
  EXPECT_EQ(convs[0].as_object().at("last_seq").as_int64(), 4);
  a->send({{"t", "watch"}, {"conv", id}, {"after", 2}});
  auto h = a->recv_type("history");
  EXPECT_EQ(seqs(h->at("msgs").as_array()), (std::vector<std::int64_t>{3, 4}));
  for (int i = 0; i < 3; ++i) {
    a->send({{"t", "send"}, {"conv", id}, {"cid", "a" + std::to_string(i)}, {"body", "vastaus"}});
    EXPECT_EQ(ack_seq(*a, "a" + std::to_string(i)), 5 + i);
  }
  auto back = visitor(srv, srv.site_a, token, 4);
  EXPECT_EQ(back->id, v->id);
  EXPECT_EQ(seqs(back->welcome.at("msgs").as_array()), (std::vector<std::int64_t>{5, 6, 7}));
  // Live messages follow the welcome with no gap and no duplicate.
  a->send({{"t", "send"}, {"conv", id}, {"cid", "a9"}, {"body", "vielä"}});
  auto live = back->ws.recv_type("msg");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->at("m").as_object().at("seq").as_int64(), 8);

  // The agent reconnects having seen up to 6.
  a->close();
  auto a2 = agent(srv, "agentti@eramaa.demo");
  a2->send({{"t", "watch"}, {"conv", id}, {"after", 6}});
  auto h2 = a2->recv_type("history");
  EXPECT_EQ(seqs(h2->at("msgs").as_array()), (std::vector<std::int64_t>{7, 8}));
}

// Frames pipelined on one socket are handled, acknowledged and delivered in the order sent,
// whether the domain thread does the I/O itself (0) or the sockets live on I/O threads.
TEST(Server, OrderHoldsWithAnyNumberOfIoThreads) {
  for (int threads : {0, 4}) {
    SCOPED_TRACE("io_threads = " + std::to_string(threads));
    Server srv(0, "[server]\nio_threads = " + std::to_string(threads) + "\n");
    auto v = visitor(srv, srv.site_a);
    for (int i = 0; i < 4; ++i) v->ws.send(send_frame("v" + std::to_string(i), "m" + std::to_string(i)));
    for (int i = 0; i < 4; ++i) EXPECT_EQ(ack_seq(v->ws, "v" + std::to_string(i)), 2 + i);
    object snap;
    auto a = agent(srv, "agentti@eramaa.demo", &snap);
    std::int64_t id = snap.at("convs").as_array()[0].as_object().at("id").as_int64();
    a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
    EXPECT_EQ(seqs(a->recv_type("history")->at("msgs").as_array()), (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
    v->ws.send(send_frame("v4", "m4"));
    v->ws.send(send_frame("v5", "m5"));
    for (std::int64_t seq : {6, 7}) {
      auto m = a->recv_type("msg");
      ASSERT_TRUE(m);
      EXPECT_EQ(m->at("m").as_object().at("seq").as_int64(), seq);
    }
  }
}

TEST(Server, AVisitorCannotReachAnotherVisitorsConversation) {
  Server srv;
  auto owner = visitor(srv, srv.site_a);
  owner->ws.send(send_frame("x", "salainen"));
  ASSERT_EQ(ack_seq(owner->ws, "x"), 2);
  // Forge a token for the owner's id with a wrong signature: the server makes a new visitor.
  std::string forged = std::to_string(owner->id) + "." + owner->token.substr(owner->token.find('.') + 1);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  auto thief = visitor(srv, srv.site_a, forged);
  EXPECT_NE(thief->id, owner->id);
  EXPECT_FALSE(thief->welcome.contains("conv"));
  EXPECT_TRUE(thief->welcome.at("msgs").as_array().empty());
  // The owner's real token on another site is no good there either.
  auto elsewhere = visitor(srv, srv.site_b, owner->token);
  EXPECT_NE(elsewhere->id, owner->id);
  EXPECT_FALSE(elsewhere->welcome.contains("conv"));
}

TEST(Server, AnAgentOfTenantBCannotSeeTenantA) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("x", "Hei"));
  ASSERT_EQ(ack_seq(v->ws, "x"), 2);
  object snap_a;
  auto a = agent(srv, "agentti@eramaa.demo", &snap_a);
  std::int64_t id = snap_a.at("convs").as_array()[0].as_object().at("id").as_int64();

  object snap_b;
  auto b = agent(srv, "agentti@pyorapaja.demo", &snap_b);
  EXPECT_TRUE(snap_b.at("convs").as_array().empty());
  ASSERT_EQ(snap_b.at("tenants").as_array().size(), 1u);
  EXPECT_EQ(snap_b.at("tenants").as_array()[0].as_object().at("name").as_string(), "Pyöräpaja Oy");
  for (object op :
       {object{{"t", "watch"}, {"conv", id}, {"after", 0}}, object{{"t", "take"}, {"conv", id}},
        object{{"t", "send"}, {"conv", id}, {"cid", "b1"}, {"body", "hi"}}, object{{"t", "close"}, {"conv", id}}}) {
    b->send(op);
    auto e = b->recv_type("error");
    ASSERT_TRUE(e) << boost::json::serialize(op);
    EXPECT_EQ(e->at("code").as_string(), "not_found") << boost::json::serialize(op);
  }
  // Tenant A's activity never reaches B.
  v->ws.send(send_frame("y", "lisää"));
  ASSERT_EQ(ack_seq(v->ws, "y"), 3);
  auto v2 = visitor(srv, srv.site_a);
  v2->ws.send(send_frame("z", "uusi"));
  ASSERT_EQ(ack_seq(v2->ws, "z"), 2);
  EXPECT_TRUE(a->recv_type("conv"));  // A sees the new conversation...
  b->send({{"t", "ping"}});
  auto next = b->recv(2s);  // ...B sees only its pong
  ASSERT_TRUE(next);
  EXPECT_EQ(next->at("t").as_string(), "pong");
}

TEST(Server, BadFramesGetErrorsAndTheConnectionSurvives) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  auto expect_error = [&](const std::string& text, const std::string& code) {
    v->ws.send_text(text);
    auto e = v->ws.recv_type("error");
    ASSERT_TRUE(e) << text;
    EXPECT_EQ(e->at("code").as_string(), code) << text;
  };
  expect_error("this is not json", "bad_request");
  expect_error(R"({"t":"send","cid":"c"})", "bad_request");
  expect_error(R"({"t":"warp"})", "bad_request");
  expect_error(R"({"t":"send","cid":"c","body":"   "})", "bad_request");
  expect_error(R"({"t":"send","cid":"","body":"x"})", "bad_request");
  expect_error(R"({"t":"send","cid":")" + std::string(65, 'c') + R"(","body":"x"})", "bad_request");
  expect_error(R"({"t":"send","cid":"c","body":")" + std::string(4001, 'x') + R"("})", "too_large");
  v->ws.send_binary("\x01\x02");
  auto e = v->ws.recv_type("error");
  ASSERT_TRUE(e);
  // Still alive: a 4000-byte message is accepted.
  v->ws.send(send_frame("ok", std::string(4000, 'y')));
  EXPECT_EQ(ack_seq(v->ws, "ok"), 2);
  v->ws.send({{"t", "ping"}});
  EXPECT_TRUE(v->ws.recv_type("pong"));
  // A second hello is refused.
  v->ws.send({{"t", "hello"}, {"site", srv.site_a}});
  EXPECT_TRUE(v->ws.recv_type("error"));

  // A frame over 16 KiB closes the connection with 1009.
  v->ws.send_text(R"({"t":"send","cid":"big","body":")" + std::string(17 * 1024, 'x') + R"("})");
  EXPECT_FALSE(v->ws.recv_type("ack", 3s));
  EXPECT_TRUE(v->ws.closed());
  EXPECT_EQ(v->ws.close_code(), 1009);
  // The server is fine.
  auto v2 = visitor(srv, srv.site_a);
  EXPECT_FALSE(v2->token.empty());
}

TEST(Server, FramesBeforeHelloAndUnknownSitesAreRefused) {
  Server srv;
  WsClient ws;
  ASSERT_EQ(ws.connect(srv.port, "/ws/visitor"), 101);
  ws.send(send_frame("c", "hei"));
  auto e = ws.recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("cid").as_string(), "c");
  ws.send({{"t", "hello"}, {"site", "no-such-site"}});
  auto e2 = ws.recv_type("error");
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->at("code").as_string(), "not_found");
  EXPECT_FALSE(ws.recv(2s));  // and closed
}

TEST(Server, MessageRateIsLimited) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  for (int i = 0; i < 20; ++i) v->ws.send(send_frame("r" + std::to_string(i), "spam"));
  int acks = 0, limited = 0;
  for (int i = 0; i < 20; ++i) {
    auto f = v->ws.recv(3s);
    ASSERT_TRUE(f);
    auto t = f->at("t").as_string();
    if (t == "ack") ++acks;
    if (t == "error" && f->at("code").as_string() == "rate_limited") ++limited;
    if (t != "ack" && t != "error") --i;  // the greeting and the new conversation's state
  }
  EXPECT_GE(acks, 10);
  EXPECT_GE(limited, 1);
  EXPECT_EQ(acks + limited, 20);
}

TEST(Server, AgentSocketNeedsASessionFromThisOrigin) {
  Server srv;
  WsClient anon;
  EXPECT_EQ(anon.connect(srv.port, "/ws/agent", "", origin_of(srv)), 401);
  WsClient no_origin;  // an upgrade without Origin was once accepted
  EXPECT_EQ(no_origin.connect(srv.port, "/ws/agent", login(srv, "agentti@eramaa.demo")), 403);
  WsClient cross;
  EXPECT_EQ(cross.connect(srv.port, "/ws/agent", login(srv, "agentti@eramaa.demo"), "https://evil.example"), 403);
  WsClient ok;
  EXPECT_EQ(ok.connect(srv.port, "/ws/agent", login(srv, "agentti@eramaa.demo"),
                       "http://127.0.0.1:" + std::to_string(srv.port)),
            101);
}

TEST(Server, RestErrorsAreJson) {
  Server srv;
  auto bad = http_request(srv.port, "POST", "/api/login", "{nope");
  EXPECT_EQ(bad.status, 400);
  auto parsed = boost::json::parse(bad.body).as_object();
  EXPECT_EQ(parsed.at("error").as_object().at("code").as_string(), "bad_request");
  EXPECT_EQ(http_request(srv.port, "POST", "/api/login", R"({"email":"agentti@eramaa.demo","password":"nope"})").status,
            401);
  EXPECT_EQ(http_request(srv.port, "GET", "/api/me").status, 401);
  EXPECT_EQ(http_request(srv.port, "GET", "/api/nothing").status, 404);
  EXPECT_EQ(http_request(srv.port, "GET", "/nothing.js").status, 404);
  EXPECT_EQ(http_request(srv.port, "POST", "/api/login", std::string(70 * 1024, 'x')).status, 413);
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto me = http_request(srv.port, "GET", "/api/me", "", cookie);
  ASSERT_EQ(me.status, 200);
  std::string csrf(boost::json::parse(me.body).as_object().at("csrf").as_string());
  EXPECT_EQ(http_request(srv.port, "POST", "/api/logout", "", cookie).status, 403);
  EXPECT_EQ(http_request(srv.port, "POST", "/api/logout", "", cookie, "X-CSRF-Token: " + csrf).status, 204);
  EXPECT_EQ(http_request(srv.port, "GET", "/api/me", "", cookie).status, 401);
  auto m = metrics(srv);
  EXPECT_NE(m.body.find("tiski_store_commit_seconds_bucket"), std::string::npos);
}

TEST(Server, BusinessHoursOverRest) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");  // supervisor of tenant 1
  std::string csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  auto get = http_request(srv.port, "GET", "/api/tenants/1/hours", "", cookie);
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(boost::json::parse(get.body).as_object().at("hours").as_string(), "");
  EXPECT_TRUE(boost::json::parse(get.body).as_object().at("open_now").as_bool());
  std::string body = R"({"hours":"tz=Europe/Helsinki; mon-fri 09:00-17:00; 2026-12-24 closed"})";
  EXPECT_EQ(http_request(srv.port, "PUT", "/api/tenants/1/hours", body, cookie).status, 403);  // no CSRF token
  auto put = http_request(srv.port, "PUT", "/api/tenants/1/hours", body, cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(boost::json::parse(put.body).as_object().at("hours").as_string(),
            "tz=Europe/Helsinki; mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00; "
            "2026-12-24 closed");
  auto bad = http_request(srv.port, "PUT", "/api/tenants/1/hours", R"({"hours":"tz=Europe/Helsinki; mon 17:00-09:00"})",
                          cookie, "X-CSRF-Token: " + csrf);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(boost::json::parse(bad.body).as_object().at("error").as_object().at("message").as_string(),
            "'17:00-09:00' closes before it opens");
  EXPECT_EQ(http_request(srv.port, "PUT", "/api/tenants/1/hours", "[]", cookie, "X-CSRF-Token: " + csrf).status, 400);
  // Another tenant's agent cannot see or change it; a plain agent cannot change it.
  std::string other = login(srv, "agentti@pyorapaja.demo");
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/1/hours", "", other).status, 404);
  std::string other_csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", other).body).as_object().at("csrf").as_string());
  EXPECT_EQ(http_request(srv.port, "PUT", "/api/tenants/2/hours", body, other, "X-CSRF-Token: " + other_csrf).status,
            403);
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/1/hours").status, 401);
  auto cleared =
      http_request(srv.port, "PUT", "/api/tenants/1/hours", R"({"hours":"always"})", cookie, "X-CSRF-Token: " + csrf);
  EXPECT_EQ(boost::json::parse(cleared.body).as_object().at("hours").as_string(), "");
}

// Acknowledged means durable: kill -9 in the middle of a stream of messages, restart, and
// every message that had been acknowledged is there.
TEST(Server, KillNineLosesNoAcknowledgedMessage) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  std::string token = v->token;
  std::set<std::string> acked;
  std::thread killer;
  int sent = 0;
  // Stay under the message rate limit by using many visitor connections of the same visitor.
  std::vector<std::unique_ptr<Visitor>> tabs;
  for (int i = 0; i < 6; ++i) tabs.push_back(visitor(srv, srv.site_a, token));
  for (int round = 0; round < 10; ++round) {
    for (auto& t : tabs) {
      std::string cid = "k" + std::to_string(sent++);
      t->ws.send(send_frame(cid, "viesti " + cid));
    }
    if (round == 5) killer = std::thread([&] { srv.stop(SIGKILL); });
    for (auto& t : tabs) {
      while (auto f = t->ws.recv(500ms)) {
        if (f->at("t").as_string() == "ack") acked.insert(std::string(f->at("cid").as_string()));
        if (f->at("t").as_string() == "ack") break;
      }
    }
  }
  killer.join();
  ASSERT_GT(acked.size(), 0u);
  srv.start();
  auto back = visitor(srv, srv.site_a, token, 0);
  std::set<std::string> stored;
  for (auto& m : back->welcome.at("msgs").as_array()) {
    if (m.as_object().contains("cid")) stored.insert(std::string(m.as_object().at("cid").as_string()));
  }
  for (const auto& cid : acked) EXPECT_TRUE(stored.contains(cid)) << "lost acknowledged message " << cid;
  // And the sequence has no gaps.
  auto s = seqs(back->welcome.at("msgs").as_array());
  for (std::size_t i = 0; i < s.size(); ++i) EXPECT_EQ(s[i], static_cast<std::int64_t>(i + 1));
}

// An agent that stops reading is disconnected once its send queue passes 1 MiB, and counted;
// the server and everyone else carry on.
// A consumer that stops reading is judged by the backlog it does not drain: once nothing it is
// sent has made progress for limits::kSendStallTimeout it is dropped, counted, and everyone
// else goes on. (A large frame alone no longer matters: see defects_test.cc, Paging.*)
TEST(Server, ASlowConsumerIsDroppedAndCounted) {
  Server srv(0, kLoopbackUnlimited);
  std::vector<std::unique_ptr<Visitor>> visitors;
  constexpr int kVisitors = 20;
  for (int i = 0; i < kVisitors; ++i) {
    visitors.push_back(visitor(srv, srv.site_a));
    visitors.back()->ws.send(send_frame("open", "hei"));
    ASSERT_GT(ack_seq(visitors.back()->ws, "open"), 0);
  }
  auto slow = std::make_unique<WsClient>();
  ASSERT_EQ(slow->connect(srv.port, "/ws/agent", login(srv, "agentti@eramaa.demo"), origin_of(srv), 4096), 101);
  object snap = read_snapshot(*slow);
  ASSERT_EQ(snap.at("convs").as_array().size(), static_cast<std::size_t>(kVisitors));
  auto fast = agent(srv, "agentti@eramaa.demo");
  for (auto& c : snap.at("convs").as_array()) {
    slow->send({{"t", "watch"}, {"conv", c.as_object().at("id")}, {"after", 1000}});
  }
  std::this_thread::sleep_for(200ms);  // the slow agent reads nothing from now on
  std::string big(4000, 'x');
  auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < 9; ++round) {
    for (auto& v : visitors) v->ws.send(send_frame("big" + std::to_string(round), big));
  }
  for (auto& v : visitors) ASSERT_GT(ack_seq(v->ws, "big8"), 0);  // everyone was served
  auto count = [&] {
    auto text = metrics(srv).body;
    auto pos = text.find("\ntiski_slow_consumers_total ");
    return pos == std::string::npos ? -1L : std::stol(text.substr(pos + 28));
  };
  EXPECT_EQ(count(), 0) << "dropped before the stall timeout";
  while (count() < 1 && std::chrono::steady_clock::now() - started < limits::kSendStallTimeout + 5s) {
    std::this_thread::sleep_for(250ms);
  }
  EXPECT_EQ(count(), 1) << "720 KB sent to a reader that reads nothing for longer than the stall timeout";
  EXPECT_GE(std::chrono::steady_clock::now() - started, limits::kSendStallTimeout - 1s);
  while (slow->recv(2s)) {}
  EXPECT_TRUE(slow->closed());
  fast->send({{"t", "ping"}});
  EXPECT_TRUE(fast->recv_type("pong"));
}

TEST(Server, AdminCommandsRefuseBadInput) {
  auto dir = fs::temp_directory_path() / ("tiski-cli-" + std::to_string(::getpid()));
  std::string data = (dir / "data").string();
  EXPECT_EQ(run_tool({TISKI_BIN, "tenant", "create", "--data", data, "--slug", "Bad Slug!", "--name", "X"}), 1);
  EXPECT_EQ(run_tool({TISKI_BIN, "tenant", "create", "--data", data, "--slug", "acme", "--name", "Acme Oy"}), 0);
  EXPECT_EQ(run_tool({TISKI_BIN, "tenant", "create", "--data", data, "--slug", "acme", "--name", "Again"}), 1);
  EXPECT_EQ(run_tool({TISKI_BIN, "site", "create", "--data", data, "--tenant", "nope", "--name", "x"}), 1);
  EXPECT_EQ(run_tool({TISKI_BIN, "site", "create", "--data", data, "--tenant", "acme", "--name", "x", "--langs", "de"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "site", "create", "--data", data, "--tenant", "acme", "--name", "acme.fi"}), 0);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "not-an-email", "--name", "A",
                      "--password", "long enough"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "a@acme.fi", "--name", "A", "--password",
                      "short"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "a@acme.fi", "--name", "A", "--password",
                      "long enough", "--tenant", "acme", "--role", "boss"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "a@acme.fi", "--name", "A", "--password",
                      "long enough", "--tenant", "acme", "--role", "supervisor"}),
            0);
  {  // acme fills up to its limit of agents: joining it is refused, and nothing is left half done
    auto st = std::move(SqliteStore::open(data + "/tiski.db")).value();
    auto acme = st->tenant_by_slug("acme").value();
    ASSERT_TRUE(st->begin().ok());
    for (std::int64_t n = 1; n < limits::kMaxAgentsPerTenant; ++n) {
      auto a = st->create_agent("m" + std::to_string(n) + "@acme.fi", "M", "h", 1).value();
      ASSERT_TRUE(st->set_membership(a.id, acme.id, Role::kAgent).ok());
    }
    ASSERT_TRUE(st->commit().ok());
  }
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "b@acme.fi", "--name", "B", "--password",
                      "long enough", "--tenant", "acme"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "create", "--data", data, "--email", "b@acme.fi", "--name", "B", "--password",
                      "long enough"}),
            0)
      << "the refused create left its account behind";
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "update", "--data", data, "--email", "b@acme.fi", "--new-email", "c@acme.fi",
                      "--tenant", "acme", "--role", "agent"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "agent", "update", "--data", data, "--email", "b@acme.fi", "--name", "Bee"}), 0)
      << "the refused update changed the email";
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "set", "--data", data, "--tenant", "acme", "--hours", "mon-fri 09:00-17:00"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "set", "--data", data, "--tenant", "acme", "--hours",
                      "tz=Europe/Helsinki; mon 25:00-26:00"}),
            1);
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "set", "--data", data, "--tenant", "nope", "--hours", "always"}), 1);
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "set", "--data", data, "--tenant", "acme", "--hours",
                      "tz=Europe/Helsinki; mon-fri 09:00-17:00"}),
            0);
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "show", "--data", data, "--tenant", "acme"}), 0);
  EXPECT_EQ(run_tool({TISKI_BIN, "hours", "set", "--data", data, "--tenant", "acme", "--hours", "always"}), 0);
  EXPECT_NE(run_tool({TISKI_BIN, "serve", "--data", data, "--listen", "nonsense"}), 0);
  fs::remove_all(dir);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The CLI's snippet names the server's public URL: --public-url, else the one the data
// directory's server (or demo) last ran with, else the default.
TEST(Server, SiteShowUsesThePublicUrlTheServerRanWith) {
  auto dir = fs::temp_directory_path() / ("tiski-url-" + std::to_string(::getpid()));
  std::string data = (dir / "data").string(), out = (dir / "out.txt").string();
  fs::create_directories(dir);
  ASSERT_EQ(run_tool({TISKI_BIN, "demo", "--data", data, "--public-url", "https://chat.shop.example"}, out), 0);
  std::string demo = read_text(out);
  auto at = demo.find("site key: ");
  ASSERT_NE(at, std::string::npos) << demo;
  std::string key = demo.substr(at + 10, demo.find('\n', at) - at - 10);
  ASSERT_EQ(run_tool({TISKI_BIN, "site", "show", "--data", data, "--site", key}, out), 0);
  EXPECT_NE(read_text(out).find("<script async src=\"https://chat.shop.example/widget.js\""), std::string::npos)
      << read_text(out);
  ASSERT_EQ(run_tool({TISKI_BIN, "site", "show", "--data", data, "--site", key, "--public-url", "http://x.test"}, out),
            0);
  EXPECT_NE(read_text(out).find("src=\"http://x.test/widget.js\""), std::string::npos) << read_text(out);
  ASSERT_EQ(run_tool({TISKI_BIN, "site", "show", "--data", data, "--site", key}, out), 0);
  EXPECT_NE(read_text(out).find("https://chat.shop.example/widget.js"), std::string::npos)
      << "a --public-url of one command is not remembered";
  // A lost key is found by listing the sites, of all tenants or of one.
  ASSERT_EQ(run_tool({TISKI_BIN, "site", "list", "--data", data}, out), 0);
  EXPECT_NE(read_text(out).find(key + "\teramaa\t"), std::string::npos) << read_text(out);
  EXPECT_NE(read_text(out).find("\tpyorapaja\t"), std::string::npos) << read_text(out);
  ASSERT_EQ(run_tool({TISKI_BIN, "site", "list", "--data", data, "--tenant", "pyorapaja"}, out), 0);
  EXPECT_EQ(read_text(out).find(key), std::string::npos) << read_text(out);
  EXPECT_NE(run_tool({TISKI_BIN, "site", "list", "--data", data, "--tenant", "nope"}, out), 0);
  ASSERT_EQ(run_tool({TISKI_BIN, "tenant", "list", "--data", data}, out), 0);
  EXPECT_NE(read_text(out).find("eramaa\t"), std::string::npos) << read_text(out);
  fs::remove_all(dir);
}

int raw_connect(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  timeval tv{0, 10'000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// A peer that pings without reading the pongs is a slow consumer once: no pongs after the close
// began, one drop counted and logged, and the connection ends by its deadline however it pings.
TEST(Server, APingFloodIsDroppedOnceAndEnds) {
  Server srv(0, kLoopbackUnlimited);
  int fd = raw_connect(srv.port);
  ASSERT_GE(fd, 0);
  std::string up =
      "GET /ws/visitor HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  ASSERT_EQ(::send(fd, up.data(), up.size(), MSG_NOSIGNAL), static_cast<ssize_t>(up.size()));
  std::string head;  // the 101 first, as a client waits for it
  char c = 0;
  for (int waits = 0; head.find("\r\n\r\n") == std::string::npos && waits < 500;) {
    if (::recv(fd, &c, 1, 0) == 1) {
      head += c;
    } else {
      ++waits;
    }
  }
  ASSERT_NE(head.find(" 101 "), std::string::npos) << head;
  std::string ping = {static_cast<char>(0x89), static_cast<char>(0x80 | 125), 0, 0, 0, 0};  // masked by zeros
  ping.append(125, 'p');
  std::string burst;
  for (int i = 0; i < 1000; ++i) burst += ping;
  auto started = std::chrono::steady_clock::now();
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() - started < 20s) {  // never reads
    ssize_t n = ::send(fd, burst.data(), burst.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) ended = true;
    if (n < 0 && !ended) std::this_thread::sleep_for(5ms);
  }
  ::close(fd);
  EXPECT_TRUE(ended) << "the server kept the connection of a peer that pings and never reads";
  EXPECT_LT(std::chrono::steady_clock::now() - started, 15s);
  auto text = metrics(srv).body;
  auto pos = text.find("\ntiski_slow_consumers_total ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_EQ(std::stol(text.substr(pos + 28)), 1);
}

// Out of descriptors (EMFILE on accept): refuse politely, log once, count, don't spin, recover.
TEST(Server, RunningOutOfDescriptorsIsSurvived) {
  Server srv(/*fd_limit=*/64, kLoopbackUnlimited);
  std::vector<int> held;
  for (int i = 0; i < 100; ++i) {
    int fd = raw_connect(srv.port);
    if (fd >= 0) held.push_back(fd);
  }
  int refused = 0;
  for (int pass = 0; pass < 10 && refused == 0; ++pass) {  // a busy machine (TSan) answers later
    std::this_thread::sleep_for(300ms);
    for (int fd : held) {
      char buf[256];
      auto n = ::recv(fd, buf, sizeof buf - 1, 0);
      if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 503")) ++refused;
    }
  }
  EXPECT_GE(refused, 1) << "no connection got the polite 503";
  double cpu0 = srv.cpu_seconds();
  std::this_thread::sleep_for(1s);
  EXPECT_LT(srv.cpu_seconds() - cpu0, 0.3) << "the server spins while out of descriptors";
  for (int fd : held) ::close(fd);
  std::this_thread::sleep_for(300ms);
  auto health = http_request(srv.port, "GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  auto text = metrics(srv).body;
  auto pos = text.find("\ntiski_accept_errors_total ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GT(std::stol(text.substr(pos + 27)), 0);
  std::string log = srv.log();
  std::size_t warnings = 0;
  for (auto p = log.find("accept failed"); p != std::string::npos; p = log.find("accept failed", p + 1)) ++warnings;
  EXPECT_EQ(warnings, 1u) << log;
  EXPECT_NE(log.find("accepting connections again"), std::string::npos);
}

TEST(Server, SigtermDrainsAndExitsCleanly) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("d1", "viimeinen"));
  EXPECT_EQ(ack_seq(v->ws, "d1"), 2);
  EXPECT_EQ(srv.stop(SIGTERM), 0);
  EXPECT_FALSE(v->ws.recv_type("never", 3s));  // reads what is queued, then the close
  EXPECT_EQ(v->ws.close_code(), 1001);
}

}  // namespace
}  // namespace tiski::testing
