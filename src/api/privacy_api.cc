// Privacy of a tenant (docs/privacy.md), for its admins:
//
//   GET|PUT /api/tenants/{id}/privacy            {"retention_days": 0 | 30..3650}
//   GET     /api/tenants/{id}/privacy/export?visitor=N | ?email=a@b.fi   (a JSON download)
//   POST    /api/tenants/{id}/privacy/erase      {"visitor": N} | {"email": "a@b.fi"}
//
// A person is found by the visitor number the console shows ("Kävijä #12") or by the email
// address they left. Exports and erasures are in the audit log by visitor numbers only.
#include <boost/json/serialize.hpp>

#include "api/api.h"
#include "chat/privacy/privacy.h"

namespace tiski::api {
namespace {

struct Subject {
  std::int64_t number = 0;
  std::string email;
};

Result<Subject> subject_of(std::optional<std::string_view> visitor, std::optional<std::string> email) {
  Subject s;
  if (visitor) {
    auto n = positive_number(*visitor);
    if (!n) return Error::bad_request("visitor must be a visitor number, e.g. 12 for Kävijä #12");
    s.number = *n;
  }
  if (email) {
    if (email->empty() || email->size() > 254 || email->find('@') == std::string::npos)
      return Error::bad_request("email must be an email address");
    s.email = *email;
  }
  if ((s.number > 0) == !s.email.empty()) return Error::bad_request("give exactly one of visitor and email");
  return s;
}

std::string numbers_text(Store& st, const std::vector<Id>& visitors) {
  std::string out;
  for (Id id : visitors) {
    auto v = st.visitor_by_id(id);
    if (v) out += (out.empty() ? "visitor #" : ", #") + std::to_string(v->number);
  }
  return out;
}

void get_privacy(Services& s, const Call& c) {
  store_job<Tenant>(
      s.store, [tenant = c.tenant](Store& st) { return st.tenant_by_id(tenant); },
      [c](Result<Tenant> r) {
        if (!r) return c.fail(r.error());
        c.ok({{"tenant", c.tenant}, {"retention_days", r->retention_days}});
      });
}

void put_privacy(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"retention_days": 365})");
  if (!o) return c.fail(o.error());
  const auto* v = o->if_contains("retention_days");
  if (o->size() != 1 || !v || !v->is_int64() ||
      (v->as_int64() != 0 &&
       (v->as_int64() < privacy::kMinRetentionDays || v->as_int64() > privacy::kMaxRetentionDays)))
    return c.fail(Error::bad_request("retention_days must be 0 (keep) or " +
                                     std::to_string(privacy::kMinRetentionDays) + " to " +
                                     std::to_string(privacy::kMaxRetentionDays)));
  int days = static_cast<int>(v->as_int64());
  auto line = audit_line(c, c.tenant, "privacy.retention", "tenant " + std::to_string(c.tenant), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [tenant = c.tenant, days, line](Store& st) mutable -> Result<bool> {
        auto before = TRY(st.tenant_by_id(tenant)).retention_days;
        TRY_OK(st.set_retention_days(tenant, days));
        line.detail = change_json({{"retention_days", before}}, {{"retention_days", days}});
        TRY_OK(st.add_audit(line));
        return true;
      },
      [c, days](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.ok({{"tenant", c.tenant}, {"retention_days", days}});
      });
}

void export_data(Services& s, const Call& c) {
  auto email = c.req.query_text("email");
  if (!email) return c.fail(email.error());
  auto who = subject_of(c.req.query_param("visitor"), *email);
  if (!who) return c.fail(who.error());
  auto line = audit_line(c, c.tenant, "privacy.export", "", nullptr, nullptr);
  store_job<boost::json::object>(
      s.store,
      [tenant = c.tenant, who = *who, now = s.chat.now(), line,
       files = s.chat.attachment_files()](Store& st) mutable -> Result<boost::json::object> {
        auto visitors = TRY(st.subject_visitors(tenant, who.number, who.email));
        if (visitors.empty()) return Error::not_found("no visitor of this tenant matches");
        auto doc = TRY(privacy::export_visitors(st, tenant, visitors, now, files));
        line.target = numbers_text(st, visitors);
        line.detail = boost::json::serialize(boost::json::object{{"visitors", visitors.size()}});
        TRY_OK(st.add_audit(line));
        return doc;
      },
      [c](Result<boost::json::object> r) {
        if (!r) return c.fail(r.error());
        c.reply(Response::ok(*r).header("Content-Disposition", "attachment; filename=\"tiski-export.json\""));
      });
}

void erase_data(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"visitor": 12} or {"email": "a@b.fi"})");
  if (!o) return c.fail(o.error());
  std::optional<std::string> visitor, email;
  for (const auto& [k, v] : *o) {
    if (k == "visitor" && v.is_int64()) {
      visitor = std::to_string(v.as_int64());
    } else if (k == "email" && v.is_string()) {
      email = std::string(v.as_string());
    } else {
      return c.fail(Error::bad_request("give visitor (a number) or email (a string)"));
    }
  }
  auto who = subject_of(visitor ? std::optional<std::string_view>(*visitor) : std::nullopt, email);
  if (!who) return c.fail(who.error());
  auto line = audit_line(c, c.tenant, "privacy.erase", "", nullptr, nullptr);
  using Done = std::pair<Erased, std::vector<Conversation>>;
  store_job<Done>(
      s.store,
      [tenant = c.tenant, who = *who, now = s.chat.now(), line](Store& st) mutable -> Result<Done> {
        auto visitors = TRY(st.subject_visitors(tenant, who.number, who.email));
        if (visitors.empty()) return Error::not_found("no visitor of this tenant matches");
        line.target = numbers_text(st, visitors);
        Done d;
        d.first = TRY(privacy::erase(st, tenant, visitors, now, &d.second));
        line.detail = boost::json::serialize(privacy::erased_json(d.first));
        TRY_OK(st.add_audit(line));
        return d;
      },
      [&s, c](Result<Done> r) {
        if (!r) return c.fail(r.error());
        s.chat.conversations_changed(r->second);  // consoles drop the erased previews now
        c.ok(privacy::erased_json(r->first));
      });
}

}  // namespace

void add_privacy_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/privacy", [&s](const Call& c) { get_privacy(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/privacy", [&s](const Call& c) { put_privacy(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/privacy/export", [&s](const Call& c) { export_data(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/privacy/erase", [&s](const Call& c) { erase_data(s, c); });
}

}  // namespace tiski::api
