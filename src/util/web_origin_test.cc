#include "util/web_origin.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

TEST(WebOrigin, EntriesAreTakenAsAdminsTypeThem) {
  EXPECT_EQ(normal_origin_entry("eramaa.fi"), "https://eramaa.fi");
  EXPECT_EQ(normal_origin_entry(" https://WWW.Eramaa.fi/kauppa/ "), "https://www.eramaa.fi");
  EXPECT_EQ(normal_origin_entry("http://localhost:8080"), "http://localhost:8080");
  EXPECT_EQ(normal_origin_entry("https://eramaa.fi:443"), "https://eramaa.fi");
  EXPECT_EQ(normal_origin_entry("https://*.eramaa.fi"), "https://*.eramaa.fi");
  EXPECT_EQ(normal_origin_entry("localhost:3000"), "https://localhost:3000");
  EXPECT_EQ(normal_origin_entry("http://[::1]:8080"), "http://[::1]:8080");
  for (const char* bad : {"", "   ", "ftp://eramaa.fi", "https://", "https://era maa.fi", "https://*.",
                          "https://eramaa.fi.", "https://a..b", "javascript:alert(1)", "https://*", "https://x.*.fi",
                          "https://<b>.fi", "null", "https://*.fi", "https://*.localhost", "intranet:8080"}) {
    EXPECT_EQ(normal_origin_entry(bad), "") << bad;
  }
}

TEST(WebOrigin, AnOriginIsAllowedByItselfOrAWildcardParent) {
  std::vector<std::string> list{"https://eramaa.fi", "https://*.pyorapaja.fi", "http://localhost:8080"};
  EXPECT_TRUE(origin_allowed({}, "https://anything.example"));
  EXPECT_TRUE(origin_allowed(list, "https://eramaa.fi"));
  EXPECT_TRUE(origin_allowed(list, "HTTPS://ERAMAA.FI:443"));
  EXPECT_FALSE(origin_allowed(list, "https://www.eramaa.fi"));
  EXPECT_FALSE(origin_allowed(list, "http://eramaa.fi"));
  EXPECT_TRUE(origin_allowed(list, "https://kauppa.pyorapaja.fi"));
  EXPECT_TRUE(origin_allowed(list, "https://a.b.pyorapaja.fi"));
  EXPECT_FALSE(origin_allowed(list, "https://pyorapaja.fi")) << "*. is the subdomains";
  EXPECT_FALSE(origin_allowed(list, "https://evilpyorapaja.fi"));
  EXPECT_FALSE(origin_allowed(list, "https://pyorapaja.fi.evil.example"));
  EXPECT_FALSE(origin_allowed(list, "https://kauppa.pyorapaja.fi:8443"));
  EXPECT_TRUE(origin_allowed(list, "http://localhost:8080"));
  EXPECT_FALSE(origin_allowed(list, "http://localhost:8081"));
  EXPECT_FALSE(origin_allowed(list, ""));
  EXPECT_FALSE(origin_allowed(list, "null"));
}

}  // namespace
}  // namespace tiski
