#include "util/crypto.h"

#include <gtest/gtest.h>

namespace tiski::crypto {
namespace {

struct Init {
  Init() { init_crypto(); }
} init_once;

TEST(Crypto, RandomTokensAreUniqueAndUrlSafe) {
  auto a = random_token(), b = random_token();
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos);
}

TEST(Crypto, Base64RoundTripAndRejectsGarbage) {
  auto d = base64url_decode(base64url("hello\x01\xff"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, "hello\x01\xff");
  EXPECT_FALSE(base64url_decode("a*b").ok());
}

TEST(Crypto, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foob"), "Zm9vYg==");
  EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("\xfb\xff"), "+/8=");  // the standard alphabet, not base64url's
}

TEST(Crypto, HmacSha256KnownVector) {
  // RFC 4231 test case 2.
  EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, PasswordHashVerifies) {
  auto h = hash_password("salasana", /*fast=*/true);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->starts_with("$argon2id$"));
  EXPECT_TRUE(verify_password(*h, "salasana"));
  EXPECT_FALSE(verify_password(*h, "Salasana"));
  EXPECT_FALSE(verify_password("not a hash", "salasana"));
}

TEST(Crypto, EqualCt) {
  EXPECT_TRUE(equal_ct("abc", "abc"));
  EXPECT_FALSE(equal_ct("abc", "abd"));
  EXPECT_FALSE(equal_ct("abc", "ab"));
}

}  // namespace
}  // namespace tiski::crypto
