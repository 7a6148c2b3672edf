// Several nodes (issue 15, docs/scaling.md): two `tiski serve` processes sharing one PostgreSQL
// and one Redis, started here (scripts/services.sh). The visitor is on one node and the agent on
// the other: presence, routing, messages both ways, typing and closing cross; another tenant's
// agent sees none of it. Then the faults, three rounds each: a node killed with SIGKILL under
// steady load (its visitors go to the other node and resync, nothing acknowledged is lost, the
// dead node's tenants are routed by the survivor), and Redis killed and started again (fan-out
// resumes by itself, every client is asked to reconnect with 1012 and gets what it missed).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "chat/cluster/cluster.h"
#include "chat/core/session.h"
#include "tests/e2e_helpers.h"
#include "tests/harness.h"
#include "util/limits.h"

namespace tiski::testing {
namespace {

constexpr Id kEramaa = 1;  // the demo's first tenant

// PostgreSQL and Redis in a temporary directory, for this test only.
class Services {
 public:
  Services() {
    char tmpl[] = "/tmp/tiski-cluster-XXXXXX";
    if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    ::chmod(dir_.c_str(), 0755);  // PostgreSQL runs as another user
    ok_ = run("start " + dir_ + " pg redis") == 0;
    std::ifstream env(dir_ + "/env");
    for (std::string line; std::getline(env, line);) {
      if (line.starts_with("TISKI_PG_URL=")) pg = line.substr(13);
      if (line.starts_with("TISKI_REDIS_URL=")) redis = line.substr(16);
    }
  }
  ~Services() {
    run("stop " + dir_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  bool ok() const { return ok_ && !pg.empty() && !redis.empty(); }
  void kill_redis() {
    std::ifstream in(dir_ + "/redis/redis.pid");
    pid_t pid = 0;
    in >> pid;
    ASSERT_GT(pid, 0);
    ::kill(pid, SIGKILL);
    for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(20ms);
  }
  void start_redis() { ASSERT_EQ(run("start " + dir_ + " redis"), 0); }
  std::string pg, redis;

 private:
  int run(const std::string& args) {
    std::string cmd = "PG_FSYNC=off " TISKI_SOURCE_DIR "/scripts/services.sh " + args + " >/dev/null 2>&1";
    return std::system(cmd.c_str());
  }
  std::string dir_;
  bool ok_ = false;
};

// Two node names of which the first owns `tenant` (rendezvous hashing, chat/cluster/cluster.h).
std::pair<std::string, std::string> names_where_first_owns(Id tenant) {
  for (int i = 0;; ++i) {
    std::string a = "node-a" + std::to_string(i), b = "node-b" + std::to_string(i);
    if (cluster::owner_of(tenant, {a, b}) == a) return {a, b};
  }
}

std::string node_config(const Services& s, const std::string& node, bool unlimited = true) {
  return (unlimited ? kLoopbackUnlimited : std::string()) + "[cluster]\nbus = \"" + s.redis + "\"\nnode = \"" + node +
         "\"\n";
}

// A metric's value in the server's /metrics text (-1 if absent).
long long metric(const Server& s, const std::string& name) {
  auto text = metrics(s).body;
  auto at = text.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoll(text.substr(at + name.size() + 2));
}

bool eventually(const std::function<bool()>& f, std::chrono::milliseconds within) {
  auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return f();
}

// The first frame of type `t` about conversation `conv` (a "conv" frame's conv.id, else "conv").
std::optional<object> recv_about(WsClient& ws, const std::string& t, std::int64_t conv,
                                 std::chrono::milliseconds within = 5s) {
  auto end = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < end) {
    auto f = ws.recv(std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()));
    if (!f) return std::nullopt;
    if (f->at("t").as_string() != t) continue;
    if (t == "conv" && f->at("conv").as_object().at("id").as_int64() == conv) return f;
    if (t == "msg" && f->at("m").as_object().at("conv").as_int64() == conv) return f;
    if (t != "conv" && t != "msg" && f->contains("conv") && f->at("conv").as_int64() == conv) return f;
  }
  return std::nullopt;
}

// Points the harness's servers at this test's PostgreSQL while it lives.
class UsePostgres {
 public:
  explicit UsePostgres(const std::string& url) {
    const char* b = std::getenv("TISKI_E2E_PG");
    had_ = b != nullptr;
    if (b) before_ = b;
    ::setenv("TISKI_E2E_PG", url.c_str(), 1);
  }
  ~UsePostgres() {
    if (had_) {
      ::setenv("TISKI_E2E_PG", before_.c_str(), 1);
    } else {
      ::unsetenv("TISKI_E2E_PG");
    }
  }

 private:
  bool had_ = false;
  std::string before_;
};

// Two nodes that know each other (each counts two nodes).
struct TwoNodes {
  explicit TwoNodes(Services& s, bool unlimited = true) : names(names_where_first_owns(kEramaa)), pg(s.pg) {
    a = std::make_unique<Server>(0, node_config(s, names.first, unlimited));
    b = std::make_unique<Server>(*a, node_config(s, names.second, unlimited));
    joined();
  }
  void joined() const {
    EXPECT_TRUE(eventually(
        [&] { return metric(*a, "tiski_cluster_nodes") == 2 && metric(*b, "tiski_cluster_nodes") == 2; }, 10s))
        << "the nodes did not find each other";
  }
  std::pair<std::string, std::string> names;
  UsePostgres pg;
  std::unique_ptr<Server> a, b;
};

#define NEED_SERVICES(svc)                                                                  \
  if (!PgServer_installed() || std::system("command -v redis-server >/dev/null 2>&1") != 0) \
    GTEST_SKIP() << "PostgreSQL 15 and Redis are needed (scripts/install-deps.sh)";         \
  Services svc;                                                                             \
  ASSERT_TRUE(svc.ok()) << "scripts/services.sh could not start PostgreSQL and Redis"

bool PgServer_installed() { return fs::exists("/usr/lib/postgresql/15/bin/initdb"); }

TEST(Cluster, AVisitorOnOneNodeChatsWithAnAgentOnAnother) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);
  auto& a = *n.a;
  auto& b = *n.b;
  EXPECT_EQ(metric(a, "tiski_cluster_owned_tenants") + metric(b, "tiski_cluster_owned_tenants"), 2)
      << "each of the two demo tenants has one owner";
  auto other = agent(a, "agentti@pyorapaja.demo");  // another tenant's agent, on the visitor's node
  auto ag = agent(b, "agentti@eramaa.demo");
  // The agent's console is on node b: live chat is open for a visitor on node a.
  std::unique_ptr<Visitor> v;
  ASSERT_TRUE(eventually(
      [&] {
        v = visitor(a, a.site_a);
        return v->welcome.at("open").as_bool();
      },
      5s))
      << "live chat stayed closed on the other node";
  v->ws.send(send_frame("v1", "Onko teltta varastossa?"));
  ASSERT_GT(ack_seq(v->ws, "v1"), 0);
  // The chat is routed to the agent on node b (by node a, the tenant's owner).
  std::int64_t conv = 0;
  std::optional<object> active;
  for (auto f = ag->recv_type("conv", 5s); f; f = ag->recv_type("conv", 5s)) {
    auto c = f->at("conv").as_object();
    conv = c.at("id").as_int64();
    if (c.at("status") == "active") {
      active = f;
      break;
    }
  }
  ASSERT_TRUE(active) << "the chat was not routed to the agent on the other node";
  EXPECT_EQ(active->at("conv").as_object().at("assignee_name"), "Aino Virtanen");
  ag->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto hist = ag->recv_type("history");
  ASSERT_TRUE(hist);
  EXPECT_EQ(hist->at("msgs").as_array().back().as_object().at("body"), "Onko teltta varastossa?");
  // Typing and messages, both ways.
  ag->send({{"t", "typing"}, {"conv", conv}, {"on", true}});
  auto typing = v->ws.recv_type("typing");
  ASSERT_TRUE(typing) << "the agent's typing did not reach the visitor's node";
  EXPECT_TRUE(typing->at("on").as_bool());
  ag->send({{"t", "send"}, {"conv", conv}, {"cid", "a1"}, {"body", "On, kolme kappaletta."}});
  ASSERT_GT(ack_seq(*ag, "a1"), 0);
  auto reply = recv_about(v->ws, "msg", conv);
  ASSERT_TRUE(reply) << "the agent's reply did not reach the visitor's node";
  EXPECT_EQ(reply->at("m").as_object().at("body"), "On, kolme kappaletta.");
  v->ws.send({{"t", "typing"}, {"on", true}});
  EXPECT_TRUE(recv_about(*ag, "typing", conv)) << "the visitor's typing did not reach the agent's node";
  v->ws.send(send_frame("v2", "Kiitos!"));
  ASSERT_GT(ack_seq(v->ws, "v2"), 0);
  auto thanks = recv_about(*ag, "msg", conv);
  ASSERT_TRUE(thanks);
  EXPECT_EQ(thanks->at("m").as_object().at("body"), "Kiitos!");
  // Closed on node b, seen on node a.
  ag->send({{"t", "close"}, {"conv", conv}});
  bool closed = false;
  while (!closed) {
    auto f = v->ws.recv_type("conv", 5s);
    if (!f) break;
    closed = f->at("conv").as_object().at("status") == "closed";
  }
  EXPECT_TRUE(closed) << "the close did not reach the visitor's node";
  // The other tenant's agent, on node a all along, saw nothing of it.
  while (auto f = other->recv(300ms)) {
    auto text = boost::json::serialize(*f);
    EXPECT_EQ(text.find("Erämaa"), std::string::npos) << text;
    EXPECT_EQ(text.find("teltta"), std::string::npos) << text;
  }
}

// The queue, its positions and a transfer with the visitors, the queue and the agents spread
// over both nodes: positions are announced by each visitor's own node from the same queue.
TEST(Cluster, QueuePositionsAndATransferAcrossNodes) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);
  auto& a = *n.a;
  auto& b = *n.b;
  ASSERT_EQ(a.admin({"agent", "update", "--email", "agentti@eramaa.demo", "--max-chats", "1"}), 0);
  add_agent(a, "bertta@eramaa.demo", 3);  // made while both nodes run: they learn her when she logs in
  object aino_snap;
  auto aino = agent(b, "agentti@eramaa.demo", &aino_snap);
  auto status_of = [](WsClient& ws, std::string* who = nullptr) {
    auto f = ws.recv_type("conv", 10s);
    if (!f) return std::string("none");
    const auto& c = f->at("conv").as_object();
    if (who && c.contains("agent")) *who = std::string(c.at("agent").as_string());
    return std::string(c.at("status").as_string());
  };
  std::unique_ptr<Visitor> v1;
  ASSERT_TRUE(eventually(
      [&] {
        v1 = visitor(a, a.site_a);
        return v1->welcome.at("open").as_bool();
      },
      5s));
  v1->ws.send(send_frame("c", "Ensimmäinen"));
  std::string st;
  while ((st = status_of(v1->ws)) == "waiting") {}
  ASSERT_EQ(st, "active");
  // Aino (capacity 1) is busy: the next two wait, one on each node, in arrival order.
  auto waits = [](const Server& node, const std::string& body, std::int64_t position) {
    auto v = visitor(node, node.site_a);
    v->ws.send(send_frame("c", body));
    EXPECT_GT(ack_seq(v->ws, "c"), 0);
    auto q = v->ws.recv_type("queue", 5s);
    EXPECT_TRUE(q) << "no queue position on the node on port " << node.port;
    if (q) {
      EXPECT_EQ(q->at("position").as_int64(), position);
    }
    return v;
  };
  auto v2 = waits(a, "Toinen", 1);
  auto v3 = waits(b, "Kolmas", 2);
  // Aino closes the first chat on node b: the owner serves the second visitor, whose node tells it.
  std::int64_t first = 0;
  {
    auto convs = a.open_store()->conversations_of_visitor(v1->id, 5);
    ASSERT_TRUE(convs.ok() && !convs->empty());
    first = convs->front().id;
  }
  aino->send({{"t", "close"}, {"conv", first}});
  std::string who;
  while ((st = status_of(v2->ws, &who)) == "waiting") {}
  EXPECT_EQ(st, "active");
  EXPECT_EQ(who, "Aino Virtanen");
  auto q3b = v3->ws.recv_type("queue", 5s);
  ASSERT_TRUE(q3b);
  EXPECT_EQ(q3b->at("position").as_int64(), 1) << "the queue moved on the other node too";
  // Bertta logs in on node a: the third visitor (on node b) is hers.
  object bsnap;
  auto bertta = agent(a, "bertta@eramaa.demo", &bsnap);
  Id bertta_id = bsnap.at("agent").as_object().at("id").as_int64();
  while ((st = status_of(v3->ws, &who)) == "waiting") {}
  EXPECT_EQ(st, "active");
  EXPECT_EQ(who, "Bertta Berg");
  // Aino, on node b, hands the second chat to Bertta, on node a.
  std::int64_t second = a.open_store()->conversations_of_visitor(v2->id, 5)->front().id;
  aino->send({{"t", "transfer"}, {"conv", second}, {"to", bertta_id}, {"note", "Palautus, tilaus 1234"}});
  std::string now_with;
  while ((st = status_of(v2->ws, &now_with)) == "active" && now_with != "Bertta Berg") {}
  EXPECT_EQ(now_with, "Bertta Berg");
  bertta->send({{"t", "watch"}, {"conv", second}, {"after", 0}});
  ASSERT_TRUE(bertta->recv_type("history"));
  bertta->send({{"t", "send"}, {"conv", second}, {"cid", "b1"}, {"body", "Hei, hoidan palautuksen."}});
  ASSERT_GT(ack_seq(*bertta, "b1"), 0);
  bool got = false;
  while (auto f = v2->ws.recv_type("msg", 5s)) {
    if (f->at("m").as_object().at("body") == "Hei, hoidan palautuksen.") {
      got = true;
      break;
    }
  }
  EXPECT_TRUE(got) << "Bertta's reply did not reach the visitor";
}

// The live visitor list of a console on node b shows the shoppers on node a too: those there
// before it followed the list (its first frame), new ones and their page changes (deltas), the
// count, a cart; another tenant's never; a visitor who leaves or whose node dies goes.
TEST(Cluster, TheLiveVisitorListShowsTheVisitorsOfEveryNode) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);
  auto& a = *n.a;
  auto& b = *n.b;
  auto early = visitor(a, a.site_a);
  auto foreign = visitor(a, a.site_b);  // the other tenant's shopper, on the same node
  auto ag = agent(b, "agentti@eramaa.demo");
  // Each node sends its entries as they change: the console's first frame has the early one.
  bool listed = eventually(
      [&] {
        auto again = agent(b, "agentti@eramaa.demo");
        again->send({{"t", "visitors"}, {"on", true}});
        auto list = again->recv_type("visitors");
        if (!list || list->at("list").as_array().empty()) return false;
        EXPECT_EQ(list->at("total").as_int64(), 1) << boost::json::serialize(*list);
        return list->at("list").as_array().front().as_object().at("id").as_int64() == early->id;
      },
      5s);
  ASSERT_TRUE(listed) << "the shopper on node a is not in node b's list";
  ag->send({{"t", "visitors"}, {"on", true}});
  ASSERT_TRUE(ag->recv_type("visitors"));
  auto later = visitor(a, a.site_a);
  auto shown = ag->recv_type("visitor");
  ASSERT_TRUE(shown) << "a new shopper on node a did not reach node b's console";
  EXPECT_EQ(shown->at("v").as_object().at("id").as_int64(), later->id);
  later->ws.send(
      {{"t", "page"}, {"page", object{{"url", "https://eramaa.demo/reput.html"}, {"title", "Reput"}}}, {"pages", 2}});
  auto moved = ag->recv_type("visitor");
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->at("v").as_object().at("page").as_object().at("title").as_string(), "Reput");
  EXPECT_EQ(moved->at("v").as_object().at("path").as_array().size(), 2u);
  // A cart reported on node a reaches node b's console with the entry.
  later->ws.send({{"t", "track"}, {"cart", object{{"cents", 12990}, {"currency", "EUR"}, {"items", 2}}}});
  auto carted = ag->recv_type("visitor");
  ASSERT_TRUE(carted);
  ASSERT_TRUE(carted->at("v").as_object().contains("cart")) << boost::json::serialize(*carted);
  EXPECT_EQ(carted->at("v").as_object().at("cart").as_object().at("cents").as_int64(), 12990);
  EXPECT_EQ(carted->at("v").as_object().at("cart").as_object().at("currency").as_string(), "EUR");
  // The count every console of the tenant gets is the workspace's, not node b's.
  auto other = agent(b, "agentti@eramaa.demo");
  auto count = other->recv_type("live_count");
  while (count && count->at("n").as_int64() != 2) count = other->recv_type("live_count");
  ASSERT_TRUE(count) << "the count did not reach 2";
  // Node a dies: its shoppers leave node b's list (once b has found a silent).
  n.a->stop(SIGKILL);
  std::set<std::int64_t> gone;
  while (gone.size() < 2) {
    auto f = ag->recv_type("visitor_gone", 15s);
    if (!f) break;
    gone.insert(f->at("id").as_int64());
  }
  EXPECT_EQ(gone, (std::set<std::int64_t>{early->id, later->id}));
}

// The limits per address hold across nodes: sockets one address holds on node a count on node
// b (within about a second: each node reports what it allowed once a second).
TEST(Cluster, TheLimitsPerAddressHoldAcrossNodes) {
  NEED_SERVICES(svc);
  TwoNodes n(svc, /*unlimited=*/false);
  std::vector<std::unique_ptr<WsClient>> held;
  for (int i = 0; i < 60; ++i) {
    held.push_back(std::make_unique<WsClient>());
    ASSERT_EQ(held.back()->connect(n.a->port, "/ws/visitor"), 101) << i;
  }
  const int room = static_cast<int>(limits::kMaxConnectionsPerAddress) - 60;
  int opened = 0;
  // Node a's report reaches node b within about a second; on a busy machine later: until b
  // refuses in time (at most ~15 s), closing what it let in too many and trying again.
  for (int round = 0; round < 10; ++round) {
    std::this_thread::sleep_for(round == 0 ? 2500ms : 1000ms);
    std::vector<std::unique_ptr<WsClient>> on_b;
    opened = 0;
    for (int i = 0; i < static_cast<int>(limits::kMaxConnectionsPerAddress); ++i) {
      on_b.push_back(std::make_unique<WsClient>());
      int status = on_b.back()->connect(n.b->port, "/ws/visitor");
      if (status != 101) {
        EXPECT_EQ(status, 429);
        break;
      }
      ++opened;
    }
    if (opened <= room) break;
  }
  EXPECT_EQ(opened, room) << "node b did not count the sockets the address holds on node a";
}

// Proactive invitations across nodes: the rules an admin saves through node b reach node a at
// once (settings read anew), node a invites its visitor because the agent's console on node b
// has a free seat, and the answer is a proactive chat the agent on node b gets.
TEST(Cluster, RulesSavedOnOneNodeInviteVisitorsOnAnother) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);
  auto& a = *n.a;
  auto& b = *n.b;
  std::string cookie = login(b, "agentti@eramaa.demo");
  std::string csrf(
      boost::json::parse(http_request(b.port, "GET", "/api/me", "", cookie).body).as_object().at("csrf").as_string());
  std::string rules = R"([{"id": 5, "name": "teltat", "when": {"all": [{"category": "teltat"}, {"idle_s": 1}]},
    "action": {"mode": "open", "text": {"fi": "Voinko auttaa teltan valinnassa?", "en": "Can I help?"}},
    "cap": {"once_per_visit": true}}])";
  auto put = http_request(b.port, "PUT", "/api/sites/" + b.site_a + "/rules", rules, cookie, "X-CSRF-Token: " + csrf);
  ASSERT_EQ(put.status, 200) << put.body;
  auto ag = std::make_unique<WsClient>();
  ASSERT_EQ(ag->connect(b.port, "/ws/agent", cookie, origin_of(b)), 101);
  ASSERT_TRUE(ag->recv_type("snapshot"));
  auto v = std::make_unique<Visitor>();
  ASSERT_EQ(v->ws.connect(a.port, "/ws/visitor"), 101);
  v->ws.send(object{
      {"t", "hello"},
      {"site", a.site_a},
      {"lang", "fi"},
      {"page", object{{"url", "https://eramaa.demo/teltta.html"}, {"title", "Vaellus 2"}, {"category", "teltat"}}},
      {"visit", object{{"id", "visit-1"}, {"age_s", 120}, {"pages", 3}}}});
  ASSERT_TRUE(v->ws.recv_type("welcome"));
  v->ws.send({{"t", "track"}, {"idle", true}});
  auto inv = v->ws.recv_type("invite", 8s);
  ASSERT_TRUE(inv) << "node a did not invite: the rules or the agent on node b did not reach it";
  EXPECT_EQ(inv->at("rule").as_int64(), 5);
  v->ws.send(send_frame("p1", "Joo, tarvitsen kahden hengen teltan"));
  ASSERT_GT(ack_seq(v->ws, "p1"), 0);
  auto c = ag->recv_type("conv");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->at("conv").as_object().at("origin").as_string(), "proactive");
  EXPECT_EQ(c->at("conv").as_object().at("rule").as_int64(), 5);
  // Logging out through node a closes the console on node b at once, and the visitor on node a
  // sees live chat close (the agent is offline everywhere).
  auto out =
      http_request(a.port, "POST", "/api/logout", "", cookie, "X-CSRF-Token: " + csrf + "\nOrigin: " + origin_of(a));
  EXPECT_EQ(out.status, 204);
  expect_session_ended(*ag);
  auto avail = v->ws.recv_type("avail", 5s);
  ASSERT_TRUE(avail);
  EXPECT_FALSE(avail->at("open").as_bool());
}

// Attachments: with the nodes' [store] files on one shared directory, a file a visitor sent
// through node a is served by node b (to the visitor, and to the agent of the tenant).
TEST(Cluster, AFileSentThroughOneNodeIsServedByTheOther) {
  NEED_SERVICES(svc);
  fs::path shared = fs::temp_directory_path() / ("tiski-shared-files-" + std::to_string(::getpid()));
  fs::create_directories(shared);
  auto names = names_where_first_owns(kEramaa);
  UsePostgres pg(svc.pg);
  std::string files = "[store]\nfiles = \"" + shared.string() + "\"\n";
  Server a(0, node_config(svc, names.first) + files);
  Server b(a, node_config(svc, names.second) + files);
  auto v = visitor(a, a.site_a);
  const std::string pdf = "%PDF-1.4 kuitti 1234";
  auto up = http_request(a.port, "POST", "/api/visitor/files?cid=f1&name=kuitti.pdf", pdf, "",
                         "Authorization: Bearer " + v->token);
  ASSERT_EQ(up.status, 201) << up.body;
  auto reply = boost::json::parse(up.body).as_object();
  auto file = reply.at("m").at("files").at(0).at("id").as_int64();
  auto conv = reply.at("conv").as_int64();
  auto mine = http_request(b.port, "GET", "/api/visitor/files/" + std::to_string(file), "", "",
                           "Authorization: Bearer " + v->token);
  EXPECT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.body, pdf);
  std::string cookie = login(b, "agentti@eramaa.demo");
  auto theirs =
      http_request(b.port, "GET", "/api/conversations/" + std::to_string(conv) + "/files/" + std::to_string(file), "",
                   cookie, "Origin: " + origin_of(b));
  EXPECT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.body, pdf);
  fs::remove_all(shared);
}

// A visitor of the load: its conversation's messages it sent and had acknowledged.
struct Chatter {
  std::unique_ptr<Visitor> v;
  std::string token;
  std::int64_t visitor_id = 0;
  std::int64_t last_seq = 0;
  std::set<std::string> acked;
  // Sends `cid` and waits for its ack: false if the connection went first.
  bool send(const std::string& cid) {
    v->ws.send(send_frame(cid, "viesti " + cid));
    for (;;) {
      auto f = v->ws.recv(5s);
      if (!f) return false;
      auto t = f->at("t").as_string();
      if (t == "msg") last_seq = std::max(last_seq, f->at("m").as_object().at("seq").as_int64());
      if (t == "ack" && f->at("cid").as_string() == cid) {
        last_seq = std::max(last_seq, f->at("seq").as_int64());
        acked.insert(cid);
        return true;
      }
      if (t == "error") {
        ADD_FAILURE() << boost::json::serialize(*f);
        return false;
      }
    }
  }
};

// The demo's agent may hold 50 chats (every round's load stays open). The nodes learn it when
// the console connects (the running nodes read agents at start and when an admin changes one).
void roomy_agent(const Server& srv) {
  ASSERT_EQ(srv.admin({"agent", "update", "--email", "agentti@eramaa.demo", "--max-chats", "50"}), 0);
}

// Waits for the server to close the socket; its close code (0: still open).
int closed_with(WsClient& ws, std::chrono::milliseconds within) {
  // One read with the whole time left (a read that times out ends the client's stream).
  auto end = std::chrono::steady_clock::now() + within;
  while (!ws.closed()) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ws.recv(left)) break;
  }
  return ws.close_code();
}

TEST(Cluster, ANodeKilledUnderLoadLosesNothingAndTheOtherRoutesItsTenant) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);  // a owns the demo tenant: it routes its chats
  roomy_agent(*n.a);
  auto ag = agent(*n.b, "agentti@eramaa.demo");  // the agent's console is on the node that survives
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::vector<Chatter> load(2);
    for (auto& c : load) {
      c.v = visitor(*n.a, n.a->site_a);
      c.token = c.v->token;
      c.visitor_id = c.v->id;
    }
    // Steady load on node a, then SIGKILL while each visitor has a message in flight.
    for (int i = 0; i < 5; ++i) {
      for (std::size_t k = 0; k < load.size(); ++k)
        ASSERT_TRUE(load[k].send("m" + std::to_string(i) + "-" + std::to_string(k)));
    }
    for (std::size_t k = 0; k < load.size(); ++k)
      load[k].v->ws.send(send_frame("inflight-" + std::to_string(k), "viesti kesken"));
    n.a->stop(SIGKILL);
    // The visitors come back through the other node (nginx would send them there), resync from
    // their last sequence number and send again what was not acknowledged.
    for (std::size_t k = 0; k < load.size(); ++k) {
      auto& c = load[k];
      c.v = visitor(*n.b, n.b->site_a, c.token, c.last_seq);
      ASSERT_EQ(c.v->id, c.visitor_id);
      ASSERT_TRUE(c.send("inflight-" + std::to_string(k))) << "re-sent after the failover";
      for (int i = 5; i < 8; ++i) ASSERT_TRUE(c.send("m" + std::to_string(i) + "-" + std::to_string(k)));
    }
    // A new chat on the survivor: the dead node owned its tenant; within seconds node b does.
    auto fresh = visitor(*n.b, n.b->site_a);
    fresh->ws.send(send_frame("new", "Onko kukaan paikalla?"));
    ASSERT_GT(ack_seq(fresh->ws, "new"), 0);
    // Waiting first; then, once node b has found node a silent (cluster::kNodeTimeoutMs), active.
    std::string st = "none", who;
    while (auto f = fresh->ws.recv_type("conv", 15s)) {
      st = std::string(f->at("conv").as_object().at("status").as_string());
      if (st != "waiting") {
        const auto* agent = f->at("conv").as_object().if_contains("agent");
        if (agent) who = std::string(agent->as_string());
        break;
      }
    }
    ASSERT_EQ(st, "active") << "the dead node's tenant was not routed by the survivor\n" << n.b->log();
    EXPECT_EQ(who, "Aino Virtanen");
    EXPECT_EQ(metric(*n.b, "tiski_cluster_nodes"), 1);
    for (const auto& c : load) expect_stored_once(*n.b, c.visitor_id, c.acked);
    // The node comes back and takes its tenant again.
    n.a->start();
    n.joined();
  }
}

TEST(Cluster, ARedisRestartResumesFanOutAndClientsResyncWhatTheyMissed) {
  NEED_SERVICES(svc);
  TwoNodes n(svc);
  roomy_agent(*n.a);
  auto ag = agent(*n.b, "agentti@eramaa.demo");
  Chatter c;
  c.v = visitor(*n.a, n.a->site_a);
  c.token = c.v->token;
  c.visitor_id = c.v->id;
  ASSERT_TRUE(c.send("hello"));
  std::int64_t conv = 0;
  while (!conv) {
    auto f = ag->recv_type("conv", 5s);
    if (!f) break;
    if (f->at("conv").as_object().at("status") == "active") conv = f->at("conv").as_object().at("id").as_int64();
  }
  ASSERT_GT(conv, 0) << "the chat was not routed across nodes";
  std::int64_t agent_seen = 0;  // the last sequence number the agent's console has
  ag->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto hist = ag->recv_type("history");
  ASSERT_TRUE(hist);
  agent_seen = hist->at("msgs").as_array().back().as_object().at("seq").as_int64();
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    svc.kill_redis();
    std::vector<std::string> during;
    for (int i = 0; i < 3; ++i) {  // stored and acknowledged: PostgreSQL is there
      during.push_back("r" + std::to_string(round) + "-" + std::to_string(i));
      ASSERT_TRUE(c.send(during.back()));
    }
    svc.start_redis();
    // Both nodes reconnect by themselves and ask their clients to reconnect (1012).
    EXPECT_EQ(closed_with(c.v->ws, 8s), 1012) << "the visitor's node did not resync its clients";
    EXPECT_EQ(closed_with(*ag, 8s), 1012) << "the agent's node did not resync its clients";
    // They do, and get what they missed.
    c.v = visitor(*n.a, n.a->site_a, c.token, c.last_seq);
    ag = agent(*n.b, "agentti@eramaa.demo");
    ag->send({{"t", "watch"}, {"conv", conv}, {"after", agent_seen}});
    auto missed = ag->recv_type("history");
    ASSERT_TRUE(missed);
    std::vector<std::string> got;
    for (const auto& m : missed->at("msgs").as_array()) {
      got.push_back(std::string(m.as_object().at("cid").as_string()));
      agent_seen = m.as_object().at("seq").as_int64();
    }
    EXPECT_EQ(got, during) << "the agent's console did not get what it missed";
    // Fan-out is back: a new message reaches the agent on the other node at once.
    std::string live = "live-" + std::to_string(round);
    ASSERT_TRUE(c.send(live));
    auto f = recv_about(*ag, "msg", conv);
    ASSERT_TRUE(f) << "fan-out did not resume";
    EXPECT_EQ(f->at("m").as_object().at("cid").as_string(), live);
    agent_seen = f->at("m").as_object().at("seq").as_int64();
  }
  expect_stored_once(*n.a, c.visitor_id, c.acked);
}

}  // namespace
}  // namespace tiski::testing
