#include "mail/inbound.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "mail/address.h"

namespace tiski::mail {
namespace {

constexpr std::size_t kMaxReferences = 50;

void init_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

template <class T>
struct Unref {
  void operator()(T* p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using Owned = std::unique_ptr<T, Unref<T>>;

std::string lower(std::string_view s) {
  std::string out(s);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string header(GMimeObject* o, const char* name) {
  const char* v = g_mime_object_get_header(o, name);
  return v ? std::string(v) : std::string();
}

// The decoded bytes of a part, as UTF-8 (its charset converted; invalid sequences replaced).
std::string part_text(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  Owned<GMimeStream> out(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, out.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
  std::string raw(reinterpret_cast<const char*>(bytes->data), bytes->len);
  const char* charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  if (charset && g_ascii_strcasecmp(charset, "utf-8") != 0 && g_ascii_strcasecmp(charset, "us-ascii") != 0) {
    gsize written = 0;
    gchar* converted = g_convert_with_fallback(raw.data(), static_cast<gssize>(raw.size()), "UTF-8",
                                               g_mime_charset_iconv_name(charset), "?", nullptr, &written, nullptr);
    if (converted) {
      raw.assign(converted, written);
      g_free(converted);
    }
  }
  gchar* valid = g_utf8_make_valid(raw.data(), static_cast<gssize>(raw.size()));
  std::string out_text(valid);
  g_free(valid);
  return out_text;
}

struct Walk {
  GMimePart* plain = nullptr;
  GMimePart* html = nullptr;
  bool report = false;
  std::vector<InboundPart> attachments;
  std::size_t more = 0;  // attachments beyond kMaxInboundAttachments, not read
};

void visit(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto& w = *static_cast<Walk*>(data);
  GMimeContentType* ct = g_mime_object_get_content_type(part);
  if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
      g_mime_content_type_is_type(ct, "message", "disposition-notification"))
    w.report = true;
  if (!GMIME_IS_PART(part)) return;
  auto* p = GMIME_PART(part);
  bool attachment = g_mime_part_is_attachment(p) || g_mime_part_get_filename(p) != nullptr;
  if (!attachment && g_mime_content_type_is_type(ct, "text", "plain") && !w.plain) {
    w.plain = p;
  } else if (!attachment && g_mime_content_type_is_type(ct, "text", "html") && !w.html) {
    w.html = p;
  } else if (attachment || !g_mime_content_type_is_type(ct, "text", "*")) {
    if (w.attachments.size() >= kMaxInboundAttachments) {
      ++w.more;
      return;
    }
    char* type = g_mime_content_type_get_mime_type(ct);
    const char* name = g_mime_part_get_filename(p);
    std::string bytes;
    if (GMimeDataWrapper* content = g_mime_part_get_content(p)) {
      Owned<GMimeStream> mem(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(content, mem.get());
      GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
      if (array) bytes.assign(reinterpret_cast<const char*>(array->data), array->len);
    }
    std::size_t size = bytes.size();
    w.attachments.push_back({name ? name : "", type ? lower(type) : "", size, std::move(bytes)});
    g_free(type);
  }
}

// Why a message is a machine's, or "" (RFC 3834 Auto-Submitted, Precedence, common
// auto-responder headers, delivery and read reports, the mailer daemon).
std::string automatic(GMimeObject* m, bool report, const std::string& from) {
  auto submitted = lower(header(m, "Auto-Submitted"));
  if (!submitted.empty() && submitted != "no") return "Auto-Submitted: " + submitted;
  auto precedence = lower(header(m, "Precedence"));
  if (precedence == "bulk" || precedence == "junk" || precedence == "list" || precedence == "auto_reply")
    return "Precedence: " + precedence;
  for (const char* h : {"X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "X-Loop"}) {
    if (!header(m, h).empty()) return std::string(h) + " header";
  }
  if (report) return "a delivery or read report";
  auto local = from.substr(0, from.find('@'));
  if (local == "mailer-daemon" || local == "postmaster") return "sent by " + local;
  if (header(m, "Return-Path") == "<>") return "an empty Return-Path";
  return {};
}

std::vector<std::string> references_of(GMimeObject* m) {
  std::vector<std::string> out;
  auto add = [&](const std::string& text, bool newest_first) {
    if (text.empty()) return;
    GMimeReferences* refs = g_mime_references_parse(nullptr, text.c_str());
    if (!refs) return;
    int n = g_mime_references_length(refs);
    for (int i = 0; i < n && out.size() < kMaxReferences; ++i) {
      const char* id = g_mime_references_get_message_id(refs, newest_first ? n - 1 - i : i);
      if (id && std::ranges::find(out, id) == out.end()) out.emplace_back(id);
    }
    g_mime_references_free(refs);
  };
  add(header(m, "In-Reply-To"), false);
  add(header(m, "References"), true);
  return out;
}

// At most `max` bytes, cut at a line (or a UTF-8 boundary), marked as cut.
std::string cap(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t cut = text.rfind('\n', max);
  if (cut == std::string::npos || cut < max / 2) {
    cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  }
  text.resize(cut);
  return text + "\n[…]";
}

std::string trim_lines(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// "On Tue, Dec 1, 2026 at 10:00 Tiski <a@b.fi> wrote:", "ti 1.12.2026 klo 10.00 Tiski <a@b.fi>
// kirjoitti:", "Den 1 dec. 2026 kl. 10:00 skrev Tiski <a@b.fi>:".
bool quote_header(const std::string& line) {
  if (line.empty() || line.back() != ':' || line.size() > 300) return false;
  auto l = lower(line);
  return l.ends_with(" wrote:") || l.ends_with(" kirjoitti:") || l.find(" skrev ") != std::string::npos ||
         l.ends_with(" skrev:");
}

}  // namespace

std::pair<std::string, std::string> fold_quoted(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    auto nl = text.find('\n', at);
    if (nl == std::string_view::npos) nl = text.size();
    auto line = text.substr(at, nl - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    at = nl + 1;
  }
  auto quoted_from = [&](std::size_t i) {
    for (std::size_t j = i; j < lines.size(); ++j) {
      auto t = trim_lines(lines[j]);
      if (!t.empty() && t[0] != '>') return false;
    }
    return true;
  };
  std::size_t split = lines.size();
  for (std::size_t i = 0; i < lines.size() && split == lines.size(); ++i) {
    auto line = lines[i];
    auto t = trim_lines(line);
    if (line == "-- " || line == "--") {
      split = i;
    } else if (t.starts_with("-----Original Message-----") || t.starts_with("-----Alkuperäinen viesti-----") ||
               t.starts_with("-----Ursprungligt meddelande-----")) {
      split = i;
    } else if (quote_header(t) && i + 1 < lines.size()) {
      split = i;
    } else if ((t.starts_with("From:") || t.starts_with("Lähettäjä:") || t.starts_with("Från:")) && i > 0 &&
               trim_lines(lines[i - 1]).empty() && i + 1 < lines.size() &&
               (trim_lines(lines[i + 1]).starts_with("Sent:") || trim_lines(lines[i + 1]).starts_with("Date:") ||
                trim_lines(lines[i + 1]).starts_with("Lähetetty:") ||
                trim_lines(lines[i + 1]).starts_with("Skickat:"))) {
      split = i;
    } else if (!t.empty() && t[0] == '>' && quoted_from(i)) {
      split = i;
    }
  }
  std::string fresh, rest;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& out = i < split ? fresh : rest;
    out.append(lines[i]);
    if (i + 1 < lines.size()) out += '\n';
  }
  return {trim_lines(fresh), trim_lines(rest)};
}

std::string html_to_text(std::string_view html) {
  std::string out;
  std::size_t i = 0;
  auto skip_block = [&](std::string_view tag) {  // <script>…</script>, <style>…</style>
    auto close = lower(html.substr(i)).find("</" + std::string(tag));
    i = close == std::string::npos ? html.size() : i + close;
  };
  while (i < html.size()) {
    char c = html[i];
    if (c == '<') {
      auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      auto tag = lower(html.substr(i + 1, end - i - 1));
      auto name = tag.substr(tag[0] == '/' ? 1 : 0);
      name = name.substr(0, name.find_first_of(" \t\r\n/"));
      i = end + 1;
      if (tag[0] != '/' && (name == "script" || name == "style" || name == "head")) {
        skip_block(name);
        continue;
      }
      if (name == "br" || name == "p" || name == "div" || name == "li" || name == "tr" || name == "h1" ||
          name == "h2" || name == "h3" || name == "blockquote")
        out += '\n';
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> kEntities[] = {
          {"&amp;", "&"},  {"&lt;", "<"},   {"&gt;", ">"},    {"&quot;", "\""}, {"&#39;", "'"},  {"&nbsp;", " "},
          {"&auml;", "ä"}, {"&ouml;", "ö"}, {"&aring;", "å"}, {"&Auml;", "Ä"},  {"&Ouml;", "Ö"}, {"&Aring;", "Å"}};
      bool matched = false;
      for (auto [from, to] : kEntities) {
        if (html.substr(i, from.size()) == from) {
          out += to;
          i += from.size();
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    out += (c == '\r' || c == '\n' || c == '\t') ? ' ' : c;
    ++i;
  }
  // Runs of blank lines and spaces collapse.
  std::string tidy;
  int newlines = 0;
  for (char c : out) {
    if (c == '\n') {
      while (!tidy.empty() && tidy.back() == ' ') tidy.pop_back();
      if (++newlines <= 2) tidy += c;
    } else if (c == ' ' && (tidy.empty() || tidy.back() == ' ' || tidy.back() == '\n')) {
      continue;
    } else {
      newlines = 0;
      tidy += c;
    }
  }
  return trim_lines(tidy);
}

namespace {

// A header's decoded text as one line: control characters (an encoded CR LF in a name) become
// spaces, runs of spaces one. Names and subjects are shown and stored as single lines.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool space = u < 0x20 || u == 0x7F || c == ' ';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out += space ? ' ' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Lines that may delimit a MIME part ("--boundary"), counted up to one past `max`.
std::size_t boundary_lines(std::string_view raw, std::size_t max) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < raw.size() && n <= max;) {
    if (raw.compare(at, 2, "--") == 0) ++n;
    auto nl = raw.find('\n', at);
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return n;
}

}  // namespace

Result<InboundMail> parse_inbound(std::string_view raw) {
  if (raw.size() > kMaxInboundMailBytes)
    return Error::too_large("an email is at most " + std::to_string(kMaxInboundMailBytes / 1'000'000) + " MB");
  if (boundary_lines(raw, kMaxInboundParts) > kMaxInboundParts)
    return Error::too_large("an email has at most " + std::to_string(kMaxInboundParts) + " parts");
  init_once();
  Owned<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Owned<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  Owned<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!msg) return Error::bad_request("not an email: no message could be read");
  InboundMail m;
  InternetAddressList* from = g_mime_message_get_from(msg.get());
  InternetAddress* sender =
      from && internet_address_list_length(from) > 0 ? internet_address_list_get_address(from, 0) : nullptr;
  if (!sender || !INTERNET_ADDRESS_IS_MAILBOX(sender)) return Error::bad_request("the email has no sender (From)");
  m.from = lower(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(sender)));
  if (auto ok = check_address(m.from); !ok) return Error::bad_request("the sender's address is not valid: " + m.from);
  if (const char* name = internet_address_get_name(sender)) m.from_name = one_line(name);
  if (const char* subject = g_mime_message_get_subject(msg.get())) m.subject = one_line(subject);
  if (const char* id = g_mime_message_get_message_id(msg.get())) m.message_id = id;
  auto* top = GMIME_OBJECT(msg.get());
  m.references = references_of(top);
  Walk w;
  if (GMimeObject* body = g_mime_message_get_mime_part(msg.get())) {
    if (g_mime_content_type_is_type(g_mime_object_get_content_type(body), "multipart", "report")) w.report = true;
  }
  g_mime_message_foreach(msg.get(), visit, &w);
  m.automatic = automatic(top, w.report, m.from);
  std::string text;
  std::string html = w.html ? part_text(w.html) : std::string();
  if (w.plain) {
    text = part_text(w.plain);
  } else if (w.html) {
    text = html_to_text(html);
    m.html_only = true;
  }
  if (html.size() <= kMaxInboundHtmlBytes) m.html = std::move(html);  // larger: its text only
  std::string crlf_free;
  crlf_free.reserve(text.size());
  for (char c : text) {
    if (c != '\r') crlf_free += c;
  }
  auto [fresh, quoted] = fold_quoted(crlf_free);
  m.text = cap(std::move(fresh), kMaxInboundTextBytes);
  m.quoted = cap(std::move(quoted), kMaxInboundTextBytes);
  m.attachments = std::move(w.attachments);
  m.more_attachments = w.more;
  return m;
}

}  // namespace tiski::mail
