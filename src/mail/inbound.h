// Inbound email, as the email channel reads it (docs/channels.md): raw RFC 5322 text parsed with
// GMime (Debian's libgmime-3.0) into what a conversation needs — the sender, the ids that thread
// it, the new text with quoted history and signature folded apart, the attachments' names and
// sizes — and whether it was sent by a machine (auto-replies, bounces, lists), which must never
// open a conversation or be answered: no mail loops.
//
// Limits: a message over kMaxInboundMailBytes or of more than kMaxInboundParts parts is refused
// before parsing; the text kept is at most kMaxInboundTextBytes (cut at a line, marked); at most
// 50 references and kMaxInboundAttachments attachments read.
//
// Threading: pure; GMime is initialised once per process (thread-safe).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski::mail {

// An inbound email at most (attachments included), like the common providers' limits.
inline constexpr std::size_t kMaxInboundMailBytes = 20'000'000;
// Of its text (new and quoted each), kept for the conversation.
inline constexpr std::size_t kMaxInboundTextBytes = 32'000;
// Of its HTML body, kept as written (shown sanitised: html.h); a larger one is not kept.
inline constexpr std::size_t kMaxInboundHtmlBytes = 2'000'000;
// MIME parts in one email: more is refused before parsing (GMime builds an object of ~2 KB for
// every part: 470,000 tiny parts in 20 MB took a gigabyte). Counted as the lines that begin
// with "--" (boundaries, and signatures or rulers: generous enough for those).
inline constexpr std::size_t kMaxInboundParts = 5'000;
// Attachments read from one email, their bytes kept; the rest are only counted (`more_attachments`).
inline constexpr std::size_t kMaxInboundAttachments = 20;

struct InboundPart {
  std::string filename;
  std::string content_type;  // e.g. application/pdf
  std::size_t bytes = 0;     // decoded
  std::string content;       // decoded (the whole email is at most kMaxInboundMailBytes)
};

struct InboundMail {
  std::string from;       // the sender's address (lower case), valid per check_address
  std::string from_name;  // display name, decoded
  std::string subject;    // decoded
  std::string message_id;
  // In-Reply-To first, then References from the newest back: the ids that may thread it.
  std::vector<std::string> references;
  std::string text;    // the new text (plain; from HTML when there is no plain part)
  std::string quoted;  // the quoted history and signature folded away from `text`
  bool html_only = false;
  std::string html;       // the text/html part as written (UTF-8), "" when none or over kMaxInboundHtmlBytes
  std::string automatic;  // why it is a machine's (e.g. "Auto-Submitted: auto-replied"); "" = a person's
  std::vector<InboundPart> attachments;  // at most kMaxInboundAttachments
  std::size_t more_attachments = 0;      // attached beyond those, not read
};

// bad_request (malformed, no sender) or too_large, with the reason.
Result<InboundMail> parse_inbound(std::string_view raw);

// Splits a plain-text email body into the new text and what follows it: the first quote
// header ("On … wrote:", "… kirjoitti:", "… skrev:", "-----Original Message-----", an Outlook
// "From:" block), the first run of "> " lines after which nothing new is written, or a "-- "
// signature line.
std::pair<std::string, std::string> fold_quoted(std::string_view text);

// Visible text of an HTML body: tags dropped, <br>/<p>/<div>/<li> as line breaks, entities
// of the common kinds decoded, <script>/<style> content dropped.
std::string html_to_text(std::string_view html);

}  // namespace tiski::mail
