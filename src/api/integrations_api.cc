// API tokens and webhooks of a tenant (docs/integrations.md), for its admins:
//
//   GET|POST /api/tenants/{id}/tokens, DELETE /api/tenants/{id}/tokens/{token}
//   GET|POST /api/tenants/{id}/webhooks, PUT|DELETE /api/tenants/{id}/webhooks/{hook}
//   GET /api/tenants/{id}/webhooks/{hook}/deliveries, POST …/deliveries/{delivery}/retry
//
// A token's secret and a webhook's signing secret are shown once, in the answer that creates
// them; the store keeps the token's SHA-256 only. Every change is in the audit log.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

#include "api/api.h"
#include "chat/core/hook_events.h"
#include "chat/protocol.h"
#include "chat/webhooks/http_post.h"
#include "util/crypto.h"
#include "util/public_address.h"

namespace tiski::api {
namespace {

constexpr std::size_t kMaxTokens = 50;
constexpr std::size_t kMaxWebhooks = 20;
constexpr std::size_t kMaxName = 80;
constexpr std::size_t kMaxUrl = 500;
constexpr std::size_t kDeliveryPage = 50;

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::object token_json(const ApiToken& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"scopes", strings(t.scopes)},
          {"prefix", t.prefix},
          {"created_at", t.created_at},
          {"last_used_at", t.last_used_at ? boost::json::value(t.last_used_at) : nullptr},
          {"revoked_at", t.revoked_at ? boost::json::value(t.revoked_at) : nullptr}};
}

boost::json::object hook_json(const Webhook& w) {
  return {{"id", w.id},
          {"url", w.url},
          {"events", strings(w.events)},
          {"active", w.active},
          {"created_at", w.created_at},
          {"paused_reason", w.paused_reason}};
}

boost::json::object delivery_json(const WebhookDelivery& d) {
  return {{"id", d.id},
          {"delivery", d.delivery},
          {"type", d.type},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_at", d.status == hook_status::kQueued ? boost::json::value(d.next_at) : nullptr},
          {"last_code", d.last_code ? boost::json::value(d.last_code) : nullptr},
          {"error", d.error},
          {"created_at", d.created_at},
          {"done_at", d.done_at ? boost::json::value(d.done_at) : nullptr},
          {"body", d.body}};
}

// A list of distinct words from `allowed`, at least one.
Result<std::vector<std::string>> word_list(const boost::json::value& v, std::string_view field,
                                           const std::function<bool(std::string_view)>& allowed,
                                           std::string_view choices) {
  if (!v.is_array() || v.as_array().empty())
    return Error::bad_request(std::string(field) + " must be a non-empty list of: " + std::string(choices));
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) {
    if (!e.is_string() || !allowed(e.as_string()))
      return Error::bad_request(std::string(field) + ": each must be one of: " + std::string(choices));
    std::string w(e.as_string());
    if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(std::move(w));
  }
  return out;
}

std::string hook_type_list() {
  std::string out;
  for (auto t : events::hook_types()) out += (out.empty() ? "" : ", ") + std::string(t);
  return out;
}

// An http(s) URL a webhook may post to: https with a public host, unless [webhooks]
// allow_private (development, an intranet receiver) also lets http and private addresses in.
// The address is checked again when each request connects (after DNS).
Status check_hook_url(std::string_view url, bool allow_private) {
  if (url.empty() || url.size() > kMaxUrl)
    return Error::bad_request("url must be an http(s) URL of at most " + std::to_string(kMaxUrl) + " bytes");
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u || u->host().empty() || !u->has_authority())
    return Error::bad_request("url must be an absolute http(s) URL, e.g. https://example.com/tiski");
  std::string scheme(u->scheme());
  if (scheme != "https" && !(scheme == "http" && allow_private))
    return Error::bad_request(allow_private ? "url must be http or https" : "url must be https");
  if (!u->userinfo().empty()) return Error::bad_request("url must not carry a user name or password");
  std::string host(u->encoded_host_address());
  // Escapes in a host name are decoded by curl ("%31%32%37.0.0.1" is 127.0.0.1): a real host
  // name never needs them, so they are refused rather than decoded and checked.
  if (host.find('%') != std::string::npos) return Error::bad_request("url's host must be written without %-escapes");
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.size() - 2);
  while (!host.empty() && host.back() == '.') host.pop_back();  // "localhost." is localhost
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!allow_private && (host == "localhost" || host.ends_with(".localhost") || is_private_address(host)))
    return Error::bad_request("url must point to a public address");
  return {};
}

// ---- tokens

void list_tokens(Services& s, const Call& c) {
  store_job<std::vector<ApiToken>>(
      s.store, [tenant = c.tenant](Store& st) { return st.api_tokens(tenant); },
      [c](Result<std::vector<ApiToken>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& t : *r) out.push_back(token_json(t));
        c.ok({{"tenant", c.tenant}, {"tokens", std::move(out)}});
      });
}

// POST {"name": "...", "scopes": ["read", "write", "admin"]}: the token itself is in the answer
// only.
void create_token(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"name": "CRM", "scopes": ["read"]})");
  if (!o) return c.fail(o.error());
  ApiToken t;
  t.tenant_id = c.tenant;
  t.created_by = c.who->agent.id;
  t.created_at = s.chat.now();
  for (const auto& [k, v] : *o) {
    if (k == "name" && v.is_string() && !v.as_string().empty() && v.as_string().size() <= kMaxName &&
        proto::one_line(v.as_string())) {
      t.name = std::string(v.as_string());
    } else if (k == "scopes") {
      auto sc = word_list(
          v, "scopes", [](std::string_view w) { return w == "read" || w == "write" || w == "admin"; },
          "read, write, admin");
      if (!sc) return c.fail(sc.error());
      t.scopes = std::move(sc).value();
    } else {
      return c.fail(Error::bad_request("name is 1 to " + std::to_string(kMaxName) +
                                       " bytes of text on one line and scopes a list of read, write, admin"));
    }
  }
  if (t.name.empty() || t.scopes.empty()) return c.fail(Error::bad_request("name and scopes are required"));
  std::string secret = "tsk_" + crypto::random_token(32);
  t.prefix = secret.substr(0, 10);
  auto line = audit_line(c, c.tenant, "token.create", "token " + t.prefix, nullptr, nullptr);
  store_job<ApiToken>(
      s.store,
      [t, hash = crypto::sha256_hex(secret), line](Store& st) mutable -> Result<ApiToken> {
        std::size_t active = 0;
        for (const auto& x : TRY(st.api_tokens(t.tenant_id))) active += x.revoked_at == 0;
        if (active >= kMaxTokens)
          return Error::conflict("the tenant has " + std::to_string(kMaxTokens) + " API tokens; revoke one first");
        auto saved = TRY(st.add_api_token(t, hash));
        line.detail = change_json(nullptr, token_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [c, secret](Result<ApiToken> r) {
        if (!r) return c.fail(r.error());
        auto out = token_json(*r);
        out["token"] = secret;
        c.reply(Response::json(201, out));
      });
}

void revoke_token(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("token"));
  if (!id) return c.fail(Error::not_found("no such API token"));
  auto line = audit_line(c, c.tenant, "token.revoke", "token " + std::to_string(*id), nullptr, nullptr);
  store_job<ApiToken>(
      s.store,
      [tenant = c.tenant, id = *id, now = s.chat.now(), line](Store& st) mutable -> Result<ApiToken> {
        auto t = TRY(st.revoke_api_token(tenant, id, now));
        line.target = "token " + t.prefix;
        line.detail = change_json(token_json(t), nullptr);
        TRY_OK(st.add_audit(line));
        return t;
      },
      [c](const Result<ApiToken>& r) {
        if (!r) return c.fail(r.error());
        c.reply(Response::empty(204));
      });
}

// ---- webhooks

// The fields of a POST or PUT body onto `w`; `creating` requires url and events.
Status read_hook(const boost::json::object& o, Webhook& w, bool creating, bool allow_private) {
  bool url = false, events = false;
  for (const auto& [k, v] : o) {
    if (k == "url" && v.is_string()) {
      TRY_OK(check_hook_url(v.as_string(), allow_private));
      w.url = std::string(v.as_string());
      url = true;
    } else if (k == "events") {
      w.events = TRY(word_list(v, "events", events::is_hook_type, hook_type_list()));
      events = true;
    } else if (k == "active" && v.is_bool() && !creating) {
      w.active = v.as_bool();
    } else {
      return Error::bad_request("unknown or mistyped field '" + std::string(k).substr(0, 40) +
                                "': url is a string, events a list, active true or false");
    }
  }
  if (creating && (!url || !events)) return Error::bad_request("url and events are required");
  return {};
}

void list_hooks(Services& s, const Call& c) {
  store_job<std::vector<Webhook>>(
      s.store, [tenant = c.tenant](Store& st) { return st.webhooks(tenant); },
      [c](Result<std::vector<Webhook>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& w : *r) out.push_back(hook_json(w));
        boost::json::array types;
        for (auto t : events::hook_types()) types.emplace_back(t);
        c.ok({{"tenant", c.tenant}, {"webhooks", std::move(out)}, {"event_types", std::move(types)}});
      });
}

void create_hook(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"url": "https://…", "events": ["message.created"]})");
  if (!o) return c.fail(o.error());
  Webhook w;
  w.tenant_id = c.tenant;
  w.created_at = s.chat.now();
  if (auto st = read_hook(*o, w, true, s.webhooks_private); !st) return c.fail(st.error());
  w.secret = "whsec_" + crypto::random_token(24);
  auto line = audit_line(c, c.tenant, "webhook.create", "", nullptr, nullptr);
  store_job<Webhook>(
      s.store,
      [w, line](Store& st) mutable -> Result<Webhook> {
        if (TRY(st.webhooks(w.tenant_id)).size() >= kMaxWebhooks)
          return Error::conflict("the tenant has " + std::to_string(kMaxWebhooks) + " webhooks; remove one first");
        auto saved = TRY(st.add_webhook(w));
        line.target = "webhook " + std::to_string(saved.id);
        line.detail = change_json(nullptr, hook_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [c](Result<Webhook> r) {
        if (!r) return c.fail(r.error());
        auto out = hook_json(*r);
        out["secret"] = r->secret;
        c.reply(Response::json(201, out));
      });
}

Result<Webhook> find_hook(Store& st, Id tenant, Id id) {
  for (auto& w : TRY(st.webhooks(tenant)))
    if (w.id == id) return w;
  return Error::not_found("no such webhook");
}

void update_hook(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("hook"));
  if (!id) return c.fail(Error::not_found("no such webhook"));
  auto o = json_object(c.req.body, R"({"url": "https://…", "events": [...], "active": true})");
  if (!o) return c.fail(o.error());
  Webhook change;
  if (auto st = read_hook(*o, change, false, s.webhooks_private); !st) return c.fail(st.error());
  auto line = audit_line(c, c.tenant, "webhook.update", "webhook " + std::to_string(*id), nullptr, nullptr);
  store_job<Webhook>(
      s.store,
      [tenant = c.tenant, id = *id, o = *o, change, line](Store& st) mutable -> Result<Webhook> {
        auto w = TRY(find_hook(st, tenant, id));
        auto before = hook_json(w);
        if (o.contains("url")) w.url = change.url;
        if (o.contains("events")) w.events = change.events;
        if (o.contains("active")) w.active = change.active;
        auto saved = TRY(st.update_webhook(w));
        line.detail = change_json(before, hook_json(saved));
        TRY_OK(st.add_audit(line));
        return saved;
      },
      [&s, c](Result<Webhook> r) {
        if (!r) return c.fail(r.error());
        s.chat.kick_webhooks();  // a webhook switched back on may have deliveries due
        c.ok(hook_json(*r));
      });
}

void delete_hook(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("hook"));
  if (!id) return c.fail(Error::not_found("no such webhook"));
  auto line = audit_line(c, c.tenant, "webhook.delete", "webhook " + std::to_string(*id), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [tenant = c.tenant, id = *id, line](Store& st) mutable -> Result<bool> {
        auto w = TRY(find_hook(st, tenant, id));
        TRY_OK(st.delete_webhook(tenant, id));
        line.detail = change_json(hook_json(w), nullptr);
        TRY_OK(st.add_audit(line));
        return true;
      },
      [c](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.reply(Response::empty(204));
      });
}

void list_deliveries(Services& s, const Call& c) {
  auto id = positive_number(c.req.param("hook"));
  if (!id) return c.fail(Error::not_found("no such webhook"));
  std::int64_t before = 0;
  if (auto b = c.req.query_param("before")) {
    auto n = positive_number(*b);
    if (!n) return c.fail(Error::bad_request("before must be a delivery id"));
    before = *n;
  }
  store_job<std::vector<WebhookDelivery>>(
      s.store,
      [tenant = c.tenant, id = *id, before](Store& st) -> Result<std::vector<WebhookDelivery>> {
        TRY(find_hook(st, tenant, id));
        return st.deliveries(tenant, id, before, kDeliveryPage);
      },
      [c](Result<std::vector<WebhookDelivery>> r) {
        if (!r) return c.fail(r.error());
        boost::json::array out;
        for (const auto& d : *r) out.push_back(delivery_json(d));
        boost::json::value next = r->size() == kDeliveryPage ? boost::json::value(r->back().id) : nullptr;
        c.ok({{"deliveries", std::move(out)}, {"next_before", next}});
      });
}

// Send again: the same delivery id and body, at once, with a fresh retry schedule; audited.
void retry_delivery(Services& s, const Call& c) {
  auto hook = positive_number(c.req.param("hook"));
  auto id = positive_number(c.req.param("delivery"));
  if (!hook || !id) return c.fail(Error::not_found("no such delivery"));
  auto line = audit_line(c, c.tenant, "webhook.resend", "webhook " + std::to_string(*hook), nullptr, nullptr);
  store_job<WebhookDelivery>(
      s.store,
      [tenant = c.tenant, hook = *hook, id = *id, now = s.chat.now(),
       line](Store& st) mutable -> Result<WebhookDelivery> {
        if (!TRY(find_hook(st, tenant, hook)).active)
          return Error::conflict("the webhook is switched off; switch it on to send");
        auto d = TRY(st.redeliver(tenant, hook, id, now));
        line.detail = change_json(nullptr, {{"delivery", d.delivery}, {"type", d.type}});
        TRY_OK(st.add_audit(line));
        return d;
      },
      [&s, c](Result<WebhookDelivery> r) {
        if (!r) return c.fail(r.error());
        s.chat.kick_webhooks();
        c.reply(Response::json(202, delivery_json(*r)));
      });
}

}  // namespace

void add_integration_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/tokens", [&s](const Call& c) { list_tokens(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/tokens", [&s](const Call& c) { create_token(s, c); });
  routes.add(Method::kDelete, "/api/tenants/{id}/tokens/{token}", [&s](const Call& c) { revoke_token(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/webhooks", [&s](const Call& c) { list_hooks(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/webhooks", [&s](const Call& c) { create_hook(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/webhooks/{hook}", [&s](const Call& c) { update_hook(s, c); });
  routes.add(Method::kDelete, "/api/tenants/{id}/webhooks/{hook}", [&s](const Call& c) { delete_hook(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/webhooks/{hook}/deliveries",
             [&s](const Call& c) { list_deliveries(s, c); });
  routes.add(Method::kPost, "/api/tenants/{id}/webhooks/{hook}/deliveries/{delivery}/retry",
             [&s](const Call& c) { retry_delivery(s, c); });
}

}  // namespace tiski::api
