// Same-origin checks for the console's requests (mutating REST calls and the agent WebSocket):
// the browser's Origin header must name this site — the configured public URL, or without one
// the host the request was sent to. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/web_origin.h"

namespace tiski::api {

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
