// Server::Impl: what the HTTP side (server.cc) and the WebSocket connections
// (ws_connection.cc) share: the listeners, the domain, the route table, the I/O threads and
// the domain thread's inbox. Beast types are visible only to src/net/.
//
// Threading (io_thread.h): `domain` is the domain thread's io_context; chat, auth, store,
// abuse, routes and the tick timer are used only there. The acceptors run on the first I/O
// thread; HTTP sessions and WebSockets on the I/O thread they were given at accept. What the
// I/O threads read here is immutable after listen() (opt, trusted, files, the origin policy)
// or atomic (metrics, draining, open_connections).
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "api/api.h"
#include "net/address_slots.h"
#include "net/io_thread.h"
#include "net/server.h"
#include "util/limits.h"
#include "util/memory.h"

namespace tiski {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using asio::awaitable;
using asio::use_awaitable;

class WsConnection;

struct Server::Impl {
  Impl(asio::io_context& domain, Chat& chat, AuthService& auth, StoreWorker& store, StoreWorker& reports,
       reports::Rollups& rollups, StaticFiles& files, Metrics& metrics, AbuseLimits& abuse, ServerOptions opt)
      : domain(domain),
        chat(chat),
        auth(auth),
        store(store),
        files(files),
        metrics(metrics),
        abuse(abuse),
        opt(std::move(opt)),
        services{chat,
                 auth,
                 store,
                 reports,
                 rollups,
                 metrics,
                 this->opt.public_url.starts_with("https://"),
                 this->opt.metrics_token,
                 [this] { return draining.load(); },
                 this->opt.webhooks_private,
                 this->opt.imap_private,
                 this->opt.public_url},
        routes(auth, store, api::OriginPolicy(this->opt.public_url_given ? this->opt.public_url : "")),
        io_threads(make_io_threads(domain, this->opt.io_threads)),
        inbox(domain.get_executor(), [](std::vector<Inbound>& batch) { on_inbound(batch); }),
        acceptor(io_threads.front()->io()),
        metrics_acceptor(io_threads.front()->io()),
        tick_timer(domain) {
    api::add_all_routes(routes, services);
  }

  static std::vector<std::unique_ptr<IoThread>> make_io_threads(asio::io_context& domain, int n);
  // Domain thread: what the I/O threads report.
  static void on_inbound(std::vector<Inbound>& batch);
  // The I/O thread for the next connection (round robin).
  IoThread& next_io_thread() { return *io_threads[next_io++ % io_threads.size()]; }
  // Runs `fn` on the domain thread and hands its callback's result back to the awaiting
  // coroutine's thread (see await_domain in server.cc).
  void on_domain(std::function<void()> fn) { asio::post(domain, std::move(fn)); }

  awaitable<void> accept_loop(tcp::acceptor& from, bool metrics_only);
  void start_session(tcp::socket socket, IoThread& to, bool metrics_only);
  awaitable<void> http_session(tcp::socket socket, IoThread& io, bool metrics_only, net::AddressSlots::Hold slot);
  awaitable<bool> upgrade(beast::tcp_stream& stream, Request& req, IoThread& io);
  awaitable<Result<std::uint64_t>> body_limit(const Request& req);
  awaitable<Response> handle(Request& req, std::string address);
  Response own_metrics(const Request& req);
  Response metrics_listener_response(const Request& req);
  // The client address the limits are kept for (see client_address()).
  std::string address_of(const tcp::socket& socket, const Request& req) const;
  // Once a second on each I/O thread: its slow consumers are dropped.
  void schedule_sweep(IoThread& t);
  void refuse_one(tcp::acceptor& from);
  // Routing's clock: presence timeouts and reassignment, once a second; every
  // limits::kTrimEverySeconds, freed memory goes back to the system if there is much of it.
  void schedule_tick() {
    tick_timer.expires_after(std::chrono::seconds(1));
    tick_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || draining) return;
      chat.tick();
      if (++ticks % limits::kTrimEverySeconds == 0) trim_memory();
      schedule_tick();
    });
  }
  void trim_memory();
  std::uint64_t ticks = 0;
  MemoryTrimmer trimmer{limits::kTrimSlackBytes};

  asio::io_context& domain;
  Chat& chat;
  AuthService& auth;
  StoreWorker& store;
  StaticFiles& files;
  Metrics& metrics;
  AbuseLimits& abuse;
  ServerOptions opt;
  api::Services services;
  api::Routes routes;
  // Made by listen() (exempt: trusted proxies, [limits] unlimited); before the I/O threads, so
  // the sessions they hold give their slots back while it still exists.
  std::unique_ptr<net::AddressSlots> slots;
  // Before everything that may hold connections, so those go first.
  std::vector<std::unique_ptr<IoThread>> io_threads;
  std::size_t next_io = 0;  // the first I/O thread's (the acceptors run there)
  net::Mailbox<Inbound> inbox;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;
  asio::steady_timer tick_timer;
  std::vector<asio::ip::address> trusted;
  std::atomic<bool> draining = false;
  std::atomic<std::int64_t> open_connections = 0;                         // WebSockets, over all I/O threads
  bool out_of_fds = false;                                                // the acceptors' thread, as the next three
  bool warned_this_time = false;                                          // this refusal's start was logged
  std::optional<std::chrono::steady_clock::time_point> accept_warned_at;  // the last "accept failed"
  int reserve_fd = -1;
};

}  // namespace tiski
