// The HTTP side of the server: listeners, HTTP sessions as coroutines (read request, route,
// write response, loop for keep-alive), the I/O threads' wiring, start and shutdown. Who may
// come in (body limits, the WebSocket upgrade, the client's address) is admission.cc; responses
// and the conversions to the route table's types are in http_messages.h. Only src/net/ sees
// Beast (static_files.cc holds none), to keep builds fast.

#include "net/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <unordered_set>

#include "api/api.h"
#include "mail/inbound.h"
#include "net/await_domain.h"
#include "net/http_messages.h"
#include "net/server_impl.h"
#include "net/tcp_options.h"
#include "net/ws/handshake.h"
#include "net/ws_connection.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

using asio::use_awaitable;

namespace {

// After an answer sent before the request's body was read (too large, or not authorized to send
// one that large): the rest is read and dropped for a while before the socket closes. Closing
// with unread data makes the kernel send a reset, and a client still sending would see "broken
// pipe" instead of the answer (found by a review, with a 10 MB chunked body).
awaitable<void> linger(beast::tcp_stream& stream) {
  std::array<char, 16 * 1024> sink;
  stream.expires_after(limits::kHttpLingerTime);
  std::size_t dropped = 0;
  while (dropped < limits::kMaxHttpLingerBytes) {
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
    if (ec) break;
    dropped += n;
  }
}

// An answer written straight to a connection that gets no session (refused at accept), before
// it closes: the JSON error body of every answer, its length counted here.
void refuse_raw(int fd, std::string_view status, std::string_view code, std::string_view message) {
  std::string body = R"({"error":{"code":")" + std::string(code) + R"(","message":")" + std::string(message) + "\"}}";
  std::string res =
      "HTTP/1.1 " + std::string(status) +
      "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  (void)!::send(fd, res.data(), res.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

}  // namespace

// ---------------------------------------------------------------------------------- HTTP

void Server::Impl::refuse_one(tcp::acceptor& from) {
  // Out of descriptors: free the reserve, take one waiting connection, answer 503 and close
  // it, so clients are refused politely instead of hanging in the backlog.
  if (reserve_fd >= 0) {
    ::close(reserve_fd);
    reserve_fd = -1;
  }
  int fd = ::accept4(from.native_handle(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) {
    refuse_raw(fd, "503 Service Unavailable", "unavailable", "server is at its connection limit");
    ::close(fd);
  }
  reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

// A failing accept is logged at most this often.
constexpr auto kAcceptWarnEvery = std::chrono::minutes(1);

// At most this many connections taken from the backlog at once after each accept.
constexpr int kAcceptBurst = 256;

awaitable<void> Server::Impl::accept_loop(tcp::acceptor& from, bool metrics_only) {
  asio::steady_timer backoff(from.get_executor());
  for (;;) {
    IoThread& to = next_io_thread();
    auto [ec, socket] = co_await from.async_accept(asio::any_io_executor(to.io().get_executor()), kTuple);
    if (ec == asio::error::operation_aborted || !from.is_open()) co_return;
    if (ec) {
      metrics.accept_errors_total.inc();
      bool fds = ec == asio::error::no_descriptors || ec.value() == ENFILE;
      // Logged once a minute at most (the metric counts every one): at the limit, a freed
      // descriptor lets one accept through and the next fails again, over and over.
      auto now = std::chrono::steady_clock::now();
      if (!out_of_fds && (!accept_warned_at || now - *accept_warned_at >= kAcceptWarnEvery)) {
        log::warn("accept failed; refusing connections until it recovers", {{"error", ec.message()}});
        accept_warned_at = now;
        warned_this_time = true;
      }
      out_of_fds = true;
      if (fds) refuse_one(from);
      backoff.expires_after(std::chrono::milliseconds(50));  // never spin
      co_await backoff.async_wait(kTuple);
      continue;
    }
    if (out_of_fds) {
      if (warned_this_time) log::warn("accepting connections again");
      out_of_fds = false;
      warned_this_time = false;
    }
    if (draining) continue;  // socket closes as it goes out of scope
    start_session(std::move(socket), to, metrics_only);
    // Then whatever else waits in the backlog, without going round the I/O thread's queue for
    // each: when thousands reconnect at once (a restart), the kernel's accept queue (somaxconn,
    // 4096 here) overflows while this thread also serves their handshakes, and a dropped SYN is
    // retried by the client's kernel only after 1 s, then 3 s. An error ends the burst; the
    // asynchronous accept above meets it again and handles it.
    for (int n = 0; n < kAcceptBurst && !draining; ++n) {
      IoThread& next = next_io_thread();
      tcp::socket more(asio::any_io_executor(next.io().get_executor()));
      boost::system::error_code again;
      from.accept(more, again);
      if (again) break;
      start_session(std::move(more), next, metrics_only);
    }
  }
}

void Server::Impl::start_session(tcp::socket socket, IoThread& to, bool metrics_only) {
  metrics.connections_total.inc();
  net::AddressSlots::Hold slot;
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec);
  if (!metrics_only && !ec && !slots->take(address_key(peer.address()), slot)) {
    // This address holds its most open connections: answered and closed at once.
    metrics.address_refused_total.inc();
    refuse_raw(socket.native_handle(), "429 Too Many Requests", "rate_limited",
               "too many connections from your address");
    return;  // the socket closes as it goes
  }
  net::tune_accepted_socket(socket);
  asio::co_spawn(to.io(), http_session(std::move(socket), to, metrics_only, std::move(slot)),
                 [](const std::exception_ptr& e) {
                   if (!e) return;
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     log::error("http session failed", {{"error", ex.what()}});
                   }
                 });
}

// The metrics listener of its own: /metrics and /healthz, nothing else.
Response Server::Impl::metrics_listener_response(const Request& req) {
  std::string_view path = req.target();
  path = path.substr(0, path.find('?'));
  if (path == "/metrics") return own_metrics(req);
  if (path == "/healthz") return json_response(req, http::status::ok, {{"status", "ok"}});
  return error_response(req, Error::not_found("this listener serves /metrics only"));
}

awaitable<void> Server::Impl::http_session(tcp::socket socket, IoThread& io, bool metrics_only,
                                           net::AddressSlots::Hold slot) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  bool unread = false;  // answered before the request's body was read: close with a linger
  for (;;) {
    stream.expires_after(limits::kHttpIdleTimeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits::kMaxHttpHeaderBytes));
    // The body's limit depends on the route (the email channel's door takes an email of up to
    // 20 MB with a token, docs/channels.md): decided once the header is in. Beast checks a
    // Content-Length against the limit as the header completes, so that check is made here.
    parser.body_limit(boost::none);
    auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
    beast::error_code ec = hec;
    if (!ec) {
      // Not in a conditional expression with the co_await: GCC 12 mishandles the temporaries.
      Result<std::uint64_t> limit = limits::kMaxHttpBodyBytes;
      if (!metrics_only) {
        auto checked = co_await body_limit(parser.get());
        limit = std::move(checked);
      }
      if (!limit) {  // a large body from someone unknown: refused before it is read
        auto res = error_response(parser.get(), limit.error());
        res.keep_alive(false);
        // The widget's upload reads the answer from a shop's page, as any /api/visitor/ answer.
        if (std::string_view(parser.get().target()).starts_with("/api/visitor/")) allow_any_origin(res);
        co_await http::async_write(stream, res, kTuple);
        unread = true;
        break;
      }
      if (auto length = parser.content_length(); length && *length > *limit) {
        ec = http::error::body_limit;
      } else {
        parser.body_limit(*limit);
        // A large body (a file, an email of up to 20 MB, its sender's credentials shown) has
        // minutes to arrive: 30 s asked 5 Mbit/s of a phone uploading a picture.
        if (*limit > limits::kMaxHttpBodyBytes) stream.expires_after(limits::kHttpLargeBodyTimeout);
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
        ec = bec;
      }
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset) break;
    if (ec) {
      co_await http::async_write(stream, read_error_response(ec), kTuple);
      unread = true;
      break;
    }
    Request req = parser.release();
    metrics.http_requests_total.inc();
    if (metrics_only) {  // the metrics listener serves nothing else
      Response res = metrics_listener_response(req);
      if (req.method() == http::verb::head) without_body(res);
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) break;
      continue;
    }
    if (beast::websocket::is_upgrade(req)) {
      if (co_await upgrade(stream, req, io)) co_return;  // the socket is the WebSocket's now
      break;
    }
    Response res = co_await handle(req, address_of(stream.socket(), req));
    bool keep = res.keep_alive() && !draining;
    res.keep_alive(keep);
    if (req.method() == http::verb::head) without_body(res);
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !keep) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (unread) co_await linger(stream);
}

// The metrics listener of its own serves them without a token (it should listen on a private
// address); on the main listener /metrics is a route (api/ops_api.cc) that needs the token.
Response Server::Impl::own_metrics(const Request& req) {
  auto res = make_response(req, http::status::ok, metrics.render(), "text/plain; version=0.0.4");
  res.set(http::field::cache_control, "no-store");
  return res;
}

void Server::Impl::trim_memory() {
  auto t0 = std::chrono::steady_clock::now();
  if (!trimmer.check()) return;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  log::debug("freed memory returned to the system", {{"micros", us}});
}

void Server::Impl::schedule_sweep(IoThread& t) {
  t.sweep_timer.expires_after(std::chrono::seconds(1));
  t.sweep_timer.async_wait([this, &t](boost::system::error_code ec) {
    if (ec || draining) return;
    auto now = std::chrono::steady_clock::now();
    // Slow consumers, idle pings and timeouts, closes never answered.
    std::vector<std::shared_ptr<WsConnection>> slow, due;
    for (auto* c : t.connections) {
      // A stalled connection already closing only waits for its deadline (due), however long
      // its peer reads nothing.
      if (c->stalled(now) && !c->closing()) {
        slow.push_back(c->shared_from_this());
      } else if (c->due(now)) {
        due.push_back(c->shared_from_this());
      }
    }
    for (auto& c : slow) c->drop_slow();
    for (auto& c : due) c->tick(now);
    schedule_sweep(t);
  });
}

std::vector<std::unique_ptr<IoThread>> Server::Impl::make_io_threads(asio::io_context& domain, int n) {
  n = limits::io_threads_for(n);
  std::vector<std::unique_ptr<IoThread>> threads;
  if (n == 0) threads.push_back(std::make_unique<IoThread>(0, &domain));
  for (int i = 0; i < n; ++i) threads.push_back(std::make_unique<IoThread>(static_cast<std::size_t>(i)));
  return threads;
}

void Server::Impl::on_inbound(std::vector<Inbound>& batch) {
  for (auto& in : batch) {
    switch (in.kind) {
      case Inbound::Kind::kOpened: in.conn->opened(); break;
      case Inbound::Kind::kFrame: in.conn->dispatch(in.frame); break;
      case Inbound::Kind::kClosed: in.conn->closed(); break;
    }
  }
}

// The route table first (api/); what it does not know is a static file.
awaitable<Response> Server::Impl::handle(Request& req, std::string address) {
  std::string path(std::string_view(req.target()).substr(0, std::string_view(req.target()).find('?')));
  auto method = req.method();
  bool visitor_api = path.starts_with("/api/visitor/");
  if (visitor_api && method == http::verb::options) {  // a CORS preflight
    auto res = make_response(req, http::status::no_content, "", "text/plain");
    allow_any_origin(res);
    res.set(http::field::access_control_allow_methods, "GET, POST");
    res.set(http::field::access_control_allow_headers, "Authorization, Content-Type");
    res.set(http::field::access_control_max_age, "600");
    co_return res;
  }
  Starter<api::Response> start = [this, &req, &address](auto cb) {
    auto in = to_api(req);
    in.ip = std::move(address);
    if (!routes.dispatch(std::move(in), cb)) cb(api::Response{0, "", "", {}});  // 0: no route has this path
  };
  auto routed = co_await await_domain(*this, &start);
  if (routed->status != 0) {
    auto res = from_api(req, std::move(*routed));
    if (visitor_api) allow_any_origin(res);
    co_return res;
  }
  if (path.starts_with("/api/")) co_return error_response(req, Error::not_found("no such API endpoint"));
  if (method != http::verb::get && method != http::verb::head) {
    auto res = error_response(req, Error::method_not_allowed("static files are GET only"));
    res.set(http::field::allow, "GET, HEAD");
    co_return res;
  }
  if (path == "/") {
    auto res = make_response(req, http::status::found, "", "text/plain");
    res.set(http::field::location, "/console/");
    co_return res;
  }
  co_return static_file_response(files, req);
}

// --------------------------------------------------------------------------------- Server

Server::Server(asio::io_context& io, Chat& chat, AuthService& auth, StoreWorker& store, StoreWorker& reports,
               reports::Rollups& rollups, StaticFiles& files, Metrics& metrics, AbuseLimits& abuse,
               ServerOptions options)
    : impl_(
          std::make_unique<Impl>(io, chat, auth, store, reports, rollups, files, metrics, abuse, std::move(options))) {}

Server::~Server() {
  join();
  if (impl_->reserve_fd >= 0) ::close(impl_->reserve_fd);
}

namespace {
Status bind_listen(tcp::acceptor& a, const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return Error::bad_request("bad listen address '" + host + "'");
  tcp::endpoint ep(addr, port);
  if (a.open(ep.protocol(), ec); ec) return Error::internal("socket: " + ec.message());
  a.set_option(asio::socket_base::reuse_address(true));
  if (a.bind(ep, ec); ec) {
    return Error::unavailable("cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message());
  }
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec) return Error::internal("listen: " + ec.message());
  a.native_non_blocking(true, ec);
  a.non_blocking(true, ec);  // a synchronous accept (the burst in accept_loop) never waits
  return {};
}

// Calls done when no connection is left open or at `until`, looking every 5 ms.
void wait_closed(Server::Impl& impl, std::shared_ptr<asio::steady_timer> timer,
                 std::chrono::steady_clock::time_point until, std::function<void()> done) {
  if (impl.open_connections.load() == 0 || std::chrono::steady_clock::now() >= until) return done();
  timer->expires_after(std::chrono::milliseconds(5));
  timer->async_wait([&impl, timer, until, done = std::move(done)](boost::system::error_code) mutable {
    wait_closed(impl, std::move(timer), until, std::move(done));
  });
}
}  // namespace

Status Server::listen() {
  auto& impl = *impl_;
  for (const auto& p : impl.opt.trusted_proxies) {
    boost::system::error_code ec;
    auto a = asio::ip::make_address(p, ec);
    if (ec) return Error::bad_request("trusted proxy '" + p + "' is not an IP address");
    impl.trusted.push_back(a);
  }
  auto exempt = impl.opt.unlimited;
  for (const auto& a : impl.trusted) exempt.push_back(address_key(a));
  impl.slots = std::make_unique<net::AddressSlots>(limits::kMaxHttpConnectionsPerAddress, std::move(exempt));
  if (impl.opt.public_url_given && normal_origin(impl.opt.public_url).empty()) {
    return Error::bad_request("public URL '" + impl.opt.public_url + "' must start with http:// or https://");
  }
  if (auto s = bind_listen(impl.acceptor, impl.opt.host, impl.opt.port); !s) return s;
  if (!impl.opt.metrics_host.empty()) {
    if (auto s = bind_listen(impl.metrics_acceptor, impl.opt.metrics_host, impl.opt.metrics_port); !s) return s;
  }
  impl.reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return {};
}

std::uint16_t Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::uint16_t Server::metrics_port() const {
  return impl_->metrics_acceptor.is_open() ? impl_->metrics_acceptor.local_endpoint().port() : 0;
}

bool Server::draining() const { return impl_->draining; }

void Server::start() {
  auto crash = [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);  // a bug: let it crash loudly
  };
  auto& impl = *impl_;
  for (auto& t : impl.io_threads) {
    impl.schedule_sweep(*t);
    t->start();
  }
  // The acceptors run on the first I/O thread; co_spawn posts, so they start there.
  asio::co_spawn(impl.acceptor.get_executor(), impl.accept_loop(impl.acceptor, false), crash);
  if (impl.metrics_acceptor.is_open())
    asio::co_spawn(impl.metrics_acceptor.get_executor(), impl.accept_loop(impl.metrics_acceptor, true), crash);
  impl.schedule_tick();
}

std::size_t Server::io_threads() const {
  return impl_->io_threads.size() == 1 && &impl_->io_threads[0]->io() == &impl_->domain ? 0 : impl_->io_threads.size();
}

void Server::join() {
  for (auto& t : impl_->io_threads) t->stop();
}

void Server::restart_clients() {
  auto& impl = *impl_;
  log::info("closing every WebSocket so that clients resync", {{"connections", impl.open_connections.load()}});
  for (auto& t : impl.io_threads) {
    asio::post(t->io(), [t = t.get()] {
      std::vector<std::shared_ptr<WsConnection>> open;
      for (auto* c : t->connections) open.push_back(c->shared_from_this());
      for (auto& c : open) c->begin_close(ws::kCloseServiceRestart, "reconnect and resync");
    });
  }
}

void Server::shutdown(std::function<void()> done) {
  auto& impl = *impl_;
  if (impl.draining.exchange(true)) return;
  impl.chat.begin_shutdown();
  asio::post(impl.acceptor.get_executor(), [&impl] {
    boost::system::error_code ec;
    impl.acceptor.close(ec);
    impl.metrics_acceptor.close(ec);
  });
  impl.tick_timer.cancel();
  log::info("draining", {{"in_flight", impl.chat.in_flight()}, {"connections", impl.open_connections.load()}});
  auto timer = std::make_shared<asio::steady_timer>(impl.domain);
  auto deadline = std::chrono::steady_clock::now() + limits::kDrainTimeout;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [&impl, timer, deadline, poll, done = std::move(done)]() {
    if (impl.chat.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer->expires_after(std::chrono::milliseconds(5));
      timer->async_wait([poll](boost::system::error_code) { (*poll)(); });
      return;
    }
    // Every acknowledgement owed is on its way to its I/O thread (or the deadline passed): say
    // goodbye. Each I/O thread closes its own connections, after what their outboxes hold.
    for (auto& t : impl.io_threads) {
      asio::post(t->io(), [t = t.get()] {
        std::vector<std::shared_ptr<WsConnection>> open;
        for (auto* c : t->connections) open.push_back(c->shared_from_this());
        for (auto& c : open) c->begin_close(ws::kCloseGoingAway, "server shutting down");
      });
    }
    // Let the close frames go out and the clients answer: until every connection has ended, at
    // most 200 ms (a client that does not answer is cut when the I/O threads stop).
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
    timer->expires_after(std::chrono::milliseconds(5));
    timer->async_wait([&impl, timer, until, done, poll](boost::system::error_code) {
      *poll = nullptr;  // break the self-reference
      wait_closed(impl, timer, until, done);
    });
  };
  (*poll)();
}

}  // namespace tiski
