// The network layer's threads. One domain thread runs the chat modules (and everything that
// touches their state); N I/O threads each own a share of the sockets: they accept, read and
// parse HTTP, run the WebSocket protocol, decode client frames against the generated protocol
// and write what the domain thread sends. The model is Redis 6's I/O threads, with the sockets
// owned by the I/O threads instead of handed back and forth.
//
// Between them there are only two kinds of hand-off, both Mailboxes (FIFO, one wake-up per
// batch): Inbound (a connection opened, a decoded frame, a connection closed) from an I/O
// thread to the domain thread, and Outbound (a frame to send, a close) from the domain thread
// to the I/O thread that owns the socket. A connection lives on one I/O thread for its whole
// life, so what one client sends reaches the domain in the order it was sent, and what the
// domain sends one client leaves in the order it was sent: the ordering the exactly-once
// resync relies on is the same as with one thread.
//
// With io_threads = 0 the domain thread's io_context serves as the only I/O context: the same
// code, one thread (what Tiski was before it had I/O threads).
#pragma once

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <variant>
#include <vector>

#include "chat/protocol.h"
#include "chat/protocol_types_gen.h"
#include "net/mailbox.h"

namespace tiski {

class WsConnection;

// From an I/O thread to the domain thread.
struct Inbound {
  enum class Kind : std::uint8_t { kOpened, kFrame, kClosed };
  using Frame = std::variant<std::monostate, Result<proto::visitor_client::Frame>, Result<proto::agent_client::Frame>>;
  std::shared_ptr<WsConnection> conn;
  Kind kind = Kind::kFrame;
  Frame frame;
};

// From the domain thread to the I/O thread of `conn`: a frame, or (frame null) a close.
struct Outbound {
  std::shared_ptr<WsConnection> conn;
  proto::SharedFrame frame;
  std::uint16_t close_code = 0;
  std::string_view close_reason;  // a string literal (Transport::close)
};

// The buffers of one gathered write of a WebSocket (ws_connection.cc): the frame headers, the
// pieces to write (headers, payloads, pending control frames) and how many queued frames it
// carries. Pooled per I/O thread and held by a connection only while it writes, so an idle
// connection holds none.
//
// Two sizes: most writes carry a frame or two (an answer, a message, a broadcast), and a
// broadcast to every visitor of a tenant has one write in flight per connection at once, so
// a batch for 64 frames each (~2.8 KB) would cost 19,000 visitors 53 MB for a moment. A small
// batch is ~240 bytes.
struct WriteBatch {
  static constexpr std::size_t kMaxFrames = 64;
  static constexpr std::size_t kSmallFrames = 2;
  explicit WriteBatch(std::size_t frames) : max_frames(frames) {
    heads.reserve(frames);  // the buffers point into it: never reallocated
    bufs.reserve(2 * frames + 1);
  }
  const std::size_t max_frames;  // kMaxFrames or kSmallFrames
  std::vector<std::array<std::uint8_t, 10>> heads;
  std::vector<boost::asio::const_buffer> bufs;
  std::string control;  // ping, pong and close frames, whole
  std::size_t frames = 0;
};

class IoThread {
  // First: the members below are built on the io_context.
  std::size_t index_;
  std::unique_ptr<boost::asio::io_context> own_;
  boost::asio::io_context* io_;

 public:
  // Runs on an io_context of its own; `shared` (io_threads = 0): on that one, no thread.
  explicit IoThread(std::size_t index, boost::asio::io_context* shared = nullptr);
  ~IoThread();
  IoThread(const IoThread&) = delete;
  IoThread& operator=(const IoThread&) = delete;

  boost::asio::io_context& io() { return *io_; }
  std::size_t index() const { return index_; }
  void start();  // starts the thread (named tiski-io-N), if it has one
  void stop();   // stops its io_context and joins the thread

  net::Mailbox<Outbound> outbox;
  // This thread's open WebSockets (touched only on this thread).
  std::unordered_set<WsConnection*> connections;
  boost::asio::steady_timer sweep_timer;
  // What the WebSockets of this thread borrow: the bytes of one read (allocated at the first
  // read) and the batches of their writes.
  std::vector<char> read_buffer;
  // A batch for `frames` queued frames: a small one for up to WriteBatch::kSmallFrames, else
  // one for WriteBatch::kMaxFrames (it may carry fewer than asked for).
  std::unique_ptr<WriteBatch> take_batch(std::size_t frames);
  void give_batch(std::unique_ptr<WriteBatch> b);

 private:
  std::vector<WsConnection*> to_flush_;  // the outbox handler's, kept alive by the batch
  std::vector<std::unique_ptr<WriteBatch>> spare_batches_, spare_small_;  // at most 64 of each
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
};

}  // namespace tiski
