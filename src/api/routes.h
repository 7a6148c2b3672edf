// The REST API as a table: method + path pattern -> handler, with the checks every resource
// needs written once here (the middleware): the session (Access::kSession), and for writes the
// same-origin check and the session's CSRF token (Access::kWrite). A path that exists with
// another method answers 405 with Allow; a path under /api/ that does not exist answers 404.
// Role checks depend on the tenant a resource belongs to, so handlers make them with
// require_role() once they know it.
//
//   routes.add(Method::kGet, "/api/tenants/{id}/queue", Access::kSession, [&](Call c) { ... });
//
// Threading: the network thread; handlers reply on it (store and auth completions post there).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/origin.h"
#include "chat/auth.h"
#include "store/store_worker.h"

namespace tiski::api {

enum class Access {
  kPublic,   // anyone
  kSession,  // an agent's session cookie
  kWrite,    // a session, a same-origin request and its X-CSRF-Token
};

// One request being served: what was asked, who asks (with a session), how to answer.
struct Call {
  Request req;
  std::optional<AgentIdentity> who;
  Reply reply;
  void ok(const boost::json::value& v) const { reply(Response::ok(v)); }
  void fail(const Error& e) const { reply(Response::error(e)); }
};
using Handler = std::function<void(Call)>;

class Routes {
 public:
  Routes(AuthService& auth, OriginPolicy origins) : auth_(auth), origins_(std::move(origins)) {}
  // `pattern`: segments separated by '/', "{name}" matches one non-empty segment.
  void add(Method method, std::string_view pattern, Access access, Handler handler);
  // Serves the request if a route has its path (else false, and `reply` is not called).
  bool dispatch(Request req, Reply reply);
  const OriginPolicy& origins() const { return origins_; }

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;
    Access access;
    Handler handler;
  };
  static bool match(const Route& r, const std::vector<std::string_view>& path, Request& req);
  void guard(const Route& r, Call call);

  AuthService& auth_;
  OriginPolicy origins_;
  std::vector<Route> routes_;
};

// The agent's role in the tenant is at least `min` (forbidden otherwise; not_found when the
// agent does not serve the tenant at all, so other tenants' ids cannot be probed).
std::optional<Error> require_role(const AgentIdentity& who, Id tenant, Role min);

// A positive whole number as ids are written in paths and queries, or nullopt.
std::optional<std::int64_t> positive_number(std::string_view text);
// The tenant of the path's {id} when the agent serves it; nullopt (answer 404) otherwise.
std::optional<Id> path_tenant(const Call& c);

// Runs `fn` on the store thread; `done` gets its result (unavailable when refused).
template <class T>
void store_job(StoreWorker& store, std::function<Result<T>(Store&)> fn, std::function<void(Result<T>)> done) {
  if (!store.submit<T>(std::move(fn), done)) done(Error::unavailable("the server is busy or shutting down; retry"));
}

// The body as a JSON object, or a bad_request naming what was expected.
Result<boost::json::object> json_object(std::string_view body, std::string_view expected = "a JSON object");

}  // namespace tiski::api
