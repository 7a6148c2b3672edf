// Server::Impl: what the HTTP side (server.cc) and the WebSocket connections
// (ws_connection.cc) share: the listeners, the domain, the route table, the live connections.
// Beast types are visible only to src/net/. Threading: the network thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <unordered_set>
#include <vector>

#include "api/api.h"
#include "net/server.h"

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

class WsConnection;

struct Server::Impl {
  Impl(asio::io_context& io, Chat& chat, AuthService& auth, StoreWorker& store, StaticFiles& files, Metrics& metrics,
       AbuseLimits& abuse, ServerOptions opt)
      : io(io),
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
                 metrics,
                 this->opt.public_url.starts_with("https://"),
                 this->opt.metrics_token,
                 [this] { return draining; }},
        routes(auth, api::OriginPolicy(this->opt.public_url_given ? this->opt.public_url : "")),
        acceptor(io),
        metrics_acceptor(io),
        tick_timer(io) {
    api::add_all_routes(routes, services);
  }

  awaitable<void> accept_loop(tcp::acceptor& from, bool metrics_only);
  awaitable<void> http_session(tcp::socket socket, bool metrics_only);
  awaitable<Response> handle(Request& req);
  Response own_metrics(const Request& req);
  Response metrics_listener_response(const Request& req);
  // The client address the limits are kept for (see client_address()).
  std::string address_of(const tcp::socket& socket, const Request& req) const;
  void sweep_stalled();
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
  api::Services services;
  api::Routes routes;
  tcp::acceptor acceptor;
  tcp::acceptor metrics_acceptor;
  asio::steady_timer tick_timer;
  std::vector<asio::ip::address> trusted;
  bool draining = false;
  bool out_of_fds = false;
  int reserve_fd = -1;
  std::unordered_set<WsConnection*> connections;
};

}  // namespace tiski
