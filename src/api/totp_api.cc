// Two-factor login (RFC 6238; docs/admin.md):
//
//   GET  /api/me/totp            {"on", "required"}
//   POST /api/me/totp            a new key: {"secret" (Base32), "uri" (otpauth://, for a QR code)}
//   POST /api/me/totp/confirm    {"code"}: the new key's current code turns it on
//   POST /api/me/totp/disable    {"code"}: a current code turns it off (not while required)
//   GET|PUT /api/tenants/{id}/security   {"require_totp": bool} (PUT: admins; turning it on:
//                                        only an admin who has two-factor login on)
//
// A key being set up is kept apart ("pending") until a code of it is typed, so a half-done set
// up never locks anyone out. Turning it on or off, and the tenant's rule, are audited.
#include "api/api.h"
#include "util/crypto.h"
#include "util/totp.h"

namespace tiski::api {
namespace {

Result<std::string> code_of(std::string_view body) {
  auto o = TRY(json_object(body, R"({"code": "123456"})"));
  const auto* v = o.if_contains("code");
  if (!v || !v->is_string() || v->as_string().size() > 16)
    return Error::bad_request(R"(body must be {"code": "123456"}, the code the authenticator app shows)");
  return std::string(v->as_string());
}

void get_totp(Services& s, const Call& c) {
  store_job<Totp>(
      s.store, [agent = c.who->agent.id](Store& st) { return st.totp_of(agent); },
      [c](const Result<Totp>& r) {
        if (!r) return c.fail(r.error());
        c.ok({{"on", r->on()}, {"required", r->required}, {"pending", !r->pending.empty()}});
      });
}

void start_totp(Services& s, const Call& c) {
  std::string key = crypto::random_bytes(totp::kKeyBytes);
  std::string uri = totp::uri("Tiski", c.who->agent.email, key);
  store_job<bool>(
      s.store,
      [agent = c.who->agent.id, key](Store& st) -> Result<bool> {
        auto t = TRY(st.totp_of(agent));
        if (t.on()) return Error::conflict("two-factor login is on already; turn it off first to change the key");
        t.pending = key;
        TRY_OK(st.save_totp(agent, t));
        return true;
      },
      [c, key, uri](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.ok({{"secret", totp::base32(key)}, {"uri", uri}});
      });
}

// A code's answer: it was counted as a failed login when it came (code_attempt); a right one
// clears the account's count.
void code_answer(Services& s, const Call& c, const Result<bool>& r, bool on) {
  if (!r) return c.fail(r.error());
  s.auth.code_ok(c.who->agent.email);
  c.ok({{"on", on}});
}

void confirm_totp(Services& s, const Call& c) {
  auto code = code_of(c.req.body);
  if (!code) return c.fail(code.error());
  if (auto refused = s.auth.code_attempt(c.who->agent.email, c.req.ip)) return c.fail(*refused);
  auto line = audit_line(c, 0, "totp.enable", agent_target(c.who->agent), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [agent = c.who->agent.id, code = *code, now = s.chat.now(), line](Store& st) -> Result<bool> {
        auto t = TRY(st.totp_of(agent));
        if (t.pending.empty()) return Error::conflict("start the set-up first (a new key)");
        auto step = totp::verify(t.pending, code, now / 1000, 0);
        if (!step) return Error::bad_request("that code does not match the new key; check the phone's clock");
        t.key = std::move(t.pending);
        t.pending.clear();
        t.step = *step;
        TRY_OK(st.save_totp(agent, t));
        TRY_OK(st.add_audit(line));
        return true;
      },
      [&s, c](const Result<bool>& r) { code_answer(s, c, r, true); });
}

void disable_totp(Services& s, const Call& c) {
  auto code = code_of(c.req.body);
  if (!code) return c.fail(code.error());
  if (auto refused = s.auth.code_attempt(c.who->agent.email, c.req.ip)) return c.fail(*refused);
  auto line = audit_line(c, 0, "totp.disable", agent_target(c.who->agent), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [agent = c.who->agent.id, code = *code, now = s.chat.now(), line](Store& st) -> Result<bool> {
        auto t = TRY(st.totp_of(agent));
        if (!t.on()) return Error::conflict("two-factor login is not on");
        if (t.required) return Error::conflict("your company requires two-factor login; it cannot be turned off");
        if (!totp::verify(t.key, code, now / 1000, t.step)) return Error::bad_request("wrong or already used code");
        TRY_OK(st.save_totp(agent, Totp{}));
        TRY_OK(st.add_audit(line));
        return true;
      },
      [&s, c](const Result<bool>& r) { code_answer(s, c, r, false); });
}

void get_security(Services& s, const Call& c) {
  store_job<Tenant>(
      s.store, [tenant = c.tenant](Store& st) { return st.tenant_by_id(tenant); },
      [c](const Result<Tenant>& r) {
        if (!r) return c.fail(r.error());
        c.ok({{"tenant", c.tenant}, {"require_totp", r->require_totp}});
      });
}

void put_security(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"require_totp": true})");
  if (!o) return c.fail(o.error());
  const auto* v = o->if_contains("require_totp");
  if (o->size() != 1 || !v || !v->is_bool())
    return c.fail(Error::bad_request(R"(body must be {"require_totp": true|false})"));
  bool on = v->as_bool();
  // Required by someone without it, the rule would first lock out its own maker (and an API token
  // is nobody who could set it up).
  if (on && !c.who->totp_on)
    return c.fail(Error::conflict(
        "turn on two-factor login for your own account first (My account), then require it of the company"));
  auto line = audit_line(c, c.tenant, "security.update", "tenant " + std::to_string(c.tenant), nullptr, nullptr);
  store_job<bool>(
      s.store,
      [tenant = c.tenant, on, line](Store& st) mutable -> Result<bool> {
        bool before = TRY(st.tenant_by_id(tenant)).require_totp;
        TRY_OK(st.set_require_totp(tenant, on));
        line.detail = change_json({{"require_totp", before}}, {{"require_totp", on}});
        TRY_OK(st.add_audit(line));
        return true;
      },
      [c, on](const Result<bool>& r) {
        if (!r) return c.fail(r.error());
        c.ok({{"tenant", c.tenant}, {"require_totp", on}});
      });
}

}  // namespace

void add_totp_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/me/totp", [&s](const Call& c) { get_totp(s, c); });
  routes.add(Method::kPost, "/api/me/totp", [&s](const Call& c) { start_totp(s, c); });
  routes.add(Method::kPost, "/api/me/totp/confirm", [&s](const Call& c) { confirm_totp(s, c); });
  routes.add(Method::kPost, "/api/me/totp/disable", [&s](const Call& c) { disable_totp(s, c); });
  routes.add(Method::kGet, "/api/tenants/{id}/security", [&s](const Call& c) { get_security(s, c); });
  routes.add(Method::kPut, "/api/tenants/{id}/security", [&s](const Call& c) { put_security(s, c); });
}

}  // namespace tiski::api
