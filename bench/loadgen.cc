// tiski_loadgen: a load generator for `tiski serve`, run as its own process (a process may
// hold 20,000 descriptors here, so server and load cannot share one).
//
// Phases:
//   1. idle: open --visitors visitor sockets (hello each) and report the server's resident
//      memory per connection (reads /proc/<--server-pid>/status before and after); with
//      --settle S, again S seconds later with the visitors still connected. --shopper 1: the
//      hello of a realistic shopper (a catalogue page, the visit, a cart), as --track sends.
//   2. chat: the first --active visitors open a conversation each; --agents agents log in
//      (agent emails bench-agent-<i>@load.test, created by scripts/bench.sh) and watch an
//      equal share of them (routing assigns chats to them as capacity allows).
//   1b. track (--track S): for S seconds every visitor behaves like a shopper: a page view, an
//      idle start and an idle end every 30 s (0.1 frames/s each), with one agent online so
//      the proactive rules are evaluated for everyone each second; reports the server's CPU
//      and store commits for it.
//   3. load: visitors send at --rate messages/s in total for --seconds; every body carries its
//      send time (CLOCK_MONOTONIC is shared by processes on one machine), so the agent side
//      measures visitor->agent latency, which includes the server's durable commit.
// --sources N: the connections leave from N loopback addresses (127.0.0.1 to 127.0.0.N; the
// server's [limits] unlimited must list them all).
// Bounded: it stops by itself after the phases.
#include <netinet/in.h>
#include <unistd.h>
#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::uint16_t port = 8080;
  std::vector<std::uint16_t> ports;  // several nodes: visitors spread over them, agents on the next one
  std::string site;
  int server_pid = 0;
  std::vector<int> more_pids;  // the other nodes' processes (CPU and memory are summed)
  int visitors = 1000;
  int active = 500;
  int agents = 10;
  double rate = 1000;
  double seconds = 10;
  std::string password = "bench-password";
  double track = 0;
  bool restart = false;  // after the idle phase: wait for the server to restart, reconnect like the widget
  int follow = 0;        // agents following the live visitor list during track
  double settle = 0;     // idle: measure again this many seconds later, the visitors still there
  bool shopper = false;  // idle: the shopper's hello (as --track sends) instead of the plain one
};

// CPU seconds (user + system) a process (or, with a task path, one thread) has used.
double cpu_seconds_at(const std::string& stat_path) {
  std::ifstream in(stat_path);
  std::string stat(std::istreambuf_iterator<char>(in), {});
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double cpu_seconds(int pid) { return cpu_seconds_at("/proc/" + std::to_string(pid) + "/stat"); }

// Every node's CPU seconds together.
double cpu_seconds(const Options& o) {
  double sum = cpu_seconds(o.server_pid);
  for (int p : o.more_pids) sum += cpu_seconds(p);
  return sum;
}

// The node visitor `i` (or, with `agent`, agent `i`) connects to: round robin over --ports; an
// agent goes to the node after its first visitors', so that most deliveries cross nodes.
std::uint16_t port_of(const Options& o, int i, bool agent = false) {
  if (o.ports.empty()) return o.port;
  return o.ports[static_cast<std::size_t>(i + (agent ? 1 : 0)) % o.ports.size()];
}

std::vector<std::string> split_commas(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(v);
  while (std::getline(in, cur, ',')) out.push_back(cur);
  return out;
}

// CPU seconds per kind of server thread, by the names the server gives them: "domain", "io"
// (all tiski-io-N together), "store", and "other" (SQLite's checkpointer, mail, Argon2id).
std::map<std::string, double> cpu_by_thread(int pid) {
  std::map<std::string, double> out;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    std::string kind = name == "tiski-domain"          ? "domain"
                       : name.starts_with("tiski-io-") ? "io"
                       : name == "tiski-store"         ? "store"
                                                       : "other";
    out[kind] += cpu_seconds_at((task.path() / "stat").string());
  }
  return out;
}

// "domain 20 us, io 30 us, ..." per `n` items between two cpu_by_thread() readings.
std::string per_thread(const std::map<std::string, double>& before, const std::map<std::string, double>& after,
                       std::uint64_t n) {
  std::string s;
  for (const auto& [kind, secs] : after) {
    auto it = before.find(kind);
    double d = secs - (it == before.end() ? 0 : it->second);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%s %.1f us", s.empty() ? "" : ", ", kind.c_str(), n ? d * 1e6 / n : 0.0);
    s += buf;
  }
  return s;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

long rss_kb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct Stats {
  std::vector<double> latency_us;
  std::uint64_t acks = 0;
  std::uint64_t delivered = 0;
  std::uint64_t errors = 0;
  std::uint64_t welcomes = 0;
  std::uint64_t closed = 0;
};

// --sources N: connections leave from 127.0.0.1 ... 127.0.0.N in turn. Tens of thousands of
// connections from one address to one port make the client's kernel search for a free local
// port on every connect (__inet_hash_connect, __inet_check_established: 20 % of the machine's
// CPU at 19,000 connections, measured); real visitors come from many addresses.
int g_sources = 1;

// Binds the socket to the next source address, its port chosen at connect (IP_BIND_ADDRESS_NO_PORT,
// so the 4-tuple decides and ports are not used up by the bind).
void bind_source(tcp::socket& sock) {
  static std::uint32_t next = 0;
  boost::system::error_code ec;
  sock.open(tcp::v4(), ec);
  if (ec) return;
  int one = 1;
  ::setsockopt(sock.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  auto addr = asio::ip::address_v4(0x7f000001u + next++ % static_cast<std::uint32_t>(g_sources));
  sock.bind(tcp::endpoint(addr, 0), ec);
}

class Conn : public std::enable_shared_from_this<Conn> {
 public:
  using Handler = std::function<void(Conn&, boost::json::object&)>;
  Conn(asio::io_context& io, Stats& stats) : ws_(io), stats_(stats) {}

  void start(std::uint16_t port, std::string path, std::string cookie, Handler on_frame,
             std::function<void(Conn&)> on_open) {
    on_frame_ = std::move(on_frame);
    on_open_ = std::move(on_open);
    path_ = std::move(path);
    cookie_ = std::move(cookie);
    port_ = port;
    if (g_sources > 1) bind_source(beast::get_lowest_layer(ws_).socket());
    beast::get_lowest_layer(ws_).async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
        [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
  }

  void send(std::string text) {
    queue_.push_back(std::move(text));
    if (queue_.size() == 1) write();
  }

  bool open = false;
  std::int64_t conv = 0;
  std::int64_t id = 0;
  std::string token;                  // from the welcome
  std::function<void(Conn&)> on_end;  // once: the socket closed, or never opened

 private:
  void on_connect(beast::error_code ec) {
    if (ec) return fail(ec);
    beast::get_lowest_layer(ws_).expires_never();
    // Like the server: small frames leave at once (docs/performance.md, Nagle's algorithm).
    beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ec);
    ws_.set_option(websocket::stream_base::decorator([c = cookie_, port = port_](websocket::request_type& r) {
      if (!c.empty()) {
        r.set(http::field::cookie, c);
        r.set(http::field::origin, "http://127.0.0.1:" + std::to_string(port));  // the console's page
      }
    }));
    ws_.async_handshake("127.0.0.1:" + std::to_string(port_), path_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail(ec);
      self->open = true;
      self->read();
      self->on_open_(*self);
    });
  }
  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      auto v = boost::json::parse(beast::buffers_to_string(self->buf_.data()));
      self->buf_.consume(self->buf_.size());
      self->on_frame_(*self, v.as_object());
      self->read();
    });
  }
  void write() {
    ws_.text(true);
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->fail(ec);
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write();
    });
  }
  void fail(beast::error_code) {
    if (open) stats_.closed++;
    open = false;
    if (!ended_ && on_end) {
      ended_ = true;
      on_end(*this);
    }
  }

  bool ended_ = false;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buf_;
  std::deque<std::string> queue_;
  Stats& stats_;
  Handler on_frame_;
  std::function<void(Conn&)> on_open_;
  std::string path_, cookie_;
  std::uint16_t port_ = 0;
};

std::string g_metrics_token;  // --metrics-token: the server's [metrics] token

// A gauge from the server's /metrics, or -1.
double metric(std::uint16_t port, const std::string& name) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::verb::get, "/metrics", 11};
  req.set(http::field::host, "127.0.0.1");
  if (!g_metrics_token.empty()) req.set(http::field::authorization, "Bearer " + g_metrics_token);
  http::write(s, req);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(s, b, res);
  auto pos = res.body().find("\n" + name + " ");
  if (pos == std::string::npos) return -1;
  return std::stod(res.body().substr(pos + name.size() + 2));
}

std::string login(std::uint16_t port, const std::string& email, const std::string& password) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  http::request<http::string_body> req{http::verb::post, "/api/login", 11};
  req.set(http::field::host, "127.0.0.1");
  req.body() = boost::json::serialize(boost::json::object{{"email", email}, {"password", password}});
  req.prepare_payload();
  http::write(s, req);
  beast::flat_buffer b;
  http::response<http::string_body> res;
  http::read(s, b, res);
  if (res.result_int() != 200) throw std::runtime_error("login failed for " + email + ": " + res.body());
  std::string c(res[http::field::set_cookie]);
  return c.substr(0, c.find(';'));
}

void run_until(asio::io_context& io, const std::function<bool()>& done, double max_seconds) {
  auto deadline = Clock::now() + std::chrono::duration<double>(max_seconds);
  while (!done() && Clock::now() < deadline) io.run_for(std::chrono::milliseconds(20));
}

double pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * v.size()));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

// One run's shared state: the event loop, the counters and the visitor connections.
struct Run {
  Options o;
  asio::io_context io{1};
  Stats stats;
  std::vector<std::shared_ptr<Conn>> visitors;
  std::vector<std::shared_ptr<Conn>> agents;  // alive until the end: they receive the load
  std::uint64_t histories = 0;                // answers to the agents' watch frames
  // The figures of the last line ("result: ..."), which scripts/bench.sh peer compares.
  double idle_rss_kib = 0, idle_heap_kib = 0, cpu_us = 0, p50_ms = 0, p99_ms = 0, restart_s = 0;
  std::uint64_t restart_back = 0;
  std::uint64_t lost = 0;
};

// The command line; nullopt (after a message) when it is wrong.
std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--port")
      o.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "--site")
      o.site = v;
    else if (k == "--server-pid")
      o.server_pid = std::stoi(v);
    else if (k == "--ports")
      for (const auto& p : split_commas(v)) o.ports.push_back(static_cast<std::uint16_t>(std::stoi(p)));
    else if (k == "--more-pids")
      for (const auto& p : split_commas(v)) o.more_pids.push_back(std::stoi(p));
    else if (k == "--visitors")
      o.visitors = std::stoi(v);
    else if (k == "--active")
      o.active = std::stoi(v);
    else if (k == "--agents")
      o.agents = std::stoi(v);
    else if (k == "--rate")
      o.rate = std::stod(v);
    else if (k == "--seconds")
      o.seconds = std::stod(v);
    else if (k == "--password")
      o.password = v;
    else if (k == "--track")
      o.track = std::stod(v);
    else if (k == "--restart")
      o.restart = v == "1";
    else if (k == "--settle")
      o.settle = std::stod(v);
    else if (k == "--shopper")
      o.shopper = v == "1";
    else if (k == "--follow")
      o.follow = std::stoi(v);
    else if (k == "--metrics-token")
      g_metrics_token = v;
    else if (k == "--sources")
      g_sources = std::clamp(std::stoi(v), 1, 254);
    else {
      std::cerr << "unknown option " << k << "\n";
      return std::nullopt;
    }
  }
  if (o.site.empty()) {
    std::cerr << "usage: tiski_loadgen --port P [--ports P1,P2] --site KEY [--server-pid PID] [--more-pids PID2,PID3] "
                 "[--visitors N] [--active K] [--agents M] "
                 "[--rate R] [--seconds S] [--track S [--follow F]] [--settle S] [--shopper 1] [--metrics-token T] "
                 "[--sources N]\n";
    return std::nullopt;
  }
  o.active = std::min(o.active, o.visitors);
  return o;
}

// A page of a shop's catalogue as the widget reports it: 400 products in 8 categories, with URLs
// and titles as long as a real shop's, so that what the server keeps per visitor is what a real
// shopper costs (many visitors on the same pages).
boost::json::object catalogue_page(std::uint64_t k) {
  static const char* const kCategories[] = {"teltat", "reput", "makuupussit", "retkikeittimet",
                                            "kengat", "takit", "lamput",      "vesipullot"};
  std::uint64_t product = k % 400;
  std::string category = kCategories[product % 8];
  std::string n = std::to_string(product);
  return {{"url", "https://eramaa.example/tuotteet/" + category + "/retkeily-malli-" + n + "?vari=vihrea&koko=m"},
          {"title", "Retkeilymalli " + n + " – " + category + " | Erämaa Outdoor verkkokauppa"},
          {"category", category}};
}

// Phase 1: idle visitors, connected in waves; prints the server's memory per connection.
void phase_idle(Run& r) {
  auto& o = r.o;
  auto& io = r.io;
  auto& stats = r.stats;
  auto& visitors = r.visitors;
  long rss0 = rss_kb(o.server_pid);
  double heap0 = metric(o.port, "tiski_heap_in_use_bytes");
  auto t0 = Clock::now();
  auto visitor_frame = [&](Conn& c, boost::json::object& f) {
    auto t = f.at("t").as_string();
    if (t == "welcome") {
      stats.welcomes++;
      c.id = f.at("visitor").as_int64();
      if (const auto* tok = f.if_contains("token"); tok && tok->is_string()) c.token = std::string(tok->as_string());
    } else if (t == "ack") {
      stats.acks++;
      c.conv = f.at("conv").as_int64();
    } else if (t == "error") {
      stats.errors++;
    }
  };
  const int batch = 500;  // connect in waves so the accept backlog is not flooded
  for (int i = 0; i < o.visitors; ++i) {
    auto c = std::make_shared<Conn>(io, stats);
    c->start(port_of(o, i), "/ws/visitor", "", visitor_frame, [&o, i](Conn& c) {
      boost::json::object hello{{"t", "hello"},
                                {"site", o.site},
                                {"lang", "fi"},
                                {"page", boost::json::object{{"url", "https://bench/p"}, {"title", "P"}}}};
      if (o.track > 0 || o.shopper) {  // what the real widget sends: a catalogue page, the visit, a cart
        hello["page"] = catalogue_page(static_cast<std::uint64_t>(i) * 7919);
        char visit[17];  // 16 characters, as long as the widget's (12 random bytes in base64url)
        std::snprintf(visit, sizeof visit, "bv%014d", i);
        hello["visit"] =
            boost::json::object{{"id", visit}, {"age_s", 60}, {"pages", 2}, {"ref", "https://www.google.fi/"}};
        hello["cart"] = boost::json::object{{"cents", 4990}, {"currency", "EUR"}, {"items", 1}};
      }
      c.send(boost::json::serialize(hello));
    });
    visitors.push_back(c);
    if ((i + 1) % batch == 0)
      run_until(
          io, [&] { return stats.welcomes >= static_cast<std::uint64_t>(i + 1); }, 30);
  }
  run_until(
      io, [&] { return stats.welcomes >= static_cast<std::uint64_t>(o.visitors); }, 60);
  double connect_s = std::chrono::duration<double>(Clock::now() - t0).count();
  run_until(
      io, [] { return false; }, 1.0);  // let the server settle
  long rss1 = rss_kb(o.server_pid);
  double heap1 = metric(o.port, "tiski_heap_in_use_bytes");
  std::printf("idle: %llu/%d visitors welcomed in %.1f s; server RSS %ld -> %ld KiB",
              static_cast<unsigned long long>(stats.welcomes), o.visitors, connect_s, rss0, rss1);
  if (rss0 > 0 && stats.welcomes > 0) {
    std::printf(" = %.2f KiB per connection", static_cast<double>(rss1 - rss0) / static_cast<double>(stats.welcomes));
  }
  auto welcomed = static_cast<double>(std::max<std::uint64_t>(1, stats.welcomes));
  std::printf("\nidle: server heap in use %.0f -> %.0f KiB = %.2f KiB per connection\n", heap0 / 1024, heap1 / 1024,
              (heap1 - heap0) / 1024 / welcomed);
  r.idle_rss_kib = static_cast<double>(rss1 - rss0) / welcomed;
  r.idle_heap_kib = (heap1 - heap0) / 1024 / welcomed;
  if (o.settle <= 0) return;
  // The connects' short-lived memory (handshakes) has been freed between the visitors' own:
  // the server gives such memory back within its trim period (src/util/memory.h).
  run_until(
      io, [] { return false; }, o.settle);
  long rss2 = rss_kb(o.server_pid);
  double heap2 = metric(o.port, "tiski_heap_in_use_bytes");
  std::printf(
      "idle, %.0f s later, the visitors still connected: server RSS %ld KiB = %.2f KiB per connection, heap %.2f KiB\n",
      o.settle, rss2, static_cast<double>(rss2 - rss0) / welcomed, (heap2 - heap0) / 1024 / welcomed);
}

// --restart 1: after the idle phase the server is restarted (scripts/bench.sh restart); every
// visitor reconnects as the widget does after the server's close 1001 (web/src/widget/logic.ts
// backoff from RESTART_TRIES: 0.5 s for six tries, then doubling to 30 s, +-30 % jitter) with its
// token, and the time from the first close to the last welcome is told.
constexpr int kRestartTries = -5;  // the widget's RESTART_TRIES

void phase_restart(Run& r) {
  auto& o = r.o;
  auto& io = r.io;
  auto& stats = r.stats;
  std::printf("restart: ready\n");
  std::fflush(stdout);
  std::uint64_t back = 0, attempts = 0, failed = 0;
  std::optional<Clock::time_point> first_close;
  Clock::time_point last_welcome{};
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> jitter(0.7, 1.3);
  std::function<void(int, std::string, int)> connect;
  auto later = [&](int i, std::string token, int attempt) {
    double ms = std::min(30000.0, 500.0 * std::pow(2.0, std::clamp(attempt, 0, 10))) * jitter(rng);
    auto t = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(static_cast<long>(ms)));
    t->async_wait([&, t, i, token, attempt](boost::system::error_code) { connect(i, token, attempt + 1); });
  };
  connect = [&](int i, std::string token, int attempt) {
    ++attempts;
    auto c = std::make_shared<Conn>(io, stats);
    c->token = token;
    c->on_end = [&, i, attempt](Conn& c) {
      ++failed;
      later(i, c.token, attempt);
    };
    c->start(
        port_of(o, i), "/ws/visitor", "",
        [&](Conn& c, boost::json::object& f) {
          if (f.at("t").as_string() != "welcome") return;
          c.on_end = nullptr;
          ++back;
          last_welcome = Clock::now();
        },
        [&o](Conn& c) {
          boost::json::object hello{{"t", "hello"}, {"site", o.site}, {"lang", "fi"}, {"token", c.token}};
          c.send(boost::json::serialize(hello));
        });
    r.visitors[static_cast<std::size_t>(i)] = c;
  };
  for (std::size_t i = 0; i < r.visitors.size(); ++i) {
    r.visitors[i]->on_end = [&, i](Conn& c) {
      if (!first_close) first_close = Clock::now();
      later(static_cast<int>(i), c.token, kRestartTries);
    };
  }
  run_until(
      io, [&] { return back >= r.visitors.size(); }, 90);
  double secs = first_close ? std::chrono::duration<double>(last_welcome - *first_close).count() : 0;
  std::printf("restart: %llu/%zu visitors back in %.2f s after the first close (%llu attempts, %llu refused)\n",
              static_cast<unsigned long long>(back), r.visitors.size(), secs, static_cast<unsigned long long>(attempts),
              static_cast<unsigned long long>(failed));
  r.restart_s = secs;
  r.restart_back = back;
}

// --track S: every visitor reports pages and idleness for S seconds, with one agent online (so
// the rules are evaluated) and --follow F consoles following the live visitor list.
void phase_track(Run& r) {
  auto& o = r.o;
  auto& io = r.io;
  auto& stats = r.stats;
  auto& visitors = r.visitors;
  // One agent online: the tenant has free seats, so every visitor's rules are evaluated.
  std::string cookie = login(o.port, "bench-agent-0@load.test", o.password);
  auto agent = std::make_shared<Conn>(io, stats);
  bool up = false;
  agent->start(
      o.port, "/ws/agent", cookie, [](Conn&, boost::json::object&) {}, [&up](Conn&) { up = true; });
  run_until(
      io, [&] { return up; }, 10);
  // --follow F: F consoles of that agent keep the live visitor list open all the time.
  std::uint64_t follow_frames = 0, follow_bytes = 0, follow_lists = 0;
  std::vector<std::shared_ptr<Conn>> followers;
  for (int i = 0; i < o.follow; ++i) {
    auto f = std::make_shared<Conn>(io, stats);
    f->start(
        o.port, "/ws/agent", cookie,
        [&](Conn& c, boost::json::object& fr) {
          auto t = fr.at("t").as_string();
          if (t == "snapshot") c.send(R"({"t":"visitors","on":true})");
          if (t == "visitors") follow_lists++;
          if (t != "visitor" && t != "visitor_gone") return;
          follow_frames++;
          follow_bytes += boost::json::serialize(fr).size();
        },
        [](Conn&) {});
    followers.push_back(f);
  }
  run_until(
      io, [&] { return follow_lists >= static_cast<std::uint64_t>(o.follow); }, 10);
  run_until(
      io, [] { return false; }, 1.0);
  follow_frames = follow_bytes = 0;
  double cpu0 = cpu_seconds(o.server_pid);
  double commits0 = metric(o.port, "tiski_store_commits_total");
  double frames0 = metric(o.port, "tiski_track_frames_total");
  long rss_before = rss_kb(o.server_pid);
  const double period = 30.0;  // seconds between one visitor's page views
  std::uint64_t sent = 0;
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(o.track);
  asio::steady_timer tick(io);
  std::size_t n = visitors.size();
  std::function<void()> pace = [&] {
    auto now = Clock::now();
    if (now >= end) return;
    double elapsed = std::chrono::duration<double>(now - start).count();
    // Each visitor i acts at offset i/n of the period: page, then idle 10 s later, active 5 s after.
    auto due = static_cast<std::uint64_t>(elapsed / period * static_cast<double>(n) * 3);
    while (sent < due) {
      std::uint64_t k = sent / 3;
      auto& v = visitors[k % n];
      switch (sent % 3) {
        case 0:
          v->send(boost::json::serialize(
              boost::json::object{{"t", "page"}, {"page", catalogue_page(k * 7919)}, {"pages", 3 + k / n}}));
          break;
        case 1: v->send(R"({"t":"track","idle":true})"); break;
        default: v->send(R"({"t":"track","idle":false})"); break;
      }
      sent++;
    }
    tick.expires_after(std::chrono::milliseconds(10));
    tick.async_wait([&](boost::system::error_code) { pace(); });
  };
  pace();
  run_until(
      io, [&] { return Clock::now() >= end; }, o.track + 1);
  run_until(
      io, [] { return false; }, 1.0);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = cpu_seconds(o.server_pid) - cpu0;
  double frames = metric(o.port, "tiski_track_frames_total") - frames0;
  double commits = metric(o.port, "tiski_store_commits_total") - commits0;
  std::printf(
      "track: %zu visitors, %.0f tracking frames in %.1f s = %.0f frames/s (%.3f per visitor per s), "
      "%.0f page views stored/s\n",
      n, frames, secs, frames / secs, frames / secs / static_cast<double>(n), frames / 3 / secs);
  std::printf(
      "track: server CPU %.2f s = %.1f %% of one core; %.1f us CPU per frame (rules evaluated for all "
      "visitors each second included); %.0f group commits/s\n",
      cpu, 100 * cpu / secs, frames > 0 ? cpu * 1e6 / frames : 0, commits / secs);
  std::printf("track: server RSS %ld -> %ld KiB; errors %llu, closed %llu\n", rss_before, rss_kb(o.server_pid),
              static_cast<unsigned long long>(stats.errors), static_cast<unsigned long long>(stats.closed));
  if (o.follow > 0) {
    std::printf("follow: %d consoles following the list each got %.0f visitor frames/s = %.0f KiB/s\n", o.follow,
                static_cast<double>(follow_frames) / o.follow / secs,
                static_cast<double>(follow_bytes) / o.follow / secs / 1024);
  }
}

// Phase 2: --active visitors open a conversation each; --agents agents watch them.
void phase_setup(Run& r) {
  auto& o = r.o;
  auto& io = r.io;
  auto& stats = r.stats;
  auto& visitors = r.visitors;
  for (int i = 0; i < o.active; ++i) {
    visitors[i]->send(boost::json::serialize(
        boost::json::object{{"t", "send"}, {"cid", "open-" + std::to_string(i)}, {"body", "hei"}}));
  }
  run_until(
      io, [&] { return stats.acks >= static_cast<std::uint64_t>(o.active); }, 60);
  auto& agents = r.agents;
  auto& histories = r.histories;
  auto agent_frame = [&](Conn& c, boost::json::object& f) {
    auto t = f.at("t").as_string();
    if (t == "msg") {
      auto& m = f.at("m").as_object();
      if (m.at("author").as_string() != "visitor") return;
      std::string_view body = m.at("body").as_string();
      if (body.rfind("t=", 0) == 0) {
        std::int64_t sent = std::stoll(std::string(body.substr(2)));
        stats.latency_us.push_back(static_cast<double>(now_ns() - sent) / 1000.0);
        stats.delivered++;
      }
    } else if (t == "history") {
      histories++;
    } else if (t == "error") {
      stats.errors++;
    }
  };
  int per_agent = (o.active + o.agents - 1) / o.agents;
  std::uint64_t opened = 0;
  for (int a = 0; a < o.agents; ++a) {
    std::string cookie = login(o.port, "bench-agent-" + std::to_string(a) + "@load.test", o.password);
    auto c = std::make_shared<Conn>(io, stats);
    std::vector<std::int64_t> mine;
    for (int i = a * per_agent; i < std::min(o.active, (a + 1) * per_agent); ++i) mine.push_back(visitors[i]->conv);
    c->start(port_of(o, a, true), "/ws/agent", cookie, agent_frame, [&opened](Conn&) { opened++; });
    run_until(
        io, [&] { return opened >= static_cast<std::uint64_t>(a + 1); }, 10);
    run_until(
        io, [] { return false; }, 0.05);  // the snapshot
    for (auto conv : mine) {
      c->send(boost::json::serialize(boost::json::object{{"t", "watch"}, {"conv", conv}, {"after", 1000000}}));
    }
    agents.push_back(c);
  }
  run_until(
      io, [&] { return histories >= static_cast<std::uint64_t>(o.active); }, 60);
  std::printf("setup: %d conversations, %d agents watching (%llu histories)\n", o.active, o.agents,
              static_cast<unsigned long long>(histories));
}

// Phase 3: --rate messages/s for --seconds, paced in 5 ms ticks; latency visitor -> agent.
int phase_load(Run& r) {
  auto& o = r.o;
  auto& io = r.io;
  auto& stats = r.stats;
  auto& visitors = r.visitors;
  stats.latency_us.clear();
  stats.delivered = 0;
  std::uint64_t acks0 = stats.acks;
  std::uint64_t sent = 0;
  int next = 0;
  double cpu0 = cpu_seconds(o);
  auto threads0 = cpu_by_thread(o.server_pid);
  auto start = Clock::now();
  auto end = start + std::chrono::duration<double>(o.seconds);
  asio::steady_timer tick(io);
  std::function<void()> pace = [&] {
    auto now = Clock::now();
    if (now >= end) return;
    double elapsed = std::chrono::duration<double>(now - start).count();
    auto due = static_cast<std::uint64_t>(elapsed * o.rate);
    while (sent < due) {
      auto& v = visitors[next];
      next = (next + 1) % o.active;
      v->send("{\"t\":\"send\",\"cid\":\"m" + std::to_string(sent) + "\",\"body\":\"t=" + std::to_string(now_ns()) +
              "\"}");
      sent++;
    }
    tick.expires_after(std::chrono::milliseconds(5));
    tick.async_wait([&](boost::system::error_code) { pace(); });
  };
  pace();
  run_until(
      io, [&] { return Clock::now() >= end; }, o.seconds + 1);
  run_until(
      io, [&] { return stats.delivered >= sent; }, 10);
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  auto& l = stats.latency_us;
  std::printf(
      "load: sent %llu, acked %llu, delivered to agents %llu in %.1f s = %.0f msg/s; errors %llu, closed %llu\n",
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(stats.acks - acks0),
      static_cast<unsigned long long>(stats.delivered), secs, static_cast<double>(stats.delivered) / o.seconds,
      static_cast<unsigned long long>(stats.errors), static_cast<unsigned long long>(stats.closed));
  double p50 = pct(l, 50), p99 = pct(l, 99), p999 = pct(l, 99.9);
  double mx = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  std::printf("latency visitor->agent (persisted): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n", p50 / 1000,
              p99 / 1000, p999 / 1000, mx / 1000);
  double cpu = cpu_seconds(o) - cpu0;
  if (!o.ports.empty())
    std::printf("nodes: %zu (visitors spread over them; each agent on another node)\n", o.ports.size());
  std::printf("server CPU during the load: %.2f s = %.0f us per message (persisted, acknowledged, delivered)\n", cpu,
              sent ? cpu * 1e6 / static_cast<double>(sent) : 0.0);
  std::printf("server CPU per message by thread: %s\n",
              per_thread(threads0, cpu_by_thread(o.server_pid), sent).c_str());
  std::printf("server RSS at end: %ld KiB\n", rss_kb(o.server_pid));
  r.cpu_us = sent ? cpu * 1e6 / static_cast<double>(sent) : 0.0;
  r.p50_ms = p50 / 1000;
  r.p99_ms = p99 / 1000;
  r.lost = sent - std::min(sent, stats.delivered);
  return stats.delivered == sent ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  auto o = parse_options(argc, argv);
  if (!o) return 2;
  Run r;
  r.o = *o;
  phase_idle(r);
  if (r.o.track > 0) phase_track(r);
  int rc = r.stats.welcomes == static_cast<std::uint64_t>(r.o.visitors) ? 0 : 1;
  if (r.o.restart) {
    phase_restart(r);
    if (r.restart_back != r.visitors.size()) rc = 1;
  }
  if (r.o.active > 0 && r.o.agents > 0) {
    phase_setup(r);
    rc = phase_load(r);
  }
  std::printf(
      "result: idle_rss_kib=%.3f idle_heap_kib=%.3f cpu_us=%.2f p50_ms=%.3f p99_ms=%.3f lost=%llu restart_s=%.2f\n",
      r.idle_rss_kib, r.idle_heap_kib, r.cpu_us, r.p50_ms, r.p99_ms, static_cast<unsigned long long>(r.lost),
      r.restart_s);
  return rc;
}
