// WsConnection: one WebSocket. It lives on one I/O thread (io_thread.h), which reads, decodes
// and writes; the domain thread sees it as the gateway's Transport and through Inbound items.
//
// Which thread touches what:
// - I/O thread: the stream, the read buffer, the send queue and its flags, run/on_* /
//   write_frame/begin_close/drop_slow/finish.
// - Domain thread: the session (visitor_/agent_) and opened/dispatch/closed; Transport::send
//   and close, which only push Outbound items to the I/O thread.
// - Both, read-only after construction: srv_, io_, address_, counted_, is_agent_.
//
// write_frame() appends to a queue drained by one async_write at a time. A peer is a slow
// consumer when its queue makes no progress for limits::kSendStallTimeout (checked on every
// frame and once a second), or when it passes the memory caps; it is then closed (1008). Every
// frame is bounded by the protocol's paging, so a healthy reader is never dropped because one
// frame is large. Written in callback style, not as a coroutine, because tens of thousands of
// idle visitor sockets each hold one: a coroutine frame per socket would cost more memory
// than the socket itself.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/io_thread.h"
#include "net/server_impl.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

namespace websocket = boost::beast::websocket;

class WsConnection final : public Transport, public std::enable_shared_from_this<WsConnection> {
 public:
  // `agent`: the console's identity (agent channel), or nullopt (visitor channel).
  WsConnection(Server::Impl& srv, IoThread& io, tcp::socket socket, std::string address, bool counted,
               std::optional<AgentIdentity> agent)
      : srv_(srv),
        io_(io),
        ws_(std::move(socket)),
        address_(std::move(address)),
        counted_(counted),
        is_agent_(agent.has_value()),
        agent_identity_(agent ? std::make_unique<AgentIdentity>(std::move(*agent)) : nullptr) {}

  // ---- I/O thread
  void run(const Request& req);
  void write_frame(const proto::SharedFrame& f);
  void begin_close(std::uint16_t code, std::string_view reason);
  // The queue has waited for the socket without any progress for too long.
  bool stalled(std::chrono::steady_clock::time_point now) const;
  // Drops what waits and closes the connection (1008), counted as a slow consumer.
  void drop_slow();

  // ---- domain thread
  bool send(const proto::SharedFrame& f) override;
  void close(std::uint16_t code, std::string_view reason) override;
  void opened();
  void dispatch(const Inbound::Frame& frame);
  void closed();

 private:
  void on_accept(beast::error_code ec);
  void do_read() { ws_.async_read(buf_, beast::bind_front_handler(&WsConnection::on_read, shared_from_this())); }
  void on_read(beast::error_code ec, std::size_t);
  Inbound::Frame decode() const;
  void do_write();
  void on_write(beast::error_code ec, std::size_t);
  void do_close();
  void finish();

  Server::Impl& srv_;
  IoThread& io_;
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
  bool opened_ = false;  // the domain was told (kOpened), so it must be told kClosed
  std::uint16_t close_code_ = 0;
  std::string_view close_text_;                          // Transport::close reasons are string literals
  std::chrono::steady_clock::time_point progress_at_{};  // last write done, or the queue's start
  const std::string address_;                            // the client address key (limits)
  const bool counted_;                                   // holds one of the address's connections (AbuseLimits)
  const bool is_agent_;
  // Domain thread only (handed over with kOpened); a pointer, so that the many visitor
  // connections do not each carry an empty identity.
  std::unique_ptr<AgentIdentity> agent_identity_;
  std::shared_ptr<VisitorSession> visitor_;
  std::shared_ptr<AgentSession> agent_;
};

}  // namespace tiski
