// WsConnection: one WebSocket. It lives on one I/O thread (io_thread.h), which reads, decodes
// and writes; the domain thread sees it as the gateway's Transport and through Inbound items.
//
// Which thread touches what:
// - I/O thread: the socket, the reader, the send queue and its flags, run/on_*/enqueue/flush/
//   begin_close/drop_slow/tick/finish.
// - Domain thread: the session (session_) and opened/dispatch/closed; Transport::send
//   and close, which only push Outbound items to the I/O thread.
// - Both, read-only after construction: srv_, io_, address_, origin_, counted_, is_agent_.
//
// The framing is our own (net/ws/frames.h), on a plain socket, so that an idle connection
// holds little: no read buffer (a zero-byte wait for readability; the bytes are read into the
// I/O thread's buffer and only an unfinished frame is kept), no timer (the I/O thread's sweep
// once a second sends the idle ping and ends what timed out: tick()), no write buffers (a
// pooled WriteBatch while writing).
//
// enqueue() appends to a queue and flush() writes; each write gathers up to WriteBatch::kMaxFrames queued
// frames and the pending control frames into one sendmsg. A peer is a slow consumer when its
// queue makes no progress for limits::kSendStallTimeout (checked on every frame and once a
// second), or when it passes the memory caps; it is then closed (1008). Every frame is bounded
// by the protocol's paging, so a healthy reader is never dropped because one frame is large.
// Written in callback style, not as a coroutine, because tens of thousands of idle visitor
// sockets each hold one: a coroutine frame per socket would cost more than the socket itself.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/io_thread.h"
#include "net/server_impl.h"
#include "net/ws/frames.h"
#include "util/interned.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

class WsConnection final : public Transport, public std::enable_shared_from_this<WsConnection> {
 public:
  // `agent`: the console's identity (agent channel), or nullopt (visitor channel).
  // `origin`: the page's (the Origin header), kept for the visitor channel's hello.
  WsConnection(Server::Impl& srv, IoThread& io, tcp::socket socket, std::string_view address, bool counted,
               std::optional<AgentIdentity> agent, std::string_view origin = {})
      : srv_(srv),
        io_(io),
        socket_(io.io()),
        address_(address),
        origin_(origin),
        counted_(counted),
        is_agent_(agent.has_value()),
        agent_identity_(agent ? std::make_unique<AgentIdentity>(std::move(*agent)) : nullptr) {
    adopt(std::move(socket));
  }

  // ---- I/O thread
  void run(const Request& req);
  // Queues a frame; true when the caller must flush() this connection once it has queued all
  // it has (the frames of one outbox batch leave in one write).
  bool enqueue(const proto::SharedFrame& f);
  void flush();
  void begin_close(std::uint16_t code, std::string_view reason);
  // The queue has waited for the socket without any progress for too long.
  bool stalled(std::chrono::steady_clock::time_point now) const;
  // Its close has begun (it then only waits for its deadline, stalled or not).
  bool closing() const { return closing_; }
  // Drops what waits and closes the connection (1008), counted as a slow consumer.
  void drop_slow();
  // Once a second (the I/O thread's sweep): the idle ping, the idle timeout, a close that the
  // peer never answered. True if it has anything to do at `now`.
  bool due(std::chrono::steady_clock::time_point now) const;
  void tick(std::chrono::steady_clock::time_point now);

  // ---- domain thread
  bool send(const proto::SharedFrame& f) override;
  void close(std::uint16_t code, std::string_view reason) override;
  std::string_view origin() const override { return origin_.str(); }
  void opened();
  void dispatch(const Inbound::Frame& frame);
  void closed();

 private:
  // Memory inside the connection for its one pending readability wait, so that an idle
  // connection's wait costs no allocation of its own (asio frees an operation's memory before
  // its handler runs, so the next wait may use it again). Larger requests go to the heap.
  static constexpr std::size_t kWaitMemory = 104;  // asio 1.81's wait operation with this handler, on Socket
  template <class T>
  struct WaitAllocator {
    using value_type = T;
    WsConnection* c;
    explicit WaitAllocator(WsConnection* conn) : c(conn) {}
    template <class U>
    WaitAllocator(const WaitAllocator<U>& o) : c(o.c) {}  // NOLINT(google-explicit-constructor): rebinding
    T* allocate(std::size_t n) {
      if (!c->wait_memory_used_ && n * sizeof(T) <= kWaitMemory && alignof(T) <= alignof(std::max_align_t)) {
        c->wait_memory_used_ = true;
        return reinterpret_cast<T*>(c->wait_memory_);
      }
      return std::allocator<T>().allocate(n);
    }
    void deallocate(T* p, std::size_t n) {
      if (reinterpret_cast<unsigned char*>(p) == c->wait_memory_) {
        c->wait_memory_used_ = false;
      } else {
        std::allocator<T>().deallocate(p, n);
      }
    }
    template <class U>
    bool operator==(const WaitAllocator<U>& o) const {
      return c == o.c;
    }
  };

  // The socket on its I/O thread's io_context by type: 40 bytes instead of tcp::socket's 88 (no
  // polymorphic executor), and its waits' operations smaller by as much.
  using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;
  void adopt(tcp::socket socket);
  void on_accept(boost::system::error_code ec);
  void do_read();
  void on_readable(boost::system::error_code ec);
  void on_event(const ws::Event& e);
  Inbound::Frame decode(bool text, std::string_view payload) const;
  void add_control(const std::string& frame);
  void close_now(std::uint16_t code, std::string_view why);
  void do_write();
  void on_write(boost::system::error_code ec, std::size_t);
  void finish();

  Server::Impl& srv_;
  IoThread& io_;
  alignas(std::max_align_t) unsigned char wait_memory_[kWaitMemory];
  Socket socket_;
  ws::Reader reader_{limits::kMaxFrameBytes};
  std::unique_ptr<WriteBatch> batch_;      // while a write is in flight
  std::unique_ptr<std::string> control_;   // control frames waiting for the next write (null: none)
  std::vector<proto::SharedFrame> queue_;  // FIFO: [head_, size) waits; cheap when empty
  std::size_t head_ = 0;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool peer_closed_ = false;    // the peer's close came, or the connection failed: end once ours is out
  bool ping_sent_ = false;      // since the last bytes read
  bool flush_pending_ = false;  // enqueued since the last flush()
  bool finished_ = false;
  bool wait_memory_used_ = false;
  bool opened_ = false;  // the domain was told (kOpened), so it must be told kClosed
  std::uint16_t close_code_ = 0;
  std::uint16_t close_text_size_ = 0;  // with close_text_: a string_view in two parts, 8 bytes smaller
  const char* close_text_ = "";        // Transport::close reasons are string literals
  std::chrono::steady_clock::time_point progress_at_{};  // last write done, or the queue's start
  std::chrono::steady_clock::time_point read_at_{};      // last bytes read (idle ping, timeout)
  std::chrono::steady_clock::time_point close_by_{};     // a close we began ends by then at the latest
  const Interned address_;                               // the client address key (limits), shared with the session
  const Interned origin_;                                // the page's origin: few distinct, shared
  const bool counted_;                                   // holds one of the address's connections (AbuseLimits)
  const bool is_agent_;
  // Domain thread only (handed over with kOpened); a pointer, so that the many visitor
  // connections do not each carry an empty identity.
  std::unique_ptr<AgentIdentity> agent_identity_;
  std::shared_ptr<ClientSession> session_;  // a VisitorSession, or an AgentSession if is_agent_
};

}  // namespace tiski
