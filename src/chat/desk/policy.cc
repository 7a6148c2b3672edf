#include "chat/desk/policy.h"

#include <boost/json/array.hpp>
#include <chrono>

#include "chat/desk/cards.h"
#include "chat/presence/hours.h"
#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::desk {

Result<std::string> parse_color(std::string_view s) {
  if (s.empty()) return std::string();
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  if (s.size() != 7 || s[0] != '#' || !std::all_of(s.begin() + 1, s.end(), hex)) {
    return Error::bad_request("a colour is #rrggbb, e.g. #2f6f4e");
  }
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Result<std::string> parse_policy(std::string_view s) {
  std::string text(trim(proto::clean_text(s)));
  if (text.size() > limits::kMaxPolicyBytes) {
    return Error::bad_request("the policy card is longer than " + std::to_string(limits::kMaxPolicyBytes) + " bytes");
  }
  return text;
}

boost::json::object desk_json(const Tenant& t, Millis now) {
  boost::json::object o{{"tenant", t.id},
                        {"name", t.name},
                        {"color", t.color},
                        {"policy", t.policy},
                        {"cards", cards_json(stored_cards(t.channel_cards))}};
  o["hours_today"] = nullptr;
  o["open_now"] = true;
  if (t.hours.empty()) return o;
  auto h = parse_hours(t.hours);
  if (!h) return o;
  std::chrono::system_clock::time_point at{std::chrono::milliseconds(now)};
  boost::json::array today;
  for (const auto& i : hours_of_day_at(*h, at)) today.push_back(boost::json::string(intervals_text({i})));
  o["hours_today"] = std::move(today);
  o["open_now"] = is_open(*h, at);
  return o;
}

}  // namespace tiski::desk
