// Password links by email (docs/admin.md): a forgotten password is reset with a link mailed to
// the account's address, and an invited agent sets their first password with one. A link holds
// a random token; the store keeps only its SHA-256, and it works once, within its time. The
// mail goes through the outbox (durable, retried) like email replies; its body is emptied once
// sent. Setting a password ends every session of the account.
//
// Everything here runs inside one store job (one transaction); pure but for the store.
#pragma once

#include <string>

#include "mail/mime.h"
#include "store/store.h"

namespace tiski::passwords {

inline constexpr Millis kResetValidMs = 3'600'000;        // one hour
inline constexpr Millis kInviteValidMs = 7 * 86'400'000;  // seven days
inline constexpr int kLinksPerHour = 3;                   // mailed links per account and hour

// Where the links point and in which language the mail is written.
struct Links {
  mail::Identity identity;
  std::string base_url;  // the console's server, e.g. https://tiski.example
  std::string lang;      // fi, sv, en
};

// The page that takes a link's token: the console, with the token in the fragment (never sent
// to a server, so never in a log or a Referer).
std::string link_of(const std::string& base_url, const std::string& token);

// A reset link for the account with this email, if it is an active account that has had fewer
// than kLinksPerHour links in the last hour; its mail is queued. Returns the mail queued, if
// any: the caller answers the same either way, so addresses cannot be probed.
Result<std::optional<OutMail>> request_reset(Store& st, const Links& links, const std::string& email, Millis now);

// An invitation link for an agent just created without a password; its mail is queued.
Result<OutMail> invite(Store& st, const Links& links, const Agent& agent, const std::string& tenant_name,
                       const std::string& inviter, Millis now);

// Whether the token would be taken by set_password (the same errors), without spending it: the
// caller checks a link before the costly hashing of its new password.
Status check_link(Store& st, const std::string& token, Millis now);

// Spends the token and gives the account `password_hash`; every session of it ends. bad_request
// when the link is unknown, used or expired (alike), or the account is deactivated.
Result<std::pair<Agent, PasswordToken>> set_password(Store& st, const std::string& token,
                                                     const std::string& password_hash, Millis now);

}  // namespace tiski::passwords
