// Authentication: agent login sessions (visitor tokens: visitor_token.h).
//
// Agents log in with email + password (Argon2id). A session is a random 32-byte token kept by
// the browser in an HttpOnly SameSite=Strict cookie; the database stores only its SHA-256.
// Each session has a CSRF token that mutating REST calls must echo in X-CSRF-Token.
//
// Threading: AuthService methods are called on the network thread and complete there; the
// password check runs on `cpu` (a separate thread) because Argon2id takes ~50 ms.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/login_limits.h"
#include "chat/visitor_token.h"
#include "store/store_worker.h"

namespace tiski {

// An API token's grant (docs/integrations.md): its tenant and scopes.
struct TokenGrant {
  Id id = 0;
  Id tenant = 0;
  bool read = false;
  bool write = false;
  bool admin = false;
};

// Who an authenticated agent is and where they may look. An API token is an identity too: one
// membership (admin with the admin scope, else supervisor), agent id 0, and `token` set.
struct AgentIdentity {
  Agent agent;
  std::vector<Membership> memberships;
  std::string csrf;
  std::vector<Id> teams;     // teams the agent belongs to
  std::string session_hash;  // the login session this identity came from
  Millis session_expires_at = 0;
  std::optional<TokenGrant> token = {};
  // A tenant of the agent requires two-factor login and the agent has not set it up: the
  // session may only do that (docs/admin.md).
  bool totp_setup_needed = false;
  bool totp_on = false;
  bool member_of(Id tenant) const;
  // The agent's role in the tenant, if a member.
  std::optional<Role> role_in(Id tenant) const;
  // The highest of the agent's roles (nullopt: serves no tenant).
  std::optional<Role> best_role() const;
};

struct LoginResult {
  AgentIdentity identity;
  std::string session_token;  // the cookie value; never stored
};

class AuthService {
 public:
  using Post = std::function<void(std::function<void()>)>;
  // `to_net` posts onto the network thread; `cpu` runs work on a worker thread.
  AuthService(StoreWorker& store, Post to_net, Post cpu)
      : store_(store), to_net_(std::move(to_net)), cpu_(std::move(cpu)) {}

  // Where a login comes from: kept with the session, and in the audit log.
  struct From {
    std::string ip;
    std::string user_agent;
  };
  // unauthorized for an unknown email or a wrong password (the same message for both);
  // rate_limited after too many failures (login_limits.h). Every attempt is audited.
  // `code`: the two-factor code, needed (totp_required when empty, unauthorized when wrong)
  // if the account has two-factor login on; a wrong code counts as a failed login.
  void login(const std::string& email, std::string password, std::string code, const From& from,
             const std::function<void(Result<LoginResult>)>& done);
  // Resolves a session cookie value; unauthorized if unknown or expired.
  void authenticate(const std::string& token, const std::function<void(Result<AgentIdentity>)>& done);
  void logout(const std::string& token, const std::function<void(Status)>& done);
  // Resolves an API token ("tsk_…" from Authorization: Bearer); unauthorized if unknown or
  // revoked. Notes its use (at most once a minute).
  void authenticate_api_token(const std::string& token, const std::function<void(Result<AgentIdentity>)>& done);
  // Hashes a new password on the CPU thread (Argon2id takes ~50 ms); `done` runs on the
  // network thread.
  void hash_password(std::string password, std::function<void(Result<std::string>)> done);
  // A password link asked for by email: limited and counted like a failed login of the account
  // and the address (nullopt: go ahead). Network thread.
  std::optional<Error> throttle(const std::string& email, const std::string& ip);
  // A two-factor code typed in a session (turning it on or off): limited like a login of the
  // account and the address and counted as a failed one before it is checked (nullopt: go ahead),
  // so neither a stolen session nor many codes sent at once can guess their way to turning
  // two-factor login off; a right code clears the account's count (code_ok). Network thread.
  std::optional<Error> code_attempt(const std::string& email, const std::string& ip);
  // The signed-in agent changes their own password: `current` must be right (unauthorized if
  // not, counted as a failed login of the account and the address, and limited like logins).
  // The agent's other sessions end; the one asking goes on. Audited (login.password_changed).
  // `done` gets the ended sessions' hashes (their consoles to close). Network thread.
  void change_password(const AgentIdentity& who, std::string current, std::string fresh, const From& from,
                       const std::function<void(Result<std::vector<std::string>>)>& done);
  void code_ok(const std::string& email);

 private:
  void failed(const std::string& email, const From& from, Id agent);
  void start_session(const Agent& agent, const std::string& code, const From& from,
                     const std::function<void(Result<LoginResult>)>& done);

  StoreWorker& store_;
  Post to_net_;
  Post cpu_;
  LoginLimits limits_;  // the network thread's
};

// An audit line of an account's own doing (login.ok, login.failed, login.password_reset, ...):
// tenant 0, so every tenant the agent serves sees it (docs/admin.md). `agent` 0: no such account.
AuditEntry login_line(std::string_view action, Id agent, const std::string& email, const AuthService::From& from);

}  // namespace tiski
