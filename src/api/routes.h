// The REST API as a table: method + path pattern -> handler, with the checks every resource
// needs written once here (the middleware), from the rights table (chat/rights.h): the session,
// for writes the same origin and the session's CSRF token, and the least role in the tenant the
// path's object belongs to — /api/tenants/{id}/…, /api/sites/{key}/… (the site's tenant) and
// /api/conversations/{id}/… (the conversation's) — with 404 for an agent who does not serve
// that tenant, 403 for a role too low. A path that exists with another method answers 405 with
// Allow; a path under /api/ that does not exist answers 404.
//
//   routes.add(Method::kGet, "/api/tenants/{id}/queue", [&](Call c) { ... c.tenant ... });
//
// Threading: the network thread; handlers reply on it (store and auth completions post there).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/origin.h"
#include "chat/auth.h"
#include "chat/rights.h"
#include "store/store_worker.h"

namespace tiski::api {

// One request being served: what was asked, who asks (with a session), how to answer.
struct Call {
  Request req;
  std::optional<AgentIdentity> who;
  Reply reply;
  Id tenant = 0;  // the tenant of the path's object (0: the route has none)
  void ok(const boost::json::value& v) const { reply(Response::ok(v)); }
  void fail(const Error& e) const { reply(Response::error(e)); }
};
using Handler = std::function<void(Call)>;

class Routes {
 public:
  Routes(AuthService& auth, StoreWorker& store, OriginPolicy origins)
      : auth_(auth), store_(store), origins_(std::move(origins)) {}
  // `pattern`: segments separated by '/', "{name}" matches one non-empty segment. The route
  // must be in the rights table (std::logic_error otherwise): its level comes from there.
  void add(Method method, std::string_view pattern, Handler handler);
  // The same with a level of its own (the router's own tests).
  void add(Method method, std::string_view pattern, rights::Level level, Handler handler);
  // Every route as "METHOD pattern" (the roles test calls each).
  std::vector<std::pair<Method, std::string>> list() const;
  // Serves the request if a route has its path (else false, and `reply` is not called).
  bool dispatch(Request req, Reply reply);
  const OriginPolicy& origins() const { return origins_; }

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    rights::Level level;
    Handler handler;
  };
  static bool match(const Route& r, const std::vector<std::string_view>& path, Request& req);
  void guard(const Route& r, Call call);
  void authorize(const Route& r, Call call);
  void admit(const Route& r, Call call, std::optional<Id> tenant);
  static std::string token_problem(const Route& r, const TokenGrant& g, bool scoped);
  static std::string pattern_of(const Route& r);

  AuthService& auth_;
  StoreWorker& store_;
  OriginPolicy origins_;
  std::vector<Route> routes_;
};

// The agent's role in the tenant is at least `min` (forbidden otherwise; not_found when the
// agent does not serve the tenant at all). For what a handler decides beyond the route's level.
std::optional<Error> require_role(const AgentIdentity& who, Id tenant, Role min);

// A positive whole number as ids are written in paths and queries, or nullopt.
std::optional<std::int64_t> positive_number(std::string_view text);
// The tenant of the path's {id} when the agent serves it; nullopt (answer 404) otherwise.
std::optional<Id> path_tenant(const Call& c);

// An audit line of an admin change by the caller (docs/roles.md): the values before and after.
AuditEntry audit_line(const Call& c, Id tenant, std::string action, std::string target,
                      const boost::json::value& before, const boost::json::value& after);
// An agent as an audit line's target: their name, and their id (names change, ids do not).
std::string agent_target(const Agent& a);
// The detail of an audit line: {"before": ..., "after": ...}.
std::string change_json(const boost::json::value& before, const boost::json::value& after);

// Runs `fn` on the store thread; `done` gets its result (unavailable when refused).
template <class T>
void store_job(StoreWorker& store, std::function<Result<T>(Store&)> fn, std::function<void(Result<T>)> done) {
  if (!store.submit<T>(std::move(fn), done)) done(Error::unavailable("the server is busy or shutting down; retry"));
}

// ok when every field of the body is one of `known`; bad_request naming the first that is not.
Status only_fields(const boost::json::object& o, std::initializer_list<std::string_view> known);

// A required or optional text field, checked for type, length and (when `line`) control
// characters; bad_request (too_large) naming the field.
Result<std::string> text_field(const boost::json::object& o, std::string_view key, std::size_t max, bool required,
                               bool line = true);

// The body as a JSON object, or a bad_request naming what was expected.
Result<boost::json::object> json_object(std::string_view body, std::string_view expected = "a JSON object");

}  // namespace tiski::api
