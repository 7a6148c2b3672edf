#include "chat/rules/rules.h"

#include <gtest/gtest.h>

namespace tiski::rules {
namespace {

constexpr Millis kNow = 1'800'000'000'000;
constexpr Moment kAt{kNow, true};

Facts facts() {
  Facts f;
  f.page_since = kNow - 30'000;    // 30 s on the page
  f.visit_start = kNow - 300'000;  // 5 min on the site
  f.pages = 4;
  f.url = Interned("https://eramaa.demo/tuotteet/teltat/vaellus-2?vari=vihrea#arvostelut");
  f.category = Interned("Teltat");
  f.lang = Interned("fi");
  f.source = std::make_shared<const Source>(Source{Interned("https://www.Google.fi/search?q=teltta"),
                                                   Interned("newsletter"), Interned("email"), Interned("Talvi2026")});
  f.cart = std::make_shared<const Cart>(Cart{32900, Interned("EUR"), 2});
  return f;
}

Condition cond(const std::string& json) {
  auto rs = parse(R"([{"id":1,"when":)" + json + R"(,"action":{"text":"Hei"}}])");
  EXPECT_TRUE(rs.ok()) << json << ": " << (rs.ok() ? "" : rs.error().message);
  return rs.ok() ? rs->rules[0].when : Condition{};
}

bool test(const std::string& json, const Facts& f = facts(), const Moment& at = kAt) {
  return holds(cond(json), f, at);
}

TEST(Rules, IdleTimeOnPageAndSite) {
  Facts f = facts();
  EXPECT_FALSE(test(R"({"idle_s": 10})", f));  // not idle at all
  f.idle_since = kNow - 9'000;
  EXPECT_FALSE(test(R"({"idle_s": 10})", f));
  f.idle_since = kNow - 10'000;
  EXPECT_TRUE(test(R"({"idle_s": 10})", f));
  EXPECT_TRUE(test(R"({"page_s": 30})"));
  EXPECT_FALSE(test(R"({"page_s": 31})"));
  EXPECT_TRUE(test(R"({"site_s": {">": 299}})"));
  EXPECT_FALSE(test(R"({"site_s": {"<": 300}})"));
  EXPECT_TRUE(test(R"({"pages": {"==": 4}})"));
  EXPECT_TRUE(test(R"({"pages": {"<=": 4}})"));
  EXPECT_FALSE(test(R"({"pages": 5})"));
}

TEST(Rules, CartValueInCurrencyUnits) {
  EXPECT_TRUE(test(R"({"cart_value": 329})"));
  EXPECT_TRUE(test(R"({"cart_value": 328.99})"));
  EXPECT_FALSE(test(R"({"cart_value": 329.01})"));
  Facts none = facts();
  none.cart = nullptr;
  EXPECT_FALSE(test(R"({"cart_value": 0})", none));          // no cart reported
  EXPECT_FALSE(test(R"({"cart_value": {"<": 50}})", none));  // not even "less than"
}

TEST(Rules, UrlGlobsMatchThePathOrTheWholeUrl) {
  EXPECT_TRUE(test(R"({"url": "/tuotteet/teltat/*"})"));
  EXPECT_TRUE(test(R"({"url": "*vaellus-2*"})"));
  EXPECT_TRUE(test(R"({"url": "/tuotteet/*/vaellus-2?vari=*"})"));
  EXPECT_FALSE(test(R"({"url": "/tuotteet/reput/*"})"));
  EXPECT_FALSE(test(R"({"url": "/tuotteet"})"));    // a glob must match all of it
  EXPECT_FALSE(test(R"({"url": "*arvostelut"})"));  // the fragment is not part of it
  EXPECT_TRUE(test(R"({"url": "https://eramaa.demo/*"})"));
  EXPECT_FALSE(test(R"({"url": "https://muu.demo/*"})"));
}

TEST(Rules, TextConditions) {
  EXPECT_TRUE(test(R"({"category": "teltat"})"));  // case-insensitive
  EXPECT_TRUE(test(R"({"category": ["reput", "TELTAT"]})"));
  EXPECT_FALSE(test(R"({"category": "reput"})"));
  Facts nocat = facts();
  nocat.category = Interned();
  EXPECT_FALSE(test(R"({"category": "teltat"})", nocat));
  EXPECT_TRUE(test(R"({"lang": ["sv", "fi"]})"));
  EXPECT_FALSE(test(R"({"lang": "en"})"));
  EXPECT_TRUE(test(R"({"referrer": "google."})"));
  EXPECT_FALSE(test(R"({"referrer": "bing."})"));
  EXPECT_TRUE(test(R"({"utm_source": "Newsletter"})"));
  EXPECT_TRUE(test(R"({"utm_medium": "email"})"));
  EXPECT_TRUE(test(R"({"utm_campaign": "talvi2026"})"));
  EXPECT_FALSE(test(R"({"utm_campaign": "kesa2026"})"));
}

TEST(Rules, ReturningAndBusinessHours) {
  Facts f = facts();
  EXPECT_TRUE(test(R"({"returning": false})", f));
  f.returning = true;
  EXPECT_TRUE(test(R"({"returning": true})", f));
  EXPECT_TRUE(test(R"({"in_hours": true})", f));
  Moment closed{kNow, false};
  EXPECT_FALSE(test(R"({"in_hours": true})", f, closed));
  EXPECT_TRUE(test(R"({"in_hours": false})", f, closed));
}

TEST(Rules, AllAndAnyCombine) {
  Facts f = facts();
  f.idle_since = kNow - 12'000;
  EXPECT_TRUE(test(R"({"all": [{"category": "teltat"}, {"idle_s": 10}]})", f));
  EXPECT_FALSE(test(R"({"all": [{"category": "reput"}, {"idle_s": 10}]})", f));
  EXPECT_TRUE(test(R"({"any": [{"category": "reput"}, {"idle_s": 10}]})", f));
  EXPECT_FALSE(test(R"({"any": [{"category": "reput"}, {"idle_s": 60}]})", f));
  EXPECT_TRUE(test(R"({"any": [{"all": [{"cart_value": 100}, {"pages": 3}]}, {"returning": true}]})", f));
}

RuleSet two_rules() {
  auto rs = parse(R"([
    {"id": 7, "name": "teltat", "when": {"category": "teltat"}, "action": {"mode": "teaser", "text": {"fi": "Apua teltan valintaan?", "en": "Help choosing a tent?"}},
     "cap": {"once_per_visit": true, "after_dismiss_days": 7}},
    {"id": 3, "name": "kaikki", "when": {"page_s": 20}, "action": {"text": "Hei!"}, "cap": {"once_per_visit": false}}
  ])");
  EXPECT_TRUE(rs.ok()) << rs.error().message;
  return *rs;
}

TEST(Rules, FirstMatchingRuleWinsAndCapsApply) {
  RuleSet rs = two_rules();
  Facts f = facts();
  History h;
  const Rule* r = choose(rs, f, h, kAt);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->mode, proto::InviteMode::kTeaser);
  EXPECT_EQ(r->text_for("en"), "Help choosing a tent?");
  EXPECT_EQ(r->text_for("sv"), "Apua teltan valintaan?");  // Finnish when the language is missing
  // Once per visit: after it was shown, the next rule.
  h.shown_this_visit.insert(7);
  r = choose(rs, f, h, kAt);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->id, 3);
  // Rule 3 has no per-visit cap.
  h.shown_this_visit.insert(3);
  EXPECT_EQ(choose(rs, f, h, kAt)->id, 3);
  // Dismissed 6 days ago: not again for 7 days; after 7 it may come back in a new visit.
  History d;
  d.dismissed_at[7] = kNow - 6 * 86'400'000LL;
  EXPECT_EQ(choose(rs, f, d, kAt)->id, 3);
  d.dismissed_at[7] = kNow - 7 * 86'400'000LL;
  EXPECT_EQ(choose(rs, f, d, kAt)->id, 7);
  // Disabled rules and conditions that do not hold: nothing.
  rs.rules[0].enabled = false;
  f.page_since = kNow - 1000;
  EXPECT_EQ(choose(rs, f, {}, kAt), nullptr);
}

TEST(Rules, BadRulesAreRefusedWithTheirName) {
  auto bad = [](const std::string& json, const std::string& says) {
    auto r = parse(json);
    ASSERT_FALSE(r.ok()) << json;
    EXPECT_EQ(r.error().code, Errc::kBadRequest);
    EXPECT_NE(r.error().message.find(says), std::string::npos) << r.error().message;
  };
  bad("{", "not valid JSON");
  bad(R"({"id":1})", "list");
  bad(R"([{"when":{"idle_s":1},"action":{"text":"x"}}])", "rule 1: needs a positive integer 'id'");
  bad(R"([{"id":2,"action":{"text":"x"}}])", "rule 2: needs 'when'");
  bad(R"([{"id":2,"when":{"idle":1},"action":{"text":"x"}}])", "unknown condition 'idle'");
  bad(R"([{"id":2,"when":{"idle_s":"10"},"action":{"text":"x"}}])", "'idle_s' needs a number");
  bad(R"([{"id":2,"when":{"idle_s":{"~":1}},"action":{"text":"x"}}])", "'idle_s' takes a number or");
  bad(R"([{"id":2,"when":{"idle_s":1,"pages":2},"action":{"text":"x"}}])", "exactly one key");
  bad(R"([{"id":2,"when":{"all":[]},"action":{"text":"x"}}])", "non-empty list");
  bad(R"([{"id":2,"when":{"returning":"yes"},"action":{"text":"x"}}])", "true or false");
  bad(R"([{"id":2,"when":{"utm_source":["a","b"]},"action":{"text":"x"}}])", "one string");
  bad(R"([{"id":2,"when":{"pages":1},"action":{"mode":"popup","text":"x"}}])", "open or teaser");
  bad(R"([{"id":2,"when":{"pages":1},"action":{}}])", "needs 'text'");
  bad(R"([{"id":2,"when":{"pages":1},"action":{"text":""}}])", "1-500 bytes");
  bad(R"([{"id":2,"when":{"pages":1},"action":{"text":"x"},"cap":{"after_dismiss_days":400}}])", "cap takes");
  bad(R"([{"id":2,"when":{"pages":1},"action":{"text":"x"}},{"id":2,"when":{"pages":1},"action":{"text":"x"}}])",
      "rule 2: the id is used twice");
  bad(R"([{"id":2,"when":{"pages":1},"action":{"text":"x"},"colour":"red"}])", "unknown field 'colour'");
  std::string deep = R"({"pages":1})";
  for (int i = 0; i < 9; ++i) deep = R"({"all":[)" + deep + "]}";
  bad(R"([{"id":2,"when":)" + deep + R"(,"action":{"text":"x"}}])", "nested more than 8");
  std::string many = "[";
  for (int i = 1; i <= 51; ++i)
    many += std::string(i > 1 ? "," : "") + R"({"id":)" + std::to_string(i) +
            R"(,"when":{"pages":1},"action":{"text":"x"}})";
  bad(many + "]", "at most 50 rules");
  EXPECT_TRUE(parse("[]").ok());
}

}  // namespace
}  // namespace tiski::rules
