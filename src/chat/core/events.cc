#include "chat/core/events.h"

#include "chat/core/hook_events.h"
#include "util/crypto.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

namespace tiski::events {

std::string_view name(Kind k) {
  switch (k) {
    case Kind::kConversationCreated: return "conversation.created";
    case Kind::kConversationAssigned: return "conversation.assigned";
    case Kind::kConversationReassigned: return "conversation.reassigned";
    case Kind::kConversationTransferred: return "conversation.transferred";
    case Kind::kConversationClosed: return "conversation.closed";
    case Kind::kConversationContact: return "conversation.contact";
    case Kind::kInvitationShown: return "invitation.shown";
    case Kind::kInvitationDismissed: return "invitation.dismissed";
    case Kind::kInvitationAccepted: return "invitation.accepted";
    case Kind::kSignalDetected: return "signal.detected";
    case Kind::kVisitorLeft: return "visitor.left";
    case Kind::kVisitorReturned: return "visitor.returned";
    case Kind::kAgentStatus: return "agent.status";
    case Kind::kConversationOutcome: return "conversation.outcome";
    case Kind::kCsatShown: return "csat.shown";
    case Kind::kCsatAnswered: return "csat.answered";
    case Kind::kConversionRecorded: return "conversion.recorded";
    case Kind::kInvitationHeldOut: return "invitation.held_out";
  }
  return "unknown";
}

std::string_view by_name(By b) {
  switch (b) {
    case By::kAuto: return "auto";
    case By::kTake: return "take";
    case By::kReply: return "reply";
    case By::kStart: return "start";
  }
  return "auto";
}

boost::json::object ConversationCreated::data() const {
  boost::json::object o{{"origin", conv.origin}, {"site", conv.site_id}};
  if (conv.rule_id) o["rule"] = *conv.rule_id;
  if (agent) o["agent"] = *agent;
  return o;
}

boost::json::object ConversationAssigned::data() const { return {{"agent", agent}, {"by", by_name(by)}}; }

boost::json::object ConversationReassigned::data() const { return {{"from", from}, {"reason", reason}}; }

boost::json::object ConversationTransferred::data() const {
  boost::json::object o{{"from", from}, {"note", note}};
  if (to) o["to"] = *to;
  if (team) o["team"] = *team;
  return o;
}

boost::json::object ConversationClosed::data() const {
  boost::json::object o{{"by", by}};
  if (agent) o["agent"] = *agent;
  if (!reason.empty()) {
    o["reason"] = reason;
    o["after_ms"] = after_ms;
  }
  return o;
}

boost::json::object ConversationContact::data() const { return {{"by", "form"}}; }

boost::json::object InvitationShown::data() const {
  return {{"rule", inv.rule_id}, {"visitor", inv.visitor_id}, {"site", inv.site_id}};
}

boost::json::object InvitationDismissed::data() const { return {{"rule", inv.rule_id}, {"visitor", inv.visitor_id}}; }

boost::json::object InvitationAccepted::data() const { return {{"rule", rule}, {"visitor", conv.visitor_id}}; }

boost::json::object ConversationOutcome::data() const {
  boost::json::array tags;
  for (const auto& t : conv.tags) tags.push_back(boost::json::string(t));
  boost::json::object o{{"agent", agent}, {"outcome", conv.outcome}, {"tags", std::move(tags)}};
  if (!conv.outcome_channel.empty()) o["channel"] = conv.outcome_channel;
  return o;
}

boost::json::object CsatAnswered::data() const {
  boost::json::object o{{"score", conv.csat.value_or(0)}};
  if (!conv.csat_comment.empty()) o["comment"] = conv.csat_comment;
  return o;
}

boost::json::object ConversionRecorded::data() const {
  const auto& c = conversion;
  boost::json::object o{
      {"id", c.id},        {"kind", c.kind}, {"ref", c.ref}, {"cents", c.value_cents}, {"currency", c.currency},
      {"source", c.source}};
  if (c.visitor_id) o["visitor"] = *c.visitor_id;
  if (c.agent_id) o["agent"] = *c.agent_id;
  return o;
}

boost::json::object InvitationHeldOut::data() const {
  return {{"rule", inv.rule_id}, {"visitor", inv.visitor_id}, {"site", inv.site_id}};
}

boost::json::object SignalDetected::data() const {
  boost::json::array a;
  for (const auto& s : signals) a.push_back(boost::json::string(s));
  return {{"signals", std::move(a)}};
}

Status Recorder::record(Kind k, Id tenant, std::optional<Id> conv, const boost::json::object& data, Millis at) {
  return st_.append_event(::tiski::Event{0, tenant, conv, std::string(name(k)), boost::json::serialize(data), at});
}

Status Recorder::queue_hooks(const Event& e) {
  if (!TRY(st_.any_webhooks())) return {};  // no body built, no lookup: the common case
  auto h = hook_event(e);
  if (!h) return {};
  if (h->tenant == 0) h->tenant = TRY(st_.conversation_tenant(h->conv));  // a message's
  auto id = "evt_" + crypto::random_token(12);
  hooks_queued_ += TRY(st_.queue_webhook_event(h->tenant, h->conv, h->type, id, hook_body(*h, id, now_), now_));
  return {};
}

const Conversation* conversation_of(const Event& e) {
  return std::visit(
      [](const auto& x) -> const Conversation* {
        if constexpr (requires { x.conv; })
          return &x.conv;
        else
          return nullptr;
      },
      e);
}

}  // namespace tiski::events
