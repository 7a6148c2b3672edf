// The agent channel: the console's commands (reply, take, transfer, close, start a chat,
// presence, following the live visitor list). What the console reads — snapshot, lists,
// history — is in agent_reads.cc.
#include <algorithm>

#include "chat/gateway/frames.h"
#include "chat/gateway/gateway.h"
#include "chat/gateway/run.h"
#include "chat/rights.h"
#include "util/limits.h"

namespace tiski {

using frames::body_of;
using frames::check_body;
using frames::check_cid;

std::shared_ptr<AgentSession> Gateway::agent_connected(Transport& t, AgentIdentity identity, Interned address) {
  d_.metrics.ws_agents.add(1);
  auto s = std::make_shared<AgentSession>(t, std::move(identity), std::move(address));
  sessions_[s->id()] = s.get();
  agents_.insert(s.get());
  const auto& who = s->identity();
  for (const auto& m : who.memberships) subscribe(*s, topic_tenant(m.tenant_id));
  d_.presence.connected(who.agent.id, profile_of(who.agent, who.memberships, who.teams));
  // Everything the snapshot says is in memory on this thread: it cannot miss a change.
  send_snapshot(*s);
  s->ready = true;
  return s;
}

void Gateway::on_frame(AgentSession& s, const Result<ac::Frame>& frame) {
  if (!admit(s)) return;
  if (!frame) return reject(s, frame.error());
  if (std::holds_alternative<ac::Ping>(*frame)) return s.send(proto::frame(proto::agent_server::Pong{}));
  if (s.ended) return;
  // The rights table (docs/roles.md): the frame's least role in any of the agent's tenants;
  // the conversation's own tenant is checked where the command finds it.
  std::string_view type = std::visit([](const auto& f) { return std::decay_t<decltype(f)>::kType; }, *frame);
  if (!rights::allows(type, s.identity().best_role(), s.identity().agent.owner))
    return reject(s, Error::forbidden("your role does not allow '" + std::string(type) + "'"));
  d_.presence.activity(s.agent());
  if ((std::holds_alternative<ac::Send>(*frame) || std::holds_alternative<ac::Start>(*frame)) &&
      !s.messages.take(d_.jobs.now())) {
    auto [cid, conv] =
        std::visit([](const auto& f) { return std::pair(frames::cid_of(f), frames::conv_of(f)); }, *frame);
    return reject(s, Error::rate_limited("too many messages; slow down"), cid, conv);
  }
  std::visit(
      frames::Overloaded{
          [&](const ac::Watch& f) { agent_watch(s, f); },
          [&](const ac::Unwatch& f) { agent_unwatch(s, f.conv); },
          [&](const ac::Older& f) { agent_older(s, f); },
          [&](const ac::List& f) { agent_list(s, f); },
          [&](const ac::Take& f) {
            d_.conversations.take(s.identity(), f.conv, f.over.value_or(false), conv_done(s, f.conv));
          },
          [&](const ac::Send& f) { agent_send(s, f); },
          [&](const ac::Typing& f) { agent_typing(s, f); },
          [&](const ac::Close& f) { d_.conversations.close_by_agent(s.identity(), f.conv, conv_done(s, f.conv)); },
          [&](const ac::Status& f) { agent_status(s, f.status); },
          [&](const ac::Transfer& f) { agent_transfer(s, f); },
          [&](const ac::Visitors& f) { agent_visitors(s, f.on); },
          [&](const ac::Start& f) { agent_start(s, f); },
          [&](const ac::Outcome& f) { agent_outcome(s, f); },
          [](const ac::Ping&) {},
      },
      *frame);
}

void Gateway::agent_unwatch(AgentSession& s, Id conv) {
  s.watching.erase(conv);
  if (!s.pending_watch.contains(conv)) unsubscribe(s, topic_conv(conv));
}

void Gateway::agent_status(AgentSession& s, proto::SettableStatus status) {
  auto st = d_.presence.set_status(
      s.agent(), status == proto::SettableStatus::kOnline ? Availability::kOnline : Availability::kAway);
  if (!st) reject(s, st.error());
}

// The completion of a command that changed a conversation: its new state has reached everyone
// on the bus; an error goes back to the agent.
std::function<void(Result<Conversation>)> Gateway::conv_done(AgentSession& s, Id conv) {
  return bound<Conversation, AgentSession>(s, [this, conv](AgentSession* s, const Result<Conversation>& r) {
    if (!r && s) reject(*s, r.error(), {}, conv);
  });
}

void Gateway::agent_send(AgentSession& s, const ac::Send& f) {
  Id conv = f.conv;
  const std::string& cid = f.cid;
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid, conv);
  std::string body = body_of(f.body);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid, conv);
  Conversations::Reply in{conv, cid, body, f.internal.value_or(false), s.id()};
  d_.conversations.reply(
      s.identity(), std::move(in),
      bound<Conversations::Sent, AgentSession>(s, [this, cid, conv](AgentSession* s, Result<Conversations::Sent> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid, conv);
          return;
        }
        if (r->duplicate) d_.metrics.messages_duplicate_total.inc();
        ack(s, cid, r->msg);
      }));
}

void Gateway::agent_transfer(AgentSession& s, const ac::Transfer& f) {
  Conversations::Transfer in{f.conv, f.to.value_or(0), f.team.value_or(0), body_of(f.note.value_or(""))};
  Id conv = in.conv;
  if (in.note.size() > limits::kMaxMessageBytes) return reject(s, Error::too_large("the note is too long"), {}, conv);
  if ((in.to == 0) == (in.team == 0))
    return reject(s, Error::bad_request("give either to (an agent) or team"), {}, conv);
  // What memory can tell, checked in the same order as the store will: the conversation
  // first, so another tenant's id is not_found whatever else is wrong.
  if (auto tenant = d_.router.tenant_of(conv)) {
    const auto& who = s.identity();
    if (!who.member_of(*tenant)) return reject(s, Error::not_found("no such conversation"), {}, conv);
    if (in.to != 0) {
      if (in.to == who.agent.id) return reject(s, Error::bad_request("the conversation is already yours"), {}, conv);
      if (!d_.presence.serves(in.to, *tenant)) return reject(s, no_such_agent(), {}, conv);
      const auto* a = d_.presence.agent(in.to);
      if (a && a->status == Availability::kOffline) {
        return reject(s,
                      Error::conflict(a->profile.name +
                                      " is offline: transfer to a colleague who is online or away, or to a team"),
                      {}, conv);
      }
    }
  }
  d_.conversations.transfer(s.identity(), std::move(in), conv_done(s, conv));
}

void Gateway::agent_typing(AgentSession& s, const ac::Typing& f) {
  Id conv = f.conv;
  auto it = s.watching.find(conv);
  if (it == s.watching.end()) {
    const auto* open = directory_.find(conv);
    auto tenant = open ? std::optional<Id>(open->tenant_id) : d_.router.tenant_of(conv);
    if (tenant && s.identity().member_of(*tenant))
      return reject(s, Error::conflict("watch the conversation first"), {}, conv);
    return reject(s, Error::not_found("no such conversation"), {}, conv);
  }
  // Only who may answer there: an agent does not type into a colleague's chat.
  const auto* open = directory_.find(conv);
  if (open && open->assignee_id && *open->assignee_id != s.agent() &&
      !rights::allows("take.over", s.identity().role_in(open->tenant_id), s.identity().agent.owner))
    return reject(s, Error::forbidden("the conversation is another agent's"), {}, conv);
  bool on = f.on;
  auto now = std::chrono::steady_clock::now();
  if (on && now - s.last_typing < limits::kTypingInterval) return;
  s.last_typing = on ? now : std::chrono::steady_clock::time_point{};
  d_.pubsub.publish(
      topic_visitor(it->second),
      Envelope{proto::frame(proto::visitor_server::Typing{conv, on, s.identity().agent.name}), conv, true});
  // Writing the answer: the chat's countdown does not run out under the agent's hands.
  if (on && open && d_.router.engaged(conv, s.agent())) {
    Conversation c = *open;  // conversation() replaces the directory's copy
    conversation(c, false);
  }
}

void Gateway::agent_visitors(AgentSession& s, bool on) {
  for (const auto& m : s.identity().memberships) {
    std::string topic = topic_live(m.tenant_id);
    bool subscribed = std::find(s.topics.begin(), s.topics.end(), topic) != s.topics.end();
    if (on && !subscribed) subscribe(s, topic);
    if (!on && subscribed) unsubscribe(s, topic);
  }
  // Same thread as every change: the list and the updates after it neither gap nor overlap.
  if (on) {
    for (const auto& f : d_.proactive.list_frames(s.identity())) s.send(f);
  }
}

// An agent starts a chat with a visitor from the live list (origin agent), assigned to them.
void Gateway::agent_start(AgentSession& s, const ac::Start& f) {
  Id visitor = f.visitor;
  const std::string& cid = f.cid;
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string body = body_of(f.body);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  const auto* live = d_.proactive.live(visitor);
  if (!live || !s.identity().member_of(live->tenant)) return reject(s, Error::not_found("no such visitor"), cid);
  if (live->sessions == 0) return reject(s, Error::conflict("the visitor has left"), cid);
  d_.conversations.start(
      s.identity(), visitor, cid, body, s.id(),
      bound<Conversations::Sent, AgentSession>(s, [this, cid](AgentSession* s, Result<Conversations::Sent> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid);
          return;
        }
        ack(s, cid, r->msg);
      }));
}

// The agent says what came of a conversation (outcome, channel, tags).
void Gateway::agent_outcome(AgentSession& s, const ac::Outcome& f) {
  Outcomes::Set in{f.conv, f.outcome ? std::string(proto::to_string(*f.outcome)) : "", f.channel.value_or(""),
                   f.tags.value_or(std::vector<std::string>{})};
  auto checked = Outcomes::check(std::move(in));
  if (!checked) return reject(s, checked.error(), {}, f.conv);
  d_.outcomes.set(s.identity(), std::move(checked).value(), conv_done(s, f.conv));
}

}  // namespace tiski
