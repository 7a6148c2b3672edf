// Email replies: what an agent's answer to a leave-a-message conversation looks like as an
// email, rendered once into RFC 5322 text (CRLF line ends) that the outbox stores and the
// SMTP client sends as is on every attempt.
//
// Threading: every reply gets Message-ID <tiski.C.S.MAC@domain> and refers to the thread id
// <tiski.C.MAC@domain> (In-Reply-To and References), where C is the conversation, S the
// message's seq and MAC a short HMAC of them with the workspace secret. A visitor's answer
// carries these ids back, so the email channel can find the conversation and can tell a real
// reference from a forged one (thread_of below).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store.h"

namespace tiski::mail {

// Settings from config [smtp] (app/config.h) needed to compose.
struct Identity {
  std::string from;      // envelope sender and From address, e.g. asiakaspalvelu@tiski.example
  std::string reply_to;  // Reply-To address; empty = from
  std::string domain;    // right-hand side of Message-IDs; empty = from's domain
  std::string secret;    // HMAC key for the ids (the workspace secret)
};

// One agent reply to render.
struct ReplyInput {
  Id conv = 0;
  std::int64_t seq = 0;
  std::string lang;         // the visitor's: fi, sv or en (others: en)
  std::string tenant_name;  // the client company: the sender's display name
  std::string agent_name;
  std::string subject;  // the customer's email's subject: the reply's is "Re: " it ("" = the default)
  std::string to;       // validated address
  std::string to_name;
  std::string body;      // the reply, plain text
  std::string original;  // the visitor's message it answers (quoted), may be empty
  Millis original_at = 0;
  Millis date = 0;
  std::string time_zone;  // the tenant's (tz database name) for Date and the quote; empty = UTC
  // A chat continued by email: its lines so far (oldest first), shown instead of the quote.
  struct Line {
    bool visitor = false;
    std::string who;  // the agent's name (the visitor is "you")
    std::string text;
    Millis at = 0;
  };
  std::vector<Line> transcript;
  // Files sent with the reply, attached (the caller keeps them within kMaxMailAttachmentBytes);
  // `omitted`: the names of those left out, listed in the text.
  struct File {
    std::string name, type, bytes;
  };
  std::vector<File> files;
  std::vector<std::string> omitted;
};
// The files attached to one email at most, together (providers commonly take 20-25 MB, and
// base64 adds a third).
inline constexpr std::size_t kMaxMailAttachmentBytes = 10'000'000;

struct Rendered {
  std::string message_id;  // without angle brackets
  std::string mime;
};

Rendered render_reply(const Identity& id, const ReplyInput& in);

// An account's own mail: a password reset link, or an invitation to set a password.
struct AccountMailInput {
  std::string kind;         // "reset" or "invite"
  std::string lang;         // fi, sv or en (others: en)
  std::string to;           // validated address
  std::string name;         // the agent's
  std::string link;         // the page that sets the password, token included
  std::string tenant_name;  // invite: the company that invites
  std::string inviter;      // invite: who invited
  int valid_hours = 1;
  Millis date = 0;
  std::string nonce;  // random: makes the Message-ID unique
};
Rendered render_account_mail(const Identity& id, const AccountMailInput& in);

std::string thread_id(const Identity& id, Id conv);
// The conversation an id (as found in In-Reply-To/References, with or without brackets)
// belongs to, if it is one of ours and its MAC checks out.
std::optional<Id> thread_of(const Identity& id, std::string_view message_id);

// RFC 2047 encoded-word (UTF-8, base64) when the text is not plain printable ASCII.
std::string encode_header_text(std::string_view text);

}  // namespace tiski::mail
