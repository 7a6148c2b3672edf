// Regression tests of defects found trying Tiski as a new user and as an attacker would: large
// tenants and paging, abuse limits, leaks between tenants, sessions. Against a real server over
// real sockets; each failed before its fix. (More in defects_console_test.cc.)
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

// ------------------------------------------------------- large frames and paging

// Acceptance: with 5,000 open chats and 300 messages of 4,000 bytes in one of them, a console
// connects, opens that chat and pages through its history, and a visitor reloads with and
// without last_seq; nobody is closed.
TEST(Paging, AHugeTenantDoesNotLockItsAgentsOut) {
  Seeded big, many;
  Server srv(0, {}, [&](Database& st) {
    big = seed_chats(st, 1, 300, 4000);
    many = seed_chats(st, 4999, 1, 100);
  });
  object snap;
  auto a = std::make_unique<WsClient>();
  ASSERT_EQ(a->connect(srv.port, "/ws/agent", login(srv, "agentti@eramaa.demo"), origin_of(srv)), 101);
  auto s = a->recv_type("snapshot");
  ASSERT_TRUE(s) << "closed with " << a->close_code();
  EXPECT_LT(a->last_bytes(), 64u * 1024);
  EXPECT_FALSE(s->at("email").as_bool());  // no [smtp] url: the console warns before an email reply
  auto counts = s->at("counts").as_array();
  ASSERT_EQ(counts.size(), 1u);
  EXPECT_EQ(counts[0].as_object().at("waiting").as_int64(), 5000);
  std::string waiting_next;
  for (int i = 0; i < 4; ++i) {
    auto l = next_list(*a);
    EXPECT_LE(l.at("convs").as_array().size(), limits::kListPage);
    EXPECT_LT(a->last_bytes(), 300u * 1024) << "a list frame is bounded";
    if (l.at("which").as_string() == "waiting") {
      EXPECT_EQ(l.at("convs").as_array().size(), limits::kListPage);
      waiting_next = std::string(l.at("next").as_string());
    }
  }
  ASSERT_FALSE(waiting_next.empty());
  a->send({{"t", "list"}, {"which", "waiting"}, {"after", waiting_next}});
  auto page2 = next_list(*a);
  EXPECT_EQ(page2.at("after").as_string(), waiting_next);
  EXPECT_EQ(page2.at("convs").as_array().size(), limits::kListPage);

  // The chat with 300 messages of 4,000 bytes: the newest page, then earlier ones on request.
  Id conv = big.convs[0];
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h = a->recv_type("history", 10s);
  ASSERT_TRUE(h) << "closed with " << a->close_code();
  EXPECT_TRUE(h->at("more").as_bool());
  auto got = seqs(h->at("msgs").as_array());
  ASSERT_EQ(got.size(), limits::kHistoryPage);
  EXPECT_EQ(got.back(), 300);
  std::set<std::int64_t> all(got.begin(), got.end());
  for (std::int64_t before = got.front(); before > 1;) {
    a->send({{"t", "older"}, {"conv", conv}, {"before", before}});
    auto o = a->recv_type("older", 10s);
    ASSERT_TRUE(o);
    auto page = seqs(o->at("msgs").as_array());
    ASSERT_FALSE(page.empty());
    EXPECT_EQ(page.back(), before - 1);
    all.insert(page.begin(), page.end());
    EXPECT_EQ(o->at("more").as_bool(), page.front() > 1);
    before = page.front();
  }
  EXPECT_EQ(all.size(), 300u);
  EXPECT_EQ(*all.begin(), 1);

  // The visitor of that chat reloads: without last_seq (a page load), and with one.
  std::string token = make_visitor_token(srv.secret, big.visitors[0], 1);
  auto fresh = visitor(srv, srv.site_a, token);
  ASSERT_EQ(fresh->id, big.visitors[0]);
  auto w = seqs(fresh->welcome.at("msgs").as_array());
  EXPECT_EQ(w.size(), limits::kHistoryPage);
  EXPECT_EQ(w.back(), 300);
  EXPECT_TRUE(fresh->welcome.at("more").as_bool());
  fresh->ws.send({{"t", "older"}, {"before", w.front()}});
  auto older = fresh->ws.recv_type("older");
  ASSERT_TRUE(older);
  EXPECT_EQ(seqs(older->at("msgs").as_array()).back(), w.front() - 1);
  auto back = visitor(srv, srv.site_a, token, 290);
  EXPECT_EQ(seqs(back->welcome.at("msgs").as_array()),
            (std::vector<std::int64_t>{291, 292, 293, 294, 295, 296, 297, 298, 299, 300}));
  EXPECT_FALSE(back->welcome.at("more").as_bool());
  auto gap = visitor(srv, srv.site_a, token, 10);  // missed 290: the newest page, and it says more
  EXPECT_EQ(seqs(gap->welcome.at("msgs").as_array()).front(), 251);
  EXPECT_TRUE(gap->welcome.at("more").as_bool());

  EXPECT_TRUE(alive(*a));
  EXPECT_TRUE(alive(fresh->ws));
  EXPECT_TRUE(alive(back->ws));
}

// (d): a console that opens 60 chats of 20 messages of 4,000 bytes at once (4.8 MB) and reads
// normally gets all of it; before, it was closed after the first history.
TEST(Paging, AConsoleThatReadsNormallyIsNeverASlowConsumer) {
  Seeded s;
  Server srv(0, {}, [&](Database& st) { s = seed_chats(st, 60, 20, 4000); });
  auto a = agent(srv, "agentti@eramaa.demo");
  for (Id c : s.convs) a->send({{"t", "watch"}, {"conv", c}, {"after", 0}});
  std::set<std::int64_t> histories;
  while (histories.size() < s.convs.size()) {
    auto h = a->recv_type("history", 10s);
    ASSERT_TRUE(h) << "after " << histories.size() << " histories: closed with " << a->close_code();
    EXPECT_EQ(h->at("msgs").as_array().size(), 20u);
    histories.insert(h->at("conv").as_int64());
  }
  EXPECT_TRUE(alive(*a));
}

// (c): 200 visitors with ~2 KB URLs made "visitors {on:true}" one 4 MB frame.
TEST(Paging, TheLiveVisitorListComesInBoundedFrames) {
  Server srv(0, kLoopbackUnlimited);
  std::string url = "https://eramaa.demo/" + std::string(2000, 'u');
  std::vector<std::unique_ptr<Visitor>> vs;
  for (int i = 0; i < 200; ++i) {
    vs.push_back(visitor_with(srv, {{"page", object{{"url", url}, {"title", std::string(300, 't')}}}}, srv.site_a));
  }
  auto a = agent(srv, "agentti@eramaa.demo");
  a->send({{"t", "visitors"}, {"on", true}});
  std::size_t total = 0;
  for (bool more = true; more;) {
    auto f = a->recv_type("visitors", 10s);
    ASSERT_TRUE(f) << "closed with " << a->close_code();
    EXPECT_LE(f->at("list").as_array().size(), limits::kLiveVisitorsPerFrame);
    EXPECT_LT(a->last_bytes(), 700u * 1024);
    EXPECT_EQ(f->at("total").as_int64(), 200);
    for (const auto& v : f->at("list").as_array())
      EXPECT_LE(v.as_object().at("path").as_array().size(), limits::kLivePathInList);
    total += f->at("list").as_array().size();
    more = f->at("more").as_bool();
  }
  EXPECT_EQ(total, 200u);
  EXPECT_TRUE(alive(*a));
}

// 2,000 open chats in one tenant and 10 consoles; a console leaves, its chats return to the
// queue 1 s later (the offline grace) in one burst: every other console stays connected.
TEST(Paging, TenConsolesSurviveTwoThousandChatsAndABurstOfReassignments) {
  Seeded s;
  Server srv(0, "[routing]\noffline_grace_seconds = 1\n", [&](Database& st) { s = seed_chats(st, 2000, 1, 200); });
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(srv.admin({"agent", "create", "--email", "a" + std::to_string(i) + "@eramaa.demo", "--name",
                         "A" + std::to_string(i), "--password", "demo1234", "--tenant", "eramaa", "--max-chats", "3"}),
              0);
  }
  std::vector<std::unique_ptr<WsClient>> consoles;
  consoles.push_back(agent(srv, "agentti@eramaa.demo"));
  for (int i = 0; i < 9; ++i) consoles.push_back(agent(srv, "a" + std::to_string(i) + "@eramaa.demo"));
  auto cookie = login(srv, "a0@eramaa.demo");
  boost::json::object queue;
  auto queued_until = [&](std::int64_t total) {  // polls the queue, at most 20 s (a busy machine)
    for (int i = 0; i < 200; ++i) {
      auto q = http_request(srv.port, "GET", "/api/tenants/1/queue", "", cookie);
      EXPECT_EQ(q.status, 200);
      if (q.status != 200) return false;
      queue = boost::json::parse(q.body).as_object();
      if (queue.at("total").as_int64() == total) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  };
  EXPECT_TRUE(queued_until(2000 - 30)) << "30 chats assigned";
  consoles[0]->close();
  EXPECT_TRUE(queued_until(2000 - 27)) << "its three return to the queue";
  for (std::size_t i = 1; i < consoles.size(); ++i) EXPECT_TRUE(alive(*consoles[i])) << "console " << i;
  EXPECT_EQ(queue.at("total").as_int64(), 2000 - 27);
  EXPECT_EQ(queue.at("queue").as_array().size(), limits::kQueuePage);  // a page, not 1,973 entries
}

// --------------------------------------------------------------- abuse limits

TEST(Limits, PerAddressBehindATrustedProxy) {
  Server srv(0, "[limits]\ntrusted_proxies = [\"127.0.0.1\"]\n");
  auto from = [&](const std::string& address, std::unique_ptr<WsClient>& ws) {
    ws = std::make_unique<WsClient>();
    ws->header("X-Forwarded-For", address);
    return ws->connect(srv.port, "/ws/visitor");
  };
  // Open WebSockets per address.
  std::vector<std::unique_ptr<WsClient>> held(limits::kMaxConnectionsPerAddress);
  for (auto& ws : held) ASSERT_EQ(from("10.0.0.1", ws), 101);
  std::unique_ptr<WsClient> over, other, spoof;
  EXPECT_EQ(from("10.0.0.1", over), 429);
  EXPECT_EQ(from("10.0.0.2", other), 101);
  // The client may write anything left of the proxy's entry: only the rightmost counts.
  EXPECT_EQ(from("10.0.0.2, 10.0.0.1", spoof), 429);
  held.clear();

  // New visitors (each hello without a token stores one) per address. The bucket refills while
  // the loop runs (one a second): a slow machine may see a welcome more per second it took.
  int welcomed = 0, limited = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto refilled = [&t0](double per_second) {
    return static_cast<int>(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * per_second);
  };
  for (int i = 0; i < 40; ++i) {
    auto ws = std::make_unique<WsClient>();
    ws->header("X-Forwarded-For", "10.0.0.3");
    ASSERT_EQ(ws->connect(srv.port, "/ws/visitor"), 101);
    ws->send({{"t", "hello"}, {"site", srv.site_a}});
    auto f = ws->recv(5s);
    ASSERT_TRUE(f);
    if (f->at("t").as_string() == "welcome") ++welcomed;
    if (f->at("t").as_string() == "error" && f->at("code").as_string() == "rate_limited") ++limited;
  }
  EXPECT_GE(welcomed, static_cast<int>(limits::kNewVisitorBurstPerAddress));
  EXPECT_LE(welcomed,
            static_cast<int>(limits::kNewVisitorBurstPerAddress) + refilled(limits::kNewVisitorsPerSecondPerAddress));
  EXPECT_GT(limited, 0);
  EXPECT_EQ(limited, 40 - welcomed);

  // New conversations per address: 25 visitors each start one.
  int started = 0, refused = 0;
  t0 = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<WsClient>> tabs;
  for (int i = 0; i < 25; ++i) {
    tabs.push_back(std::make_unique<WsClient>());
    auto& ws = *tabs.back();
    ws.header("X-Forwarded-For", "10.0.0.4");
    ASSERT_EQ(ws.connect(srv.port, "/ws/visitor"), 101);
    ws.send({{"t", "hello"}, {"site", srv.site_a}});
    ASSERT_TRUE(ws.recv_type("welcome"));
    ws.send(send_frame("c", "hei"));
    for (;;) {
      auto f = ws.recv(5s);
      ASSERT_TRUE(f);
      if (f->at("t").as_string() == "ack") {
        ++started;
        break;
      }
      if (f->at("t").as_string() == "error") {
        EXPECT_EQ(f->at("code").as_string(), "rate_limited");
        ++refused;
        break;
      }
    }
  }
  EXPECT_GE(started, static_cast<int>(limits::kConversationBurstPerAddress));
  EXPECT_LE(started, static_cast<int>(limits::kConversationBurstPerAddress) +
                         refilled(limits::kConversationsPerSecondPerAddress));
  EXPECT_GT(refused, 0);
  EXPECT_EQ(refused, 25 - started);
}

// Without a trusted proxy, X-Forwarded-For is the client's own claim and counts for nothing.
TEST(Limits, ForwardedForIsIgnoredFromAnUntrustedPeer) {
  Server srv;
  std::vector<std::unique_ptr<WsClient>> held;
  for (std::size_t i = 0; i < limits::kMaxConnectionsPerAddress; ++i) {
    held.push_back(std::make_unique<WsClient>());
    held.back()->header("X-Forwarded-For", "10.1.0." + std::to_string(i));
    ASSERT_EQ(held.back()->connect(srv.port, "/ws/visitor"), 101);
  }
  WsClient over;
  over.header("X-Forwarded-For", "10.2.0.1");
  EXPECT_EQ(over.connect(srv.port, "/ws/visitor"), 429);
}

// ------------------------------------------------------------ cross-tenant leaks

TEST(Security, TransferAndTypingTellNothingAboutOtherTenants) {
  Server srv;
  auto va = visitor(srv, srv.site_a);
  va->ws.send(send_frame("a", "hei"));
  ASSERT_GT(ack_seq(va->ws, "a"), 0);
  auto vb = visitor(srv, srv.site_b);
  vb->ws.send(send_frame("b", "hei"));
  ASSERT_GT(ack_seq(vb->ws, "b"), 0);
  object snap_a, snap_b;
  auto a = agent(srv, "agentti@eramaa.demo", &snap_a);
  auto b = agent(srv, "agentti@pyorapaja.demo", &snap_b);
  Id conv_a = snap_a.at("convs").as_array()[0].as_object().at("id").as_int64();
  Id conv_b = snap_b.at("convs").as_array()[0].as_object().at("id").as_int64();
  Id agent_b = snap_b.at("agent").as_object().at("id").as_int64();
  a->send({{"t", "take"}, {"conv", conv_a}});
  ASSERT_TRUE(a->recv_type("conv"));
  // Another tenant's agent answers exactly like an agent who does not exist.
  auto to_b = error_of(*a, {{"t", "transfer"}, {"conv", conv_a}, {"to", agent_b}});
  auto to_none = error_of(*a, {{"t", "transfer"}, {"conv", conv_a}, {"to", 99999}});
  EXPECT_EQ(to_b, to_none);
  EXPECT_EQ(to_b.find("Pekka"), std::string::npos);
  EXPECT_EQ(to_b.find("Pyöräpaja"), std::string::npos);
  // Another tenant's conversation, or a missing one, is not_found whatever the frame.
  Id me = snap_a.at("agent").as_object().at("id").as_int64();
  EXPECT_EQ(error_of(*a, {{"t", "transfer"}, {"conv", conv_b}, {"to", me}}), "not_found: no such conversation");
  EXPECT_EQ(error_of(*a, {{"t", "transfer"}, {"conv", 424242}, {"to", me}}), "not_found: no such conversation");
  EXPECT_EQ(error_of(*a, {{"t", "typing"}, {"conv", conv_b}, {"on", true}}), "not_found: no such conversation");
  EXPECT_EQ(error_of(*a, {{"t", "typing"}, {"conv", 424242}, {"on", true}}), "not_found: no such conversation");
  EXPECT_EQ(error_of(*a, {{"t", "older"}, {"conv", conv_b}, {"before", 5}}), "not_found: no such conversation");
  // My own chat: the real reasons.
  EXPECT_EQ(error_of(*a, {{"t", "transfer"}, {"conv", conv_a}, {"to", me}}),
            "bad_request: the conversation is already yours");
}

// --------------------------------------------------------------------- sessions

TEST(Security, LogoutClosesOpenConsolesAtOnceAndTheyGoOffline) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  std::string csrf = csrf_of(srv, cookie);
  auto console = std::make_unique<WsClient>();
  ASSERT_EQ(console->connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  read_snapshot(*console);
  auto va = visitor(srv, srv.site_a);  // live chat is open: the agent is online
  EXPECT_TRUE(va->welcome.at("open").as_bool());
  // A foreign Origin cannot log anyone out, and is told why.
  auto foreign = http_request(srv.port, "POST", "/api/logout", "", cookie,
                              "X-CSRF-Token: " + csrf + "\nOrigin: https://evil.example");
  EXPECT_EQ(foreign.status, 403);
  EXPECT_NE(foreign.body.find("Origin 'https://evil.example' is not this site"), std::string::npos) << foreign.body;
  auto out = http_request(srv.port, "POST", "/api/logout", "", cookie,
                          "X-CSRF-Token: " + csrf + "\nOrigin: " + origin_of(srv));
  EXPECT_EQ(out.status, 204);
  expect_session_ended(*console);
  // Offline at once, not after the grace period: visitors see the chat closed.
  auto avail = va->ws.recv_type("avail", 10s);
  ASSERT_TRUE(avail);
  EXPECT_FALSE(avail->at("open").as_bool());
  WsClient again;
  EXPECT_EQ(again.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 401);
  // The ended session's cookie, sent again, is answered 401 and cleared (and the console's hint).
  auto stale = http_request(srv.port, "GET", "/api/me", "", cookie);
  EXPECT_EQ(stale.status, 401);
  EXPECT_EQ(stale.set_cookie.substr(0, 15), "tiski_session=;");
  EXPECT_NE(stale.set_cookie.find("Max-Age=0"), std::string::npos);
}

TEST(Security, AnExpiringSessionClosesItsConsole) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  {
    auto st = srv.open_store();
    // The session ends in four seconds (it would in 14 days): time to connect on a busy machine.
    ASSERT_TRUE(st->begin().ok());
    auto token = cookie.substr(cookie.find('=') + 1);
    auto found = st->session_by_hash(crypto::sha256_hex(token), 0);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(st->delete_session(found->token_hash).ok());
    found->expires_at = now_ms() + 4000;
    ASSERT_TRUE(st->create_session(*found).ok());
    ASSERT_TRUE(st->commit().ok());
  }
  WsClient console;
  ASSERT_EQ(console.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  read_snapshot(console);
  expect_session_ended(console);
}

// With --public-url the Origin must match its scheme, host and port.
TEST(Security, OriginIsComparedWithThePublicUrl) {
  Server srv(0, "[server]\npublic_url = \"https://chat.example.fi\"\n");
  std::string cookie = login(srv, "agentti@eramaa.demo");  // no Origin: curl, not a browser
  WsClient http_scheme, wrong_port, right;
  EXPECT_EQ(http_scheme.connect(srv.port, "/ws/agent", cookie, "http://chat.example.fi"), 403);
  EXPECT_EQ(wrong_port.connect(srv.port, "/ws/agent", cookie, "https://chat.example.fi:8443"), 403);
  EXPECT_EQ(right.connect(srv.port, "/ws/agent", cookie, "https://chat.example.fi"), 101);
  WsClient host_only;  // without public_url this would pass the Host comparison
  EXPECT_EQ(host_only.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 403);
}

TEST(Security, VisitorTokensOnlyInTheirCanonicalForm) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  auto again = visitor(srv, srv.site_a, v->token);
  EXPECT_EQ(again->id, v->id);
  auto padded = visitor(srv, srv.site_a, "0" + v->token);
  EXPECT_NE(padded->id, v->id);  // a new visitor, not this one
}

}  // namespace
}  // namespace tiski::testing
