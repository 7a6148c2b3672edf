#include "chat/presence/response_targets.h"

#include <charconv>

namespace tiski {
namespace {

std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr int kMaxDays = 30;
constexpr int kMaxHours = 720;

}  // namespace

Result<ResponseTarget> parse_target(std::string_view text) {
  text = trim_blanks(text);
  if (text == "0") return ResponseTarget{};
  auto bad = [&] {
    return Error::bad_request(
        "a response target is like 2d (working days, 1-30), 24h (business hours, 1-720) or 0, "
        "not '" +
        std::string(text.substr(0, 20)) + "'");
  };
  if (text.size() < 2) return bad();
  char unit = text.back();
  int n = 0;
  auto digits = text.substr(0, text.size() - 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || p != digits.data() + digits.size() || n < 1) return bad();
  if (unit == 'd' && n <= kMaxDays) return ResponseTarget{n, true};
  if (unit == 'h' && n <= kMaxHours) return ResponseTarget{n, false};
  return bad();
}

std::string target_text(const ResponseTarget& t) {
  if (t.amount == 0) return "0";
  return std::to_string(t.amount) + (t.days ? "d" : "h");
}

std::string ResponseTargets::text() const {
  return "email=" + target_text(email) + "; offline=" + target_text(offline) + "; api=" + target_text(api);
}

Result<ResponseTargets> parse_targets(std::string_view text) {
  ResponseTargets out;
  while (!trim_blanks(text).empty()) {
    auto semi = text.find(';');
    auto part = trim_blanks(text.substr(0, semi));
    text = semi == std::string_view::npos ? std::string_view() : text.substr(semi + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    if (eq == std::string_view::npos)
      return Error::bad_request("response targets are like email=2d; offline=2d; api=24h");
    auto channel = trim_blanks(part.substr(0, eq));
    auto t = TRY(parse_target(part.substr(eq + 1)));
    if (channel == "email") {
      out.email = t;
    } else if (channel == "offline") {
      out.offline = t;
    } else if (channel == "api") {
      out.api = t;
    } else {
      return Error::bad_request("response targets are for email, offline and api, not '" +
                                std::string(channel.substr(0, 20)) + "'");
    }
  }
  return out;
}

ResponseTargets stored_targets(std::string_view text) {
  auto t = parse_targets(text);
  return t ? *t : ResponseTargets{};
}

std::optional<ResponseTarget> target_for(const ResponseTargets& t, std::string_view origin) {
  if (origin == "email") return t.email;
  if (origin == "offline") return t.offline;
  if (origin == "api") return t.api;
  return std::nullopt;
}

std::optional<std::int64_t> due_at(const ResponseTargets& t, const std::string& hours, std::string_view origin,
                                   std::int64_t since) {
  auto target = target_for(t, origin);
  if (!target || target->amount == 0) return std::nullopt;
  constexpr std::int64_t kHour = 3'600'000;
  auto parsed = hours.empty() ? Result<BusinessHours>(Error::not_found("")) : parse_hours(hours);
  if (!parsed) {  // always open
    if (!target->days) return since + target->amount * kHour;
    std::int64_t day_end = (since / (24 * kHour) + 1) * 24 * kHour;  // midnight UTC after it arrived
    return day_end + target->amount * 24 * kHour;
  }
  auto from = std::chrono::system_clock::time_point{std::chrono::milliseconds{since}};
  auto due = target->days ? working_day_close(*parsed, from, target->amount)
                          : after_open(*parsed, from, std::chrono::milliseconds{target->amount * kHour});
  if (!due) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::milliseconds>(due->time_since_epoch()).count();
}

}  // namespace tiski
