#include "mail/inbound.h"

#include <gtest/gtest.h>

namespace tiski::mail {
namespace {

std::string crlf(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

TEST(Inbound, AReplyThreadsAndItsQuoteAndSignatureFoldAway) {
  auto m = parse_inbound(crlf(R"(From: "Matti Meikäläinen" <Matti@Example.FI>
To: asiakaspalvelu@tiski.example
Subject: Re: Vaellus 2
Message-ID: <abc123@example.fi>
In-Reply-To: <tiski.5.3.aaaa@tiski.example>
References: <tiski.5.bbbb@tiski.example> <tiski.5.3.aaaa@tiski.example>
Content-Type: text/plain; charset=utf-8

Kiitos! Tilaan sen heti.

--
Matti

ma 1.12.2026 klo 10.00 Erämaa Outdoor <asiakaspalvelu@tiski.example> kirjoitti:
> Vaellus 2 on varastossa.
)"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->from, "matti@example.fi");
  EXPECT_EQ(m->from_name, "Matti Meikäläinen");
  EXPECT_EQ(m->subject, "Re: Vaellus 2");
  EXPECT_EQ(m->message_id, "abc123@example.fi");
  EXPECT_EQ(m->references, (std::vector<std::string>{"tiski.5.3.aaaa@tiski.example", "tiski.5.bbbb@tiski.example"}));
  EXPECT_EQ(m->text, "Kiitos! Tilaan sen heti.");
  EXPECT_NE(m->quoted.find("Vaellus 2 on varastossa."), std::string::npos);
  EXPECT_EQ(m->automatic, "");
  EXPECT_TRUE(m->attachments.empty());
}

TEST(Inbound, CharsetsAndEncodedWordsBecomeUtf8) {
  auto m = parse_inbound(crlf(R"(From: =?iso-8859-1?q?P=E4ivi_K=F6ntt=E4?= <paivi@example.fi>
Subject: =?utf-8?b?S3lzeW15cyB0ZWx0YXN0YQ==?=
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Hyv=E4=E4 p=E4iv=E4=E4, onko s=E4=E4nkyj=E4 varastossa?
)"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->from_name, "Päivi Könttä");
  EXPECT_EQ(m->subject, "Kysymys teltasta");
  EXPECT_EQ(m->text, "Hyvää päivää, onko säänkyjä varastossa?");
}

TEST(Inbound, HtmlOnlyIsReadAsTextWithoutScriptsAndAttachmentsAreListed) {
  auto m = parse_inbound(crlf(R"(From: a@example.fi
Subject: Kuva
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style></head><body><p>Teltta &amp; makuupussi</p><script>alert(1)</script><div>Kiitos&nbsp;paljon</div></body></html>
--XX
Content-Type: application/pdf; name="kuitti.pdf"
Content-Disposition: attachment; filename="kuitti.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IK
--XX--
)"));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_TRUE(m->html_only);
  EXPECT_EQ(m->text, "Teltta & makuupussi\n\nKiitos paljon");
  ASSERT_EQ(m->attachments.size(), 1u);
  EXPECT_EQ(m->attachments[0].filename, "kuitti.pdf");
  EXPECT_EQ(m->attachments[0].content_type, "application/pdf");
  EXPECT_EQ(m->attachments[0].bytes, 15u);
}

TEST(Inbound, MachinesAreToldApart) {
  auto with = [](const std::string& headers) {
    return parse_inbound(crlf("From: someone@example.fi\n" + headers + "Subject: x\n\nHei\n"))->automatic;
  };
  EXPECT_EQ(with(""), "");
  EXPECT_EQ(with("Auto-Submitted: no\n"), "");
  EXPECT_EQ(with("Auto-Submitted: auto-replied\n"), "Auto-Submitted: auto-replied");
  EXPECT_EQ(with("Precedence: bulk\n"), "Precedence: bulk");
  EXPECT_EQ(with("X-Autoreply: yes\n"), "X-Autoreply header");
  EXPECT_EQ(with("List-Id: <news.example.fi>\n"), "List-Id header");
  auto dsn = parse_inbound(crlf(R"(From: MAILER-DAEMON@mx.example.fi
Subject: Undelivered Mail Returned to Sender
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.
--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.fi
--B--
)"));
  ASSERT_TRUE(dsn.ok()) << dsn.error().message;
  EXPECT_EQ(dsn->automatic, "a delivery or read report");
}

TEST(Inbound, MalformedAndOversizedAreRefusedWithAReason) {
  EXPECT_EQ(parse_inbound("").error().code, Errc::kBadRequest);
  EXPECT_EQ(parse_inbound("just some words\r\n").error().code, Errc::kBadRequest);
  auto bad_from = parse_inbound(crlf("From: not an address\nSubject: x\n\nHei\n"));
  EXPECT_EQ(bad_from.error().code, Errc::kBadRequest);
  auto big = parse_inbound(std::string(kMaxInboundMailBytes + 1, 'a'));
  EXPECT_EQ(big.error().code, Errc::kTooLarge);
  // A long text is kept up to its limit, cut at a line and marked.
  std::string body;
  while (body.size() < kMaxInboundTextBytes + 1000) body += "Rivi tekstiä, joka toistuu.\n";
  auto long_one = parse_inbound(crlf("From: a@example.fi\nSubject: x\n\n" + body));
  ASSERT_TRUE(long_one.ok());
  EXPECT_LE(long_one->text.size(), kMaxInboundTextBytes + 8);
  EXPECT_TRUE(long_one->text.ends_with("[…]"));
}

// Many parts: the attachments past kMaxInboundAttachments are counted, not read; an email of
// more than kMaxInboundParts parts is refused before GMime builds a tree of them.
std::string with_parts(std::size_t n) {
  std::string raw =
      "From: b@example.fi\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nHei\r\n";
  for (std::size_t i = 0; i < n; ++i)
    raw += "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=f" +
           std::to_string(i) + ".exe\r\n\r\nx" + std::to_string(i) + "\r\n";
  return raw + "--B--\r\n";
}

// An encoded CR LF in the sender's name or the subject is a space: names and subjects are lines.
TEST(Inbound, NamesAndSubjectsAreOneLine) {
  auto m = parse_inbound(
      "From: =?utf-8?q?A=0D=0ABcc=3A_v2=40x=2Efi?= <a@example.fi>\r\nSubject: "
      "=?utf-8?q?Hei=0D=0A=0D=0AX-I=3A_1?=\r\n\r\n"
      "Teksti\r\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->from_name, "A Bcc: v2@x.fi");
  EXPECT_EQ(m->subject, "Hei X-I: 1");
}

TEST(Inbound, PartsAreBounded) {
  auto m = parse_inbound(with_parts(kMaxInboundAttachments + 5));
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->text, "Hei");
  EXPECT_EQ(m->attachments.size(), kMaxInboundAttachments);
  EXPECT_EQ(m->more_attachments, 5u);
  EXPECT_EQ(m->attachments.back().content, "x" + std::to_string(kMaxInboundAttachments - 1));
  EXPECT_TRUE(parse_inbound(with_parts(kMaxInboundParts - 3)).ok());
  auto many = parse_inbound(with_parts(kMaxInboundParts));
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.error().code, Errc::kTooLarge);
}

TEST(FoldQuoted, KeepsInterleavedAnswersAndFoldsOutlookAndQuotesAtTheEnd) {
  EXPECT_EQ(fold_quoted("Uusi teksti\n\n> vanha\n> vanha 2\n").first, "Uusi teksti");
  // An answer written between the quoted lines is not folded away.
  auto [fresh, rest] = fold_quoted("> Onko varastossa?\nOn.\n> Entä hinta?\n49 €.");
  EXPECT_NE(fresh.find("49 €."), std::string::npos);
  auto outlook = fold_quoted("Kiitos!\n\nFrom: Tiski <a@b.fi>\nSent: Monday\nSubject: Re\n\nVanha");
  EXPECT_EQ(outlook.first, "Kiitos!");
  EXPECT_NE(outlook.second.find("Vanha"), std::string::npos);
  EXPECT_EQ(fold_quoted("Tack!\n\nDen 1 dec. 2026 skrev Tiski <a@b.fi>:\n> x").first, "Tack!");
  EXPECT_EQ(fold_quoted("Ok\n-----Original Message-----\nx").first, "Ok");
  EXPECT_EQ(fold_quoted("Ei lainausta").second, "");
}

TEST(HtmlToText, DropsTagsScriptsAndDecodesEntities) {
  EXPECT_EQ(html_to_text("<p>A&lt;B</p><p>C</p>"), "A<B\n\nC");
  EXPECT_EQ(html_to_text("<SCRIPT>x()</SCRIPT>Hei<br>sinä"), "Hei\nsinä");
  EXPECT_EQ(html_to_text("<a href='x'>linkki</a> &auml;"), "linkki ä");
}

}  // namespace
}  // namespace tiski::mail
