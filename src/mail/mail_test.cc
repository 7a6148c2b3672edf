#include <gtest/gtest.h>

#include "mail/address.h"
#include "mail/mailer.h"
#include "mail/mime.h"
#include "util/crypto.h"

namespace tiski::mail {
namespace {

TEST(Address, AcceptsOrdinaryAddresses) {
  for (const char* a : {"matti@example.fi", "anna.virtanen+tilaus@posti.example.com", "o'brien@example.ie",
                        "x@sub-domain.example.fi", "a@xn--p1ai.xn--p1ai"}) {
    EXPECT_TRUE(valid_address(a)) << a;
  }
}

TEST(Address, RefusesMalformedWithAReason) {
  struct Case {
    const char* addr;
    const char* why;
  };
  for (auto [a, why] :
       {Case{"", "empty"}, Case{"matti", "no @"}, Case{"@example.fi", "nothing before"},
        Case{"matti@", "nothing after"}, Case{"matti@example", "top-level"}, Case{"matti@example.f", "too short"},
        Case{"mat ti@example.fi", "not allowed"}, Case{"matti@exa mple.fi", "not allowed"},
        Case{".matti@example.fi", "dot"}, Case{"ma..tti@example.fi", "dot"}, Case{"matti@-example.fi", "malformed"},
        Case{"matti@example..fi", "malformed"}, Case{"m\r\nBcc: x@y.fi@example.fi", "not allowed"},
        Case{"<matti@example.fi>", "not allowed"}, Case{"matti@example.fi,b@c.fi", "not allowed"},
        Case{"mätti@example.fi", "not allowed"}, Case{"matti@example.123", "letters"}}) {
    auto st = check_address(a);
    ASSERT_FALSE(st.ok()) << a;
    EXPECT_EQ(st.error().code, Errc::kBadRequest);
    EXPECT_NE(st.error().message.find(why), std::string::npos) << a << ": " << st.error().message;
  }
  EXPECT_FALSE(valid_address(std::string(65, 'a') + "@example.fi"));
  EXPECT_FALSE(valid_address("a@" + std::string(250, 'b') + ".fi"));
  EXPECT_TRUE(valid_address(std::string(64, 'a') + "@example.fi"));
}

Identity ident() { return Identity{"asiakaspalvelu@tiski.example", "vastaukset@tiski.example", "", "s3cret"}; }

ReplyInput reply() {
  ReplyInput in;
  in.conv = 42;
  in.seq = 3;
  in.lang = "fi";
  in.tenant_name = "Erämaa Outdoor Oy";
  in.agent_name = "Aino";
  in.to = "matti@example.fi";
  in.to_name = "Matti Meikäläinen";
  in.body = "Hei Matti!\nTeltta on varastossa.";
  in.original = "Onko Vaellus 2 -telttaa varastossa?";
  in.original_at = 1'790'000'000'000;
  in.date = 1'790'000'600'000;
  return in;
}

std::string decode_part(const std::string& mime, const std::string& type) {
  auto p = mime.find("Content-Type: " + type);
  EXPECT_NE(p, std::string::npos);
  auto start = mime.find("\r\n\r\n", p) + 4;
  auto end = mime.find("\r\n--", start);
  std::string b64;
  for (char c : mime.substr(start, end - start)) {
    if (c != '\r' && c != '\n') b64 += c;
  }
  // base64 -> base64url for the project's decoder
  for (char& c : b64) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  auto raw = crypto::base64url_decode(b64);
  EXPECT_TRUE(raw.ok());
  return raw.ok() ? *raw : std::string();
}

TEST(Mime, DatesAreInTheTenantsZone) {
  auto in = reply();
  EXPECT_NE(render_reply(ident(), in).mime.find("Date: Mon, 21 Sep 2026 14:23:20 +0000\r\n"), std::string::npos);
  in.time_zone = "Europe/Helsinki";  // summer time in September: UTC+3
  auto r = render_reply(ident(), in);
  EXPECT_NE(r.mime.find("Date: Mon, 21 Sep 2026 17:23:20 +0300\r\n"), std::string::npos) << r.mime.substr(0, 300);
  EXPECT_NE(decode_part(r.mime, "text/plain").find("2026-09-21 17:13 EEST"), std::string::npos);
  in.date = 1'797'000'000'000;  // December: winter time, UTC+2
  EXPECT_NE(render_reply(ident(), in).mime.find("Date: Fri, 11 Dec 2026 16:40:00 +0200\r\n"), std::string::npos);
  in.time_zone = "Mars/Olympus";  // unknown: UTC rather than no mail
  EXPECT_NE(render_reply(ident(), in).mime.find(" +0000\r\n"), std::string::npos);
}

TEST(Mime, RendersAThreadableMultipartReply) {
  auto r = render_reply(ident(), reply());
  const std::string& m = r.mime;
  EXPECT_EQ(r.message_id.rfind("tiski.42.3.", 0), 0u);
  EXPECT_NE(r.message_id.find("@tiski.example"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <" + r.message_id + ">\r\n"), std::string::npos);
  std::string thread = thread_id(ident(), 42);
  EXPECT_NE(m.find("In-Reply-To: <" + thread + ">\r\n"), std::string::npos);
  EXPECT_NE(m.find("References: <" + thread + ">\r\n"), std::string::npos);
  EXPECT_NE(m.find("Date: Mon, 21 Sep 2026 "), std::string::npos) << m.substr(0, 200);
  EXPECT_NE(m.find("From: =?UTF-8?B?"), std::string::npos);  // "Erämaa" is not ASCII
  EXPECT_NE(m.find(" <asiakaspalvelu@tiski.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Reply-To: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find(" <vastaukset@tiski.example>\r\n"), std::string::npos);
  EXPECT_NE(m.find(" <matti@example.fi>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="), std::string::npos);
  // Every line ends in CRLF, no bare LF, no line over 998 octets.
  std::size_t line = 0;
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_EQ(m[i - 1], '\r') << "bare LF at " << i;
      line = 0;
    } else {
      ASSERT_LT(++line, 998u);
    }
  }
  std::string text = decode_part(m, "text/plain");
  EXPECT_NE(text.find("Hei Matti!\r\nTeltta on varastossa."), std::string::npos) << text;
  EXPECT_NE(text.find("-- \r\nAino\r\nErämaa Outdoor Oy"), std::string::npos) << text;
  EXPECT_NE(text.find("> Onko Vaellus 2 -telttaa varastossa?"), std::string::npos) << text;
  EXPECT_NE(text.find("Viestisi 2026-09-21"), std::string::npos) << text;
  std::string html = decode_part(m, "text/html");
  EXPECT_NE(html.find("Hei Matti!<br>Teltta on varastossa."), std::string::npos) << html;
  EXPECT_NE(html.find("<blockquote"), std::string::npos);
}

TEST(Mime, EscapesHtmlAndSpeaksTheVisitorsLanguage) {
  auto in = reply();
  in.body = "<script>alert(1)</script> & \"x\"";
  in.lang = "sv";
  auto r = render_reply(ident(), in);
  std::string html = decode_part(r.mime, "text/html");
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"), std::string::npos);
  EXPECT_NE(decode_part(r.mime, "text/plain").find("Ditt meddelande"), std::string::npos);
  in.lang = "en";
  in.original.clear();
  auto e = render_reply(ident(), in);
  EXPECT_EQ(decode_part(e.mime, "text/plain").find("Your message of"), std::string::npos);  // nothing to quote
}

TEST(Mime, HeaderTextEncoding) {
  EXPECT_EQ(encode_header_text("Plain Shop"), "Plain Shop");
  EXPECT_EQ(encode_header_text("Ä"), "=?UTF-8?B?w4Q=?=");
  EXPECT_EQ(encode_header_text("Shop, Inc").rfind("=?UTF-8?B?", 0), 0u);  // a comma would split the address list
  // Long text: several encoded words, each at most 75 characters, split between characters.
  std::string longname;
  for (int i = 0; i < 40; ++i) longname += "ä";
  std::string enc = encode_header_text(longname);
  std::size_t words = 0;
  for (std::size_t p = 0; (p = enc.find("=?UTF-8?B?", p)) != std::string::npos; p += 10) ++words;
  EXPECT_GE(words, 2u);
  for (std::size_t b = 0, e; b < enc.size(); b = e + 3) {
    e = enc.find("\r\n ", b);
    if (e == std::string::npos) e = enc.size();
    EXPECT_LE(e - b, 75u);
  }
}

TEST(Mime, ThreadIdsVerifyAndForgeriesDoNot) {
  auto r = render_reply(ident(), reply());
  EXPECT_EQ(thread_of(ident(), "<" + r.message_id + ">"), 42);
  EXPECT_EQ(thread_of(ident(), thread_id(ident(), 42)), 42);
  EXPECT_EQ(thread_of(ident(), "<tiski.43.3.000000000000@tiski.example>"), std::nullopt);
  std::string forged = thread_id(ident(), 42);
  forged.replace(6, 2, "41");
  EXPECT_EQ(thread_of(ident(), forged), std::nullopt);
  Identity other = ident();
  other.secret = "different";
  EXPECT_EQ(thread_of(other, r.message_id), std::nullopt);
  EXPECT_EQ(thread_of(ident(), "<CAF=xyz@mail.gmail.com>"), std::nullopt);
  EXPECT_EQ(thread_of(ident(), "tiski.x.y@z"), std::nullopt);
}

TEST(Mailer, RetriesBackOffAndStop) {
  MailerOptions o{"a@b.fi", 4, 1000};
  EXPECT_EQ(Mailer::retry_at(o, 1, false, 0), 1000);
  EXPECT_EQ(Mailer::retry_at(o, 2, false, 0), 4000);
  EXPECT_EQ(Mailer::retry_at(o, 3, false, 0), 16000);
  EXPECT_EQ(Mailer::retry_at(o, 4, false, 0), std::nullopt);  // the last attempt
  EXPECT_EQ(Mailer::retry_at(o, 1, true, 0), std::nullopt);   // a 5xx is final
  MailerOptions slow{"a@b.fi", 20, 3'600'000};
  EXPECT_EQ(Mailer::retry_at(slow, 10, false, 0), 6 * 3'600'000);  // capped
}

SmtpOptions opts(const char* url, const char* tls) {
  SmtpOptions o;
  o.url = url;
  o.tls = tls;
  return o;
}

TEST(Smtp, OptionsAreChecked) {
  EXPECT_TRUE(check_smtp(SmtpOptions{}).ok());  // not configured
  EXPECT_TRUE(check_smtp(opts("smtp://127.0.0.1:2525", "none")).ok());
  EXPECT_TRUE(check_smtp(opts("smtp://mail.example.fi:587", "starttls")).ok());
  EXPECT_TRUE(check_smtp(opts("smtps://mail.example.fi:465", "starttls")).ok());
  EXPECT_FALSE(check_smtp(opts("smtp://mail.example.fi:25", "none")).ok());  // plain text off the machine
  EXPECT_FALSE(check_smtp(opts("http://x", "starttls")).ok());
  EXPECT_FALSE(check_smtp(opts("smtp://127.0.0.1:25", "maybe")).ok());
}

TEST(Smtp, ARefusedConnectionIsATemporaryFailure) {
  auto o = opts("smtp://127.0.0.1:1", "none");
  o.timeout = std::chrono::seconds(5);
  SmtpClient c(o);
  auto out = c.send("a@b.fi", "c@d.fi", "Subject: x\r\n\r\nx\r\n");
  EXPECT_FALSE(out.sent);
  EXPECT_FALSE(out.permanent);
  EXPECT_FALSE(out.error.empty());
}

}  // namespace
}  // namespace tiski::mail
