#include "chat/desk/cards.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace tiski::desk {
namespace {

constexpr const char* kCard =
    R"({"id":"oma-tili","title":"Tämä vaatii vahvan tunnistautumisen","text":"Hoida asia Oma tilissä.",)"
    R"("url":"https://eramaa.example/oma-tili","label":"Jatka Oma tiliin","channel":"Oma tili"})";

Result<std::vector<ChannelCard>> parse(const std::string& json) { return parse_cards(boost::json::parse(json)); }

TEST(ChannelCards, ACardRoundTripsAndReadsAsText) {
  auto cards = parse(std::string("[") + kCard + "]");
  ASSERT_TRUE(cards.ok()) << cards.error().message;
  ASSERT_EQ(cards->size(), 1u);
  EXPECT_EQ((*cards)[0].channel, "Oma tili");
  auto again = stored_cards(cards_text(*cards));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].url, "https://eramaa.example/oma-tili");
  EXPECT_EQ(card_body(again[0]),
            "Tämä vaatii vahvan tunnistautumisen\nHoida asia Oma tilissä.\nJatka Oma tiliin: "
            "https://eramaa.example/oma-tili");
  EXPECT_EQ(cards_text({}), "");
  EXPECT_TRUE(stored_cards("not json").empty());
  EXPECT_TRUE(parse("[]")->empty());
}

TEST(ChannelCards, BadCardsAreRefusedNamingTheCardAndField) {
  auto with = [](const std::string& key, const std::string& value) {
    auto v = boost::json::parse(kCard).as_object();
    v[key] = value;
    return "[" + boost::json::serialize(v) + "]";
  };
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{{"url", "javascript:alert(1)"},
                                                                                   {"url", "https://"},
                                                                                   {"url", "https://a.example/x y"},
                                                                                   {"url", "data:text/html,<script>"},
                                                                                   {"url", "//evil.example"},
                                                                                   {"id", "Oma Tili"},
                                                                                   {"id", ""},
                                                                                   {"title", ""},
                                                                                   {"title", "two\nlines"},
                                                                                   {"label", ""},
                                                                                   {"label", std::string(41, 'x')},
                                                                                   {"channel", ""},
                                                                                   {"text", std::string(601, 'x')}}) {
    auto r = parse(with(key, value));
    ASSERT_FALSE(r.ok()) << key << "=" << value;
    EXPECT_NE(r.error().message.find("card 1"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(parse("{}").ok());
  EXPECT_FALSE(parse(R"([{"id":"a","x":"y"}])").ok());
  EXPECT_EQ(parse(std::string("[") + kCard + "," + kCard + "]").error().code, Errc::kConflict);  // the same id
  std::string many = "[";
  for (int i = 0; i < 11; ++i) {
    auto v = boost::json::parse(kCard).as_object();
    v["id"] = "c" + std::to_string(i);
    many += (i ? "," : "") + boost::json::serialize(v);
  }
  EXPECT_EQ(parse(many + "]").error().code, Errc::kTooLarge);
}

}  // namespace
}  // namespace tiski::desk
