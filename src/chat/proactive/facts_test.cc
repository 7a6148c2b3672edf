#include "chat/proactive/facts.h"

#include <gtest/gtest.h>

namespace tiski::proactive {
namespace {

// A cart with currency "x y" once broke every console's visitor list.
TEST(Cart, CurrencyMustBeAnIso4217Code) {
  EXPECT_TRUE(valid_currency("EUR"));
  EXPECT_TRUE(valid_currency("SEK"));
  for (const char* bad : {"x y", "eur", "EURO", "", "ZZZ", "E R"}) EXPECT_FALSE(valid_currency(bad)) << bad;
  auto ok = cart_of(proto::Cart{34900, "EUR", 1});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->currency, "EUR");
  auto bad = cart_of(proto::Cart{1, "x y", 1});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "cart.currency must be an ISO 4217 code such as EUR");
  EXPECT_FALSE(cart_of(proto::Cart{-1, "EUR", 1}).ok());
  EXPECT_FALSE(cart_of(std::nullopt)->has_value());
}

}  // namespace
}  // namespace tiski::proactive
