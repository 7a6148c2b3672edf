// Failed logins, limited per account and per address: after limits::kLoginFailuresPerAccount
// failures for one email, or limits::kLoginFailuresPerIp from one address, within
// limits::kLoginWindow, further attempts are refused (rate_limited, saying when to try again)
// before any password is checked. A success clears the account's count, not the address's.
// Memory is bounded: at most limits::kLoginTracked keys of each kind.
//
// Threading: one thread (the network thread, in AuthService).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/records.h"

namespace tiski {

class LoginLimits {
 public:
  // nullopt: go ahead.
  std::optional<Error> check(std::string_view email, std::string_view ip, Millis now);
  void failed(std::string_view email, std::string_view ip, Millis now);
  void succeeded(std::string_view email);
  std::size_t tracked() const { return accounts_.size() + ips_.size(); }

 private:
  struct Window {
    Millis start = 0;
    int failures = 0;
  };
  using Map = std::unordered_map<std::string, Window>;
  static void count(Map& m, std::string key, Millis now);
  static std::optional<Millis> blocked_until(const Map& m, const std::string& key, int max, Millis now);
  Map accounts_, ips_;
};

}  // namespace tiski
