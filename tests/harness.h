// The harness of the protocol tests: a real `tiski serve` child process on a free port with a
// freshly seeded demo workspace (two tenants: eramaa with agentti@eramaa.demo, and pyorapaja
// with agentti@pyorapaja.demo), and helpers that talk to it over real sockets.
#pragma once
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "store/pg/pg_engine.h"
#include "store/sqlite/sqlite_engine.h"
#include "tests/free_port.h"
#include "tests/ws_client.h"

extern "C" char** environ;

namespace tiski::testing {

// The server binary the tests run: $TISKI_BIN when set (the sanitizer steps point it at their
// ASan or TSan build of the server and reuse this test binary), else this build's.
inline std::string tiski_bin() {
  const char* e = std::getenv("TISKI_BIN");
  return e && *e ? std::string(e) : std::string(TISKI_BIN_DEFAULT);
}
#define TISKI_BIN ::tiski::testing::tiski_bin()

namespace fs = std::filesystem;
using boost::json::object;
using namespace std::chrono_literals;

// Runs the tool with its output to `out` (a file it writes anew); its exit status, or -1.
inline int run_tool(const std::vector<std::string>& args, const std::string& out = "/dev/null") {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) return -1;
  posix_spawn_file_actions_destroy(&fa);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every test server serves /metrics with this token (see metrics()).
inline constexpr const char* kMetricsToken = "test-metrics-token-0123456789";
inline const std::string kMetricsConfig = std::string("\n[metrics]\ntoken = \"") + kMetricsToken + "\"\n";
// For tests that open many connections or conversations from 127.0.0.1 on purpose.
inline const std::string kLoopbackUnlimited = "[limits]\nunlimited = [\"127.0.0.1\"]\n";

// With TISKI_E2E_PG set (a PostgreSQL URL whose role may create databases), every server keeps
// its store in a new database of that PostgreSQL (`--store`) instead of tiski.db: the protocol
// suite run against the PostgreSQL store (make test's "protocol tests on PostgreSQL").
inline std::string e2e_pg_database() {
  const char* base = std::getenv("TISKI_E2E_PG");
  if (!base || !*base) return {};
  static int n = 0;
  std::string url = base;
  std::string name = "e2e_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
  auto admin = PgStore::open(url);
  if (!admin) throw std::runtime_error("TISKI_E2E_PG: " + admin.error().message);
  auto made = (*admin)->engine().exec(("CREATE DATABASE " + name).c_str());
  if (!made) throw std::runtime_error("creating " + name + ": " + made.error().message);
  return url.substr(0, url.rfind('/') + 1) + name;
}
inline bool on_postgres() { return std::getenv("TISKI_E2E_PG") && *std::getenv("TISKI_E2E_PG"); }

// A `tiski serve` child process.
class Server {
 public:
  // `seed` runs on the freshly seeded demo data before the server starts (bulk test data).
  explicit Server(int fd_limit = 0, std::string config = {}, std::function<void(Database&)> seed = {})
      : fd_limit_(fd_limit), config_(config.find("[metrics]") == std::string::npos ? config + kMetricsConfig : config) {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("tiski-e2e-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    web_ = dir_ / "web";
    fs::create_directories(web_);
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html>";
    store_url_ = e2e_pg_database();
    if (store_url_.empty()) {
      EXPECT_EQ(run_tool({TISKI_BIN, "demo", "--data", (dir_ / "data").string()}), 0);
    } else {
      EXPECT_EQ(run_tool({TISKI_BIN, "demo", "--data", (dir_ / "data").string(), "--store", store_url_}), 0);
    }
    {
      auto store = open_store();
      site_a = **store->setting("demo_site_key");
      site_b = **store->setting("demo_site_key_2");
      if (seed) seed(*store);
    }
    port = free_port();
    start();
    secret = **open_store()->setting("visitor_token_secret");  // made by the first serve
  }
  // Another node of `first`'s workspace (docs/scaling.md): its PostgreSQL store, a data
  // directory of its own, nothing seeded; `config` names the bus they share.
  Server(const Server& first, std::string config)
      : store_url_(first.store_url_),
        config_(config.find("[metrics]") == std::string::npos ? config + kMetricsConfig : config) {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("tiski-e2e-node-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    web_ = dir_ / "web";
    fs::create_directories(web_);
    fs::create_directories(dir_ / "data");
    std::ofstream(dir_ / "web" / "index.html") << "<!doctype html>";
    EXPECT_FALSE(store_url_.empty()) << "nodes share a PostgreSQL store";
    site_a = first.site_a;
    site_b = first.site_b;
    secret = first.secret;
    port = free_port();
    start();
  }
  bool running() const { return pid_ > 0; }
  const fs::path& web_dir() const { return web_; }
  fs::path data_dir() const { return dir_ / "data"; }
  // The store of this server's data directory, for reading what it wrote (WAL: safe while it runs).
  std::unique_ptr<SqlStore> open_store() const {
    if (!store_url_.empty()) return std::move(PgStore::open(store_url_)).value();
    return std::move(SqliteStore::open((dir_ / "data" / "tiski.db").string())).value();
  }
  ~Server() {
    stop(SIGKILL);
    fs::remove_all(dir_);
  }

  void start() {
    std::vector<std::string> args = {
        TISKI_BIN,     "serve",
        "--data",      (dir_ / "data").string(),
        "--listen",    "127.0.0.1:" + std::to_string(port),
        "--web",       (dir_ / "web").string(),
        "--log-level", std::getenv("TISKI_E2E_LOG") ? std::getenv("TISKI_E2E_LOG") : "warn"};
    if (!store_url_.empty()) {
      args.push_back("--store");
      args.push_back(store_url_);
    }
    if (!config_.empty()) {
      std::ofstream(dir_ / "tiski.toml") << config_;
      args.push_back("--config");
      args.push_back((dir_ / "tiski.toml").string());
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::string log = (dir_ / "server.log").string();
    std::string said = (dir_ / "server.out").string();
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {  // only async-signal-safe calls until exec
      int out = ::open(said.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      ::dup2(out, 1);
      ::dup2(err, 2);
      if (fd_limit_ > 0) {
        rlimit r{static_cast<rlim_t>(fd_limit_), static_cast<rlim_t>(fd_limit_)};
        ::setrlimit(RLIMIT_NOFILE, &r);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    // Up to 30 s: a server under ASan loading thousands of open chats, with other shards on the
    // same two cores, took over 5 s (the bound before). Ours, not another shard's: two shards can
    // be handed the same free port, and the one that loses the bind exits while the other's
    // /healthz answers (a test then talked to the wrong server) — so its own "listening" line too.
    auto listening = [&said] {
      std::ifstream in(said);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      return text.find("Tiski listening on") != std::string::npos;
    };
    for (int i = 0; i < 1200; ++i) {
      try {
        if (listening() && http_request(port, "GET", "/healthz").status == 200) return;
      } catch (...) {}
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL() << "server exited while starting (status " << status << ")";
      }
      std::this_thread::sleep_for(25ms);
    }
    FAIL() << "server did not start";
  }

  // Sends `sig` and waits for the process; returns its exit status (or 128+signal).
  int stop(int sig) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, sig);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Runs an admin command of the tiski binary on this server's data directory.
  int admin(std::vector<std::string> args) const {
    args.insert(args.begin(), TISKI_BIN);
    args.push_back("--data");
    args.push_back((dir_ / "data").string());
    if (!store_url_.empty()) {
      args.push_back("--store");
      args.push_back(store_url_);
    }
    return run_tool(args);
  }

  std::string log() const {
    std::ifstream in(dir_ / "server.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // CPU seconds (user + system) the server has used.
  double cpu_seconds() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string stat(std::istreambuf_iterator<char>(in), {});
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14 || i == 15) ticks += std::stod(field);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

  std::uint16_t port = 0;
  std::string site_a, site_b;
  std::string secret;  // signs visitor tokens

 private:
  fs::path dir_;
  fs::path web_;
  pid_t pid_ = -1;
  std::string store_url_;  // the PostgreSQL database, with TISKI_E2E_PG
  int fd_limit_ = 0;
  std::string config_;
};

// The server's Prometheus text.
inline HttpReply metrics(const Server& s) {
  return http_request(s.port, "GET", "/metrics", "", "", std::string("Authorization: Bearer ") + kMetricsToken);
}

// The Origin a browser on the console page sends.
inline std::string origin_of(const Server& s) { return "http://127.0.0.1:" + std::to_string(s.port); }

// A Python test server of tests/ (smtp_sink.py, hook_sink.py) in a child process on 127.0.0.1:
// it writes its port to dir()/port once it listens, and what it receives into dir().
class SinkProcess {
 public:
  SinkProcess(const std::string& script, const std::string& name) {
    static int n = 0;
    dir_ = fs::temp_directory_path() / ("tiski-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    fs::remove_all(dir_);
    std::vector<std::string> args = {"/usr/bin/python3", std::string(TISKI_SOURCE_DIR) + "/tests/" + script,
                                     dir_.string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ), 0);
    for (int i = 0; i < 800 && !fs::exists(dir_ / "port"); ++i) std::this_thread::sleep_for(25ms);
    std::ifstream(dir_ / "port") >> port;
    EXPECT_GT(port, 0) << script << " did not start";
  }
  ~SinkProcess() {
    ::kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    fs::remove_all(dir_);
  }
  SinkProcess(const SinkProcess&) = delete;
  SinkProcess& operator=(const SinkProcess&) = delete;
  const fs::path& dir() const { return dir_; }
  int port = 0;

 private:
  fs::path dir_;
  pid_t pid_ = -1;
};

inline std::string login(const Server& s, const std::string& email) {
  auto r = http_request(s.port, "POST", "/api/login", R"({"email":")" + email + R"(","password":"demo1234"})");
  EXPECT_EQ(r.status, 200) << r.body;
  return r.set_cookie.substr(0, r.set_cookie.find(';'));
}

struct Visitor {
  WsClient ws;
  object welcome;
  std::string token;
  std::int64_t id = 0;
};

// A visitor whose hello carries exactly `hello` (plus the site).
inline std::unique_ptr<Visitor> visitor_with(const Server& s, const object& hello_fields, const std::string& site) {
  auto v = std::make_unique<Visitor>();
  EXPECT_EQ(v->ws.connect(s.port, "/ws/visitor"), 101);
  object hello{{"t", "hello"}, {"site", site}};
  for (const auto& [k, val] : hello_fields) hello[k] = val;
  v->ws.send(hello);
  // Generous: under ASan with four shards on two cores a first welcome once took over 5 s.
  auto w = v->ws.recv_type("welcome", std::chrono::seconds(20));
  EXPECT_TRUE(w) << "no welcome";
  if (w) {
    v->welcome = *w;
    v->token = std::string(w->at("token").as_string());
    v->id = w->at("visitor").as_int64();
  }
  return v;
}

// A Finnish visitor on the tent page, returning with `token` and `last_seq` if given.
inline std::unique_ptr<Visitor> visitor(const Server& s, const std::string& site, const std::string& token = {},
                                        std::optional<std::int64_t> last_seq = {}) {
  object hello{{"lang", "fi"}, {"page", object{{"url", "https://eramaa.demo/teltat"}, {"title", "Teltat"}}}};
  if (!token.empty()) hello["token"] = token;
  if (last_seq) hello["last_seq"] = *last_seq;
  return visitor_with(s, hello, site);
}

// The snapshot and the first page of each list after it (mine, waiting, inbox, others),
// gathered into snapshot["convs"]; snapshot["next"] holds the lists' next cursors.
inline object read_snapshot(WsClient& ws) {
  auto snap = ws.recv_type("snapshot");
  EXPECT_TRUE(snap);
  if (!snap) return {};
  boost::json::array convs;
  object next;
  for (int lists = 0; lists < 4;) {
    auto f = ws.recv_type("list");
    EXPECT_TRUE(f) << "missing list frame after the snapshot";
    if (!f) break;
    for (auto& c : f->at("convs").as_array()) convs.push_back(c);
    if (f->contains("next")) next[f->at("which").as_string()] = f->at("next");
    ++lists;
  }
  (*snap)["convs"] = std::move(convs);
  (*snap)["next"] = std::move(next);
  return *snap;
}

inline std::unique_ptr<WsClient> agent(const Server& s, const std::string& email, object* snapshot = nullptr) {
  auto a = std::make_unique<WsClient>();
  EXPECT_EQ(a->connect(s.port, "/ws/agent", login(s, email), origin_of(s)), 101);
  auto snap = read_snapshot(*a);
  if (snapshot) *snapshot = snap;
  return a;
}

inline object send_frame(const std::string& cid, const std::string& body) {
  return {{"t", "send"}, {"cid", cid}, {"body", body}};
}

inline std::int64_t ack_seq(WsClient& ws, const std::string& cid) {
  for (;;) {
    auto f = ws.recv(5s);
    if (!f) return -1;
    if (f->at("t").as_string() == "error") {
      ADD_FAILURE() << boost::json::serialize(*f);
      return -1;
    }
    if (f->at("t").as_string() == "ack" && f->at("cid").as_string() == cid) return f->at("seq").as_int64();
  }
}

inline std::vector<std::int64_t> seqs(const boost::json::array& msgs) {
  std::vector<std::int64_t> out;
  for (auto& m : msgs) out.push_back(m.as_object().at("seq").as_int64());
  return out;
}

}  // namespace tiski::testing
