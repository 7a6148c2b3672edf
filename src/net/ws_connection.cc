#include "net/ws_connection.h"

namespace tiski {

// ------------------------------------------------------------------------------ I/O thread

void WsConnection::run(const Request& req) {
  beast::error_code ignored;
  ws_.next_layer().set_option(asio::socket_base::send_buffer_size(limits::kSocketSendBuffer), ignored);
  websocket::stream_base::timeout t{limits::kHandshakeTimeout, limits::kIdleTimeout, true};
  ws_.set_option(t);
  ws_.read_message_max(limits::kMaxFrameBytes);
  ws_.set_option(
      websocket::stream_base::decorator([](websocket::response_type& res) { res.set(http::field::server, "tiski"); }));
  ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
}

void WsConnection::write_frame(const proto::SharedFrame& f) {
  if (closing_ || finished_) return;
  if (stalled(std::chrono::steady_clock::now()) || queue_.size() - head_ >= limits::kMaxSendQueueFrames ||
      queued_bytes_ + f->size() > limits::kMaxSendQueueBytes) {
    return drop_slow();
  }
  if (head_ == queue_.size()) progress_at_ = std::chrono::steady_clock::now();  // the wait starts now
  queued_bytes_ += f->size();
  queue_.push_back(f);
  srv_.metrics.deliveries_total.inc();
  if (!writing_) do_write();
}

bool WsConnection::stalled(std::chrono::steady_clock::time_point now) const {
  return head_ < queue_.size() && now - progress_at_ > limits::kSendStallTimeout;
}

void WsConnection::drop_slow() {
  if (closing_ || finished_) return;
  srv_.metrics.slow_consumers_total.inc();
  log::warn("slow consumer dropped", {{"queued_bytes", queued_bytes_}, {"queued_frames", queue_.size() - head_}});
  // Keep only the frame being written; the close frame follows it.
  while (queue_.size() - head_ > (writing_ ? 1u : 0u)) {
    queued_bytes_ -= queue_.back()->size();
    queue_.pop_back();
  }
  begin_close(websocket::close_code::policy_error, "slow consumer");
  // A peer that reads nothing never lets the close frame out either: end it after a grace.
  auto self = shared_from_this();
  auto timer = std::make_shared<asio::steady_timer>(ws_.get_executor(), std::chrono::seconds(2));
  timer->async_wait([self, timer](boost::system::error_code) { self->finish(); });
}

void WsConnection::begin_close(std::uint16_t code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  close_code_ = code;
  close_text_ = reason;
  if (!writing_) do_close();
}

void WsConnection::on_accept(beast::error_code ec) {
  if (ec) return finish();
  io_.connections.insert(this);
  ++srv_.open_connections;
  opened_ = true;
  srv_.inbox.push(Inbound{shared_from_this(), Inbound::Kind::kOpened, {}});
  do_read();
}

// Decoding needs nothing of the domain's state, so it happens here, beside the socket.
Inbound::Frame WsConnection::decode() const {
  if (!ws_.got_text()) {
    srv_.metrics.frames_rejected_total.inc();
    Error e = Error::bad_request("binary frames are not supported; send JSON text");
    if (is_agent_) return Result<proto::agent_client::Frame>(std::move(e));
    return Result<proto::visitor_client::Frame>(std::move(e));
  }
  std::string_view text(static_cast<const char*>(buf_.data().data()), buf_.size());
  if (is_agent_) return proto::decode_agent_client(text);
  return proto::decode_visitor_client(text);
}

void WsConnection::on_read(beast::error_code ec, std::size_t) {
  if (ec) return finish();
  srv_.inbox.push(Inbound{shared_from_this(), Inbound::Kind::kFrame, decode()});
  buf_.consume(buf_.size());
  if (buf_.capacity() > 1024) buf_.shrink_to_fit();  // idle sockets keep little memory
  if (!finished_) do_read();
}

void WsConnection::do_write() {
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

void WsConnection::on_write(beast::error_code ec, std::size_t) {
  progress_at_ = std::chrono::steady_clock::now();
  queued_bytes_ -= queue_[head_]->size();
  queue_[head_++].reset();
  if (ec) {
    writing_ = false;
    return finish();
  }
  do_write();
}

void WsConnection::do_close() {
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

void WsConnection::finish() {
  if (finished_) return;
  finished_ = true;
  if (opened_) {
    io_.connections.erase(this);
    --srv_.open_connections;
  }
  beast::error_code ignored;
  ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  ws_.next_layer().close(ignored);
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
    agent_ = srv_.chat.agent_connected(*this, std::move(*agent_identity_), address_);
    agent_identity_.reset();
  } else {
    visitor_ = srv_.chat.visitor_connected(*this, address_);
  }
}

void WsConnection::dispatch(const Inbound::Frame& frame) {
  if (const auto* v = std::get_if<Result<proto::visitor_client::Frame>>(&frame); v && visitor_) {
    srv_.chat.on_frame(*visitor_, *v);
  } else if (const auto* a = std::get_if<Result<proto::agent_client::Frame>>(&frame); a && agent_) {
    srv_.chat.on_frame(*agent_, *a);
  }
}

void WsConnection::closed() {
  if (visitor_) srv_.chat.disconnected(*visitor_);
  if (agent_) srv_.chat.disconnected(*agent_);
  visitor_.reset();  // here, not wherever the last reference to the connection goes
  agent_.reset();
  if (counted_) srv_.abuse.disconnect(address_);
}

}  // namespace tiski
