#include "chat/accounts/passwords.h"

#include "util/crypto.h"

namespace tiski::passwords {
namespace {

// Makes a token of `kind` for the agent, stores its hash, queues the mail `in` describes.
Result<OutMail> mail_link(Store& st, const Links& links, const Agent& agent, mail::AccountMailInput in, Millis now) {
  std::string token = crypto::random_token(32);
  Millis valid = in.kind == "invite" ? kInviteValidMs : kResetValidMs;
  TRY_OK(st.add_password_token(PasswordToken{crypto::sha256_hex(token), agent.id, in.kind, now, now + valid}));
  in.lang = links.lang;
  in.to = agent.email;
  in.name = agent.name;
  in.link = link_of(links.base_url, token);
  in.valid_hours = static_cast<int>(valid / 3'600'000);
  in.date = now;
  in.nonce = crypto::random_token(12);
  auto r = mail::render_account_mail(links.identity, in);
  OutMail m;
  m.to = agent.email;
  m.message_id = r.message_id;
  m.mime = std::move(r.mime);
  m.next_at = now;
  m.created_at = now;
  return st.enqueue_mail(m);
}

}  // namespace

std::string link_of(const std::string& base_url, const std::string& token) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/console/#password=" + token;
}

Result<std::optional<OutMail>> request_reset(Store& st, const Links& links, const std::string& email, Millis now) {
  auto agent = st.agent_by_email(email);
  if (!agent && agent.error().code == Errc::kNotFound) return std::optional<OutMail>();
  if (!agent) return agent.error();
  if (agent->deactivated_at) return std::optional<OutMail>();
  if (TRY(st.recent_password_tokens(agent->id, now - 3'600'000)) >= kLinksPerHour) return std::optional<OutMail>();
  mail::AccountMailInput in;
  in.kind = "reset";
  return std::optional<OutMail>(TRY(mail_link(st, links, *agent, std::move(in), now)));
}

Result<OutMail> invite(Store& st, const Links& links, const Agent& agent, const std::string& tenant_name,
                       const std::string& inviter, Millis now) {
  mail::AccountMailInput in;
  in.kind = "invite";
  in.tenant_name = tenant_name;
  in.inviter = inviter;
  return mail_link(st, links, agent, std::move(in), now);
}

namespace {

Result<Agent> link_account(Store& st, const Result<PasswordToken>& link) {
  if (!link && link.error().code == Errc::kNotFound)
    return Error::bad_request("this link has expired or has been used: ask for a new one");
  if (!link) return link.error();
  auto agent = TRY(st.agent_by_id(link->agent_id));
  if (agent.deactivated_at) return Error::bad_request("this account is deactivated; ask an admin of your company");
  return agent;
}

}  // namespace

Status check_link(Store& st, const std::string& token, Millis now) {
  TRY_OK(link_account(st, st.password_token(crypto::sha256_hex(token), now)));
  return {};
}

Result<std::pair<Agent, PasswordToken>> set_password(Store& st, const std::string& token,
                                                     const std::string& password_hash, Millis now) {
  auto spent = st.use_password_token(crypto::sha256_hex(token), now);
  auto agent = TRY(link_account(st, spent));
  TRY_OK(st.update_agent(agent.id, agent.email, agent.name, password_hash));
  TRY_OK(st.delete_sessions_of(agent.id, ""));
  return std::pair{agent, *spent};
}

}  // namespace tiski::passwords
