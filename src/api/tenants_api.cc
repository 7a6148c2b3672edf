// A tenant's business hours, its analytics settings, and its live state: the agents' presence
// and the waiting queue. Any agent of the tenant reads them; supervisors and admins change the
// hours and settings. Other tenants' ids answer 404, as do ids that do not parse.
#include <charconv>

#include <algorithm>

#include "api/api.h"
#include "chat/admin.h"
#include "chat/attachments/policy.h"
#include "chat/presence/hours.h"
#include "chat/presence/response_targets.h"

namespace tiski::api {
namespace {

void reply_hours(Services& s, const Call& c, Id tenant, const std::optional<std::string>& set) {
  auto line = audit_line(c, tenant, "hours.update", "tenant " + std::to_string(tenant), nullptr, nullptr);
  store_job<Tenant>(
      s.store,
      [tenant, set, line](Store& st) mutable -> Result<Tenant> {
        auto t = TRY(st.tenant_by_id(tenant));
        if (set) {
          TRY_OK(st.set_tenant_hours(tenant, *set));
          line.detail = change_json(boost::json::string(t.hours), boost::json::string(*set));
          TRY_OK(st.add_audit(line));
          t.hours = *set;
        }
        return t;
      },
      [&s, c, tenant, put = set.has_value()](Result<Tenant> t) {
        if (!t) return c.fail(t.error());
        if (put) s.chat.set_tenant_hours(tenant, t->hours);  // visitors see live chat open or close now
        bool open = true;
        if (!t->hours.empty()) {
          auto h = parse_hours(t->hours);
          open = h && is_open(*h, std::chrono::system_clock::now());
        }
        c.ok({{"tenant", tenant}, {"hours", t->hours}, {"open_now", open}});
      });
}

// PUT {"hours": "..."|"always"}.
void put_hours(Services& s, const Call& c) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto body = json_object(c.req.body, R"({"hours": "..."})");
  const auto* hours = body ? body->if_contains("hours") : nullptr;
  if (!hours || !hours->is_string()) return c.fail(Error::bad_request(R"(body must be {"hours": "..."})"));
  std::string text;
  if (hours->as_string() != "always") {
    auto h = parse_hours(hours->as_string());
    if (!h) return c.fail(h.error());
    text = h->text();
  }
  reply_hours(s, c, *tenant, std::move(text));
}

// Expected response times as JSON: {"email": "2d", "offline": "2d", "api": "24h"}.
boost::json::object targets_json(const std::string& text) {
  auto t = stored_targets(text);
  return {{"email", target_text(t.email)}, {"offline", target_text(t.offline)}, {"api", target_text(t.api)}};
}

// The text form of a {"email": "2d", …} object (channels not given keep nothing: the defaults).
Result<std::string> targets_from_json(const boost::json::object& o) {
  std::string text;
  for (const auto& [k, v] : o) {
    if (k != "email" && k != "offline" && k != "api")
      return Error::bad_request("response_targets are for email, offline and api");
    if (!v.is_string()) return Error::bad_request("a response target is text like \"2d\", \"24h\" or \"0\"");
    text += std::string(k) + "=" + std::string(v.as_string()) + ";";
  }
  return TRY(parse_targets(text)).text();
}

// Attachments' policy as JSON: {"max_mb": 10, "types": ["jpg", "pdf", …]}.
boost::json::object attachments_json(const std::string& text) {
  auto p = attachments::stored_policy(text);
  boost::json::array types;
  for (const auto& t : p.types) types.push_back(boost::json::string(t));
  return {{"max_mb", static_cast<double>(p.max_bytes) / 1'000'000}, {"types", std::move(types)}};
}

// The text form of {"max_mb", "types"} (a field not given keeps the stored one).
Result<std::string> attachments_from_json(const boost::json::object& o, const std::string& stored) {
  auto p = attachments::stored_policy(stored);
  std::string text;
  for (const auto& [k, v] : o) {
    if (k == "max_mb" && v.is_number()) {
      double mb = v.to_number<double>();
      if (!(mb >= 0.1 && mb <= attachments::kMaxFileBytes / 1e6))
        return Error::bad_request("attachments' max_mb is 0.1 to " +
                                  std::to_string(attachments::kMaxFileBytes / 1'000'000));
      p.max_bytes = static_cast<std::int64_t>(mb * 1'000'000);
    } else if (k == "types" && v.is_array()) {
      p.types.clear();
      for (const auto& t : v.as_array()) {
        if (!t.is_string()) return Error::bad_request("attachments' types are file extensions like \"pdf\"");
        p.types.emplace_back(t.as_string());
      }
      if (p.types.empty()) return Error::bad_request("attachments' types: name at least one (or \"*\" for any)");
    } else {
      return Error::bad_request("attachments are {\"max_mb\": 10, \"types\": [\"pdf\", …]}");
    }
  }
  std::string types;
  for (const auto& t : p.types) types += t + " ";
  return TRY(attachments::parse_policy("max=" + std::to_string(p.max_bytes) + ";types=" + types)).text();
}

// GET|PUT /api/tenants/{id}/settings: {"outcome_required": bool, "attribution_days": 1..30,
// "response_targets": {"email": "2d", "offline": "2d", "api": "24h"}}.
void settings(Services& s, const Call& c, bool put) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  admin::TenantUpdate u;
  std::optional<boost::json::object> attachment_changes;  // applied to the stored policy in the job
  if (put) {
    auto body = json_object(c.req.body, R"({"outcome_required": true, "attribution_days": 7})");
    if (!body) return c.fail(body.error());
    for (const auto& [k, v] : *body) {
      if (k == "outcome_required" && v.is_bool()) {
        u.outcome_required = v.as_bool();
      } else if (k == "attribution_days" && v.is_int64()) {
        u.attribution_days = static_cast<int>(std::clamp<std::int64_t>(v.as_int64(), -1, 1000));
      } else if (k == "response_targets" && v.is_object()) {
        auto t = targets_from_json(v.as_object());
        if (!t) return c.fail(t.error());
        u.response_targets = *t;
      } else if (k == "attachments" && v.is_object()) {
        // What visitors and emails may bring in is a security setting: admins only.
        if (auto e = require_role(*c.who, *tenant, Role::kAdmin)) return c.fail(*e);
        attachment_changes = v.as_object();
      } else {
        return c.fail(Error::bad_request("unknown or mistyped field '" + std::string(k).substr(0, 40) +
                                         "': outcome_required is true or false, attribution_days a number, "
                                         "response_targets and attachments objects"));
      }
    }
  }
  auto line = audit_line(c, *tenant, "settings.update", "tenant " + std::to_string(*tenant), nullptr, nullptr);
  store_job<Tenant>(
      s.store,
      [tenant = *tenant, u, line, put, attachment_changes](Store& st) mutable -> Result<Tenant> {
        auto t = TRY(st.tenant_by_id(tenant));
        if (attachment_changes) u.attachments = TRY(attachments_from_json(*attachment_changes, t.attachments));
        auto after = TRY(admin::update_tenant(st, t.slug, u));
        if (put) {
          auto json = [](const Tenant& x) {
            return boost::json::object{{"outcome_required", x.outcome_required},
                                       {"attribution_days", x.attribution_days},
                                       {"response_targets", targets_json(x.response_targets)},
                                       {"attachments", attachments_json(x.attachments)}};
          };
          line.detail = change_json(json(t), json(after));
          TRY_OK(st.add_audit(line));
        }
        return after;
      },
      [&s, c, put](Result<Tenant> t) {
        if (!t) return c.fail(t.error());
        if (put) s.chat.set_outcome_required(t->id, t->outcome_required);
        c.ok({{"tenant", t->id},
              {"outcome_required", t->outcome_required},
              {"attribution_days", t->attribution_days},
              {"response_targets", targets_json(t->response_targets)},
              {"attachments", attachments_json(t->attachments)}});
      });
}

void get_queue(Services& s, const Call& c, Id tenant) {
  std::size_t offset = 0;
  if (auto v = c.req.query_param("offset")) {
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), offset);
    if (ec != std::errc() || p != v->data() + v->size())
      return c.fail(Error::bad_request("offset must be a whole number, 0 or more"));
  }
  auto page = s.chat.queue_of(tenant, offset);
  page["tenant"] = tenant;
  page["open"] = s.chat.live_open(tenant);
  c.ok(page);
}

}  // namespace

void add_tenant_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/hours", [&s](const Call& c) {
    auto tenant = path_tenant(c);
    if (!tenant) return c.fail(Error::not_found("no such tenant"));
    reply_hours(s, c, *tenant, std::nullopt);
  });
  routes.add(Method::kPut, "/api/tenants/{id}/hours", [&s](const Call& c) { put_hours(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/settings", [&s](const Call& c) { settings(s, c, false); });
  routes.add(Method::kPut, "/api/tenants/{id}/settings", [&s](const Call& c) { settings(s, c, true); });
  routes.add(Method::kGet, "/api/tenants/{id}/presence", [&s](const Call& c) {
    auto tenant = path_tenant(c);
    if (!tenant) return c.fail(Error::not_found("no such tenant"));
    c.ok({{"tenant", *tenant}, {"open", s.chat.live_open(*tenant)}, {"agents", s.chat.presence_of(*tenant)}});
  });
  routes.add(Method::kGet, "/api/tenants/{id}/queue", [&s](const Call& c) {
    auto tenant = path_tenant(c);
    if (!tenant) return c.fail(Error::not_found("no such tenant"));
    get_queue(s, c, *tenant);
  });
}

}  // namespace tiski::api
