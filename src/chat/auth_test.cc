#include "chat/auth.h"

#include <gtest/gtest.h>

#include "chat/hub.h"
#include "util/crypto.h"

namespace tiski {
namespace {

TEST(VisitorToken, RoundTripsAndRejectsForgeries) {
  crypto::init_crypto();
  std::string secret = "s3cret";
  auto t = make_visitor_token(secret, 42, 7);
  auto claim = check_visitor_token(secret, t);
  ASSERT_TRUE(claim);
  EXPECT_EQ(claim->visitor, 42);
  EXPECT_EQ(claim->site, 7);
  EXPECT_FALSE(check_visitor_token("other", t));
  // Changing the visitor id invalidates the signature.
  std::string forged = "43" + t.substr(2);
  EXPECT_FALSE(check_visitor_token(secret, forged));
  EXPECT_FALSE(check_visitor_token(secret, ""));
  EXPECT_FALSE(check_visitor_token(secret, "1.2"));
  EXPECT_FALSE(check_visitor_token(secret, "-1.2.x"));
  EXPECT_FALSE(check_visitor_token(secret, "a.b.c"));
}

TEST(TokenBucket, AllowsBurstThenRefills) {
  TokenBucket b(5.0, 10.0);
  auto t0 = std::chrono::steady_clock::now();
  int ok = 0;
  for (int i = 0; i < 20; ++i) ok += b.take(t0);
  EXPECT_EQ(ok, 10);
  EXPECT_FALSE(b.take(t0 + std::chrono::milliseconds(100)));  // 0.5 token
  EXPECT_TRUE(b.take(t0 + std::chrono::milliseconds(250)));   // 1.25 tokens
  EXPECT_FALSE(b.take(t0 + std::chrono::milliseconds(260)));
}

}  // namespace
}  // namespace tiski
