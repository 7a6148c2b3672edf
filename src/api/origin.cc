#include "api/origin.h"

#include <cctype>

namespace tiski::api {
namespace {

std::string quoted(std::string_view s) {
  std::string out = "'" + std::string(s.substr(0, 100)) + "'";
  for (auto& c : out) {
    if (static_cast<unsigned char>(c) < 32) c = '?';
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

OriginPolicy::OriginPolicy(std::string_view public_url) : public_origin_(normal_origin(public_url)) {}

std::string OriginPolicy::problem(const std::optional<std::string>& origin, std::string_view host,
                                  bool required) const {
  if (!origin) return required ? "the Origin header is required" : "";
  std::string given = normal_origin(*origin);
  if (!public_origin_.empty()) {
    if (!given.empty() && given == public_origin_) return "";
    return "cross-site request refused: Origin " + quoted(*origin) + " is not " + public_origin_;
  }
  // No public URL configured: the origin must name the host this request was sent to.
  std::string h = lower(host);
  if (!given.empty() && !h.empty() && given.substr(given.find("://") + 3) == normal_origin("http://" + h).substr(7))
    return "";
  return "cross-site request refused: Origin " + quoted(*origin) + " is not this site";
}

}  // namespace tiski::api
