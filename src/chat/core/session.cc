#include "chat/core/session.h"

#include "util/limits.h"

namespace tiski {

namespace {
std::uint64_t next_session_id() {
  static std::uint64_t n = 0;  // domain thread only
  return ++n;
}
}  // namespace

ClientSession::ClientSession(Transport& t, double frames_per_second, double frame_burst, Interned address)
    : frames(frames_per_second, frame_burst), transport_(&t), address_(std::move(address)), id_(next_session_id()) {}

VisitorSession::VisitorSession(Transport& t, Interned address)
    : ClientSession(t, limits::kFramesPerSecond, limits::kFrameBurst, std::move(address)) {}

AgentSession::AgentSession(Transport& t, AgentIdentity id, Interned address)
    : ClientSession(t, limits::kAgentFramesPerSecond, limits::kAgentFrameBurst, std::move(address)),
      messages(limits::kMessagesPerSecond, limits::kMessageBurst),
      identity_(std::move(id)) {}

void ClientSession::send(const proto::SharedFrame& f) {
  if (transport_) transport_->send(f);
}

void ClientSession::close(std::uint16_t code, std::string_view reason) {
  if (transport_) transport_->close(code, reason);
}

void VisitorSession::deliver(const Envelope& e) {
  if (!ready) return;  // the welcome will carry it
  if (e.conv != 0) conv = e.conv;
  send(e.frame);
}

void AgentSession::deliver(const Envelope& e) {
  if (!ready || ended) return;                                // the snapshot will carry it
  if (e.conv != 0 && pending_watch.contains(e.conv)) return;  // the history will carry it
  send(e.frame);
}

}  // namespace tiski
