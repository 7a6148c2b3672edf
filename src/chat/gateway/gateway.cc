// The gateway's sessions, its job helper and its tick; the channels' frames are in
// visitor_channel.cc and agent_channel.cc, the fan-out in fanout.cc.
#include "chat/gateway/gateway.h"

#include "chat/gateway/run.h"
#include "util/log.h"

namespace tiski {

Gateway::Gateway(Deps d) : d_(std::move(d)), directory_([this](const Conversation& c) { return conv_json(c); }) {
  subscribe_events();
}

void Gateway::load_teams(const std::vector<Team>& teams) {
  teams_.clear();
  for (const auto& t : teams) teams_[t.tenant_id].push_back(t);
}

void Gateway::subscribe(ClientSession& s, const std::string& topic) {
  d_.pubsub.subscribe(topic, &s);
  s.topics.push_back(topic);
}

void Gateway::unsubscribe(ClientSession& s, const std::string& topic) {
  d_.pubsub.unsubscribe(topic, &s);
  std::erase(s.topics, topic);
}

void Gateway::reject(ClientSession& s, const Error& e, std::string_view cid, std::optional<Id> conv) {
  d_.metrics.frames_rejected_total.inc();
  s.send(proto::error_frame(e, cid, conv));
}

// Applies the connection's frame rate limit: a client that floods frames is disconnected.
bool Gateway::admit(ClientSession& s) {
  if (!s.frames.take(d_.jobs.now())) {
    reject(s, Error::rate_limited("too many frames; closing"));
    s.close(kClosePolicy, "rate limit");
    return false;
  }
  return true;
}

void Gateway::ack(ClientSession* s, std::string_view cid, const Message& m) {
  if (s) s->send(proto::frame(proto::agent_server::Ack{std::string(cid), m.conv_id, m.seq, m.at}));
}

std::shared_ptr<VisitorSession> Gateway::visitor_connected(Transport& t, Interned address) {
  d_.metrics.ws_visitors.add(1);
  auto s = std::make_shared<VisitorSession>(t, std::move(address));
  sessions_[s->id()] = s.get();
  return s;
}

void Gateway::disconnected(ClientSession& s) {
  if (!s.attached()) return;
  sessions_.erase(s.id());
  if (auto* agent = dynamic_cast<AgentSession*>(&s)) {
    d_.metrics.ws_agents.add(-1);
    agents_.erase(agent);
    d_.presence.disconnected(agent->agent(), agent->ended);
  } else {
    d_.metrics.ws_visitors.add(-1);
    d_.proactive.closed(static_cast<VisitorSession&>(s));
  }
  for (const auto& t : s.topics) d_.pubsub.unsubscribe(t, &s);
  s.topics.clear();
  s.detach();
}

void Gateway::session_ended(const std::string& session_hash) {
  std::vector<AgentSession*> ended;
  for (AgentSession* s : agents_) {
    if (s->identity().session_hash == session_hash) ended.push_back(s);
  }
  for (AgentSession* s : ended) end_session(*s);
}

std::optional<std::string> Gateway::visitor_address(Id visitor) const {
  for (const auto& [id, s] : sessions_) {
    if (const auto* v = dynamic_cast<const VisitorSession*>(s); v && v->visitor == visitor) return v->address();
  }
  return std::nullopt;
}

// Neutral: the visitor is not told they were blocked (docs/roles.md).
void Gateway::refuse_blocked(VisitorSession& s) {
  s.send(proto::error_frame(Error::forbidden("chat is not available")));
  s.close(kClosePolicy, "not available");
}

void Gateway::block_added(const Block& b) {
  blocks_.add(b);
  std::vector<VisitorSession*> out;
  for (const auto& [id, s] : sessions_) {
    auto* v = dynamic_cast<VisitorSession*>(s);
    if (!v || v->tenant != b.tenant_id) continue;
    if ((b.visitor_id && v->visitor == b.visitor_id) || (!b.ip.empty() && v->address() == b.ip)) out.push_back(v);
  }
  for (auto* v : out) refuse_blocked(*v);
}

void Gateway::rights_changed(Id agent) {
  std::vector<AgentSession*> changed;
  for (AgentSession* s : agents_) {
    if (s->agent() == agent && !s->ended) changed.push_back(s);
  }
  for (AgentSession* s : changed) {
    s->ended = true;
    s->close(kCloseRightsChanged, "rights changed");
  }
}

void Gateway::agent_sessions_ended(Id agent) {
  std::vector<AgentSession*> ended;
  for (AgentSession* s : agents_) {
    if (s->agent() == agent) ended.push_back(s);
  }
  for (AgentSession* s : ended) end_session(*s);
}

void Gateway::end_session(AgentSession& s) {
  if (s.ended) return;
  s.ended = true;
  s.send(proto::error_frame(Error::unauthorized("your session has ended; log in again")));
  s.close(kCloseSessionEnded, "session ended");
}

void Gateway::tick() {
  // Sessions that expired while their console stayed open end like a logout.
  Millis now = d_.jobs.now();
  std::vector<AgentSession*> expired;
  for (AgentSession* s : agents_) {
    if (s->identity().session_expires_at > 0 && s->identity().session_expires_at <= now) expired.push_back(s);
  }
  for (AgentSession* s : expired) end_session(*s);
  flush_previews();
  publish_counts();
}

}  // namespace tiski
