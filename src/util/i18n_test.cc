#include "util/i18n.h"

#include <gtest/gtest.h>

namespace tiski::i18n {
namespace {

TEST(I18n, LooksUpAndFillsIn) {
  EXPECT_EQ(text("transfer.to_agent", "sv", {{"name", "Bertta"}}), "Chatten överfördes till Bertta.");
  EXPECT_EQ(text("transfer.to_agent", "de", {{"name", "Bertta"}}),
            "Keskustelu siirrettiin asiakaspalvelijalle Bertta.");
  EXPECT_EQ(text("closed.idle", "en", {{"minutes", "30"}}).substr(0, 35), "The chat was closed after 30 minute");
  EXPECT_EQ(text("no.such.key", "fi"), "no.such.key");
}

}  // namespace
}  // namespace tiski::i18n
