// Signed visitor tokens. A token is "<visitor id>.<site id>.<signature>", the signature being
// base64url HMAC-SHA256 of "v1:<visitor>:<site>" under the workspace secret (cut to 18 bytes).
// It proves which visitor of which site the holder is, so a visitor can reach only its own
// conversations. Only the exact spelling the server issues is accepted (no sign, no leading
// zero). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/records.h"

namespace tiski {

struct VisitorClaim {
  Id visitor = 0;
  Id site = 0;
};

std::string make_visitor_token(std::string_view secret, Id visitor, Id site);
std::optional<VisitorClaim> check_visitor_token(std::string_view secret, std::string_view token);

}  // namespace tiski
