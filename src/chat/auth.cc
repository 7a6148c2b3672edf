#include "chat/auth.h"

#include <algorithm>
#include <chrono>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"
#include "util/totp.h"

namespace tiski {
namespace {

Result<AgentIdentity> load_identity(Store& s, const Session& session) {
  auto agent = s.agent_by_id(session.agent_id);
  if (!agent) return agent.error();
  if (agent->deactivated_at) return Error::unauthorized("this account is deactivated");
  auto ms = s.memberships_of(session.agent_id);
  if (!ms) return ms.error();
  auto teams = s.team_ids_of(session.agent_id);
  if (!teams) return teams.error();
  if (agent->owner) {  // an admin of every tenant (docs/roles.md)
    for (auto& m : *ms) m.role = Role::kAdmin;
    for (const auto& t : TRY(s.tenants())) {
      if (std::none_of(ms->begin(), ms->end(), [&](const Membership& m) { return m.tenant_id == t.id; }))
        ms->push_back(Membership{agent->id, t.id, t.name, Role::kAdmin, t.default_max_chats, true});
    }
  }
  auto totp = TRY(s.totp_of(session.agent_id));
  AgentIdentity id{std::move(agent).value(), std::move(ms).value(), session.csrf,
                   std::move(teams).value(), session.token_hash,    session.expires_at};
  id.totp_on = totp.on();
  id.totp_setup_needed = totp.required && !totp.on();
  return id;
}

}  // namespace

std::optional<Role> AgentIdentity::role_in(Id tenant) const {
  for (const auto& m : memberships) {
    if (m.tenant_id == tenant) return m.role;
  }
  return std::nullopt;
}

std::optional<Role> AgentIdentity::best_role() const {
  std::optional<Role> best;
  for (const auto& m : memberships) {
    if (!best || static_cast<int>(m.role) > static_cast<int>(*best)) best = m.role;
  }
  return best;
}

bool AgentIdentity::member_of(Id tenant) const {
  for (const auto& m : memberships) {
    if (m.tenant_id == tenant) return true;
  }
  return false;
}

namespace {

// What a browser says it is, as printable ASCII (it is shown in the list of sessions).
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, limits::kMaxUserAgent)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

}  // namespace

AuditEntry login_line(std::string_view action, Id agent, const std::string& email, const AuthService::From& from) {
  AuditEntry e;
  e.at = now_ms();
  e.actor_id = agent;
  e.actor = printable(email.substr(0, limits::kMaxEmailBytes));
  e.action = action;
  e.target = agent ? "agent " + std::to_string(agent) : "unknown account";
  e.detail = "{}";
  e.ip = from.ip;
  return e;
}

void AuthService::failed(const std::string& email, const From& from, Id agent) {
  limits_.failed(email, from.ip, now_ms());
  (void)store_.submit<void>(
      [line = login_line("login.failed", agent, email, from)](Store& s) { return s.add_audit(line); },
      [](const Status&) {});
}

void AuthService::login(const std::string& email, std::string password, std::string code, const From& from,
                        const std::function<void(Result<LoginResult>)>& done) {
  if (auto refused = limits_.check(email, from.ip, now_ms())) return done(*refused);
  auto fail = [this, done, email, from](const Error& e, Id agent) {
    if (e.code == Errc::kUnauthorized) failed(email, from, agent);
    done(e);
  };
  bool queued = store_.submit<Agent>(
      [email](Store& s) { return s.agent_by_email(email); },
      [this, password = std::move(password), code = std::move(code), done, fail, from](Result<Agent> agent) mutable {
        if (!agent) {
          if (agent.error().code == Errc::kNotFound) {
            // Spend the same time as a real check so emails cannot be probed by timing.
            cpu_([this, fail, password] {
              static const std::string dummy = crypto::hash_password("not a real password").value();
              (void)crypto::verify_password(dummy, password);
              to_net_([fail] { fail(Error::unauthorized("wrong email or password"), 0); });
            });
            return;
          }
          return fail(agent.error(), 0);
        }
        cpu_(
            [this, agent = std::move(agent).value(), password = std::move(password), code, done, fail, from]() mutable {
              bool ok = crypto::verify_password(agent.password_hash, password);
              to_net_([this, ok, agent = std::move(agent), code, done, fail, from]() mutable {
                if (!ok) return fail(Error::unauthorized("wrong email or password"), agent.id);
                if (agent.deactivated_at)  // the right password: saying so tells nothing new
                  return done(Error::unauthorized("this account is deactivated; ask an admin of your company"));
                start_session(agent, code, from, [this, done, fail, id = agent.id](Result<LoginResult> r) {
                  if (!r && r.error().code == Errc::kUnauthorized) return fail(r.error(), id);  // a wrong code
                  done(std::move(r));
                });
              });
            });
      });
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

void AuthService::change_password(const AgentIdentity& who, std::string current, std::string fresh, const From& from,
                                  const std::function<void(Result<std::vector<std::string>>)>& done) {
  const std::string email = who.agent.email;
  if (auto refused = limits_.check(email, from.ip, now_ms())) return done(*refused);
  const Id id = who.agent.id;
  bool queued = store_.submit<Agent>(
      [id](Store& s) { return s.agent_by_id(id); },
      [this, current = std::move(current), fresh = std::move(fresh), done, from, email,
       keep = who.session_hash](Result<Agent> agent) mutable {
        if (!agent) return done(agent.error());
        cpu_([this, old = agent->password_hash, current = std::move(current), fresh = std::move(fresh), done, from,
              email, keep, id = agent->id]() mutable {
          bool ok = crypto::verify_password(old, current);
          auto hash = ok ? crypto::hash_password(fresh) : Result<std::string>(Error::unauthorized("wrong password"));
          to_net_([this, ok, hash = std::move(hash), done, from, email, keep, id]() mutable {
            if (!ok) {
              failed(email, from, id);
              return done(Error::unauthorized("the current password is wrong"));
            }
            if (!hash) return done(hash.error());
            bool stored = store_.submit<std::vector<std::string>>(
                [id, keep, hash = *hash, line = login_line("login.password_changed", id, email, from)](
                    Store& s) -> Result<std::vector<std::string>> {
                  auto a = TRY(s.agent_by_id(id));
                  TRY_OK(s.update_agent(id, a.email, a.name, hash));
                  std::vector<std::string> ended;
                  for (const auto& x : TRY(s.sessions_of(id, now_ms())))
                    if (x.token_hash != keep) ended.push_back(x.token_hash);
                  TRY_OK(s.delete_sessions_of(id, keep));
                  TRY_OK(s.add_audit(line));
                  return ended;
                },
                done);
            if (!stored) done(Error::unavailable("the server is busy or shutting down"));
          });
        });
      });
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

void AuthService::start_session(const Agent& agent, const std::string& code, const From& from,
                                const std::function<void(Result<LoginResult>)>& done) {
  std::string token = crypto::random_token();
  Millis now = now_ms();
  Session session{crypto::sha256_hex(token),
                  agent.id,
                  crypto::random_token(24),
                  now + std::chrono::duration_cast<std::chrono::milliseconds>(limits::kSessionLifetime).count(),
                  now,
                  from.ip,
                  printable(from.user_agent)};
  bool queued = store_.submit<AgentIdentity>(
      [session, code, now,
       line = login_line("login.ok", agent.id, agent.email, from)](Store& s) -> Result<AgentIdentity> {
        auto totp = TRY(s.totp_of(session.agent_id));
        if (totp.on()) {  // the password was right; now the second factor
          if (code.empty()) return Error::totp_required("enter the 6-digit code from your authenticator app");
          auto step = totp::verify(totp.key, code, now / 1000, totp.step);
          if (!step) return Error::unauthorized("wrong or already used two-factor code");
          totp.step = *step;
          TRY_OK(s.save_totp(session.agent_id, totp));
        }
        TRY_OK(s.create_session(session));
        TRY_OK(s.add_audit(line));
        return load_identity(s, session);
      },
      [this, token, done, email = agent.email](Result<AgentIdentity> id) {
        if (!id) return done(id.error());
        limits_.succeeded(email);
        done(LoginResult{std::move(id).value(), token});
      });
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

void AuthService::authenticate(const std::string& token, const std::function<void(Result<AgentIdentity>)>& done) {
  if (token.empty() || token.size() > 128) return done(Error::unauthorized("not logged in"));
  auto hash = crypto::sha256_hex(token);
  bool queued = store_.submit<AgentIdentity>(
      [hash](Store& s) -> Result<AgentIdentity> {
        auto session = s.session_by_hash(hash, now_ms());
        if (!session) return Error::unauthorized("not logged in");
        return load_identity(s, *session);
      },
      done);
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

void AuthService::authenticate_api_token(const std::string& token,
                                         const std::function<void(Result<AgentIdentity>)>& done) {
  if (!token.starts_with("tsk_") || token.size() > 128)
    return done(Error::unauthorized("unknown or revoked API token"));
  auto hash = crypto::sha256_hex(token);
  bool queued = store_.submit<AgentIdentity>(
      [hash](Store& s) -> Result<AgentIdentity> {
        auto t = TRY(s.api_token_by_hash(hash));
        Millis now = now_ms();
        if (now - t.last_used_at >= 60'000) TRY_OK(s.touch_api_token(t.id, now));
        auto tenant = TRY(s.tenant_by_id(t.tenant_id));
        AgentIdentity id;
        id.agent.name = "API token " + t.name;
        id.agent.email = "token:" + t.prefix;
        TokenGrant g{t.id, t.tenant_id};
        for (const auto& sc : t.scopes) {
          g.read = g.read || sc == "read";
          g.write = g.write || sc == "write";
          g.admin = g.admin || sc == "admin";
        }
        Membership m;
        m.tenant_id = t.tenant_id;
        m.tenant_name = tenant.name;
        m.role = g.admin ? Role::kAdmin : Role::kSupervisor;
        m.tenant_default_max_chats = tenant.default_max_chats;
        id.memberships.push_back(std::move(m));
        id.token = g;
        return id;
      },
      done);
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

void AuthService::logout(const std::string& token, const std::function<void(Status)>& done) {
  auto hash = crypto::sha256_hex(token);
  bool queued = store_.submit<void>([hash](Store& s) { return s.delete_session(hash); }, done);
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

std::optional<Error> AuthService::throttle(const std::string& email, const std::string& ip) {
  Millis now = now_ms();
  if (auto refused = limits_.check(email, ip, now)) return refused;
  limits_.failed(email, ip, now);
  return std::nullopt;
}

std::optional<Error> AuthService::code_attempt(const std::string& email, const std::string& ip) {
  return throttle(email, ip);
}

void AuthService::code_ok(const std::string& email) { limits_.succeeded(email); }

void AuthService::hash_password(std::string password, std::function<void(Result<std::string>)> done) {
  cpu_([this, password = std::move(password), done = std::move(done)]() mutable {
    auto h = crypto::hash_password(password);
    to_net_([h = std::move(h), done = std::move(done)]() mutable { done(std::move(h)); });
  });
}

}  // namespace tiski
