#include "api/routes.h"

#include <boost/json/parse.hpp>
#include <charconv>

#include "util/crypto.h"

namespace tiski::api {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

}  // namespace

void Routes::add(Method method, std::string_view pattern, Access access, Handler handler) {
  std::vector<std::string> segments;
  for (auto s : split(pattern)) segments.emplace_back(s);
  routes_.push_back({method, std::move(segments), access, std::move(handler)});
}

bool Routes::match(const Route& r, const std::vector<std::string_view>& path, Request& req) {
  if (r.segments.size() != path.size()) return false;
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& s = r.segments[i];
    if (s.size() > 2 && s.front() == '{' && s.back() == '}') {
      if (path[i].empty()) return false;
      params.emplace_back(s.substr(1, s.size() - 2), std::string(path[i]));
    } else if (s != path[i]) {
      return false;
    }
  }
  req.params = std::move(params);
  return true;
}

bool Routes::dispatch(Request req, Reply reply) {
  auto path = split(req.path);
  std::string allow;
  for (const auto& r : routes_) {
    if (!match(r, path, req)) continue;
    if (r.method == req.method) {
      guard(r, Call{std::move(req), std::nullopt, std::move(reply)});
      return true;
    }
    if (!allow.empty()) allow += ", ";
    allow += method_name(r.method);
  }
  if (allow.empty()) return false;
  reply(Response::error(Error::method_not_allowed("use " + allow)).header("Allow", allow));
  return true;
}

// The middleware: who is asking, and for writes whether the browser page is ours.
void Routes::guard(const Route& r, Call call) {
  if (r.access == Access::kPublic) return r.handler(std::move(call));
  std::string token = call.req.session;
  auth_.authenticate(token, [this, &r, call = std::move(call)](Result<AgentIdentity> id) mutable {
    if (!id) return call.fail(id.error());
    if (r.access == Access::kWrite) {
      if (auto why = origins_.problem(call.req.origin, call.req.host, false); !why.empty())
        return call.fail(Error::forbidden(why));
      if (!crypto::equal_ct(call.req.csrf, id->csrf))
        return call.fail(Error::forbidden("missing or wrong X-CSRF-Token header"));
    }
    call.who = std::move(id).value();
    r.handler(std::move(call));
  });
}

std::optional<Error> require_role(const AgentIdentity& who, Id tenant, Role min) {
  auto role = who.role_in(tenant);
  if (!role) return Error::not_found("no such tenant");
  if (static_cast<int>(*role) < static_cast<int>(min)) {
    return Error::forbidden(min == Role::kAdmin ? "admins only" : "supervisors and admins only");
  }
  return std::nullopt;
}

std::optional<std::int64_t> positive_number(std::string_view text) {
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || p != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

std::optional<Id> path_tenant(const Call& c) {
  auto id = positive_number(c.req.param("id"));
  if (!id || !c.who->member_of(*id)) return std::nullopt;
  return id;
}

Result<boost::json::object> json_object(std::string_view body, std::string_view expected) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return Error::bad_request("body must be " + std::string(expected));
  return std::move(v.as_object());
}

}  // namespace tiski::api
