// The checks of a shop's report and of the server-to-server signature.
#include "chat/conversions/conversions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "util/limits.h"

namespace tiski::conversions {
namespace {

TEST(Conversions, KnownCurrenciesAreIso4217Codes) {
  for (const char* c : {"EUR", "SEK", "NOK", "DKK", "USD", "GBP", "JPY", "ZWL", "AED"})
    EXPECT_TRUE(known_currency(c)) << c;
  for (const char* c : {"", "eur", "EU", "EURO", "XXX", "ABC", "€"}) EXPECT_FALSE(known_currency(c)) << c;
}

TEST(Conversions, AReportNamesItsProblem) {
  EXPECT_TRUE(check({"order", "A-1", 12990, "EUR"}).ok());
  EXPECT_TRUE(check({"lead", "L-1", 0, ""}).ok());  // a lead needs no value
  EXPECT_EQ(check({"sale", "A-1", 1, "EUR"}).error().message, "kind must be order or lead");
  EXPECT_NE(check({"order", "", 1, "EUR"}).error().message.find("id is required"), std::string::npos);
  EXPECT_NE(check({"order", std::string(101, 'x'), 1, "EUR"}).error().message.find("longer"), std::string::npos);
  EXPECT_NE(check({"order", "a\nb", 1, "EUR"}).error().message.find("control"), std::string::npos);
  EXPECT_NE(check({"order", "A-1", 1, ""}).error().message.find("currency is required"), std::string::npos);
  EXPECT_NE(check({"lead", "L-1", 500, ""}).error().message.find("currency is required"), std::string::npos);
  EXPECT_NE(check({"order", "A-1", 1, "EURO"}).error().message.find("not an ISO 4217"), std::string::npos);
  EXPECT_FALSE(check({"order", "A-1", -1, "EUR"}).ok());
  EXPECT_FALSE(check({"order", "A-1", limits::kMaxConversionCents + 1, "EUR"}).ok());
}

TEST(Conversions, ValuesBecomeHundredths) {
  EXPECT_EQ(*cents_of(129.90), 12990);
  EXPECT_EQ(*cents_of(0.1 + 0.2), 30);
  EXPECT_EQ(*cents_of(0), 0);
  EXPECT_FALSE(cents_of(-0.01).ok());
  EXPECT_FALSE(cents_of(std::nan("")).ok());
  EXPECT_FALSE(cents_of(std::numeric_limits<double>::infinity()).ok());
  EXPECT_FALSE(cents_of(1e12).ok());
}

TEST(Conversions, TheSignatureCoversTimestampAndBodyAndExpires) {
  const std::string secret = "s3cret", body = R"({"kind":"order","id":"A-1","value":10,"currency":"EUR"})";
  const Millis now = 1'800'000'000'000;
  const std::string ts = std::to_string(now / 1000);
  auto sig = sign(secret, ts, body);
  EXPECT_EQ(sig.substr(0, 7), "sha256=");
  EXPECT_TRUE(check_signature(secret, ts, sig, body, now).ok());
  EXPECT_TRUE(check_signature(secret, ts, sig, body, now + limits::kSignatureWindowMs - 1000).ok());
  auto fails = [&](std::string_view t, std::string_view s, std::string_view b, Millis at, std::string_view why) {
    auto st = check_signature(secret, t, s, b, at);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::kUnauthorized);
    EXPECT_NE(st.error().message.find(why), std::string::npos) << st.error().message;
  };
  fails("", "", body, now, "must be signed");
  fails(ts, sig, body + " ", now, "does not match");
  fails(ts, sign("other", ts, body), body, now, "does not match");
  fails(std::to_string(now / 1000 + 1), sig, body, now, "does not match");  // the timestamp is signed
  fails(ts, sig, body, now + limits::kSignatureWindowMs + 2000, "stale");
  fails(ts, sig, body, now - limits::kSignatureWindowMs - 2000, "stale");
  fails("12x", sig, body, now, "Unix time");
}

}  // namespace
}  // namespace tiski::conversions
