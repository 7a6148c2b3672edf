// Expected response times per channel (docs/channels.md): how soon a tenant promises to answer
// an email, a leave-a-message form or an API/social message, counted in its business hours. Live
// chat is answered at once (routing and the queue see to it) and has no due time.
//
// Text form, stored per tenant and shown in settings: "email=2d; offline=2d; api=24h", where
// "Nd" is by the close of the Nth working day after the day it arrived (days with business
// hours; 1-30) and "Nh" is N hours of open time (1-720); "0" is no target. Missing channels
// take the defaults: email and forms 2 working days, API 24 hours.
//
// A due time is fixed when the customer's message arrives (the first one the agents have not
// answered yet); an agent's answer clears it and counts as on time or late. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/presence/hours.h"
#include "util/error.h"

namespace tiski {

struct ResponseTarget {
  int amount = 0;  // 0 = no target
  bool days = false;
  bool operator==(const ResponseTarget&) const = default;
};

struct ResponseTargets {
  ResponseTarget email{2, true};
  ResponseTarget offline{2, true};
  ResponseTarget api{24, false};
  std::string text() const;  // parse_targets(t.text()) == t
  bool operator==(const ResponseTargets&) const = default;
};

// "2d", "24h", "0"; bad_request naming the rule otherwise.
Result<ResponseTarget> parse_target(std::string_view text);
std::string target_text(const ResponseTarget& t);
// The text form above ("" = the defaults).
Result<ResponseTargets> parse_targets(std::string_view text);
// A tenant's stored targets (checked when set); the defaults if unreadable.
ResponseTargets stored_targets(std::string_view text);

// The target of an origin (email, offline, api); none for live chats.
std::optional<ResponseTarget> target_for(const ResponseTargets& t, std::string_view origin);

// When an answer to a message of `origin` that arrived at `since` is due, in the tenant's
// `hours` (text form; "" = always open: then a day is 24 hours, UTC); none without a target.
std::optional<std::int64_t> due_at(const ResponseTargets& t, const std::string& hours, std::string_view origin,
                                   std::int64_t since);

}  // namespace tiski
