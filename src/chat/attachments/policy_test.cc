#include "chat/attachments/policy.h"

#include <gtest/gtest.h>

namespace tiski::attachments {
namespace {

// A 2×2 red PNG, made with zlib (73 bytes).
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00"
    "\x00\xfd\xd4\x9a\x73\x00\x00\x00\x10\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\xc0\x00\x44\x0c\x10\x0a\x00\x1f\xee\x03"
    "\xfd\x8b\x5f\x14\xd4\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    73);

TEST(AttachmentPolicy, DefaultsAndTextFormRoundTrip) {
  auto p = parse_policy("");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->max_bytes, kDefaultMaxBytes);
  EXPECT_TRUE(p->allows("pdf"));
  EXPECT_TRUE(p->allows("html"));
  EXPECT_FALSE(p->allows("exe"));
  EXPECT_FALSE(p->allows(""));
  auto q = parse_policy("max=2000000; types=PDF .png png  jpg");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->text(), "max=2000000;types=jpg pdf png");
  EXPECT_EQ(parse_policy(q->text())->text(), q->text());
  EXPECT_TRUE(parse_policy("types=*")->allows("exe"));
}

TEST(AttachmentPolicy, BadSettingsAreRefusedWithAReason) {
  for (const char* bad : {"max=10", "max=999999999", "max=abc", "types=p/df", "types=<script>", "size=1", "max"}) {
    auto p = parse_policy(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.error().code, Errc::kBadRequest) << bad;
    }
  }
  EXPECT_EQ(stored_policy("max=10").max_bytes, kDefaultMaxBytes);  // unreadable: the defaults
}

TEST(AttachmentPolicy, NamesAreCleaned) {
  EXPECT_EQ(clean_name("../../etc/passwd"), "passwd");
  EXPECT_EQ(clean_name("C:\\Users\\x\\kuitti.pdf"), "kuitti.pdf");
  EXPECT_EQ(clean_name("a\"b<c>\r\n.txt"), "a_b_c___.txt");
  EXPECT_EQ(clean_name(".htaccess"), "htaccess");
  EXPECT_EQ(clean_name(""), "liite");
  EXPECT_EQ(clean_name("\xff\xfe.pdf"), "__.pdf");
  EXPECT_EQ(clean_name("Hämeenlinna – kuitti.pdf"), "Hämeenlinna – kuitti.pdf");
  EXPECT_EQ(clean_name("kuitti\u202Efdp.html"), "kuittifdp.html") << "shown as kuittilmth.pdf";
  EXPECT_EQ(clean_name("a\u2066b\u2069\u202Ac.txt"), "abc.txt");
  std::string longname(500, 'a');
  auto cut = clean_name(longname + ".docx");
  EXPECT_LE(cut.size(), kMaxNameBytes);
  EXPECT_TRUE(cut.ends_with(".docx"));
  EXPECT_EQ(extension_of("Kuva.JPG"), "jpg");
  EXPECT_EQ(extension_of("noext"), "");
  EXPECT_EQ(extension_of("x.p/f"), "");
}

TEST(AttachmentPolicy, APictureMustDecode) {
  auto p = stored_policy("");
  auto ok = check("kuva.png", kPng, p);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->image);
  EXPECT_EQ(ok->type, "image/png");
  EXPECT_EQ(ok->width, 2);
  EXPECT_EQ(ok->height, 2);
  EXPECT_TRUE(inline_type(ok->type));
  // Truncated: the header reads, the pixels do not.
  EXPECT_EQ(check("kuva.png", kPng.substr(0, 50), p).error().code, Errc::kBadRequest);
  // HTML named .png, a PNG named .jpg: the signature decides.
  EXPECT_FALSE(check("kuva.png", "<html><script>alert(1)</script></html>", p).ok());
  EXPECT_FALSE(check("kuva.jpg", kPng, p).ok());
  // A header that claims 12,000 × 12,000 pixels is refused before anything is decoded.
  std::string bomb = kPng;
  bomb[16] = bomb[20] = 0;
  bomb[17] = bomb[21] = 0;
  bomb[18] = bomb[22] = 0x2e;
  bomb[19] = bomb[23] = static_cast<char>(0xe0);
  auto big = check("bomb.png", bomb, p);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.error().message.find("megapixels"), std::string::npos) << big.error().message;
}

TEST(AttachmentPolicy, WhatCouldRunIsKeptButNeverInline) {
  auto p = stored_policy("");
  auto svg = check("logo.svg", "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", p);
  ASSERT_TRUE(svg.ok());
  EXPECT_FALSE(svg->image);
  EXPECT_FALSE(inline_type(svg->type));
  auto html = check("kuitti.html", "<script>alert(1)</script>", p);
  ASSERT_TRUE(html.ok());
  EXPECT_FALSE(inline_type(html->type));
  auto webp = check("kuva.webp", "RIFF....WEBP", p);  // not decoded here: a download
  ASSERT_TRUE(webp.ok());
  EXPECT_FALSE(webp->image);
}

TEST(AttachmentPolicy, SizeAndTypeLimits) {
  auto p = *parse_policy("max=100000;types=pdf");
  EXPECT_EQ(check("x.pdf", std::string(100'001, 'a'), p).error().code, Errc::kTooLarge);
  EXPECT_TRUE(check("x.pdf", std::string(100'000, 'a'), p).ok());
  auto exe = check("x.exe", "MZ", p);
  ASSERT_FALSE(exe.ok());
  EXPECT_NE(exe.error().message.find("'exe'"), std::string::npos);
  EXPECT_EQ(check("x.pdf", "", p).error().code, Errc::kBadRequest);
}

}  // namespace
}  // namespace tiski::attachments
