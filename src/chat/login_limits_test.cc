#include "chat/login_limits.h"

#include <gtest/gtest.h>

#include "util/limits.h"

namespace tiski {
namespace {

constexpr Millis kMinute = 60'000;

TEST(LoginLimits, AnAccountIsRefusedAfterItsFailuresUntilTheWindowEnds) {
  LoginLimits l;
  Millis t = 1'000'000;
  for (int i = 0; i < limits::kLoginFailuresPerAccount; ++i) {
    EXPECT_FALSE(l.check("Aino@Eramaa.demo", "10.0.0." + std::to_string(i), t));
    l.failed("aino@eramaa.demo", "10.0.0." + std::to_string(i), t);
  }
  auto refused = l.check("AINO@eramaa.demo", "10.9.9.9", t + kMinute);  // any address, any case
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, Errc::kRateLimited);
  EXPECT_NE(refused->message.find("try again in 14 minutes"), std::string::npos) << refused->message;
  EXPECT_FALSE(l.check("pekka@pyorapaja.demo", "10.0.0.1", t + kMinute));  // others are not
  EXPECT_FALSE(l.check("aino@eramaa.demo", "10.9.9.9", t + 15 * kMinute));
}

TEST(LoginLimits, AnAddressIsRefusedAfterItsFailuresWhateverTheAccount) {
  LoginLimits l;
  for (int i = 0; i < limits::kLoginFailuresPerIp; ++i) l.failed("guess" + std::to_string(i) + "@x.fi", "10.0.0.9", 0);
  auto refused = l.check("someone@x.fi", "10.0.0.9", 1000);
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->message.find("your address"), std::string::npos);
  EXPECT_FALSE(l.check("someone@x.fi", "10.0.0.8", 1000));
}

TEST(LoginLimits, ASuccessClearsTheAccountNotTheAddress) {
  LoginLimits l;
  for (int i = 0; i < limits::kLoginFailuresPerAccount; ++i) l.failed("a@x.fi", "", 0);
  ASSERT_TRUE(l.check("a@x.fi", "", 1));
  l.succeeded("a@x.fi");
  EXPECT_FALSE(l.check("a@x.fi", "", 2));
}

TEST(LoginLimits, MemoryStaysBoundedUnderAFloodOfMadeUpEmails) {
  LoginLimits l;
  for (std::size_t i = 0; i < limits::kLoginTracked + 5000; ++i)
    l.failed("x" + std::to_string(i) + "@x.fi", "", static_cast<Millis>(i));
  EXPECT_LE(l.tracked(), limits::kLoginTracked);
}

}  // namespace
}  // namespace tiski
