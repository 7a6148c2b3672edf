// Regression tests of defects found trying Tiski as a new user and as an attacker would (large
// frames, abuse limits, leaks, silent new chats), against a real server over real sockets. Each
// failed before its fix.
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
#include "tests/harness.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

// --------------------------------------------------------------------------------- seeding

struct Seeded {
  std::vector<Id> convs;
  std::vector<Id> visitors;
};

// `n` waiting conversations of the demo tenant, each from its own visitor on a page with a
// long URL and title, and `msgs` messages of `body_bytes` in each.
Seeded seed_chats(Database& st, int n, int msgs, std::size_t body_bytes, std::size_t url_bytes = 2000) {
  Seeded out;
  auto site = st.site_by_key(**st.setting("demo_site_key"));
  EXPECT_TRUE(site.ok());
  EXPECT_TRUE(st.begin().ok());
  std::string url = "https://eramaa.demo/" + std::string(url_bytes > 20 ? url_bytes - 20 : 1, 'p');
  std::string title(300, 't');
  std::string body(body_bytes, 'x');
  Millis t = now_ms() - 60'000;
  for (int i = 0; i < n; ++i) {
    auto v = st.create_visitor(site->id, "fi", t);
    EXPECT_TRUE(st.update_visitor_page(v->id, url, title, t).ok());
    auto c = st.create_conversation(v->id, origin::kReactive, t + i);
    for (int m = 0; m < msgs; ++m) {
      Message msg;
      msg.conv_id = c->id;
      msg.author = "visitor";
      msg.author_id = v->id;
      msg.body = body;
      msg.cid = "s" + std::to_string(m);
      msg.at = t + i;
      EXPECT_TRUE(st.append_message(msg).ok());
    }
    out.convs.push_back(c->id);
    out.visitors.push_back(v->id);
  }
  EXPECT_TRUE(st.commit().ok());
  return out;
}

// The list frames a console gets after its snapshot, or in answer to list.
object next_list(WsClient& ws) {
  auto f = ws.recv_type("list", 10s);
  EXPECT_TRUE(f);
  return f ? *f : object{};
}

bool alive(WsClient& ws) {
  ws.send({{"t", "ping"}});
  return ws.recv_type("pong", 10s).has_value();
}

std::string error_of(WsClient& ws, const object& frame) {
  ws.send(frame);
  auto e = ws.recv_type("error");
  return e ? std::string(e->at("code").as_string()) + ": " + std::string(e->at("message").as_string()) : "no error";
}

std::string csrf_of(const Server& s, const std::string& cookie) {
  auto me = http_request(s.port, "GET", "/api/me", "", cookie);
  return std::string(boost::json::parse(me.body).as_object().at("csrf").as_string());
}

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
  std::this_thread::sleep_for(500ms);  // 30 chats assigned
  consoles[0]->close();
  std::this_thread::sleep_for(3s);  // its three return to the queue
  for (std::size_t i = 1; i < consoles.size(); ++i) EXPECT_TRUE(alive(*consoles[i])) << "console " << i;
  auto q = http_request(srv.port, "GET", "/api/tenants/1/queue", "", login(srv, "a0@eramaa.demo"));
  ASSERT_EQ(q.status, 200);
  auto queue = boost::json::parse(q.body).as_object();
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

  // New visitors (each hello without a token stores one) per address.
  int welcomed = 0, limited = 0;
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
  EXPECT_EQ(welcomed, static_cast<int>(limits::kNewVisitorBurstPerAddress));
  EXPECT_EQ(limited, 40 - welcomed);

  // New conversations per address: 25 visitors each start one.
  int started = 0, refused = 0;
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
  EXPECT_EQ(started, static_cast<int>(limits::kConversationBurstPerAddress));
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
  auto err = console->recv_type("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("code").as_string(), "unauthorized");
  EXPECT_FALSE(console->recv(3s));
  EXPECT_EQ(console->close_code(), kCloseSessionEnded);
  // Offline at once, not after the grace period: visitors see the chat closed.
  auto avail = va->ws.recv_type("avail", 3s);
  ASSERT_TRUE(avail);
  EXPECT_FALSE(avail->at("open").as_bool());
  WsClient again;
  EXPECT_EQ(again.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 401);
}

TEST(Security, AnExpiringSessionClosesItsConsole) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  {
    auto st = srv.open_store();
    // The session ends in two seconds (it would in 14 days).
    ASSERT_TRUE(st->begin().ok());
    auto token = cookie.substr(cookie.find('=') + 1);
    auto found = st->session_by_hash(crypto::sha256_hex(token), 0);
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(st->delete_session(found->token_hash).ok());
    found->expires_at = now_ms() + 2000;
    ASSERT_TRUE(st->create_session(*found).ok());
    ASSERT_TRUE(st->commit().ok());
  }
  WsClient console;
  ASSERT_EQ(console.connect(srv.port, "/ws/agent", cookie, origin_of(srv)), 101);
  read_snapshot(console);
  auto err = console.recv_type("error", 5s);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("code").as_string(), "unauthorized");
  EXPECT_FALSE(console.recv(3s));
  EXPECT_EQ(console.close_code(), kCloseSessionEnded);
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

// ------------------------------------------------------- items 5 and 7: bad input

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

// -------------------------------------------------------------- items 11, 12, 15, 16

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
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("1", "Ensimmäinen kysymys"));
  ASSERT_GT(ack_seq(v->ws, "1"), 0);
  v->ws.send(send_frame("2", "Onko kukaan paikalla?"));
  ASSERT_GT(ack_seq(v->ws, "2"), 0);
  auto p = a->recv_type("previews", 3s);
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

// -------------------------------------------------------------------- items 17 and 19

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
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
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
