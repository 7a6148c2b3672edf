// Reading one IMAP mailbox with libcurl, for the email channel (docs/channels.md): its
// UIDVALIDITY and UIDNEXT, the UIDs and sizes in a range, one message's raw text. Tiski only
// reads: fetching a message marks it \Seen, nothing is moved or deleted.
//
// The mailbox is named by a URL: imaps://host[:port]/MAILBOX (TLS from the first byte) or
// imap://host[:port]/MAILBOX (STARTTLS required, unless private addresses are allowed — a test
// server on loopback); MAILBOX defaults to INBOX. Credentials are separate, never in the URL.
// Unless `allow_private`, a connection to a loopback, private or link-local address is refused
// when the socket opens (after DNS), as for webhooks.
//
// Threading: blocking; one session per thread (the mail fetch thread).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski::mail {

struct ImapAccount {
  std::string url;
  std::string username;
  std::string password;
  bool allow_private = false;
  std::int64_t timeout_ms = 60'000;  // one command, a whole message included
};

struct MailboxUrl {
  std::string server;   // imaps://host:port
  std::string mailbox;  // decoded, e.g. INBOX
  std::string path;     // as written in the URL (percent-encoded)
};
// bad_request with the reason for anything but imap(s)://host[:port][/MAILBOX].
Result<MailboxUrl> parse_mailbox_url(std::string_view url, bool allow_private);

struct ImapStatus {
  std::int64_t uidvalidity = 0;
  std::int64_t uidnext = 0;
};
struct ImapEntry {
  std::int64_t uid = 0;
  std::int64_t bytes = 0;
};

// "* STATUS INBOX (UIDNEXT 2 UIDVALIDITY 1796449379)" (either order).
std::optional<ImapStatus> parse_status(std::string_view response);
// Untagged "* n FETCH (UID u RFC822.SIZE s)" lines (items in either order), ascending by UID.
std::vector<ImapEntry> parse_sizes(std::string_view response);

class ImapSession {
 public:
  explicit ImapSession(ImapAccount account);
  ~ImapSession();
  ImapSession(const ImapSession&) = delete;
  ImapSession& operator=(const ImapSession&) = delete;

  Result<ImapStatus> status();
  // The messages with from <= UID <= to (the range is bounded by the caller).
  Result<std::vector<ImapEntry>> entries(std::int64_t from, std::int64_t to);
  // One message's raw text; too_large past max_bytes.
  Result<std::string> fetch(std::int64_t uid, std::size_t max_bytes);

 private:
  Result<std::string> perform(const std::string& url, const std::string& command, std::size_t max_bytes);

  ImapAccount a_;
  std::optional<MailboxUrl> url_;
  Error bad_url_;
  void* curl_ = nullptr;  // one handle: the connection and login are reused across commands
};

}  // namespace tiski::mail
