// Reading what the widget reports about a visit (hello, page, track frames) into the facts
// the proactive rules look at. Pure functions over validated frames; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "chat/protocol_types_gen.h"
#include "chat/rules/rules.h"
#include "store/store.h"
#include "util/short_string.h"

namespace tiski::proactive {

struct PageIn {
  std::string url;
  std::string title;
  std::string category;
};
// A page the widget reported (hello and page frames): control characters removed, URL, title
// and category cut to their limits.
PageIn page_of(const proto::Page& p);

// ISO 4217: three capital letters of a currency in use.
bool valid_currency(std::string_view code);
// A cart as the page reported it: absent, valid, or an error naming the problem.
Result<std::optional<Cart>> cart_of(const std::optional<proto::Cart>& c);
boost::json::object cart_json(const Cart& c);
// One block for a reported cart, shared by whoever keeps it; null for none.
inline std::shared_ptr<const Cart> shared_cart(const std::optional<Cart>& c) {
  return c ? std::make_shared<const Cart>(*c) : nullptr;
}

// The visit the widget reports in hello: its start (server clock) and where it came from.
void read_visit(const std::optional<proto::Visit>& v, Millis now, rules::Facts& facts, ShortString& visit);
// Idle since when: the widget says idle (true) and for how long already (idle_ms), so that a
// rule's "idle 10 s" means ten seconds after the last activity, not after the report.
void read_idle(std::optional<bool> idle, std::optional<std::int64_t> idle_ms, Millis now, rules::Facts& facts);

}  // namespace tiski::proactive
