// Same-origin checks for the console's requests (mutating REST calls and the agent WebSocket):
// the browser's Origin header must name this site — the configured public URL, or without one
// the host the request was sent to. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tiski::api {

// An origin as browsers send it, made comparable: scheme and host in lower case, the default
// port dropped, no path. "" if it is not an http(s) origin.
std::string normal_origin(std::string_view o);

class OriginPolicy {
 public:
  // `public_url` given in the config, or "" to compare with each request's Host.
  explicit OriginPolicy(std::string_view public_url = {});
  // Why `origin` is not this site ("" when it is). `required`: a missing Origin is a problem
  // too (WebSocket upgrades of the console; browsers always send one there).
  std::string problem(const std::optional<std::string>& origin, std::string_view host, bool required) const;

 private:
  std::string public_origin_;  // normal form, "" when none is configured
};

}  // namespace tiski::api
