#include "chat/auth.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski {
namespace {

std::string signature(std::string_view secret, Id visitor, Id site) {
  auto mac = crypto::hmac_sha256(secret, "v1:" + std::to_string(visitor) + ":" + std::to_string(site));
  return crypto::base64url(mac.substr(0, 18));
}

std::optional<Id> parse_id(std::string_view s) {
  Id v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

Result<AgentIdentity> load_identity(Store& s, const Session& session) {
  auto agent = s.agent_by_id(session.agent_id);
  if (!agent) return agent.error();
  auto ms = s.memberships_of(session.agent_id);
  if (!ms) return ms.error();
  auto teams = s.team_ids_of(session.agent_id);
  if (!teams) return teams.error();
  return AgentIdentity{std::move(agent).value(), std::move(ms).value(), session.csrf,
                       std::move(teams).value(), session.token_hash,    session.expires_at};
}

// Only the canonical decimal form of a positive id: no sign, no leading zero, no spaces.
bool canonical_id(std::string_view s) {
  return !s.empty() && s.size() <= 18 && s[0] != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string make_visitor_token(std::string_view secret, Id visitor, Id site) {
  return std::to_string(visitor) + "." + std::to_string(site) + "." + signature(secret, visitor, site);
}

std::optional<VisitorClaim> check_visitor_token(std::string_view secret, std::string_view token) {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  if (!canonical_id(token.substr(0, d1)) || !canonical_id(token.substr(d1 + 1, d2 - d1 - 1))) return std::nullopt;
  auto visitor = parse_id(token.substr(0, d1));
  auto site = parse_id(token.substr(d1 + 1, d2 - d1 - 1));
  if (!visitor || !site) return std::nullopt;
  if (!crypto::equal_ct(token.substr(d2 + 1), signature(secret, *visitor, *site))) return std::nullopt;
  return VisitorClaim{*visitor, *site};
}

std::optional<Role> AgentIdentity::role_in(Id tenant) const {
  for (const auto& m : memberships) {
    if (m.tenant_id == tenant) return m.role;
  }
  return std::nullopt;
}

bool AgentIdentity::member_of(Id tenant) const {
  for (const auto& m : memberships) {
    if (m.tenant_id == tenant) return true;
  }
  return false;
}

void AuthService::login(const std::string& email, std::string password,
                        const std::function<void(Result<LoginResult>)>& done) {
  auto fail = [done](const Error& e) { done(e); };
  bool queued = store_.submit<Agent>(
      [email](Store& s) { return s.agent_by_email(email); },
      [this, password = std::move(password), done, fail](Result<Agent> agent) mutable {
        if (!agent) {
          if (agent.error().code == Errc::kNotFound) {
            // Spend the same time as a real check so emails cannot be probed by timing.
            cpu_([this, fail, password] {
              static const std::string dummy = crypto::hash_password("not a real password").value();
              (void)crypto::verify_password(dummy, password);
              to_net_([fail] { fail(Error::unauthorized("wrong email or password")); });
            });
            return;
          }
          fail(agent.error());
          return;
        }
        cpu_([this, agent = std::move(agent).value(), password = std::move(password), done, fail]() mutable {
          bool ok = crypto::verify_password(agent.password_hash, password);
          to_net_([this, ok, agent = std::move(agent), done, fail]() mutable {
            if (!ok) return fail(Error::unauthorized("wrong email or password"));
            std::string token = crypto::random_token();
            Session session{
                crypto::sha256_hex(token), agent.id, crypto::random_token(24),
                now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(limits::kSessionLifetime).count()};
            bool queued = store_.submit<AgentIdentity>(
                [session](Store& s) -> Result<AgentIdentity> {
                  if (auto st = s.create_session(session); !st) return st.error();
                  return load_identity(s, session);
                },
                [token, done](Result<AgentIdentity> id) {
                  if (!id) return done(id.error());
                  done(LoginResult{std::move(id).value(), token});
                });
            if (!queued) fail(Error::unavailable("the server is busy or shutting down"));
          });
        });
      });
  if (!queued) fail(Error::unavailable("the server is busy or shutting down"));
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

void AuthService::logout(const std::string& token, const std::function<void(Status)>& done) {
  auto hash = crypto::sha256_hex(token);
  bool queued = store_.submit<void>([hash](Store& s) { return s.delete_session(hash); }, done);
  if (!queued) done(Error::unavailable("the server is busy or shutting down"));
}

}  // namespace tiski
