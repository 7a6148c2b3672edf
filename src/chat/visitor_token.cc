#include "chat/visitor_token.h"

#include <algorithm>
#include <charconv>

#include "util/crypto.h"

namespace tiski {
namespace {

std::string signature(std::string_view secret, Id visitor, Id site) {
  auto mac = crypto::hmac_sha256(secret, "v1:" + std::to_string(visitor) + ":" + std::to_string(site));
  return crypto::base64url(mac.substr(0, 18));
}

std::optional<Id> parse_id(std::string_view s) {
  Id v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

// Only the canonical decimal form of a positive id: no sign, no leading zero, no spaces.
bool canonical_id(std::string_view s) {
  return !s.empty() && s.size() <= 18 && s[0] != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string make_visitor_token(std::string_view secret, Id visitor, Id site) {
  return std::to_string(visitor) + "." + std::to_string(site) + "." + signature(secret, visitor, site);
}

std::optional<VisitorClaim> check_visitor_token(std::string_view secret, std::string_view token) {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  if (!canonical_id(token.substr(0, d1)) || !canonical_id(token.substr(d1 + 1, d2 - d1 - 1))) return std::nullopt;
  auto visitor = parse_id(token.substr(0, d1));
  auto site = parse_id(token.substr(d1 + 1, d2 - d1 - 1));
  if (!visitor || !site) return std::nullopt;
  if (!crypto::equal_ct(token.substr(d2 + 1), signature(secret, *visitor, *site))) return std::nullopt;
  return VisitorClaim{*visitor, *site};
}

}  // namespace tiski
