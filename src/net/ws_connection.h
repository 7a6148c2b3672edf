// WsConnection: one WebSocket, the gateway's Transport. send() appends to a queue drained by
// one async_write at a time. A peer is a slow consumer when its queue makes no progress for
// limits::kSendStallTimeout (checked on every send and once a second), or when it passes the
// memory caps; it is then closed (1008). Every frame is bounded by the protocol's paging, so a
// healthy reader is never dropped because one frame is large. Written in callback style, not
// as a coroutine, because tens of thousands of idle visitor sockets each hold one: a coroutine
// frame per socket would cost more memory than the socket itself. Threading: the network thread.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/server_impl.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

namespace websocket = boost::beast::websocket;

class WsConnection final : public Transport, public std::enable_shared_from_this<WsConnection> {
 public:
  WsConnection(Server::Impl& srv, tcp::socket socket, std::string address, bool counted)
      : srv_(srv), ws_(std::move(socket)), address_(std::move(address)), counted_(counted) {}

  void run(const Request& req, std::optional<AgentIdentity> agent);
  bool send(const proto::SharedFrame& f) override;

  // The queue has waited for the socket without any progress for too long.
  bool stalled(std::chrono::steady_clock::time_point now) const;
  // Drops what waits and closes the connection (1008), counted as a slow consumer.
  void drop_slow();
  void close(std::uint16_t code, std::string_view reason) override;

 private:
  void on_accept(beast::error_code ec, std::optional<AgentIdentity> agent);
  void do_read() { ws_.async_read(buf_, beast::bind_front_handler(&WsConnection::on_read, shared_from_this())); }

  void on_read(beast::error_code ec, std::size_t);
  void do_write();
  void on_write(beast::error_code ec, std::size_t);
  void do_close();
  void finish();

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
  std::string address_;                                  // the client address key (limits)
  bool counted_ = false;                                 // holds one of the address's connections (AbuseLimits)
  std::chrono::steady_clock::time_point progress_at_{};  // last write done, or the queue's start

  friend struct Server::Impl;
};

}  // namespace tiski
