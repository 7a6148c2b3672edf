#include "chat/login_limits.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "util/limits.h"

namespace tiski {
namespace {

constexpr Millis kWindow = std::chrono::duration_cast<std::chrono::milliseconds>(limits::kLoginWindow).count();

std::string folded(std::string_view email) {
  std::string out(email.substr(0, limits::kMaxEmailBytes));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::optional<Millis> LoginLimits::blocked_until(const Map& m, const std::string& key, int max, Millis now) {
  auto it = m.find(key);
  if (it == m.end() || now - it->second.start >= kWindow || it->second.failures < max) return std::nullopt;
  return it->second.start + kWindow;
}

std::optional<Error> LoginLimits::check(std::string_view email, std::string_view ip, Millis now) {
  auto a = blocked_until(accounts_, folded(email), limits::kLoginFailuresPerAccount, now);
  auto b = blocked_until(ips_, std::string(ip), limits::kLoginFailuresPerIp, now);
  if (!a && !b) return std::nullopt;
  Millis until = std::max(a.value_or(0), b.value_or(0));
  auto minutes = (until - now + 59'999) / 60'000;
  return Error::rate_limited(std::string(a ? "too many failed logins for this account"
                                           : "too many failed logins from "
                                             "your address") +
                             "; try again in " + std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes") +
                             " or reset your password");
}

void LoginLimits::count(Map& m, std::string key, Millis now) {
  if (m.size() >= limits::kLoginTracked && !m.contains(key)) {
    std::erase_if(m, [now](const auto& kv) { return now - kv.second.start >= kWindow; });
    // Still full of fresh keys (a flood of made-up emails): forget the older half.
    if (m.size() >= limits::kLoginTracked) {
      std::vector<Millis> starts;
      for (const auto& [k, w] : m) starts.push_back(w.start);
      std::nth_element(starts.begin(), starts.begin() + starts.size() / 2, starts.end());
      Millis median = starts[starts.size() / 2];
      std::erase_if(m, [median](const auto& kv) { return kv.second.start <= median; });
    }
  }
  auto& w = m[std::move(key)];
  if (w.failures == 0 || now - w.start >= kWindow) w = Window{now, 0};
  ++w.failures;
}

void LoginLimits::failed(std::string_view email, std::string_view ip, Millis now) {
  count(accounts_, folded(email), now);
  if (!ip.empty()) count(ips_, std::string(ip), now);
}

void LoginLimits::succeeded(std::string_view email) { accounts_.erase(folded(email)); }

}  // namespace tiski
