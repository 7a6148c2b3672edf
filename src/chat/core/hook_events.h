// Which domain events a tenant's webhooks can receive (docs/integrations.md) and their JSON.
// The Recorder queues them in the transaction that made the event, so a webhook delivery is as
// durable as the change it reports.
//
//   conversation.created   conversation.assigned   conversation.closed
//   message.created        (visitor and agent lines; internal notes and system lines never leave)
//   outcome.set            conversion.attributed   (an order or lead credited to a chat)
//   csat.answered
//
// Body: {"id": event id, "type", "created_at": ms, "tenant": id, "data": {...}}; the
// conversation in `data.conversation` is as it was right after the change.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chat/core/events.h"

namespace tiski::events {

struct HookEvent {
  Id tenant = 0;
  Id conv = 0;  // the conversation it is about
  std::string_view type;
  boost::json::object data;
};

// The types a webhook can subscribe to, in the order above.
std::span<const std::string_view> hook_types();
bool is_hook_type(std::string_view type);

// The webhook event of a domain event, if it is one.
std::optional<HookEvent> hook_event(const Event& e);
// The JSON body sent to every webhook that takes it.
std::string hook_body(const HookEvent& h, std::string_view id, Millis at);

// A conversation as webhooks and the REST API show it to integrations.
boost::json::object conversation_json(const Conversation& c);

}  // namespace tiski::events
