#include "chat/auth.h"

#include <algorithm>
#include <chrono>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski {
namespace {

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

}  // namespace

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
