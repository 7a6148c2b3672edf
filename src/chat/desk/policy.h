// The client's policy card (docs/desk.md): what the agent must know of the tenant beside each
// of its chats (what may be handled in chat, where matters needing strong identification go,
// delivery and return terms), with the tenant's colour and today's hours. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"
#include "util/error.h"

namespace tiski::desk {

// "#rrggbb" (lower-cased), or "" for the palette colour of the tenant's id.
Result<std::string> parse_color(std::string_view s);
// The card's text, control characters removed and trimmed: at most limits::kMaxPolicyBytes.
// Its light formatting (paragraphs, "- " lists, **bold**, links) is rendered by the console.
Result<std::string> parse_policy(std::string_view s);

// {tenant, name, color, policy, cards (chat/desk/cards.h), hours_today: ["09:00-17:00", ...] | null (no hours: always
// open), open_now} at `now`.
boost::json::object desk_json(const Tenant& t, Millis now);

}  // namespace tiski::desk
