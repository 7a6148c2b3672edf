#include "mail/mime.h"

#include <algorithm>

#include <date/tz.h>

#include <locale>
#include <sstream>
#include <utility>

#include "util/crypto.h"
#include "util/text.h"

namespace tiski::mail {
namespace {

// Base64 in lines of 76 characters (RFC 2045).
std::string base64_lines(std::string_view in) {
  std::string b = crypto::base64(in);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) {
    out.append(b, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string mac(const Identity& id, std::string_view what) {
  return crypto::hex(crypto::hmac_sha256(id.secret, what)).substr(0, 12);
}

std::string domain_of(const Identity& id) {
  if (!id.domain.empty()) return id.domain;
  auto at = id.from.rfind('@');
  return at == std::string::npos ? std::string("localhost") : id.from.substr(at + 1);
}

// The tenant's zone, or UTC when it has none or the name is unknown to the tz database.
const date::time_zone* zone_of(const std::string& name) {
  if (!name.empty()) {
    try {
      return date::locate_zone(name);
    } catch (const std::exception&) {}
  }
  return date::locate_zone("UTC");
}

date::zoned_seconds local(Millis ms, const std::string& zone) {
  return {zone_of(zone), date::sys_seconds{std::chrono::seconds{ms / 1000}}};
}

// RFC 5322 section 3.3 in the tenant's zone: "Mon, 21 Sep 2026 13:00:00 +0300".
std::string rfc5322_date(Millis ms, const std::string& zone) {
  std::ostringstream out;
  out.imbue(std::locale::classic());  // English day and month names whatever the process locale
  out << date::format("%a, %d %b %Y %H:%M:%S %z", local(ms, zone));
  return out.str();
}

// The quoted message's time in the tenant's zone: "2026-09-21 13:00 EEST".
std::string short_date(Millis ms, const std::string& zone) {
  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << date::format("%Y-%m-%d %H:%M %Z", local(ms, zone));
  return out.str();
}

// A display name and address for From/To/Reply-To.
std::string mailbox(std::string_view name, std::string_view addr) {
  if (name.empty()) return std::string(addr);
  return encode_header_text(name) + " <" + std::string(addr) + ">";
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\n': out += "<br>"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

// Text lines with CRLF ends and nothing but printable text.
std::string crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\r') continue;
    if (c == '\n')
      out += "\r\n";
    else
      out += c;
  }
  return out;
}

struct Words {
  const char* subject;
  const char* yours;  // "Your message of <date>:"
  const char* chat;   // "Our chat so far:"
  const char* you;
  const char* omitted;  // "Too large to attach, see the chat:"
};

Words words(std::string_view lang) {
  if (lang == "fi")
    return {"Vastaus viestiisi", "Viestisi", "Keskustelumme chatissa:", "Sinä",
            "Liian suuri liitettäväksi sähköpostiin:"};
  if (lang == "sv")
    return {"Svar på ditt meddelande", "Ditt meddelande", "Vår chatt hittills:", "Du",
            "För stor för att bifogas i e-post:"};
  return {"Reply to your message", "Your message of", "Our chat so far:", "You", "Too large to attach to an email:"};
}

// A Content-Disposition filename parameter: quoted when plain ASCII, else RFC 2231 UTF-8.
std::string filename_param(std::string_view name) {
  bool plain = !name.empty();
  for (unsigned char c : name) plain = plain && c >= 32 && c < 127 && c != '"' && c != '\\' && c != '%';
  if (plain) return "filename=\"" + std::string(name) + "\"";
  return "filename*=UTF-8''" + percent_encode(name);
}

}  // namespace

std::string encode_header_text(std::string_view text) {
  bool plain = true;
  for (unsigned char c : text) plain = plain && c >= 32 && c < 127;
  if (plain && text.find("=?") == std::string_view::npos) {
    // Specials in a display name would need quoting; encoding sidesteps the question.
    if (text.find_first_of("\"(),:;<>@[\\]") == std::string_view::npos) return std::string(text);
  }
  // Encoded words of at most 75 characters: 12 of overhead leaves 45 bytes (60 base64) per
  // word; cut only at UTF-8 character boundaries.
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = std::min<std::size_t>(45, text.size() - i);
    while (n > 0 && i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + crypto::base64(text.substr(i, n)) + "?=";
    i += n;
  }
  return out;
}

std::string thread_id(const Identity& id, Id conv) {
  std::string c = std::to_string(conv);
  return "tiski." + c + "." + mac(id, "c" + c) + "@" + domain_of(id);
}

std::optional<Id> thread_of(const Identity& id, std::string_view message_id) {
  if (message_id.starts_with('<') && message_id.ends_with('>'))
    message_id = message_id.substr(1, message_id.size() - 2);
  auto at = message_id.rfind('@');
  if (!message_id.starts_with("tiski.") || at == std::string_view::npos) return std::nullopt;
  std::string_view local = message_id.substr(6, at - 6);  // C.MAC or C.S.MAC
  auto first = local.find('.');
  auto last = local.rfind('.');
  if (first == std::string_view::npos) return std::nullopt;
  std::string c(local.substr(0, first));
  std::string what = "c" + c;
  if (first != last) what += ".s" + std::string(local.substr(first + 1, last - first - 1));
  if (c.empty() || c.find_first_not_of("0123456789") != std::string::npos || c.size() > 18) return std::nullopt;
  if (!crypto::equal_ct(local.substr(last + 1), mac(id, what))) return std::nullopt;
  return std::stoll(c);
}

namespace {

// "Re: " and the customer's subject, as a mail program answers (a subject that is a reply
// already — Re:, VS:, SV:, AW: — as it is); `fallback` without one.
std::string reply_subject(const std::string& subject, std::string fallback) {
  if (subject.empty()) return fallback;
  std::string head = subject.substr(0, 4);
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  if (head.starts_with("re:") || head.starts_with("vs:") || head.starts_with("sv:") || head.starts_with("aw:"))
    return subject;
  return "Re: " + subject;
}

}  // namespace

Rendered render_reply(const Identity& id, const ReplyInput& in) {
  Words w = words(in.lang);
  std::string c = std::to_string(in.conv);
  std::string s = std::to_string(in.seq);
  Rendered r;
  r.message_id = "tiski." + c + "." + s + "." + mac(id, "c" + c + ".s" + s) + "@" + domain_of(id);
  std::string thread = thread_id(id, in.conv);

  std::string text = in.body + "\n\n-- \n" + in.agent_name + "\n" + in.tenant_name + "\n";
  std::string html =
      "<!DOCTYPE html><html><body style=\"font-family:Arial,Helvetica,sans-serif;font-size:15px;"
      "line-height:1.5;color:#1f2a24\"><p>" +
      html_escape(in.body) + "</p><p style=\"color:#5b6b62\">" + html_escape(in.agent_name) + "<br>" +
      html_escape(in.tenant_name) + "</p>";
  if (!in.transcript.empty()) {
    text += "\n" + std::string(w.chat) + "\n";
    html += "<p style=\"color:#5b6b62\">" + html_escape(w.chat) +
            "</p><blockquote style=\"margin:0;padding-left:12px;border-left:3px solid #c9d3cd;color:#5b6b62\">";
    for (const auto& l : in.transcript) {
      std::string who = l.visitor ? std::string(w.you) : l.who;
      std::string when = short_date(l.at, in.time_zone);
      text += "> " + when + " " + who + ": ";
      for (char ch : l.text) text += ch == '\n' ? std::string("\n>   ") : std::string(1, ch);
      text += "\n";
      html += "<p style=\"margin:0 0 6px\"><span style=\"color:#8a968f\">" + html_escape(when) + "</span> <strong>" +
              html_escape(who) + ":</strong> " + html_escape(l.text) + "</p>";
    }
    html += "</blockquote>";
  } else if (!in.original.empty()) {
    std::string when = short_date(in.original_at, in.time_zone);
    text += "\n" + std::string(w.yours) + " " + when + ":\n";
    std::string_view o = in.original;
    for (std::size_t i = 0; i <= o.size();) {
      auto nl = o.find('\n', i);
      text += "> " + std::string(o.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i)) + "\n";
      if (nl == std::string_view::npos) break;
      i = nl + 1;
    }
    html += "<p style=\"color:#5b6b62\">" + html_escape(std::string(w.yours) + " " + when + ":") +
            "</p><blockquote style=\"margin:0;padding-left:12px;border-left:3px solid #c9d3cd;color:#5b6b62\">" +
            html_escape(in.original) + "</blockquote>";
  }
  if (!in.omitted.empty()) {
    std::string names;
    for (const auto& n : in.omitted) names += (names.empty() ? "" : ", ") + n;
    std::string note = std::string(w.omitted) + " " + names;
    text += "\n(" + note + ")\n";
    html += "<p style=\"color:#5b6b62\">(" + html_escape(note) + ")</p>";
  }
  html += "</body></html>\n";

  std::string boundary = "tiski-" + mac(id, "b" + r.message_id);
  std::string mixed = "tiski-m-" + mac(id, "m" + r.message_id);
  std::string m;
  m += "Date: " + rfc5322_date(in.date, in.time_zone) + "\r\n";
  m += "From: " + mailbox(in.tenant_name, id.from) + "\r\n";
  m += "Reply-To: " + mailbox(in.tenant_name, id.reply_to.empty() ? id.from : id.reply_to) + "\r\n";
  m += "To: " + mailbox(in.to_name, in.to) + "\r\n";
  m += "Subject: " + encode_header_text(reply_subject(in.subject, std::string(w.subject) + " – " + in.tenant_name)) +
       "\r\n";
  m += "Message-ID: <" + r.message_id + ">\r\n";
  m += "In-Reply-To: <" + thread + ">\r\n";
  m += "References: <" + thread + ">\r\n";
  m += "Content-Language: " + (in.lang.empty() ? std::string("en") : in.lang) + "\r\n";
  m += "Auto-Submitted: no\r\n";
  m += "MIME-Version: 1.0\r\n";
  if (!in.files.empty()) {  // the text and its files: multipart/mixed around the alternatives
    m += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
    m += "--" + mixed + "\r\n";
  }
  m += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  m += "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_lines(crlf(text));
  m += "--" + boundary + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_lines(crlf(html));
  m += "--" + boundary + "--\r\n";
  if (!in.files.empty()) {
    for (const auto& f : in.files) {
      m += "\r\n--" + mixed + "\r\nContent-Type: " + (f.type.empty() ? "application/octet-stream" : f.type) +
           "\r\nContent-Disposition: attachment; " + filename_param(f.name) +
           "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
      m += base64_lines(f.bytes);
    }
    m += "\r\n--" + mixed + "--\r\n";
  }
  r.mime = std::move(m);
  return r;
}

namespace {

// The account mail's texts: {subject, body}; {name} {email} {link} {tenant} {inviter} {hours}
// are filled in.
std::pair<std::string, std::string> account_words(std::string_view kind, std::string_view lang) {
  bool invite = kind == "invite";
  if (lang == "fi") {
    if (invite)
      return {"Kutsu Tiskiin: {tenant}",
              "Hei {name},\n\n{inviter} kutsui sinut asiakaspalvelijaksi yritykselle {tenant} Tiskissä.\n"
              "Aseta salasanasi tästä linkistä ({hours} tunnin sisällä):\n\n{link}\n\n"
              "Kirjautumistunnuksesi on {email}.\n"};
    return {"Salasanan vaihto – Tiski",
            "Hei {name},\n\nTiski-tunnuksellesi {email} pyydettiin salasanan vaihtoa.\n"
            "Vaihda salasana tästä linkistä ({hours} tunnin sisällä):\n\n{link}\n\n"
            "Jos et itse pyytänyt vaihtoa, jätä tämä viesti huomiotta: salasanasi ei muutu.\n"};
  }
  if (lang == "sv") {
    if (invite)
      return {"Inbjudan till Tiski: {tenant}",
              "Hej {name},\n\n{inviter} har bjudit in dig som kundtjänstmedarbetare för {tenant} i Tiski.\n"
              "Välj ditt lösenord via länken (inom {hours} timmar):\n\n{link}\n\n"
              "Ditt användarnamn är {email}.\n"};
    return {"Byte av lösenord – Tiski",
            "Hej {name},\n\nNågon har begärt ett nytt lösenord för ditt Tiski-konto {email}.\n"
            "Byt lösenord via länken (inom {hours} timmar):\n\n{link}\n\n"
            "Om det inte var du kan du strunta i detta meddelande: ditt lösenord ändras inte.\n"};
  }
  if (invite)
    return {"Invitation to Tiski: {tenant}",
            "Hello {name},\n\n{inviter} has invited you to serve {tenant}'s customers in Tiski.\n"
            "Set your password with this link (within {hours} hours):\n\n{link}\n\n"
            "You log in as {email}.\n"};
  return {"Password reset – Tiski",
          "Hello {name},\n\nA new password was asked for your Tiski account {email}.\n"
          "Choose it with this link (within {hours} hours):\n\n{link}\n\n"
          "If it was not you, ignore this message: your password does not change.\n"};
}

std::string fill(std::string text, const AccountMailInput& in) {
  const std::pair<std::string_view, std::string> values[] = {
      {"{name}", in.name},          {"{email}", in.to},        {"{link}", in.link},
      {"{tenant}", in.tenant_name}, {"{inviter}", in.inviter}, {"{hours}", std::to_string(in.valid_hours)}};
  for (const auto& [key, value] : values) {
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size()))
      text.replace(pos, key.size(), value);
  }
  return text;
}

}  // namespace

Rendered render_account_mail(const Identity& id, const AccountMailInput& in) {
  auto [subject, body] = account_words(in.kind, in.lang);
  Rendered r;
  r.message_id = "tiski.account." + in.nonce + "@" + domain_of(id);
  std::string m;
  m += "Date: " + rfc5322_date(in.date, "") + "\r\n";
  m += "From: " + mailbox("Tiski", id.from) + "\r\n";
  m += "To: " + mailbox(in.name, in.to) + "\r\n";
  m += "Subject: " + encode_header_text(fill(subject, in)) + "\r\n";
  m += "Message-ID: <" + r.message_id + ">\r\n";
  m += "Content-Language: " + (in.lang.empty() ? std::string("en") : in.lang) + "\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += base64_lines(crlf(fill(body, in)));
  r.mime = std::move(m);
  return r;
}

}  // namespace tiski::mail
