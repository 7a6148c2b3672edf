#include "api/http.h"

#include <algorithm>

#include "util/utf8.h"

#include <boost/json/object.hpp>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

namespace tiski::api {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOther: return "OTHER";
  }
  return "OTHER";
}

std::string_view Request::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    auto eq = part.find('=');
    if (part.substr(0, eq) == name) return eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

Result<std::optional<std::string>> Request::query_text(std::string_view name) const {
  auto raw = query_param(name);
  if (!raw) return std::optional<std::string>();
  auto pct = boost::urls::make_pct_string_view(*raw);
  if (!pct) return Error::bad_request("the query parameter " + std::string(name) + " is not percent-encoded");
  boost::urls::encoding_opts plus;
  plus.space_as_plus = true;
  std::string out = pct->decode(plus);
  // Valid UTF-8 without control characters: it is shown back, searched for, and (a file's
  // name) stored. Strict: no overlong forms or surrogates (found by a review: they passed).
  bool control = std::any_of(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  if (control || !valid_utf8(out))
    return Error::bad_request("the query parameter " + std::string(name) + " is not UTF-8 text");
  return std::optional<std::string>(std::move(out));
}

Response Response::error(const Error& e) {
  boost::json::object err{{"code", errc_name(e.code)}, {"message", e.message}};
  return json(http_status(e.code), boost::json::object{{"error", std::move(err)}});
}

}  // namespace tiski::api
