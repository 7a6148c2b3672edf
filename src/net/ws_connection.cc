#include "net/ws_connection.h"

#include <unistd.h>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/write.hpp>

#include "net/ws/handshake.h"

namespace tiski {

// ------------------------------------------------------------------------------ I/O thread

namespace {
using Steady = std::chrono::steady_clock;
}  // namespace

void WsConnection::adopt(tcp::socket socket) {
  // The descriptor moves over (out of the reactor and into it again); if that fails, the socket
  // stays closed and the first write finishes the connection.
  boost::system::error_code ec;
  auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return;
  auto fd = socket.release(ec);
  if (ec) return;
  socket_.assign(protocol, fd, ec);
  if (ec) ::close(fd);
}

void WsConnection::run(const Request& req) {
  boost::system::error_code ignored;
  socket_.set_option(asio::socket_base::send_buffer_size(limits::kSocketSendBuffer), ignored);
  socket_.non_blocking(true, ignored);  // reads happen when the socket is readable, never waiting
  // The 101 answer: what the server checked (server.cc) is a valid handshake.
  batch_ = io_.take_batch(0);
  batch_->control = ws::switching_protocols(req[http::field::sec_websocket_key]);
  batch_->bufs.push_back(asio::buffer(batch_->control));
  writing_ = true;
  asio::async_write(socket_, std::span<const asio::const_buffer>(batch_->bufs),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->io_.give_batch(std::move(self->batch_));
                      self->writing_ = false;
                      self->on_accept(ec);
                    });
}

void WsConnection::on_accept(boost::system::error_code ec) {
  if (ec) return finish();
  io_.connections.insert(this);
  ++srv_.open_connections;
  opened_ = true;
  read_at_ = progress_at_ = Steady::now();
  srv_.inbox.push(Inbound{shared_from_this(), Inbound::Kind::kOpened, {}});
  do_read();
  if (!queue_.empty() || control_ || closing_) do_write();
}

bool WsConnection::enqueue(const proto::SharedFrame& f) {
  if (closing_ || finished_) return false;
  auto now = Steady::now();
  if (stalled(now) || queue_.size() - head_ >= limits::kMaxSendQueueFrames ||
      queued_bytes_ + f->size() > limits::kMaxSendQueueBytes) {
    drop_slow();
    return false;
  }
  if (head_ == queue_.size()) progress_at_ = now;  // the wait starts now
  queued_bytes_ += f->size();
  queue_.push_back(f);
  srv_.metrics.deliveries_total.inc();
  if (flush_pending_) return false;
  flush_pending_ = true;
  return true;
}

void WsConnection::flush() {
  flush_pending_ = false;
  if (!writing_ && opened_) do_write();
}

bool WsConnection::stalled(Steady::time_point now) const {
  return (head_ < queue_.size() || writing_) && now - progress_at_ > limits::kSendStallTimeout;
}

void WsConnection::drop_slow() {
  // Once: a connection already closing only waits for its deadline (a peer that went on
  // pinging called this per 4 KiB of pongs, each time logged and the deadline pushed back).
  if (finished_ || closing_) return;
  srv_.metrics.slow_consumers_total.inc();
  log::warn("slow consumer dropped", {{"queued_bytes", queued_bytes_}, {"queued_frames", queue_.size() - head_}});
  // Keep only what is being written; the close frame follows it.
  std::size_t keep = head_ + (batch_ ? batch_->frames : 0);
  while (queue_.size() > keep) {
    queued_bytes_ -= queue_.back()->size();
    queue_.pop_back();
  }
  control_.reset();
  begin_close(ws::kClosePolicy, "slow consumer");
  // A peer that reads nothing never lets the close frame out either: end it after a grace.
  close_by_ = Steady::now() + std::chrono::seconds(2);
}

void WsConnection::begin_close(std::uint16_t code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_code_ = code;
  close_text_ = reason.data();
  close_text_size_ = static_cast<std::uint16_t>(std::min<std::size_t>(reason.size(), 0xFFFF));
  close_by_ = Steady::now() + limits::kHandshakeTimeout;  // for the peer's answer
  if (!writing_ && opened_) do_write();
}

bool WsConnection::due(Steady::time_point now) const {
  if (finished_ || !opened_) return false;
  if (closing_) return now >= close_by_;
  return now - read_at_ >= limits::kIdleTimeout / 2;
}

void WsConnection::tick(Steady::time_point now) {
  if (!due(now)) return;
  if (closing_ || now - read_at_ >= limits::kIdleTimeout) return finish();  // no answer: end it
  if (!ping_sent_) {
    ping_sent_ = true;
    add_control(ws::control_frame(ws::Opcode::kPing, ""));
  }
}

void WsConnection::do_read() {
  if (finished_ || reader_.done()) return;
  socket_.async_wait(Socket::wait_read, asio::bind_allocator(WaitAllocator<void>(this),
                                                             [self = shared_from_this()](boost::system::error_code ec) {
                                                               self->on_readable(ec);
                                                             }));
}

// The wait's handler holds the connection while this runs, even if an event finishes it.
void WsConnection::on_readable(boost::system::error_code ec) {
  if (finished_) return;
  if (ec) return finish();
  auto& buf = io_.read_buffer;
  if (buf.empty()) buf.resize(64 * 1024);
  std::size_t n = socket_.read_some(asio::buffer(buf), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return do_read();
  if (ec) return finish();  // gone without a close frame
  read_at_ = Steady::now();
  ping_sent_ = false;
  reader_.feed(std::span<char>(buf.data(), n), [this](const ws::Event& e) { on_event(e); });
  do_read();
}

void WsConnection::on_event(const ws::Event& e) {
  using Kind = ws::Event::Kind;
  switch (e.kind) {
    case Kind::kMessage:
      if (closing_) return;  // the peer's close is awaited; what it sent before it is moot
      srv_.inbox.push(Inbound{shared_from_this(), Inbound::Kind::kFrame, decode(e.text, e.payload)});
      return;
    case Kind::kPing:
      if (!closing_) add_control(ws::control_frame(ws::Opcode::kPong, e.payload));  // closing: no more pongs
      return;
    case Kind::kPong: return;  // it was read: read_at_ moved
    case Kind::kClose:
      peer_closed_ = true;
      if (close_sent_) {
        if (!writing_) finish();  // our close was answered
        return;
      }
      // Answer with the same code (RFC 6455 5.5.1), then end.
      return close_now(e.code == ws::kCloseNoStatus ? ws::kCloseNormal : e.code, "");
    case Kind::kError:
      // Fail the connection: say why, and end without waiting for an answer.
      srv_.metrics.frames_rejected_total.inc();
      peer_closed_ = true;
      if (!close_sent_) return close_now(e.code, e.why);
      if (!writing_) finish();
      return;
  }
}

// A close frame ahead of anything queued (the peer's close answered, or the connection failed).
void WsConnection::close_now(std::uint16_t code, std::string_view why) {
  closing_ = true;
  close_sent_ = true;
  close_by_ = Steady::now() + limits::kHandshakeTimeout;
  add_control(ws::close_frame(code, why));
}

// Decoding needs nothing of the domain's state, so it happens here, beside the socket.
Inbound::Frame WsConnection::decode(bool text, std::string_view payload) const {
  if (!text) {
    srv_.metrics.frames_rejected_total.inc();
    Error e = Error::bad_request("binary frames are not supported; send JSON text");
    if (is_agent_) return Result<proto::agent_client::Frame>(std::move(e));
    return Result<proto::visitor_client::Frame>(std::move(e));
  }
  if (is_agent_) return proto::decode_agent_client(payload);
  return proto::decode_visitor_client(payload);
}

void WsConnection::add_control(const std::string& frame) {
  if (finished_) return;
  // A peer that pings without reading the pongs would grow this: it is a slow consumer.
  if (!control_) {
    if (!writing_) progress_at_ = Steady::now();
    control_ = std::make_unique<std::string>();  // rare (a ping, a pong, the close): not kept
  }
  if (control_->size() + frame.size() > 4096) return drop_slow();
  *control_ += frame;
  if (!writing_ && opened_) do_write();
}

void WsConnection::do_write() {
  if (writing_ || finished_) return;
  if (head_ == queue_.size() && !control_) {
    queue_.clear();
    head_ = 0;
    if (queue_.capacity() > 16) queue_.shrink_to_fit();
    if (closing_ && !close_sent_) {
      // Everything queued before the close is out: now the close frame.
      close_sent_ = true;
      control_ = std::make_unique<std::string>(ws::close_frame(close_code_, {close_text_, close_text_size_}));
    } else {
      if (close_sent_ && peer_closed_) finish();
      return;
    }
  }
  // One gathered write: the control frames first (a pong must not wait behind a backlog),
  // then as many queued frames as a batch holds.
  batch_ = io_.take_batch(queue_.size() - head_);
  auto& b = *batch_;
  if (control_) {
    b.control.swap(*control_);
    control_.reset();
    b.bufs.push_back(asio::buffer(b.control));
  }
  while (head_ + b.frames < queue_.size() && b.frames < b.max_frames) {
    const auto& f = *queue_[head_ + b.frames];
    auto& h = b.heads.emplace_back();
    std::size_t n = ws::frame_header(ws::Opcode::kText, f.size(), h);
    b.bufs.push_back(asio::buffer(h.data(), n));
    b.bufs.push_back(asio::buffer(f));
    ++b.frames;
  }
  writing_ = true;
  // A view of the pieces, not the vector: the write keeps a copy of what it is given.
  asio::async_write(
      socket_, std::span<const asio::const_buffer>(b.bufs),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) { self->on_write(ec, n); });
}

void WsConnection::on_write(boost::system::error_code ec, std::size_t) {
  progress_at_ = Steady::now();
  for (std::size_t i = 0; i < batch_->frames; ++i) {
    queued_bytes_ -= queue_[head_]->size();
    queue_[head_++].reset();
  }
  io_.give_batch(std::move(batch_));
  writing_ = false;
  if (ec) return finish();
  do_write();
}

void WsConnection::finish() {
  if (finished_) return;
  finished_ = true;
  if (opened_) {
    io_.connections.erase(this);
    --srv_.open_connections;
  }
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  // The domain forgets the session and gives the address its connection back.
  if (opened_ || counted_) srv_.inbox.push(Inbound{shared_from_this(), Inbound::Kind::kClosed, {}});
}

// --------------------------------------------------------------------------- domain thread

bool WsConnection::send(const proto::SharedFrame& f) {
  io_.outbox.push(Outbound{shared_from_this(), f, 0, {}});
  return true;
}

void WsConnection::close(std::uint16_t code, std::string_view reason) {
  io_.outbox.push(Outbound{shared_from_this(), nullptr, code, reason});
}

void WsConnection::opened() {
  if (agent_identity_) {
    session_ = srv_.chat.agent_connected(*this, std::move(*agent_identity_), address_);
    agent_identity_.reset();
  } else {
    session_ = srv_.chat.visitor_connected(*this, address_);
  }
}

void WsConnection::dispatch(const Inbound::Frame& frame) {
  // decode() chose the frame's channel by is_agent_, as opened() chose the session's.
  if (!session_) return;
  if (const auto* v = std::get_if<Result<proto::visitor_client::Frame>>(&frame)) {
    srv_.chat.on_frame(static_cast<VisitorSession&>(*session_), *v);
  } else if (const auto* a = std::get_if<Result<proto::agent_client::Frame>>(&frame)) {
    srv_.chat.on_frame(static_cast<AgentSession&>(*session_), *a);
  }
}

void WsConnection::closed() {
  if (session_ && is_agent_) {
    srv_.chat.disconnected(static_cast<AgentSession&>(*session_));
  } else if (session_) {
    srv_.chat.disconnected(static_cast<VisitorSession&>(*session_));
  }
  session_.reset();  // here, not wherever the last reference to the connection goes
  if (counted_) srv_.abuse.disconnect(address_.str());
}

}  // namespace tiski
