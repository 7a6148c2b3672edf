// DESIGN: the only translation unit with Beast (with static_files.cc holding no Beast at all),
// to keep builds fast. HTTP connections are coroutines (read request, route, write response,
// loop for keep-alive). A WebSocket upgrade hands the stream to a WsConnection, written in
// callback style because tens of thousands of idle visitor sockets each hold one: a coroutine
// frame per socket would cost more memory than the socket itself.
//
// WsConnection is the gateway's Transport: send() appends to a queue drained by one async_write at
// a time. A peer is a slow consumer when its queue makes no progress for
// limits::kSendStallTimeout (checked on every send and once a second), or when it passes the
// memory caps; it is then closed (1008). Every frame is bounded by the protocol's paging, so a
// healthy reader is never dropped because one frame is large.
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
#include <charconv>
#include <unordered_set>

#include "chat/admin.h"
#include "chat/presence/hours.h"
#include "net/tcp_options.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);

class WsConnection;

struct Server::Impl {
  Impl(asio::io_context& io, Chat& chat, AuthService& auth, StoreWorker& store, StaticFiles& files, Metrics& metrics,
       AbuseLimits& abuse, ServerOptions opt)
      : io(io), chat(chat), auth(auth), store(store), files(files), metrics(metrics), abuse(abuse), opt(std::move(opt)),
        acceptor(io), metrics_acceptor(io), tick_timer(io) {}

  awaitable<void> accept_loop(tcp::acceptor& from, bool metrics_only);
  awaitable<void> http_session(tcp::socket socket, bool metrics_only);
  awaitable<Response> handle(Request& req);
  Response metrics_response(const Request& req, bool own_listener);
  // The client address the limits are kept for (see client_address()).
  std::string address_of(const tcp::socket& socket, const Request& req) const;
  // Why the request's Origin is not this site ("" when it is). `required`: a missing Origin
  // is a problem too (WebSocket upgrades of the console).
  std::string origin_problem(const Request& req, bool required) const;
  // For mutating REST calls: the Origin check, then the session's CSRF token.
  std::optional<Error> write_refused(const Request& req, const AgentIdentity& id) const;
  awaitable<Response> api_site(Request& req, std::string key);
  void sweep_stalled();
  awaitable<Response> api_login(Request& req);
  awaitable<Response> api_me(Request& req);
  awaitable<Response> api_logout(Request& req);
  // The agent behind the request's session cookie (unauthorized without a valid one).
  awaitable<std::shared_ptr<Result<AgentIdentity>>> identify(const Request& req);
  awaitable<Response> api_hours(Request& req, Id tenant);
  awaitable<Response> api_live(Request& req, Id tenant, bool queue);
  awaitable<Response> api_rules(Request& req, std::string key);
  awaitable<Response> api_status(Request& req);
  Response static_file(const Request& req);
  void refuse_one(tcp::acceptor& from);
  // Routing's clock: presence timeouts and reassignment, once a second.
  void schedule_tick() {
    tick_timer.expires_after(std::chrono::seconds(1));
    tick_timer.async_wait([this](boost::system::error_code ec) {
      if (ec || draining) return;
      chat.tick();
      sweep_stalled();
      schedule_tick();
    });
  }

  asio::io_context& io;
  Chat& chat;
  AuthService& auth;
  StoreWorker& store;
  StaticFiles& files;
  Metrics& metrics;
  AbuseLimits& abuse;
  ServerOptions opt;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;
  asio::steady_timer tick_timer;
  std::vector<asio::ip::address> trusted;
  std::string public_origin;  // scheme://host[:port] of opt.public_url, lower case
  bool draining = false;
  bool out_of_fds = false;
  int reserve_fd = -1;
  std::unordered_set<WsConnection*> connections;
};

namespace {

// Adapts a callback-style API (AuthService) for co_await; yields a shared_ptr<R>. The starter
// lives in the calling coroutine's frame and only a raw pointer crosses into asio: GCC 12
// double-destroys non-trivial temporaries handed to use_awaitable initiations. The callback
// is always resumed through a post, never inline.
template <class R>
using Starter = std::function<void(std::function<void(R)>)>;

template <class R>
auto await_callback(Starter<R>* start) {
  return asio::async_initiate<decltype(use_awaitable), void(std::shared_ptr<R>)>(
      [](auto handler, Starter<R>* st) {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        (*st)([h](R r) {
          auto ex = asio::get_associated_executor(*h);
          asio::post(ex, [h, p = std::make_shared<R>(std::move(r))]() mutable { std::move(*h)(p); });
        });
      },
      use_awaitable, start);
}

Response make_response(const Request& req, http::status status, std::string body, std::string_view type) {
  Response res{status, req.version()};
  res.set(http::field::server, "tiski");
  res.set(http::field::content_type, type);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Request& req, http::status status, const boost::json::value& v) {
  auto res = make_response(req, status, boost::json::serialize(v), "application/json");
  res.set(http::field::cache_control, "no-store");
  return res;
}

Response error_response(const Request& req, const Error& e) {
  boost::json::object err{{"code", errc_name(e.code)}, {"message", e.message}};
  return json_response(req, static_cast<http::status>(http_status(e.code)), boost::json::object{{"error", err}});
}

std::string cookie_value(const Request& req, std::string_view name) {
  auto it = req.find(http::field::cookie);
  if (it == req.end()) return {};
  std::string_view all = it->value();
  while (!all.empty()) {
    auto semi = all.find(';');
    std::string_view part = all.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    all.remove_prefix(semi + 1);
  }
  return {};
}

// An origin as browsers send it, made comparable: scheme and host in lower case, the default
// port dropped, no path. "" if it is not an http(s) origin.
std::string normal_origin(std::string_view o) {
  std::string s(o);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string scheme;
  if (s.starts_with("http://")) scheme = "http";
  else if (s.starts_with("https://")) scheme = "https";
  else return "";
  std::string rest = s.substr(scheme.size() + 3);
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return "";
  if ((scheme == "http" && rest.ends_with(":80")) || (scheme == "https" && rest.ends_with(":443"))) {
    rest = rest.substr(0, rest.rfind(':'));
  }
  return scheme + "://" + rest;
}

std::string quoted(std::string_view s) {
  std::string out = "'" + std::string(s.substr(0, 100)) + "'";
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 32) c = '?';
  }
  return out;
}

// The key of a client address for the limits: IPv4 as is, IPv6 by its /64 (one subscriber).
std::string address_key(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  if (a.is_v4()) return a.to_string();
  auto b = a.to_v6().to_bytes();
  for (std::size_t i = 8; i < b.size(); ++i) b[i] = 0;
  return asio::ip::address_v6(b).to_string() + "/64";
}

boost::json::object identity_json(const AgentIdentity& id) {
  boost::json::array tenants;
  for (const auto& m : id.memberships) {
    tenants.push_back(boost::json::object{{"id", m.tenant_id}, {"name", m.tenant_name}, {"role", role_name(m.role)}});
  }
  return boost::json::object{
      {"agent", boost::json::object{{"id", id.agent.id}, {"name", id.agent.name}, {"email", id.agent.email}}},
      {"tenants", std::move(tenants)},
      {"csrf", id.csrf}};
}

constexpr std::string_view kSessionCookie = "tiski_session";

}  // namespace

// ----------------------------------------------------------------------------- WebSocket

class WsConnection final : public Transport, public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(Server::Impl& srv, tcp::socket socket, std::string address, bool counted)
      : srv_(srv), ws_(std::move(socket)), address_(std::move(address)), counted_(counted) {}

  void run(Request req, std::optional<AgentIdentity> agent) {
    beast::error_code ignored;
    ws_.next_layer().set_option(asio::socket_base::send_buffer_size(limits::kSocketSendBuffer), ignored);
    websocket::stream_base::timeout t{limits::kHandshakeTimeout, limits::kIdleTimeout, true};
    ws_.set_option(t);
    ws_.read_message_max(limits::kMaxFrameBytes);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "tiski");
    }));
    ws_.async_accept(req, [self = shared_from_this(), agent = std::move(agent)](beast::error_code ec) mutable {
      self->on_accept(ec, std::move(agent));
    });
  }

  bool send(const proto::SharedFrame& f) override {
    if (closing_ || finished_) return false;
    if (stalled(std::chrono::steady_clock::now()) || queue_.size() - head_ >= limits::kMaxSendQueueFrames ||
        queued_bytes_ + f->size() > limits::kMaxSendQueueBytes) {
      drop_slow();
      return false;
    }
    if (head_ == queue_.size()) progress_at_ = std::chrono::steady_clock::now();  // the wait starts now
    queued_bytes_ += f->size();
    queue_.push_back(f);
    srv_.metrics.deliveries_total.inc();
    if (!writing_) do_write();
    return true;
  }

  // The queue has waited for the socket without any progress for too long.
  bool stalled(std::chrono::steady_clock::time_point now) const {
    return head_ < queue_.size() && now - progress_at_ > limits::kSendStallTimeout;
  }

  void drop_slow() {
    if (closing_ || finished_) return;
    srv_.metrics.slow_consumers_total.inc();
    log::warn("slow consumer dropped", {{"queued_bytes", queued_bytes_}, {"queued_frames", queue_.size() - head_}});
    // Keep only the frame being written; the close frame follows it.
    while (queue_.size() - head_ > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= queue_.back()->size();
      queue_.pop_back();
    }
    close(websocket::close_code::policy_error, "slow consumer");
    // A peer that reads nothing never lets the close frame out either: end it after a grace.
    auto self = shared_from_this();
    auto timer = std::make_shared<asio::steady_timer>(srv_.io, std::chrono::seconds(2));
    timer->async_wait([self, timer](boost::system::error_code) { self->finish(); });
  }

  void close(std::uint16_t code, std::string_view reason) override {
    if (closing_ || finished_) return;
    closing_ = true;
    close_code_ = code;
    close_text_ = reason;
    if (!writing_) do_close();
  }

 private:
  void on_accept(beast::error_code ec, std::optional<AgentIdentity> agent) {
    if (ec) return finish();
    srv_.connections.insert(this);
    registered_ = true;
    if (agent) {
      agent_ = srv_.chat.agent_connected(*this, std::move(*agent), address_);
    } else {
      visitor_ = srv_.chat.visitor_connected(*this, address_);
    }
    do_read();
  }

  void do_read() {
    ws_.async_read(buf_, beast::bind_front_handler(&WsConnection::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec) return finish();
    if (!ws_.got_text()) {
      srv_.metrics.frames_rejected_total.inc();
      send(proto::error_frame(Error::bad_request("binary frames are not supported; send JSON text")));
    } else {
      std::string_view text(static_cast<const char*>(buf_.data().data()), buf_.size());
      if (agent_) {
        srv_.chat.on_text(*agent_, text);
      } else if (visitor_) {
        srv_.chat.on_text(*visitor_, text);
      }
    }
    buf_.consume(buf_.size());
    if (buf_.capacity() > 1024) buf_.shrink_to_fit();  // idle sockets keep little memory
    if (!finished_) do_read();
  }

  void do_write() {
    if (head_ == queue_.size()) {
      queue_.clear();
      head_ = 0;
      if (queue_.capacity() > 16) queue_.shrink_to_fit();
      writing_ = false;
      if (closing_) do_close();
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_[head_]), beast::bind_front_handler(&WsConnection::on_write, shared_from_this()));
  }

  void on_write(beast::error_code ec, std::size_t) {
    progress_at_ = std::chrono::steady_clock::now();
    queued_bytes_ -= queue_[head_]->size();
    queue_[head_++].reset();
    if (ec) {
      writing_ = false;
      return finish();
    }
    do_write();
  }

  void do_close() {
    if (close_sent_) return;
    close_sent_ = true;
    writing_ = true;
    websocket::close_reason reason;
    reason.code = close_code_;
    reason.reason.assign(close_text_.data(), std::min<std::size_t>(close_text_.size(), 123));
    ws_.async_close(reason, [self = shared_from_this()](beast::error_code) {
      self->writing_ = false;
      self->finish();
    });
  }

  void finish() {
    if (finished_) return;
    finished_ = true;
    if (visitor_) srv_.chat.disconnected(*visitor_);
    if (agent_) srv_.chat.disconnected(*agent_);
    if (registered_) srv_.connections.erase(this);
    if (counted_) srv_.abuse.disconnect(address_);
    beast::error_code ignored;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    ws_.next_layer().close(ignored);
  }

  Server::Impl& srv_;
  // On a plain socket, not beast::tcp_stream: the websocket keeps its own timer for handshake
  // and idle timeouts, and tcp_stream's two extra timers would cost every idle visitor memory.
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buf_;
  std::vector<proto::SharedFrame> queue_;  // FIFO: [head_, size) waits; cheap when empty
  std::size_t head_ = 0;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool finished_ = false;
  bool registered_ = false;
  std::uint16_t close_code_ = 0;
  std::string_view close_text_;  // Transport::close reasons are string literals
  std::shared_ptr<VisitorSession> visitor_;
  std::shared_ptr<AgentSession> agent_;
  std::string address_;  // the client address key (limits)
  bool counted_ = false;  // holds one of the address's connections (AbuseLimits)
  std::chrono::steady_clock::time_point progress_at_{};  // last write done, or the queue's start

  friend struct Server::Impl;
};

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
    static constexpr char kBusy[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\n"
        "Content-Length: 72\r\n\r\n{\"error\":{\"code\":\"unavailable\",\"message\":\"server is at its connection limit\"}}";
    (void)!::write(fd, kBusy, sizeof kBusy - 1);
    ::close(fd);
  }
  reserve_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
}

awaitable<void> Server::Impl::accept_loop(tcp::acceptor& from, bool metrics_only) {
  asio::steady_timer backoff(io);
  for (;;) {
    auto [ec, socket] = co_await from.async_accept(kTuple);
    if (ec == asio::error::operation_aborted || !from.is_open()) co_return;
    if (ec) {
      metrics.accept_errors_total.inc();
      bool fds = ec == asio::error::no_descriptors || ec.value() == ENFILE;
      if (!out_of_fds) log::warn("accept failed; refusing connections until it recovers", {{"error", ec.message()}});
      out_of_fds = true;
      if (fds) refuse_one(from);
      backoff.expires_after(std::chrono::milliseconds(50));  // never spin
      co_await backoff.async_wait(kTuple);
      continue;
    }
    if (out_of_fds) {
      log::warn("accepting connections again");
      out_of_fds = false;
    }
    if (draining) continue;  // socket closes as it goes out of scope
    metrics.connections_total.inc();
    net::tune_accepted_socket(socket);
    asio::co_spawn(io, http_session(std::move(socket), metrics_only), [](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        log::error("http session failed", {{"error", ex.what()}});
      }
    });
  }
}

awaitable<void> Server::Impl::http_session(tcp::socket socket, bool metrics_only) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(limits::kHttpIdleTimeout);
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits::kMaxHttpHeaderBytes));
    parser.body_limit(limits::kMaxHttpBodyBytes);
    auto [ec, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset) break;
    if (ec) {
      Request dummy;
      dummy.version(11);
      dummy.keep_alive(false);
      Error e = ec == http::error::body_limit     ? Error::too_large("request body over the limit")
                : ec == http::error::header_limit ? Error::too_large("request header over the limit")
                                                  : Error::bad_request("malformed HTTP request");
      auto res = error_response(dummy, e);
      if (ec == http::error::header_limit) res.result(http::status::request_header_fields_too_large);
      co_await http::async_write(stream, res, kTuple);
      break;
    }
    Request req = parser.release();
    metrics.http_requests_total.inc();
    if (metrics_only) {  // the metrics listener serves nothing else
      std::string_view path = req.target();
      path = path.substr(0, path.find('?'));
      Response res = path == "/metrics" ? metrics_response(req, true)
                     : path == "/healthz" ? json_response(req, http::status::ok, {{"status", "ok"}})
                                          : error_response(req, Error::not_found("this listener serves /metrics only"));
      auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
      if (wec || !res.keep_alive()) break;
      continue;
    }
    if (websocket::is_upgrade(req)) {
      std::string_view path = req.target();
      std::string address = address_of(stream.socket(), req);
      if (path.starts_with(proto::kVisitorPath) && (path.size() == proto::kVisitorPath.size() || path[proto::kVisitorPath.size()] == '?')) {
        if (draining) break;
        if (!abuse.connect(address, now_ms())) {
          co_await http::async_write(
              stream,
              error_response(req, Error::rate_limited("too many connections from your address (at most " +
                                                      std::to_string(limits::kMaxConnectionsPerAddress) + ")")),
              kTuple);
          break;
        }
        std::make_shared<WsConnection>(*this, stream.release_socket(), std::move(address), true)->run(std::move(req), std::nullopt);
        co_return;
      }
      if (path == proto::kAgentPath) {
        if (draining) break;
        if (auto why = origin_problem(req, true); !why.empty()) {
          co_await http::async_write(stream, error_response(req, Error::forbidden(why)), kTuple);
          break;
        }
        Starter<Result<AgentIdentity>> start = [this, token = cookie_value(req, kSessionCookie)](auto cb) {
          auth.authenticate(token, cb);
        };
        auto id = co_await await_callback(&start);
        if (!*id) {
          co_await http::async_write(stream, error_response(req, id->error()), kTuple);
          break;
        }
        std::make_shared<WsConnection>(*this, stream.release_socket(), std::move(address), false)
            ->run(std::move(req), std::move(*id).value());
        co_return;
      }
      co_await http::async_write(stream, error_response(req, Error::not_found("no WebSocket here")), kTuple);
      break;
    }
    Response res = co_await handle(req);
    bool keep = res.keep_alive() && !draining;
    res.keep_alive(keep);
    auto [wec, wn] = co_await http::async_write(stream, res, kTuple);
    if (wec || !keep) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// /metrics on the main listener needs the bearer token from [metrics] token; on the metrics
// listener of its own it needs nothing (it should listen on a private address).
Response Server::Impl::metrics_response(const Request& req, bool own_listener) {
  if (!own_listener) {
    if (opt.metrics_token.empty()) {
      return error_response(req, Error::not_found("metrics are served on [metrics] listen, or here with [metrics] token"));
    }
    std::string_view auth = req[http::field::authorization];
    if (!auth.starts_with("Bearer ") || !crypto::equal_ct(auth.substr(7), opt.metrics_token)) {
      auto res = error_response(req, Error::unauthorized("send Authorization: Bearer <[metrics] token>"));
      res.set(http::field::www_authenticate, "Bearer");
      return res;
    }
  }
  auto res = make_response(req, http::status::ok, metrics.render(), "text/plain; version=0.0.4");
  res.set(http::field::cache_control, "no-store");
  return res;
}

// The peer, or when the peer is a trusted proxy the rightmost address in X-Forwarded-For that
// is not one of ours (the ones to its left were written by the client and may be lies).
std::string Server::Impl::address_of(const tcp::socket& socket, const Request& req) const {
  boost::system::error_code ec;
  auto peer = socket.remote_endpoint(ec).address();
  if (ec) return "?";
  auto is_trusted = [&](const asio::ip::address& a) { return std::find(trusted.begin(), trusted.end(), a) != trusted.end(); };
  if (!is_trusted(peer)) return address_key(peer);
  auto xff = req.find("X-Forwarded-For");
  if (xff == req.end()) return address_key(peer);
  std::string_view list = xff->value();
  asio::ip::address client = peer;
  while (!list.empty()) {
    auto comma = list.rfind(',');
    std::string_view part = comma == std::string_view::npos ? list : list.substr(comma + 1);
    list = comma == std::string_view::npos ? std::string_view() : list.substr(0, comma);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    auto a = asio::ip::make_address(std::string(part), ec);
    if (ec) break;  // malformed: believe what we have
    client = a;
    if (!is_trusted(a)) break;
  }
  return address_key(client);
}

std::string Server::Impl::origin_problem(const Request& req, bool required) const {
  auto origin = req.find(http::field::origin);
  if (origin == req.end()) return required ? "the Origin header is required" : "";
  std::string given = normal_origin(origin->value());
  if (opt.public_url_given) {
    if (!given.empty() && given == public_origin) return "";
    return "cross-site request refused: Origin " + quoted(origin->value()) + " is not " + public_origin;
  }
  // No public URL configured: the origin must name the host this request was sent to.
  auto host = req.find(http::field::host);
  std::string h = host == req.end() ? std::string() : std::string(host->value());
  for (auto& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!given.empty() && !h.empty() && given.substr(given.find("://") + 3) == normal_origin("http://" + h).substr(7)) return "";
  return "cross-site request refused: Origin " + quoted(origin->value()) + " is not this site";
}

std::optional<Error> Server::Impl::write_refused(const Request& req, const AgentIdentity& id) const {
  if (auto why = origin_problem(req, false); !why.empty()) return Error::forbidden(why);
  if (!crypto::equal_ct(req["X-CSRF-Token"], id.csrf)) return Error::forbidden("missing or wrong X-CSRF-Token header");
  return std::nullopt;
}

void Server::Impl::sweep_stalled() {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<WsConnection>> slow;
  for (auto* c : connections) {
    if (c->stalled(now)) slow.push_back(c->shared_from_this());
  }
  for (auto& c : slow) c->drop_slow();
}

awaitable<Response> Server::Impl::handle(Request& req) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  auto method = req.method();
  if (path == "/healthz") co_return json_response(req, http::status::ok, {{"status", "ok"}});
  if (path == "/readyz") {
    if (draining) co_return error_response(req, Error::unavailable("shutting down"));
    co_return json_response(req, http::status::ok, {{"status", "ready"}});
  }
  if (path == "/metrics") co_return metrics_response(req, false);
  if (path.starts_with("/api/")) {
    if (path == "/api/login") {
      if (method != http::verb::post) co_return error_response(req, Error::bad_request("use POST"));
      co_return co_await api_login(req);
    }
    if (path == "/api/me") {
      if (method != http::verb::get) co_return error_response(req, Error::bad_request("use GET"));
      co_return co_await api_me(req);
    }
    if (path == "/api/logout") {
      if (method != http::verb::post) co_return error_response(req, Error::bad_request("use POST"));
      co_return co_await api_logout(req);
    }
    // /api/sites/{key}/rules
    if (path.starts_with("/api/sites/") && path.ends_with("/rules") && path.size() > 17) {
      co_return co_await api_rules(req, std::string(path.substr(11, path.size() - 11 - 6)));
    }
    // /api/sites/{key}
    if (path.starts_with("/api/sites/") && path.size() > 11 && path.find('/', 11) == std::string_view::npos) {
      co_return co_await api_site(req, std::string(path.substr(11)));
    }
    if (path == "/api/me/status") {
      if (method != http::verb::put) co_return error_response(req, Error::bad_request("use PUT"));
      co_return co_await api_status(req);
    }
    // /api/tenants/{id}/{hours|presence|queue}
    if (path.starts_with("/api/tenants/")) {
      std::string_view rest = path.substr(13);
      auto slash = rest.find('/');
      std::string_view id = rest.substr(0, slash);
      std::string_view what = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      Id tenant = 0;
      auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), tenant);
      if (ec == std::errc() && p == id.data() + id.size() && tenant > 0) {
        if (what == "hours") co_return co_await api_hours(req, tenant);
        if (what == "presence" || what == "queue") {
          if (method != http::verb::get) co_return error_response(req, Error::bad_request("use GET"));
          co_return co_await api_live(req, tenant, what == "queue");
        }
      }
    }
    co_return error_response(req, Error::not_found("no such API endpoint"));
  }
  if (method != http::verb::get && method != http::verb::head) {
    co_return error_response(req, Error::bad_request("static files are GET only"));
  }
  if (path == "/") {
    auto res = make_response(req, http::status::found, "", "text/plain");
    res.set(http::field::location, "/console/");
    co_return res;
  }
  co_return static_file(req);
}

Response Server::Impl::static_file(const Request& req) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/console" || path == "/demo") {
    auto res = make_response(req, http::status::moved_permanently, "", "text/plain");
    res.set(http::field::location, std::string(path) + "/");
    return res;
  }
  auto reply = files.get(path, req[http::field::if_none_match], req[http::field::accept_encoding]);
  if (!reply) return error_response(req, Error::not_found("no such file"));
  Response res{reply->status == 304 ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::server, "tiski");
  res.set(http::field::etag, reply->file->etag);
  res.set(http::field::cache_control, reply->file->cache_control);
  res.set(http::field::vary, "Accept-Encoding");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  if (reply->status == 200) {
    res.set(http::field::content_type, reply->file->content_type);
    if (reply->gzipped) res.set(http::field::content_encoding, "gzip");
    if (path.starts_with("/console/")) {
      res.set("X-Frame-Options", "DENY");
      res.set("Referrer-Policy", "same-origin");
      res.set("Content-Security-Policy",
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
    } else if (path.starts_with("/demo/")) {
      // The demo shop: its own scripts, the widget, and the embed snippet's one-line queue stub
      // (allowed by its hash), the way a shop with a strict policy would embed Tiski.
      res.set("Content-Security-Policy",
              "default-src 'self'; script-src 'self' 'sha256-JoedJ/CTgVygE7HSqSW/NuWxMtEuocjGkF8G5TES4Ao='; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; object-src 'none'");
    }
    if (req.method() != http::verb::head) res.body() = *reply->body;
  }
  res.prepare_payload();
  if (req.method() == http::verb::head && reply->status == 200) res.content_length(reply->body->size());
  return res;
}

awaitable<Response> Server::Impl::api_login(Request& req) {
  if (auto why = origin_problem(req, false); !why.empty()) co_return error_response(req, Error::forbidden(why));
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body(), ec);
  if (ec || !v.is_object()) co_return error_response(req, Error::bad_request("body must be a JSON object"));
  const auto& o = v.as_object();
  auto email = proto::str(o, "email");
  auto password = proto::str(o, "password");
  if (email.empty() || password.empty()) {
    co_return error_response(req, Error::bad_request("email and password are required strings"));
  }
  if (email.size() > 254 || password.size() > 1024) co_return error_response(req, Error::too_large("field too long"));
  Starter<Result<LoginResult>> start = [this, e = std::string(email), p = std::string(password)](auto cb) {
    auth.login(e, p, cb);
  };
  auto rp = co_await await_callback(&start);
  auto& r = *rp;
  if (!r) co_return error_response(req, r.error());
  auto res = json_response(req, http::status::ok, identity_json(r->identity));
  bool secure = opt.public_url.starts_with("https://");
  res.set(http::field::set_cookie, std::string(kSessionCookie) + "=" + r->session_token +
                                       "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                       std::to_string(std::chrono::seconds(limits::kSessionLifetime).count()) +
                                       (secure ? "; Secure" : ""));
  log::info("agent logged in", {{"agent", r->identity.agent.id}});
  co_return res;
}

awaitable<Response> Server::Impl::api_me(Request& req) {
  Starter<Result<AgentIdentity>> start = [this, token = cookie_value(req, kSessionCookie)](auto cb) {
    auth.authenticate(token, cb);
  };
  auto idp = co_await await_callback(&start);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  co_return json_response(req, http::status::ok, identity_json(*id));
}

awaitable<Response> Server::Impl::api_logout(Request& req) {
  std::string token = cookie_value(req, kSessionCookie);
  Starter<Result<AgentIdentity>> check = [this, token](auto cb) { auth.authenticate(token, cb); };
  auto idp = co_await await_callback(&check);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  if (auto refused = write_refused(req, *id)) co_return error_response(req, *refused);
  Starter<Status> out = [this, token](auto cb) { auth.logout(token, cb); };
  auto st = co_await await_callback(&out);
  if (!*st) co_return error_response(req, st->error());
  chat.session_ended(id->session_hash);  // its consoles close at once
  log::info("agent logged out", {{"agent", id->agent.id}});
  Response res{http::status::no_content, req.version()};
  res.set(http::field::server, "tiski");
  res.set(http::field::set_cookie, std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  res.keep_alive(req.keep_alive());
  res.prepare_payload();
  co_return res;
}

awaitable<std::shared_ptr<Result<AgentIdentity>>> Server::Impl::identify(const Request& req) {
  Starter<Result<AgentIdentity>> check = [this, token = cookie_value(req, kSessionCookie)](auto cb) {
    auth.authenticate(token, cb);
  };
  co_return co_await await_callback(&check);
}

// GET: any agent of the tenant; PUT {"hours": "..."|"always"}: its supervisors and admins,
// with the session's CSRF token. Other tenants' ids answer 404.
awaitable<Response> Server::Impl::api_hours(Request& req, Id tenant) {
  bool put = req.method() == http::verb::put;
  if (!put && req.method() != http::verb::get) co_return error_response(req, Error::bad_request("use GET or PUT"));
  auto idp = co_await identify(req);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  auto membership = std::find_if(id->memberships.begin(), id->memberships.end(),
                                 [&](const Membership& m) { return m.tenant_id == tenant; });
  if (membership == id->memberships.end()) co_return error_response(req, Error::not_found("no such tenant"));
  std::string text;
  if (put) {
    if (auto refused = write_refused(req, *id)) co_return error_response(req, *refused);
    if (membership->role == Role::kAgent) co_return error_response(req, Error::forbidden("supervisors and admins only"));
    boost::system::error_code ec;
    auto v = boost::json::parse(req.body(), ec);
    if (ec || !v.is_object() || !v.as_object().contains("hours") || !v.as_object().at("hours").is_string()) {
      co_return error_response(req, Error::bad_request("body must be {\"hours\": \"...\"}"));
    }
    std::string given(v.as_object().at("hours").as_string());
    if (given != "always") {
      auto h = parse_hours(given);
      if (!h) co_return error_response(req, h.error());
      text = h->text();
    }
  }
  Starter<Result<Tenant>> job = [this, tenant, put, text](auto cb) {
    bool queued = store.submit<Tenant>(
        [tenant, put, text](Store& st) -> Result<Tenant> {
          if (put) {
            if (auto s = st.set_tenant_hours(tenant, text); !s) return s.error();
          }
          auto all = st.tenants();
          if (!all) return all.error();
          for (auto& t : *all) {
            if (t.id == tenant) return t;
          }
          return Error::not_found("no such tenant");
        },
        cb);
    if (!queued) cb(Error::unavailable("the server is busy or shutting down"));
  };
  auto tp = co_await await_callback(&job);
  auto& t = *tp;
  if (!t) co_return error_response(req, t.error());
  if (put) chat.set_tenant_hours(tenant, t->hours);  // visitors see live chat open or close now
  bool open = true;
  if (!t->hours.empty()) {
    auto h = parse_hours(t->hours);
    open = h && is_open(*h, std::chrono::system_clock::now());
  }
  co_return json_response(req, http::status::ok, {{"tenant", tenant}, {"hours", t->hours}, {"open_now", open}});
}

// GET presence: the tenant's agents, their status, load and capacity. GET queue: its waiting
// live chats in service order. Any agent of the tenant; other tenants' ids answer 404.
awaitable<Response> Server::Impl::api_live(Request& req, Id tenant, bool queue) {
  auto idp = co_await identify(req);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  if (!id->member_of(tenant)) co_return error_response(req, Error::not_found("no such tenant"));
  if (queue) {
    std::size_t offset = 0;
    std::string_view target = req.target();
    if (auto q = target.find("?offset="); q != std::string_view::npos) {
      std::string_view v = target.substr(q + 8);
      v = v.substr(0, v.find('&'));
      auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), offset);
      if (ec != std::errc() || p != v.data() + v.size()) co_return error_response(req, Error::bad_request("offset must be a number"));
    }
    auto page = chat.queue_of(tenant, offset);
    page["tenant"] = tenant;
    page["open"] = chat.live_open(tenant);
    co_return json_response(req, http::status::ok, page);
  }
  co_return json_response(req, http::status::ok,
                          {{"tenant", tenant}, {"open", chat.live_open(tenant)}, {"agents", chat.presence_of(tenant)}});
}

// GET: a site's proactive rules (any agent of its tenant). PUT (the JSON list, chat/rules.h):
// validates, stores and applies them at once (supervisors and admins, CSRF).
awaitable<Response> Server::Impl::api_rules(Request& req, std::string key) {
  bool put = req.method() == http::verb::put;
  if (!put && req.method() != http::verb::get) co_return error_response(req, Error::bad_request("use GET or PUT"));
  auto idp = co_await identify(req);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  std::optional<rules::RuleSet> parsed;
  if (put) {
    if (auto refused = write_refused(req, *id)) co_return error_response(req, *refused);
    auto rs = rules::parse(req.body());
    if (!rs) co_return error_response(req, rs.error());
    parsed = std::move(rs).value();
  }
  AgentIdentity who = *id;
  std::string body = put ? req.body() : std::string();
  Starter<Result<Site>> job = [this, key, who, put, body](auto cb) {
    bool queued = store.submit<Site>(
        [key, who, put, body](Store& st) -> Result<Site> {
          auto site = st.site_by_key(key);
          if (!site || !who.member_of(site->tenant_id)) return Error::not_found("no such site");
          if (put) {
            auto m = std::find_if(who.memberships.begin(), who.memberships.end(),
                                  [&](const Membership& ms) { return ms.tenant_id == site->tenant_id; });
            if (m->role == Role::kAgent) return Error::forbidden("supervisors and admins only");
            if (auto s = st.set_site_rules(site->id, body); !s) return s.error();
            site->rules = body;
          }
          return site;
        },
        cb);
    if (!queued) cb(Error::unavailable("the server is busy or shutting down"));
  };
  auto sp = co_await await_callback(&job);
  auto& site = *sp;
  if (!site) co_return error_response(req, site.error());
  if (parsed) chat.set_site_rules(site->id, std::move(*parsed));  // invitations follow them from now on
  boost::system::error_code ec;
  auto v = boost::json::parse(site->rules, ec);
  co_return json_response(req, http::status::ok, {{"site", key}, {"rules", ec ? boost::json::value(boost::json::array()) : v}});
}

namespace {
boost::json::object site_json(const Site& site) {
  boost::json::object greetings;
  for (const auto& [lang, text] : site.greetings) greetings[lang] = text;
  boost::json::array langs;
  for (const auto& l : site.langs) langs.push_back(boost::json::string(l));
  return {{"site", site.key}, {"name", site.name}, {"greeting", site.greeting}, {"greetings", std::move(greetings)},
          {"langs", std::move(langs)}};
}

// The body of PUT /api/sites/{key}: every field optional, each of the right type.
Result<admin::SiteUpdate> site_update_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Error::bad_request("body must be a JSON object");
  const auto& o = v.as_object();
  admin::SiteUpdate u;
  for (const auto& [k, val] : o) {
    if (k == "name" || k == "greeting") {
      if (!val.is_string()) return Error::bad_request("'" + std::string(k) + "' must be a string");
      (k == "name" ? u.name : u.greeting) = std::string(val.as_string());
    } else if (k == "greetings") {
      if (!val.is_object()) return Error::bad_request("'greetings' must be an object such as {\"sv\": \"Hej!\"}");
      for (const auto& [lang, text] : val.as_object()) {
        if (!text.is_string()) return Error::bad_request("greetings." + std::string(lang) + " must be a string");
        u.greetings[std::string(lang)] = std::string(text.as_string());
      }
    } else if (k == "langs") {
      if (!val.is_array()) return Error::bad_request("'langs' must be a list such as [\"fi\", \"sv\"]");
      std::vector<std::string> langs;
      for (const auto& l : val.as_array()) {
        if (!l.is_string()) return Error::bad_request("'langs' must be a list of strings");
        langs.emplace_back(l.as_string());
      }
      u.langs = std::move(langs);
    } else if (k != "site") {
      return Error::bad_request("unknown field '" + std::string(k).substr(0, 40) + "'");
    }
  }
  return u;
}
}  // namespace

// GET: a site's name, greetings and languages (any agent of its tenant). PUT: supervisors and
// admins change them (CSRF); visitors are greeted with them from their next page load.
awaitable<Response> Server::Impl::api_site(Request& req, std::string key) {
  bool put = req.method() == http::verb::put;
  if (!put && req.method() != http::verb::get) co_return error_response(req, Error::bad_request("use GET or PUT"));
  auto idp = co_await identify(req);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  std::optional<admin::SiteUpdate> update;
  if (put) {
    if (auto refused = write_refused(req, *id)) co_return error_response(req, *refused);
    auto u = site_update_of(req.body());
    if (!u) co_return error_response(req, u.error());
    update = std::move(u).value();
  }
  AgentIdentity who = *id;
  Starter<Result<Site>> job = [this, key, who, update](auto cb) {
    bool queued = store.submit<Site>(
        [key, who, update](Store& st) -> Result<Site> {
          auto site = st.site_by_key(key);
          if (!site || !who.member_of(site->tenant_id)) return Error::not_found("no such site");
          if (!update) return site;
          if (who.role_in(site->tenant_id) == Role::kAgent) return Error::forbidden("supervisors and admins only");
          return admin::update_site(st, key, *update);
        },
        cb);
    if (!queued) cb(Error::unavailable("the server is busy or shutting down"));
  };
  auto sp = co_await await_callback(&job);
  auto& site = *sp;
  if (!site) co_return error_response(req, site.error());
  if (update) chat.set_site(*site);
  co_return json_response(req, http::status::ok, site_json(*site));
}

// PUT {"status": "online"|"away"}: my availability, as the console's switch sets it.
awaitable<Response> Server::Impl::api_status(Request& req) {
  auto idp = co_await identify(req);
  auto& id = *idp;
  if (!id) co_return error_response(req, id.error());
  if (auto refused = write_refused(req, *id)) co_return error_response(req, *refused);
  boost::system::error_code ec;
  auto v = boost::json::parse(req.body(), ec);
  if (ec || !v.is_object() || !v.as_object().contains("status") || !v.as_object().at("status").is_string()) {
    co_return error_response(req, Error::bad_request("body must be {\"status\": \"online\"|\"away\"}"));
  }
  if (auto st = chat.set_status(id->agent.id, v.as_object().at("status").as_string()); !st) {
    co_return error_response(req, st.error());
  }
  co_return json_response(req, http::status::ok, {{"agent", id->agent.id}, {"status", v.as_object().at("status").as_string()}});
}

// --------------------------------------------------------------------------------- Server

Server::Server(asio::io_context& io, Chat& chat, AuthService& auth, StoreWorker& store, StaticFiles& files,
               Metrics& metrics, AbuseLimits& abuse, ServerOptions options)
    : impl_(std::make_unique<Impl>(io, chat, auth, store, files, metrics, abuse, std::move(options))) {}

Server::~Server() {
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
  return {};
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
  impl.public_origin = normal_origin(impl.opt.public_url);
  if (impl.opt.public_url_given && impl.public_origin.empty()) {
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
  auto crash = [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);  // a bug: let it crash loudly
  };
  asio::co_spawn(impl_->io, impl_->accept_loop(impl_->acceptor, false), crash);
  if (impl_->metrics_acceptor.is_open()) asio::co_spawn(impl_->io, impl_->accept_loop(impl_->metrics_acceptor, true), crash);
  impl_->schedule_tick();
}

void Server::shutdown(std::function<void()> done) {
  auto& impl = *impl_;
  if (impl.draining) return;
  impl.draining = true;
  impl.chat.begin_shutdown();
  boost::system::error_code ec;
  impl.acceptor.close(ec);
  impl.metrics_acceptor.close(ec);
  impl.tick_timer.cancel();
  log::info("draining", {{"in_flight", impl.chat.in_flight()}, {"connections", impl.connections.size()}});
  auto timer = std::make_shared<asio::steady_timer>(impl.io);
  auto deadline = std::chrono::steady_clock::now() + limits::kDrainTimeout;
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [&impl, timer, deadline, poll, done]() {
    if (impl.chat.in_flight() > 0 && std::chrono::steady_clock::now() < deadline) {
      timer->expires_after(std::chrono::milliseconds(5));
      timer->async_wait([poll](boost::system::error_code) { (*poll)(); });
      return;
    }
    // Every acknowledgement owed is sent (or the deadline passed): say goodbye.
    std::vector<WsConnection*> open(impl.connections.begin(), impl.connections.end());
    for (auto* c : open) c->close(websocket::close_code::going_away, "server shutting down");
    timer->expires_after(std::chrono::milliseconds(200));  // let close frames go out
    timer->async_wait([done, poll](boost::system::error_code) {
      *poll = nullptr;  // break the self-reference
      done();
    });
  };
  (*poll)();
}

}  // namespace tiski
