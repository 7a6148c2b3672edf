#include "chat/desk/canned.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "chat/desk/policy.h"

namespace tiski::desk {
namespace {

Result<CannedAnswer> parse(std::string_view json) {
  return parse_canned(boost::json::parse(json).as_object(), Id{1}, 7);
}

TEST(Canned, ShortcutsAreShortLowerCaseWords) {
  EXPECT_FALSE(check_shortcut("toimitus"));
  EXPECT_FALSE(check_shortcut("päivä-2_ö"));
  EXPECT_TRUE(check_shortcut(""));
  EXPECT_TRUE(check_shortcut("Toimitus"));
  EXPECT_TRUE(check_shortcut("two words"));
  EXPECT_TRUE(check_shortcut("/toimitus"));
  EXPECT_TRUE(check_shortcut(std::string(33, 'a')));
  EXPECT_TRUE(check_shortcut("\xC3\xA9"));  // é is not one of the Nordic letters
}

TEST(Canned, OnlyKnownVariablesAreAccepted) {
  EXPECT_FALSE(check_text("Hei {visitor.name}, olen {agent.name} / {site.name}. Auki {hours.today}.", "fi"));
  EXPECT_FALSE(check_text("Koodi {ABC} ja {1} ja { } ovat tekstiä", "fi"));
  auto e = check_text("Hei {visitor.email}!", "fi");
  ASSERT_TRUE(e);
  EXPECT_NE(e->message.find("unknown variable {visitor.email}"), std::string::npos);
  EXPECT_NE(e->message.find("{visitor.name}"), std::string::npos);  // tells the known ones
  EXPECT_TRUE(check_text(std::string(4001, 'a'), "fi"));
}

TEST(Canned, AnAnswerIsReadCleanedAndChecked) {
  auto a = parse(
      R"({"shortcut":"toimitus","title":" Toimitusehdot ","texts":{"fi":"Toimitus\u0007 2-4 pv","en":"Delivery 2-4 days"}})");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->title, "Toimitusehdot");
  EXPECT_EQ(a->fi, "Toimitus 2-4 pv");
  EXPECT_EQ(a->sv, "");
  EXPECT_EQ(a->tenant_id, Id{1});
  auto j = canned_json(*a);
  EXPECT_FALSE(j.at("texts").as_object().contains("sv"));
  EXPECT_FALSE(j.at("workspace").as_bool());
  for (auto bad : {R"({"shortcut":"x","title":"t","texts":{}})", R"({"shortcut":"x","title":"","texts":{"fi":"a"}})",
                   R"({"shortcut":"x","title":"t","texts":{"de":"a"}})", R"({"shortcut":"x","title":"t","texts":"a"})",
                   R"({"shortcut":"x","title":"t","texts":{"fi":5}})", R"({"title":"t","texts":{"fi":"a"}})",
                   R"({"shortcut":"x","title":"t","texts":{"fi":"a"},"extra":1})"}) {
    auto r = parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::kBadRequest);
    }
  }
}

TEST(Canned, AFileRoundTripsAndRefusesTheSameShortcutTwice) {
  auto a = parse(R"({"shortcut":"a","title":"A","texts":{"fi":"aa","sv":"åå"}})");
  auto b = parse(R"({"shortcut":"b","title":"B","texts":{"en":"bb"}})");
  auto text = canned_file({*a, *b});
  auto back = parse_canned_file(text, std::nullopt, 9);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].sv, "åå");
  EXPECT_FALSE((*back)[0].tenant_id);
  auto twice = parse_canned_file(R"({"canned":[{"shortcut":"a","title":"A","texts":{"fi":"1"}},)"
                                 R"({"shortcut":"a","title":"A2","texts":{"fi":"2"}}]})",
                                 Id{1}, 9);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("answer 2"), std::string::npos);
  EXPECT_FALSE(parse_canned_file("[]", Id{1}, 9).ok());
  EXPECT_FALSE(parse_canned_file("not json", Id{1}, 9).ok());
}

TEST(Policy, ColourAndCardAreChecked) {
  EXPECT_EQ(*parse_color("#2F6F4E"), "#2f6f4e");
  EXPECT_EQ(*parse_color(""), "");
  EXPECT_FALSE(parse_color("red").ok());
  EXPECT_FALSE(parse_color("#12345").ok());
  EXPECT_EQ(*parse_policy("  Ei maksuja\u0001 chatissa.\n"), "Ei maksuja chatissa.");
  EXPECT_FALSE(parse_policy(std::string(4001, 'a')).ok());
}

TEST(Policy, TodaysHoursFollowTheTenantsZoneAndExceptions) {
  Tenant t;
  t.id = 3;
  t.name = "Erämaa";
  t.hours = "tz=Europe/Helsinki; mon-fri 09:00-17:00; 2026-12-24 closed";
  // Thursday 2026-12-03 08:00 UTC = 10:00 in Helsinki.
  Millis thu = 1'796'284'800'000;
  auto d = desk_json(t, thu);
  ASSERT_TRUE(d.at("hours_today").is_array());
  EXPECT_EQ(d.at("hours_today").as_array()[0].as_string(), "09:00-17:00");
  EXPECT_TRUE(d.at("open_now").as_bool());
  // Christmas Eve 2026 (a Thursday): closed all day.
  auto eve = desk_json(t, thu + 21 * 86'400'000LL);
  EXPECT_TRUE(eve.at("hours_today").as_array().empty());
  EXPECT_FALSE(eve.at("open_now").as_bool());
  // 23:30 UTC on Thursday is already Friday 01:30 in Helsinki: Friday's hours, closed now.
  auto late = desk_json(t, thu + 15 * 3'600'000LL + 30 * 60'000);
  EXPECT_EQ(late.at("hours_today").as_array()[0].as_string(), "09:00-17:00");
  EXPECT_FALSE(late.at("open_now").as_bool());
  t.hours.clear();
  EXPECT_TRUE(desk_json(t, thu).at("hours_today").is_null());
}

}  // namespace
}  // namespace tiski::desk
