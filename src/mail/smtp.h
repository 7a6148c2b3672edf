// Sending one email through an SMTP relay with libcurl. Blocking: runs on the mailer's own
// thread, never on the network or store thread.
//
// tls: "starttls" (the default: upgrade with STARTTLS and refuse to go on without it),
// "none" (plain text; allowed only to a relay on the loopback interface) or "smtps" implied
// by an smtps:// url (TLS from the first byte).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "util/error.h"

namespace tiski::mail {

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port; empty = email is not configured
  std::string tls = "starttls";
  std::string username;
  std::string password;
  std::chrono::seconds timeout{30};
};

// Checks the options (scheme, tls value, plain text only to loopback).
Status check_smtp(const SmtpOptions& o);

struct SendOutcome {
  bool sent = false;
  bool permanent = false;  // the relay refused for good (5xx): retrying will not help
  std::string error;       // for people: what went wrong
};

class SmtpClient {
 public:
  explicit SmtpClient(SmtpOptions o) : o_(std::move(o)) {}
  bool configured() const { return !o_.url.empty(); }
  // `mime` is the whole message with CRLF line ends.
  SendOutcome send(std::string_view from, std::string_view to, std::string_view mime) const;

 private:
  SmtpOptions o_;
};

}  // namespace tiski::mail
