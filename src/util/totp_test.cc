#include "util/totp.h"

#include <gtest/gtest.h>

namespace tiski::totp {
namespace {

// RFC 6238 Appendix B, the SHA-1 column: the key is the ASCII "12345678901234567890", 8 digits.
TEST(Totp, Rfc6238Vectors) {
  const std::string key = "12345678901234567890";
  EXPECT_EQ(code_at(key, 59, 8), "94287082");
  EXPECT_EQ(code_at(key, 1111111109, 8), "07081804");
  EXPECT_EQ(code_at(key, 1111111111, 8), "14050471");
  EXPECT_EQ(code_at(key, 1234567890, 8), "89005924");
  EXPECT_EQ(code_at(key, 2000000000, 8), "69279037");
  EXPECT_EQ(code_at(key, 20000000000, 8), "65353130");
}

// RFC 4226 Appendix D: HOTP of the same key for counters 0..9, 6 digits.
TEST(Totp, Rfc4226Vectors) {
  const std::string key = "12345678901234567890";
  const char* want[] = {"755224", "287082", "359152", "969429", "338314",
                        "254676", "287922", "162583", "399871", "520489"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(hotp(key, static_cast<std::uint64_t>(i)), want[i]) << i;
}

TEST(Totp, ACodeMatchesOneStepEitherSideAndOnlyOnce) {
  const std::string key = "12345678901234567890";
  std::int64_t t = 1111111111, step = t / 30;
  EXPECT_EQ(verify(key, code_at(key, t), t, 0), step);
  EXPECT_EQ(verify(key, code_at(key, t - 30), t, 0), step - 1);
  EXPECT_EQ(verify(key, code_at(key, t + 30), t, 0), step + 1);
  EXPECT_EQ(verify(key, code_at(key, t - 60), t, 0), std::nullopt);
  EXPECT_EQ(verify(key, code_at(key, t), t, step), std::nullopt);  // used already
  auto spaced = code_at(key, t);
  spaced.insert(3, " ");
  EXPECT_EQ(verify(key, spaced, t, 0), step);
  EXPECT_EQ(verify(key, "12345", t, 0), std::nullopt);
  EXPECT_EQ(verify(key, "abcdef", t, 0), std::nullopt);
}

// RFC 4648 section 10.
TEST(Totp, Base32Vectors) {
  EXPECT_EQ(base32(""), "");
  EXPECT_EQ(base32("f"), "MY");
  EXPECT_EQ(base32("fo"), "MZXQ");
  EXPECT_EQ(base32("foo"), "MZXW6");
  EXPECT_EQ(base32("foob"), "MZXW6YQ");
  EXPECT_EQ(base32("fooba"), "MZXW6YTB");
  EXPECT_EQ(base32("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(*base32_decode("MZXW6YTBOI======"), "foobar");
  EXPECT_EQ(*base32_decode("mzxw 6ytb oi"), "foobar");
  EXPECT_FALSE(base32_decode("MZXW1"));
  EXPECT_EQ(*base32_decode(base32("12345678901234567890")), "12345678901234567890");
}

TEST(Totp, UriNamesIssuerAndAccount) {
  EXPECT_EQ(uri("Tiski", "aino@eramaa.fi", "foobar"),
            "otpauth://totp/Tiski:aino%40eramaa.fi?secret=MZXW6YTBOI&issuer=Tiski&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace tiski::totp
