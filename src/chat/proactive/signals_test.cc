#include "chat/proactive/signals.h"

#include <gtest/gtest.h>

namespace tiski::signals {
namespace {

Phrases phrases() {
  auto p = parse(R"({"doc": "x", "fi": ["hinta", "hinna", "onko varastossa", "varastossa", "toimitu", "ostaa"],
                     "sv": ["pris", "köpa"], "en": ["price", "in stock"]})");
  EXPECT_TRUE(p.ok());
  return *p;
}

TEST(Signals, PhrasesAtWordStartsInAnyLanguage) {
  auto p = phrases();
  EXPECT_EQ(detect(p, "Mikä on teltan HINTA?", -1, ""), std::vector<std::string>{"phrase:hinta"});
  EXPECT_EQ(detect(p, "Paljonko hinnat ovat?", -1, ""), std::vector<std::string>{"phrase:hinna"});  // a stem
  EXPECT_EQ(detect(p, "Onko varastossa kahden hengen telttaa?", -1, ""),
            std::vector<std::string>{"phrase:onko varastossa"});  // the longer phrase, once
  EXPECT_EQ(detect(p, "Kuinka nopea toimitus on?", -1, ""), std::vector<std::string>{"phrase:toimitu"});
  EXPECT_EQ(detect(p, "Vad är priset?", -1, ""), std::vector<std::string>{"phrase:pris"});
  EXPECT_EQ(detect(p, "Jag vill KÖPA två", -1, ""), std::vector<std::string>{"phrase:köpa"});  // Ö folds
  EXPECT_EQ(detect(p, "Is it in stock?", -1, ""), std::vector<std::string>{"phrase:in stock"});
  EXPECT_TRUE(detect(p, "Sopraano laulaa", -1, "").empty());
  EXPECT_TRUE(detect(p, "Ylihinta ei kiinnosta", -1, "").empty());  // not at a word start
  EXPECT_TRUE(detect(p, "Kiitos avusta!", -1, "").empty());
}

TEST(Signals, CartAndProductPage) {
  auto p = phrases();
  EXPECT_EQ(detect(p, "hei", 32900, "teltat"), (std::vector<std::string>{"cart", "product_page"}));
  EXPECT_EQ(detect(p, "hei", 0, ""), std::vector<std::string>{});  // an empty cart is no signal
  EXPECT_EQ(detect(p, "hinta?", 100, ""), (std::vector<std::string>{"cart", "phrase:hinta"}));
}

TEST(Signals, TheShippedListsParse) {
  auto p = load(std::string(TISKI_SOURCE_DIR) + "/share/buying-signals.json");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_GT(p->all.size(), 20u);
  EXPECT_FALSE(detect(*p, "Onko tätä varastossa ja mikä on toimitusaika?", -1, "").empty());
  EXPECT_FALSE(parse(R"({"fi": "hinta"})").ok());
  EXPECT_FALSE(parse(R"([1])").ok());
}

}  // namespace
}  // namespace tiski::signals
