#include "chat/auth.h"

#include <gtest/gtest.h>

#include "chat/core/session.h"
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

// "01.1.<mac>" was visitor 1. Only the spelling the server issues is accepted.
TEST(VisitorToken, OnlyTheCanonicalSpellingIsAccepted) {
  std::string secret = "s3cret";
  auto t = make_visitor_token(secret, 1, 7);
  std::string mac = t.substr(t.rfind('.') + 1);
  ASSERT_TRUE(check_visitor_token(secret, "1.7." + mac));
  for (const char* bad : {"01.7.", "1.07.", "+1.7.", " 1.7.", "1 .7.", "1.7 ."}) {
    EXPECT_FALSE(check_visitor_token(secret, std::string(bad) + mac)) << bad;
  }
}

}  // namespace
}  // namespace tiski
