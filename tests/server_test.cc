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

// A second agent of the demo tenant, with the given capacity.
void add_agent(const Server& srv, const std::string& email, int max_chats) {
  ASSERT_EQ(srv.admin({"agent", "create", "--email", email, "--name", "Bertta Berg", "--password", "demo1234",
                       "--tenant", "eramaa", "--max-chats", std::to_string(max_chats)}),
            0);
}

std::string conv_status_of(WsClient& ws, std::int64_t* conv = nullptr, std::string* agent = nullptr) {
  auto f = ws.recv_type("conv");
  if (!f) return "none";
  auto c = f->at("conv").as_object();
  if (conv) *conv = c.at("id").as_int64();
  if (agent && c.contains("agent")) *agent = std::string(c.at("agent").as_string());
  return std::string(c.at("status").as_string());
}

// chats are assigned automatically within capacity; the rest queue in arrival order
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
  while (auto pres = a->recv_type("presence", 2s)) {  // first the "online" of connecting
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

// a transfer moves the chat with an internal note the visitor never sees.
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
  expect_error(*bertta, {{"t", "transfer"}, {"conv", id}, {"to", aino_id}}, "forbidden");

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

// a site routed to a team sends its chats to that team only; a chat can be handed to
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

// the server invites a visitor idle on a page of the rule's category — only while an
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

std::string expect_error(WsClient& ws, const object& frame);

// the live visitor list follows visitors between pages; an agent starts a chat with
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

// ------------------------------------------------------------------------- offline inbox

// Debian's python3-aiosmtpd as a real SMTP server on 127.0.0.1 (tests/smtp_sink.py): stores
// each accepted message as DIR/NNN.eml; reject@ gets 550, tempfail-N@ gets 451 N times.
class SmtpSink {
 public:
  SmtpSink() {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("tiski-smtp-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    std::vector<std::string> args = {"/usr/bin/python3", std::string(TISKI_SOURCE_DIR) + "/tests/smtp_sink.py",
                                     dir_.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 200 && !fs::exists(dir_ / "port"); ++i) std::this_thread::sleep_for(25ms);
    std::ifstream(dir_ / "port") >> port;
    EXPECT_GT(port, 0) << "the SMTP sink did not start (is python3-aiosmtpd installed?)";
  }
  ~SmtpSink() {
    ::kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    fs::remove_all(dir_);
  }
  // The messages received so far, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> out;
    for (int i = 1;; ++i) {
      char name[16];
      std::snprintf(name, sizeof name, "%03d.eml", i);
      std::ifstream in(dir_ / name);
      if (!in) return out;
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
  }
  std::string config() const {
    return "[smtp]\nurl = \"smtp://127.0.0.1:" + std::to_string(port) +
           "\"\ntls = \"none\"\nfrom = \"asiakaspalvelu@eramaa.example\"\nretry_seconds = 1\nmax_attempts = 3\n";
  }
  int port = 0;

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

object leave_frame(const std::string& cid, const std::string& email, const std::string& body, bool consent = true) {
  object f{{"t", "leave"}, {"cid", cid}, {"name", "Matti Meikäläinen"}, {"email", email}, {"consent", consent}};
  if (!body.empty()) f["body"] = body;
  return f;
}

std::string expect_error(WsClient& ws, const object& frame) {
  ws.send(frame);
  auto e = ws.recv_type("error");
  EXPECT_TRUE(e) << boost::json::serialize(frame);
  return e ? std::string(e->at("code").as_string()) + ": " + std::string(e->at("message").as_string()) : "";
}

// Waits for the mail frame of (conv, seq) with the given status; returns it.
std::optional<object> mail_status(WsClient& ws, std::int64_t conv, std::int64_t seq, const std::string& status) {
  for (;;) {
    auto f = ws.recv_type("mail", 10s);
    if (!f) return std::nullopt;
    auto m = f->at("mail").as_object();
    if (m.at("conv").as_int64() == conv && m.at("seq").as_int64() == seq && m.at("status").as_string() == status)
      return m;
  }
}

std::string decode_b64(std::string_view in) {
  static const std::string kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    auto p = kAlpha.find(c);
    if (p == std::string::npos) continue;
    buf = (buf << 6) | static_cast<unsigned>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xFF);
    }
  }
  return out;
}

// The text/plain part of a message rendered by Tiski.
std::string plain_text(const std::string& eml) {
  auto p = eml.find("Content-Type: text/plain");
  if (p == std::string::npos) return {};
  auto b = eml.find("\r\n\r\n", p);
  auto e = eml.find("\r\n--", b);
  return decode_b64(eml.substr(b + 4, e - b - 4));
}

// live chat is open only while an agent is online (and within business hours).
TEST(Offline, LiveChatOpensAndClosesWithAgentsAndHours) {
  Server srv(0, "[routing]\noffline_grace_seconds = 1\n");
  auto v = visitor(srv, srv.site_a);
  EXPECT_FALSE(v->welcome.at("open").as_bool());  // nobody online
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto a = std::make_unique<WsClient>();
  ASSERT_EQ(a->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  auto opened = v->ws.recv_type("avail");
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->at("open").as_bool());
  EXPECT_TRUE(visitor(srv, srv.site_a)->welcome.at("open").as_bool());
  // The other tenant's visitors are not told anything: its agents are not online.
  auto other = visitor(srv, srv.site_b);
  EXPECT_FALSE(other->welcome.at("open").as_bool());

  // Business hours that exclude today close live chat at once, agents or not.
  std::string csrf(
      boost::json::parse(http_request(srv.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char today[16], tomorrow[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &tm);
  t += 86400;
  gmtime_r(&t, &tm);
  std::strftime(tomorrow, sizeof tomorrow, "%Y-%m-%d", &tm);
  std::string hours = std::string("tz=UTC; mon-sun 00:00-24:00; ") + today + " closed; " + tomorrow + " closed";
  auto put = http_request(srv.port, "PUT", "/api/tenants/1/hours", boost::json::serialize(object{{"hours", hours}}),
                          cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200) << put.body;
  auto closed = v->ws.recv_type("avail");
  ASSERT_TRUE(closed);
  EXPECT_FALSE(closed->at("open").as_bool());
  put = http_request(srv.port, "PUT", "/api/tenants/1/hours", R"({"hours":"always"})", cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200);
  auto reopened = v->ws.recv_type("avail");
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(reopened->at("open").as_bool());

  // The last agent leaves: after the grace period live chat closes.
  a.reset();
  auto gone = v->ws.recv_type("avail", 5s);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone->at("open").as_bool());
}

// the leave-a-message form lands in the agents' inbox; the reply goes out by email
// through a real SMTP server; failures are retried and shown; bad input is refused clearly.
TEST(Offline, LeaveAMessageAndTheReplyArrivesByEmail) {
  SmtpSink sink;
  Server srv(0, sink.config());
  auto v = visitor(srv, srv.site_a);
  ASSERT_FALSE(v->welcome.at("open").as_bool());

  EXPECT_EQ(expect_error(v->ws, leave_frame("l1", "matti@", "Hei")).substr(0, 11), "bad_request");
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti meikalainen@example.fi", "Hei")).find("not a valid email"),
            std::string::npos);
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti@example.fi", "Hei", false)).find("consent"),
            std::string::npos);
  EXPECT_NE(expect_error(v->ws, leave_frame("l1", "matti@example.fi", "")).find("write a message"), std::string::npos);
  auto bad_name = leave_frame("l1", "matti@example.fi", "Hei");
  bad_name["name"] = std::string(101, 'x');
  EXPECT_EQ(expect_error(v->ws, bad_name).substr(0, 9), "too_large");
  auto no_email = leave_frame("l1", "", "Hei");
  no_email.erase("email");
  EXPECT_EQ(expect_error(v->ws, no_email).substr(0, 11), "bad_request");

  v->ws.send(leave_frame("l1", "matti@example.fi", "Onko Vaellus 2 -telttaa varastossa?"));
  std::int64_t seq = ack_seq(v->ws, "l1");
  EXPECT_EQ(seq, 1);  // no greeting: nobody was there to greet
  v->ws.send(leave_frame("l1", "matti@example.fi", "Onko Vaellus 2 -telttaa varastossa?"));
  EXPECT_EQ(ack_seq(v->ws, "l1"), seq);  // a re-sent form is stored once

  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  auto convs = snap.at("convs").as_array();
  ASSERT_EQ(convs.size(), 1u);
  auto c = convs[0].as_object();
  std::int64_t id = c.at("id").as_int64();
  EXPECT_EQ(c.at("origin").as_string(), "offline");
  EXPECT_EQ(c.at("status").as_string(), "waiting");
  EXPECT_EQ(c.at("contact_email").as_string(), "matti@example.fi");
  EXPECT_EQ(c.at("contact_name").as_string(), "Matti Meikäläinen");

  a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  auto h = a->recv_type("history");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->at("mail").as_array().size(), 0u);
  a->send({{"t", "send"}, {"conv", id}, {"cid", "r1"}, {"body", "Hei Matti!\nKyllä on, 3 kpl."}});
  std::int64_t reply = ack_seq(*a, "r1");
  ASSERT_GT(reply, 0);
  auto sent = mail_status(*a, id, reply, "sent");
  ASSERT_TRUE(sent) << srv.log();
  EXPECT_EQ(sent->at("to").as_string(), "matti@example.fi");
  EXPECT_EQ(sent->at("attempts").as_int64(), 1);
  // The visitor still on the page sees the reply live too.
  auto live = v->ws.recv_type("msg");
  ASSERT_TRUE(live);
  EXPECT_EQ(live->at("m").as_object().at("author").as_string(), "agent");

  auto mails = sink.messages();
  ASSERT_EQ(mails.size(), 1u);
  const std::string& eml = mails[0];
  EXPECT_NE(eml.find("To: =?UTF-8?B?"), std::string::npos) << eml;
  EXPECT_NE(eml.find("<matti@example.fi>"), std::string::npos);
  EXPECT_NE(eml.find("From: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(eml.find("<asiakaspalvelu@eramaa.example>"), std::string::npos);
  EXPECT_NE(eml.find("Message-ID: <tiski." + std::to_string(id) + "." + std::to_string(reply) + "."),
            std::string::npos);
  EXPECT_NE(eml.find("In-Reply-To: <tiski." + std::to_string(id) + "."), std::string::npos);
  EXPECT_NE(eml.find("multipart/alternative"), std::string::npos);
  std::string text = plain_text(eml);
  EXPECT_NE(text.find("Hei Matti!\r\nKyllä on, 3 kpl."), std::string::npos) << text;
  EXPECT_NE(text.find("> Onko Vaellus 2 -telttaa varastossa?"), std::string::npos) << text;
  // The agent's view after a reload carries the delivery state.
  a->send({{"t", "watch"}, {"conv", id}, {"after", 0}});
  h = a->recv_type("history");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->at("mail").as_array().size(), 1u);
  EXPECT_EQ(h->at("mail").as_array()[0].as_object().at("status").as_string(), "sent");
  // Inbox items do not take live-chat seats.
  auto pres = http_request(srv.port, "GET", "/api/tenants/1/presence", "", login(srv, "agentti@eramaa.demo"));
  ASSERT_EQ(pres.status, 200);
  EXPECT_EQ(boost::json::parse(pres.body).at("agents").as_array()[0].as_object().at("active").as_int64(), 0)
      << pres.body;

  // A relay that says "try later" once: retried, then delivered.
  auto v2 = visitor(srv, srv.site_a);
  v2->ws.send(leave_frame("x", "tempfail-1@example.fi", "Toimitusaika?"));
  ASSERT_GT(ack_seq(v2->ws, "x"), 0);
  auto c2 = a->recv_type("conv");
  ASSERT_TRUE(c2);
  std::int64_t id2 = c2->at("conv").as_object().at("id").as_int64();
  a->send({{"t", "watch"}, {"conv", id2}, {"after", 0}});
  ASSERT_TRUE(a->recv_type("history"));
  a->send({{"t", "send"}, {"conv", id2}, {"cid", "r2"}, {"body", "2-3 arkipäivää."}});
  std::int64_t reply2 = ack_seq(*a, "r2");
  auto retrying = mail_status(*a, id2, reply2, "queued");
  ASSERT_TRUE(retrying);
  if (retrying->at("attempts").as_int64() == 0) retrying = mail_status(*a, id2, reply2, "queued");
  ASSERT_TRUE(retrying);
  EXPECT_EQ(retrying->at("attempts").as_int64(), 1);
  EXPECT_NE(retrying->at("error").as_string().find("451"), std::string::npos) << boost::json::serialize(*retrying);
  auto delivered = mail_status(*a, id2, reply2, "sent");
  ASSERT_TRUE(delivered);
  EXPECT_EQ(delivered->at("attempts").as_int64(), 2);

  // A relay that refuses the address for good: failed at once, with the reason.
  auto v3 = visitor(srv, srv.site_a);
  v3->ws.send(leave_frame("y", "reject@example.fi", "Hei"));
  ASSERT_GT(ack_seq(v3->ws, "y"), 0);
  auto c3 = a->recv_type("conv");
  ASSERT_TRUE(c3);
  std::int64_t id3 = c3->at("conv").as_object().at("id").as_int64();
  a->send({{"t", "watch"}, {"conv", id3}, {"after", 0}});
  ASSERT_TRUE(a->recv_type("history"));
  a->send({{"t", "send"}, {"conv", id3}, {"cid", "r3"}, {"body", "Hei!"}});
  std::int64_t reply3 = ack_seq(*a, "r3");
  auto failed = mail_status(*a, id3, reply3, "failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->at("attempts").as_int64(), 1);
  EXPECT_NE(failed->at("error").as_string().find("550"), std::string::npos);
  EXPECT_EQ(sink.messages().size(), 2u);
}

// whatever happens — the agent disconnects without answering, nobody is online, the
// server restarts — no chat is closed or lost unanswered: it waits in the queue or the inbox
// until an agent answers it.
TEST(Offline, EveryChatEndsUpAnsweredOrInTheInbox) {
  Server srv(0, "[routing]\noffline_grace_seconds = 1\n");
  object snap;
  auto a = agent(srv, "agentti@eramaa.demo", &snap);
  auto va = visitor(srv, srv.site_a);
  ASSERT_TRUE(va->welcome.at("open").as_bool());
  va->ws.send(send_frame("a1", "Hei, kysyisin kengistä"));
  std::string st;
  std::int64_t ida = 0;
  while ((st = conv_status_of(va->ws, &ida)) == "waiting") {}
  ASSERT_EQ(st, "active");  // assigned to the only agent...
  a.reset();                // ...who leaves without answering
  // After the grace period: live chat closes, and the chat is back in the queue, not closed.
  std::optional<bool> open;
  st.clear();
  while (!open || st != "waiting") {
    auto f = va->ws.recv(5s);
    ASSERT_TRUE(f) << "open " << open.value_or(true) << " status " << st;
    if (f->at("t").as_string() == "avail") open = f->at("open").as_bool();
    if (f->at("t").as_string() == "conv") st = f->at("conv").as_object().at("status").as_string();
  }
  EXPECT_FALSE(*open);
  // Nobody online: the waiting visitor leaves an address; another writes anyway; a third
  // uses the form.
  va->ws.send(leave_frame("a2", "aino.asiakas@example.fi", ""));
  ASSERT_GT(ack_seq(va->ws, "a2"), 0);
  auto vb = visitor(srv, srv.site_a);
  vb->ws.send(send_frame("b1", "Onko myymälä auki?"));
  ASSERT_GT(ack_seq(vb->ws, "b1"), 0);
  auto vc = visitor(srv, srv.site_a);
  vc->ws.send(leave_frame("c1", "c@example.fi", "Soittakaa minulle"));
  ASSERT_GT(ack_seq(vc->ws, "c1"), 0);

  ASSERT_EQ(srv.stop(SIGTERM), 0);
  srv.start();
  object snap2;
  auto a2 = agent(srv, "agentti@eramaa.demo", &snap2);
  auto convs = snap2.at("convs").as_array();
  ASSERT_EQ(convs.size(), 3u) << boost::json::serialize(snap2);
  std::map<std::string, int> origins;
  for (auto& cv : convs) {
    auto c = cv.as_object();
    EXPECT_NE(c.at("status").as_string(), "closed");
    origins[std::string(c.at("origin").as_string())]++;
  }
  EXPECT_EQ(origins["reactive"], 2);
  EXPECT_EQ(origins["offline"], 1);
  EXPECT_EQ(convs[0].as_object().at("contact_email").as_string(), "aino.asiakas@example.fi");
  // The agent answers each one; the live chats come to them by routing, the inbox by hand.
  for (auto& cv : convs) {
    std::int64_t id = cv.as_object().at("id").as_int64();
    a2->send({{"t", "send"}, {"conv", id}, {"cid", "r" + std::to_string(id)}, {"body", "Hei, vastaan nyt."}});
    EXPECT_GT(ack_seq(*a2, "r" + std::to_string(id)), 0);
  }
  // Replies to those who left an address wait in the outbox: this server has no relay.
  a2->send({{"t", "watch"}, {"conv", convs[0].as_object().at("id").as_int64()}, {"after", 0}});
  auto h = a2->recv_type("history");
  ASSERT_TRUE(h);
  ASSERT_EQ(h->at("mail").as_array().size(), 1u);
  auto m = h->at("mail").as_array()[0].as_object();
  EXPECT_EQ(m.at("status").as_string(), "queued");
  EXPECT_NE(m.at("error").as_string().find("no SMTP relay"), std::string::npos);
  auto log = srv.log();
  EXPECT_EQ(log.find("\"reason\":\"agent offline\""), std::string::npos) << "logged at info, not warn";
}

// presence, the queue and the status switch over REST.
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

// Out of descriptors (EMFILE on accept): refuse politely, log once, count, don't spin, recover.
TEST(Server, RunningOutOfDescriptorsIsSurvived) {
  Server srv(/*fd_limit=*/64, kLoopbackUnlimited);
  std::vector<int> held;
  for (int i = 0; i < 100; ++i) {
    int fd = raw_connect(srv.port);
    if (fd >= 0) held.push_back(fd);
  }
  std::this_thread::sleep_for(300ms);
  int refused = 0;
  for (int fd : held) {
    char buf[256];
    auto n = ::recv(fd, buf, sizeof buf - 1, 0);
    if (n > 0 && std::string_view(buf, static_cast<std::size_t>(n)).starts_with("HTTP/1.1 503")) ++refused;
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
