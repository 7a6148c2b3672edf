#include "chat/proactive/facts.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace tiski::proactive {
namespace {

// Issue 9, item 5: a cart with currency "x y" broke every console's visitor list.
TEST(Cart, CurrencyMustBeAnIso4217Code) {
  EXPECT_TRUE(valid_currency("EUR"));
  EXPECT_TRUE(valid_currency("SEK"));
  for (const char* bad : {"x y", "eur", "EURO", "", "ZZZ", "E R"}) EXPECT_FALSE(valid_currency(bad)) << bad;
  auto ok = cart_of(boost::json::parse(R"({"cart":{"cents":34900,"currency":"EUR","items":1}})").as_object());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ((*ok)->currency, "EUR");
  auto bad = cart_of(boost::json::parse(R"({"cart":{"cents":1,"currency":"x y","items":1}})").as_object());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "cart.currency must be an ISO 4217 code such as EUR");
  EXPECT_FALSE(cart_of(boost::json::parse(R"({"cart":{"cents":-1,"currency":"EUR","items":1}})").as_object()).ok());
  EXPECT_FALSE(cart_of(boost::json::parse(R"({})").as_object())->has_value());
}

}  // namespace
}  // namespace tiski::proactive
