// Password links (docs/admin.md), no session needed:
//   POST /api/password/forgot {"email", "lang"?}    mails a reset link to the account, if any
//   POST /api/password/reset  {"token", "password"} sets the password with a link's token
// and, signed in:
//   POST /api/me/password {"current", "password"}  changes my own password; my other sessions end
// The first answers the same (202) whether or not the address has an account, and is limited
// like failed logins (per address and per account) and to three links an hour per account.
// Both need a mail relay ([smtp] url): without one the forgot call says so (503) rather than
// pretending to send.
#include "api/api.h"
#include "chat/accounts/passwords.h"
#include "mail/address.h"
#include "util/crypto.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

std::string lang_of(const boost::json::object& o) {
  const auto* v = o.if_contains("lang");
  std::string l = v && v->is_string() ? std::string(v->as_string()) : "";
  return l == "sv" || l == "en" ? l : "fi";
}

// A string field of at most `max` bytes ("" when absent or not a string).
std::string text_of(const boost::json::object& o, std::string_view k, std::size_t max) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() && v->as_string().size() <= max ? std::string(v->as_string()) : "";
}

AuditEntry account_line(const Call& c, std::string_view action, const Agent& a) {
  return login_line(action, a.id, a.email, AuthService::From{c.req.ip, c.req.user_agent});
}

void forgot(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"email": "you@example.com"})");
  if (!o) return c.fail(o.error());
  std::string email = text_of(*o, "email", limits::kMaxEmailBytes);
  if (auto bad = mail::check_address(email); !bad)
    return c.fail(Error::bad_request("'email' must be an email address"));
  if (!s.chat.mail_configured())
    return c.fail(Error::unavailable(
        "password reset by email is not set up on this server; ask the server's administrator to set a new "
        "one (tiski agent update --password-stdin)"));
  if (auto refused = s.auth.throttle(email, c.req.ip)) return c.fail(*refused);
  passwords::Links links{s.chat.mail_identity(), s.public_url, lang_of(*o)};
  store_job<bool>(
      s.store,
      [c, links, email](Store& st) -> Result<bool> {
        auto queued = TRY(passwords::request_reset(st, links, email, now_ms()));
        if (!queued) return false;
        auto agent = TRY(st.agent_by_email(email));
        TRY_OK(st.add_audit(account_line(c, "login.reset_requested", agent)));
        return true;
      },
      [&s, c](const Result<bool>& queued) {
        if (!queued) return c.fail(queued.error());
        if (*queued) s.chat.kick_mail();
        // The same answer for every address: whether it has an account is not told.
        c.reply(Response::json(202, {{"sent", true}}));
      });
}

void set_password(Services& s, const Call& c, const std::string& token, const std::string& password);

void reset(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"token": "...", "password": "..."})");
  if (!o) return c.fail(o.error());
  std::string token = text_of(*o, "token", 100);
  std::string password = text_of(*o, "password", limits::kMaxPasswordBytes);
  if (token.empty()) return c.fail(Error::bad_request("'token' must be the token of the link"));
  if (password.size() < 8)
    return c.fail(
        Error::bad_request("password must be 8 to " + std::to_string(limits::kMaxPasswordBytes) + " characters"));
  // The link first: a made-up token costs a lookup, not a password hash (~64 MiB and 0.2 s of a
  // core that logins share).
  store_job<bool>(
      s.store,
      [token](Store& st) -> Result<bool> {
        TRY_OK(passwords::check_link(st, token, now_ms()));
        return true;
      },
      [&s, c, token, password](const Result<bool>& ok) {
        if (!ok) return c.fail(ok.error());
        set_password(s, c, token, password);
      });
}

void set_password(Services& s, const Call& c, const std::string& token, const std::string& password) {
  s.auth.hash_password(password, [&s, c, token](const Result<std::string>& hash) {
    if (!hash) return c.fail(hash.error());
    store_job<Agent>(
        s.store,
        [c, token, hash = *hash](Store& st) -> Result<Agent> {
          auto [agent, link] = TRY(passwords::set_password(st, token, hash, now_ms()));
          TRY_OK(st.add_audit(
              account_line(c, link.kind == "invite" ? "login.invite_accepted" : "login.password_reset", agent)));
          return agent;
        },
        [&s, c](const Result<Agent>& agent) {
          if (!agent) return c.fail(agent.error());
          s.chat.agent_sessions_ended(agent->id);  // their consoles close: the password changed
          c.ok({{"email", agent->email}});
        });
  });
}

void change_mine(Services& s, const Call& c) {
  auto o = json_object(c.req.body, R"({"current": "...", "password": "..."})");
  if (!o) return c.fail(o.error());
  std::string current = text_of(*o, "current", limits::kMaxPasswordBytes);
  std::string fresh = text_of(*o, "password", limits::kMaxPasswordBytes);
  if (current.empty()) return c.fail(Error::bad_request("'current' must be your current password"));
  if (fresh.size() < 8)
    return c.fail(
        Error::bad_request("password must be 8 to " + std::to_string(limits::kMaxPasswordBytes) + " characters"));
  s.auth.change_password(*c.who, current, fresh, {c.req.ip, c.req.user_agent},
                         [&s, c](const Result<std::vector<std::string>>& ended) {
                           if (!ended) return c.fail(ended.error());
                           for (const auto& hash : *ended) s.chat.session_ended(hash);  // their consoles close
                           c.ok({{"changed", true}, {"sessions_ended", static_cast<std::int64_t>(ended->size())}});
                         });
}

}  // namespace

void add_password_routes(Routes& routes, Services& s) {
  routes.add(Method::kPost, "/api/me/password", [&s](const Call& c) { change_mine(s, c); });
  routes.add(Method::kPost, "/api/password/forgot", [&s](const Call& c) { forgot(s, c); });
  routes.add(Method::kPost, "/api/password/reset", [&s](const Call& c) { reset(s, c); });
}

}  // namespace tiski::api
