#include "util/error.h"

namespace tiski {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::kBadRequest: return "bad_request";
    case Errc::kUnauthorized: return "unauthorized";
    case Errc::kForbidden: return "forbidden";
    case Errc::kNotFound: return "not_found";
    case Errc::kMethodNotAllowed: return "method_not_allowed";
    case Errc::kConflict: return "conflict";
    case Errc::kTooLarge: return "too_large";
    case Errc::kRateLimited: return "rate_limited";
    case Errc::kTotpRequired: return "totp_required";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kInternal: return "internal";
  }
  return "internal";
}

int http_status(Errc code) {
  switch (code) {
    case Errc::kBadRequest: return 400;
    case Errc::kUnauthorized: return 401;
    case Errc::kForbidden: return 403;
    case Errc::kNotFound: return 404;
    case Errc::kMethodNotAllowed: return 405;
    case Errc::kConflict: return 409;
    case Errc::kTooLarge: return 413;
    case Errc::kRateLimited: return 429;
    case Errc::kTotpRequired: return 401;
    case Errc::kUnavailable: return 503;
    case Errc::kInternal: return 500;
  }
  return 500;
}

}  // namespace tiski
