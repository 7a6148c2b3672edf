// Health and metrics for operators and load balancers.
#include "api/api.h"
#include "api/routes.h"
#include "util/crypto.h"

namespace tiski::api {

void add_ops_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/healthz", [](const Call& c) { c.ok({{"status", "ok"}}); });
  // Ready: not shutting down, and the store answers a read through the writer's queue (with
  // PostgreSQL away it answers `unavailable` at once: a load balancer stops sending here).
  routes.add(Method::kGet, "/readyz", [&s](const Call& c) {
    if (s.draining && s.draining()) return c.fail(Error::unavailable("shutting down"));
    store_job<bool>(
        s.store, [](Store& st) -> Result<bool> { return TRY(st.setting("visitor_token_secret")).has_value(); },
        [c](const Result<bool>& r) {
          if (!r) return c.fail(Error::unavailable("the store does not answer"));
          c.ok({{"status", "ready"}});
        });
  });
  // On the main listener /metrics needs the bearer token from [metrics] token; on a metrics
  // listener of its own (net/) it needs nothing (that one should listen on a private address).
  routes.add(Method::kGet, "/metrics", [&s](const Call& c) {
    if (s.metrics_token.empty()) {
      return c.fail(Error::not_found("metrics are served on [metrics] listen, or here with [metrics] token"));
    }
    std::string_view auth = c.req.authorization;
    if (!auth.starts_with("Bearer ") || !crypto::equal_ct(auth.substr(7), s.metrics_token)) {
      return c.reply(Response::error(Error::unauthorized("send Authorization: Bearer <[metrics] token>"))
                         .header("WWW-Authenticate", "Bearer"));
    }
    c.reply(Response{200, "text/plain; version=0.0.4", s.metrics.render(), {{"Cache-Control", "no-store"}}});
  });
}

}  // namespace tiski::api
