#include "net/http_messages.h"
#include "util/limits.h"

#include <boost/json.hpp>

namespace tiski {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

api::Method method_of(http::verb v) {
  switch (v) {
    case http::verb::get: return api::Method::kGet;
    case http::verb::head: return api::Method::kHead;
    case http::verb::post: return api::Method::kPost;
    case http::verb::put: return api::Method::kPut;
    case http::verb::patch: return api::Method::kPatch;
    case http::verb::delete_: return api::Method::kDelete;
    default: return api::Method::kOther;
  }
}

}  // namespace

Response make_response(const Request& req, http::status status, std::string body, std::string_view type) {
  Response res{status, req.version()};
  res.set(http::field::server, "tiski");
  res.set(http::field::content_type, type);
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Request& req, http::status status, const boost::json::value& v) {
  auto res = make_response(req, status, boost::json::serialize(v), "application/json");
  res.set(http::field::cache_control, "no-store");
  return res;
}

Response error_response(const Request& req, const Error& e) {
  boost::json::object err{{"code", errc_name(e.code)}, {"message", e.message}};
  return json_response(req, static_cast<http::status>(http_status(e.code)), boost::json::object{{"error", err}});
}

std::string cookie_value(const Request& req, std::string_view name) {
  auto it = req.find(http::field::cookie);
  if (it == req.end()) return {};
  std::string_view all = it->value();
  while (!all.empty()) {
    auto semi = all.find(';');
    std::string_view part = all.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    if (semi == std::string_view::npos) break;
    all.remove_prefix(semi + 1);
  }
  return {};
}

// The key of a client address for the limits: IPv4 as is, IPv6 by its /64 (one subscriber).
std::string address_key(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
  if (a.is_v4()) return a.to_string();
  auto b = a.to_v6().to_bytes();
  for (std::size_t i = 8; i < b.size(); ++i) b[i] = 0;
  return asio::ip::address_v6(b).to_string() + "/64";
}

// The answer to a request that could not be read: too large, or not HTTP.
Response read_error_response(const beast::error_code& ec) {
  Request dummy;
  dummy.version(11);
  dummy.keep_alive(false);
  Error e = ec == http::error::body_limit     ? Error::too_large("request body over the limit")
            : ec == http::error::header_limit ? Error::too_large("request header over the limit")
                                              : Error::bad_request("malformed HTTP request");
  auto res = error_response(dummy, e);
  if (ec == http::error::header_limit) res.result(http::status::request_header_fields_too_large);
  return res;
}

api::Request to_api(Request& req) {
  api::Request r;
  r.method = method_of(req.method());
  std::string_view target = req.target();
  auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = std::string(target.substr(q + 1));
  r.body = std::move(req.body());
  r.session = cookie_value(req, api::kSessionCookie);
  if (auto it = req.find(http::field::origin); it != req.end()) r.origin = std::string(it->value());
  r.host = std::string(req[http::field::host]);
  r.csrf = std::string(req["X-CSRF-Token"]);
  r.authorization = std::string(req[http::field::authorization]);
  r.signature = std::string(req["X-Tiski-Signature"]);
  r.timestamp = std::string(req["X-Tiski-Timestamp"]);
  r.user_agent = std::string(std::string_view(req[http::field::user_agent]).substr(0, limits::kMaxUserAgent));
  return r;
}

Response from_api(const Request& req, api::Response r) {
  Response res{static_cast<http::status>(r.status), req.version()};
  res.set(http::field::server, "tiski");
  if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
  res.set("X-Content-Type-Options", "nosniff");
  for (auto& [k, v] : r.headers) res.insert(k, v);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

Response static_file_response(const StaticFiles& files, const Request& req) {
  std::string_view target = req.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/console" || path == "/demo") {
    auto res = make_response(req, http::status::moved_permanently, "", "text/plain");
    res.set(http::field::location, std::string(path) + "/");
    return res;
  }
  auto reply = files.get(path, req[http::field::if_none_match], req[http::field::accept_encoding]);
  if (!reply) return error_response(req, Error::not_found("no such file"));
  Response res{reply->status == 304 ? http::status::not_modified : http::status::ok, req.version()};
  res.set(http::field::server, "tiski");
  res.set(http::field::etag, reply->file->etag);
  res.set(http::field::cache_control, reply->file->cache_control);
  res.set(http::field::vary, "Accept-Encoding");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  if (reply->status == 200) {
    res.set(http::field::content_type, reply->file->content_type);
    if (reply->gzipped) res.set(http::field::content_encoding, "gzip");
    if (path.starts_with("/console/")) {
      res.set("X-Frame-Options", "DENY");
      res.set("Referrer-Policy", "same-origin");
      res.set("Content-Security-Policy",
              "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
              "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'");
      // A session from before the console looked for "tiski_in" (set at login beside it): the
      // page gets it, so the console asks who is signed in instead of showing the login. It
      // proves nothing; a session that is no longer valid answers 401 once and the console
      // clears it.
      std::string_view cookies = req[http::field::cookie];
      auto has = [&](std::string_view name) { return cookies.find(std::string(name) + "=") != std::string_view::npos; };
      if (has(api::kSessionCookie) && !has(api::kSignedInCookie))
        res.set(http::field::set_cookie,
                std::string(api::kSignedInCookie) + "=1" +
                    api::cookie_attrs(std::chrono::seconds(limits::kSessionLifetime).count(), false));
    } else if (path.starts_with("/demo/")) {
      // The demo shop: its own scripts, the widget, and the embed snippet's one-line queue stub
      // (allowed by its hash), the way a shop with a strict policy would embed Tiski; blob:
      // pictures are the widget's own (fetched with the visitor's token: docs/integrations.md).
      res.set("Content-Security-Policy",
              "default-src 'self'; script-src 'self' 'sha256-JoedJ/CTgVygE7HSqSW/NuWxMtEuocjGkF8G5TES4Ao='; "
              "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; "
              "object-src 'none'");
    }
    res.body() = *reply->body;  // a HEAD's answer loses it as it is written (without_body)
  }
  res.prepare_payload();
  return res;
}

namespace {

// A POST's path without its query.
std::string_view post_path(const Request& req) {
  if (req.method() != http::verb::post) return {};
  std::string_view path = req.target();
  return path.substr(0, path.find('?'));
}

// Whether the path is `start` + a number + `end` ("/api/tenants/" "12" "/mail/inbound").
bool numbered(std::string_view path, std::string_view start, std::string_view end) {
  if (!path.starts_with(start) || !path.ends_with(end) || path.size() <= start.size() + end.size()) return false;
  auto id = path.substr(start.size(), path.size() - start.size() - end.size());
  return id.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

bool is_mail_door(const Request& req) {
  return numbered(post_path(req), "/api/tenants/", "/mail/inbound") &&
         req[http::field::authorization].starts_with("Bearer tsk_");
}

bool is_upload(const Request& req) {
  auto path = post_path(req);
  if (path == "/api/visitor/files") return req[http::field::authorization].starts_with("Bearer ");
  return numbered(path, "/api/conversations/", "/files") && !req[http::field::cookie].empty();
}

void without_body(Response& res) {
  if (res.body().empty()) return;
  auto n = res.body().size();
  res.body().clear();
  res.content_length(n);
}

void allow_any_origin(Response& res) {
  res.set(http::field::access_control_allow_origin, "*");
  res.set(http::field::access_control_expose_headers, "Content-Disposition");
}

}  // namespace tiski
