// HTTP as the API layer sees it: a request already read and a response to write, free of Beast
// (net/ converts), so that every REST resource is plain code that a unit test can call.
#pragma once

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.h"

namespace tiski::api {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOther };
std::string_view method_name(Method m);

struct Request {
  Method method = Method::kGet;
  std::string path;   // without the query
  std::string query;  // after '?', undecoded
  std::string body;
  // The headers the API reads.
  std::string session;                // the session cookie's value
  std::optional<std::string> origin;  // Origin, if sent
  std::string host;                   // Host
  std::string csrf;                   // X-CSRF-Token
  std::string authorization;          // Authorization
  std::string signature;              // X-Tiski-Signature (server-to-server calls)
  std::string timestamp;              // X-Tiski-Timestamp
  std::string ip;                     // the client (through trusted proxies: X-Forwarded-For)
  std::string user_agent;             // User-Agent, cut to limits::kMaxUserAgent
  // Path parameters of the matched route ("{id}" -> "7").
  std::vector<std::pair<std::string, std::string>> params;

  std::string_view param(std::string_view name) const;
  // A query parameter's raw value, if present ("offset" in "?offset=50").
  std::optional<std::string_view> query_param(std::string_view name) const;
  // The same, percent-decoded ('+' is a space); bad_request if malformed or not UTF-8 text.
  Result<std::optional<std::string>> query_text(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response json(int status, const boost::json::value& v) {
    Response r{status, "application/json", boost::json::serialize(v), {{"Cache-Control", "no-store"}}};
    return r;
  }
  static Response ok(const boost::json::value& v) { return json(200, v); }
  // {"error":{"code","message"}} with the code's status.
  static Response error(const Error& e);
  static Response empty(int status) { return Response{status, "", "", {}}; }
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

using Reply = std::function<void(Response)>;

// The agent session cookie (HttpOnly, SameSite=Strict).
inline constexpr std::string_view kSessionCookie = "tiski_session";
// Set beside it, readable by the console's script and holding nothing secret: "a session may be
// here". Without it the console shows the login at once instead of asking /api/me for a 401
// (which the browser logs as an error on every visit to the login page).
inline constexpr std::string_view kSignedInCookie = "tiski_in";

// Both cookies' attributes: the whole site, same-site requests only, `max_age` seconds (0: gone).
inline std::string cookie_attrs(long long max_age, bool secure) {
  return "; Path=/; SameSite=Strict; Max-Age=" + std::to_string(max_age) + (secure ? "; Secure" : "");
}
// The session is over (logout, or a cookie of one that ended): the browser forgets both cookies.
inline Response& forget_session(Response& r) {
  r.header("Set-Cookie", std::string(kSessionCookie) + "=; HttpOnly" + cookie_attrs(0, false));
  return r.header("Set-Cookie", std::string(kSignedInCookie) + "=" + cookie_attrs(0, false));
}

}  // namespace tiski::api
