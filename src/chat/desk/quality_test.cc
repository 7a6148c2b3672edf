#include "chat/desk/quality.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "chat/desk/suggest.h"

namespace tiski::desk {
namespace {

constexpr Millis kS = 1000;

struct Chat {
  Conversation c;
  std::vector<Message> lines;
  std::vector<Event> events;
  Chat() {
    c.id = 7;
    c.tenant_id = 1;
    c.status = "closed";
    c.origin = "reactive";
    c.created_at = 0;
  }
  Chat& say(const std::string& who, Millis at, const std::string& body) {
    lines.push_back(Message{c.id, static_cast<std::int64_t>(lines.size() + 1), who, {}, "", body, "", at, "", {}, ""});
    c.closed_at = at + kS;
    return *this;
  }
  Chat& closed_by(const std::string& who) {
    events.push_back(Event{1, 1, c.id, "conversation.closed", R"({"by":")" + who + "\"}", *c.closed_at});
    return *this;
  }
  std::vector<std::string> flags() const { return judge(c, lines, events, analytics::Thresholds{}).flags; }
};

bool has(const std::vector<std::string>& flags, std::string_view f) {
  return std::find(flags.begin(), flags.end(), f) != flags.end();
}

TEST(Quality, AGoodChatHasNoFlag) {
  Chat ch;
  ch.say("visitor", 0, "Onko teltta varastossa?").say("agent", 20 * kS, "On! Mihin käyttöön sitä tarvitsette?");
  EXPECT_TRUE(ch.flags().empty());
}

TEST(Quality, AReplyOverTheSlowThresholdIsFlaggedWithTheSlowest) {
  Chat ch;
  ch.say("visitor", 0, "Hei?").say("agent", 61 * kS, "Hei, miten voin auttaa?");
  auto j = judge(ch.c, ch.lines, ch.events, analytics::Thresholds{});
  EXPECT_TRUE(has(j.flags, kFlagSlowReply));
  EXPECT_EQ(j.detail.at("slow_reply").at("slowest_ms").as_int64(), 61 * kS);
  // Exactly at the threshold is not slow (docs/metrics.md: over the threshold).
  Chat ok;
  ok.say("visitor", 0, "Hei?").say("agent", 60 * kS, "Hei, miten voin auttaa?");
  EXPECT_FALSE(has(ok.flags(), kFlagSlowReply));
}

TEST(Quality, AVisitorWhoLeftBeforeAnyAnswerWasLeftWaiting) {
  Chat ch;
  ch.say("visitor", 0, "Hei, onko ketään?").closed_by("visitor");
  EXPECT_TRUE(has(ch.flags(), kFlagLeftWaiting));
  EXPECT_FALSE(has(ch.flags(), kFlagNoQuestion));  // no agent line: nothing to judge the agent by
}

TEST(Quality, ABuyingSignalNeedsALinkAnOfferOrASale) {
  Chat ch;
  ch.c.signals = {"cart"};
  ch.say("visitor", 0, "Saako tästä alennusta?").say("agent", 10 * kS, "Valitettavasti ei. Voinko auttaa muussa?");
  EXPECT_TRUE(has(ch.flags(), kFlagSignal));
  Chat linked = ch;
  linked.say("agent", 20 * kS, "Katso myös https://kauppa.example/teltat");
  EXPECT_FALSE(has(linked.flags(), kFlagSignal));
  Chat offered = ch;
  offered.say("agent", 20 * kS, "Suosittelen kevyempää mallia!");
  EXPECT_FALSE(has(offered.flags(), kFlagSignal));
  Chat sold = ch;
  sold.c.outcome = "sale";
  EXPECT_FALSE(has(sold.flags(), kFlagSignal));
  Chat none;  // no signal: nothing to act on
  none.say("visitor", 0, "Hei").say("agent", 5 * kS, "Hei! Kysy vain?");
  EXPECT_FALSE(has(none.flags(), kFlagSignal));
}

TEST(Quality, AnAgentWhoAskedNothingIsFlaggedInLiveChatsOnly) {
  Chat ch;
  ch.say("visitor", 0, "Onko teltta varastossa?").say("agent", 10 * kS, "On.");
  EXPECT_TRUE(has(ch.flags(), kFlagNoQuestion));
  Chat mail = ch;
  mail.c.origin = "offline";
  EXPECT_FALSE(has(mail.flags(), kFlagNoQuestion));
  // A note is not talk: a question in it does not count.
  Chat noted = ch;
  noted.say("note", 11 * kS, "Kysyisinkö jotain?");
  EXPECT_TRUE(has(noted.flags(), kFlagNoQuestion));
}

TEST(Quality, RudeWordsAreFoundInflectedButNotInsideOtherWords) {
  EXPECT_EQ(rude_word("Senkin IDIOOTTI!"), "idiootti");
  EXPECT_EQ(rude_word("idiootteja kaikki"), "idiootteja");
  EXPECT_EQ(rude_word("Vad fan håller du på med"), "fan");
  EXPECT_EQ(rude_word("Det är jävligt dåligt"), "javligt");
  EXPECT_EQ(rude_word("Oh, shut up."), "shut up");
  EXPECT_EQ(rude_word("Tämä on fantastinen teltta"), "");
  EXPECT_EQ(rude_word("Please shut the door"), "");
  EXPECT_EQ(rude_word(""), "");
  Chat ch;
  ch.say("visitor", 0, "Perkele, missä paketti?").say("agent", 5 * kS, "Selvitän, mikä on tilausnumero?");
  EXPECT_FALSE(has(ch.flags(), kFlagRude));  // the visitor's words are not the agent's
  ch.say("agent", 9 * kS, "Tyhmä kysymys.");
  auto j = judge(ch.c, ch.lines, ch.events, analytics::Thresholds{});
  EXPECT_TRUE(has(j.flags, kFlagRude));
  EXPECT_EQ(j.detail.at("rude_word").at("seq").as_int64(), 3);
}

TEST(Quality, ReviewsNeedFourScoresFromOneToFive) {
  auto ok = parse_review(
      boost::json::parse(R"({"reachability":1,"efficiency":5,"atmosphere":3,"sales":2,"comment":"ok"})").as_object());
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->efficiency, 5);
  EXPECT_EQ(ok->comment, "ok");
  for (const char* bad : {R"({"reachability":0,"efficiency":5,"atmosphere":3,"sales":2})",
                          R"({"reachability":1.5,"efficiency":5,"atmosphere":3,"sales":2})",
                          R"({"reachability":"3","efficiency":5,"atmosphere":3,"sales":2})",
                          R"({"efficiency":5,"atmosphere":3,"sales":2})",
                          R"({"reachability":1,"efficiency":5,"atmosphere":3,"sales":2,"extra":1})"}) {
    EXPECT_FALSE(parse_review(boost::json::parse(bad).as_object())) << bad;
  }
}

TEST(Suggest, CannedAnswersSharingStemsComeFirstThenEarlierReplies) {
  CannedAnswer toimitus{
      1, 1, "toimitus", "Toimitusehdot", "Toimitamme 2–4 arkipäivässä.", "Vi levererar.", "We deliver.", 0};
  CannedAnswer palautus{2, 1, "palautus", "Palautukset", "Palautusaika on 30 päivää.", "", "", 0};
  std::vector<PastReply> past{{9, "Paljonko toimitus maksaa?", "Toimitus Rovaniemelle maksaa 6,90 €.", -3.0},
                              {8, "Toimitus?", "Ok.", -2.0},  // too short to help
                              {7, "Kuinka kauan toimitus kestää?", "Toimitamme 2–4 arkipäivässä.", -1.0}};
  auto s = suggest("Mitä toimituksen hinta on Rovaniemelle?", "fi", {palautus, toimitus}, past);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].kind, "canned");
  EXPECT_EQ(s[0].canned, 1);
  EXPECT_EQ(s[1].kind, "reply");
  EXPECT_EQ(s[1].conv, 9);  // the repeat of the canned text and the short one are left out
  // The visitor's language chooses the canned text.
  EXPECT_EQ(suggest("toimitus", "en", {toimitus}, {})[0].text, "We deliver.");
  // Nothing telling in the question: nothing suggested.
  EXPECT_TRUE(suggest("Hei, onko?", "fi", {toimitus}, past).empty());
}

TEST(Suggest, LinesSharingRarerWordsRankFirst) {
  std::vector<PastLine> lines{{1, 1, "Onko teltta varastossa?"},
                              {2, 1, "Paljonko toimitus Rovaniemelle maksaa?"},
                              {3, 1, "Mitä toimitus maksaa?"},
                              {4, 1, "Toimitus toimitus toimitus"},
                              {5, 1, "Hei vain"}};
  auto ranked = rank_questions("Mitä maksaa toimituksen Rovaniemelle?", lines, 3);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_EQ(ranked[0].first, 1u);  // the only one with "Rovaniemelle", the rarest word
  EXPECT_GT(ranked[0].second, ranked[1].second);
  for (auto [i, score] : ranked) EXPECT_NE(i, 4u);        // shares no word
  EXPECT_TRUE(rank_questions("Hei?", lines, 3).empty());  // nothing telling asked
  EXPECT_TRUE(rank_questions("toimitus", {}, 3).empty());
}

// A question word with ä or ö counts as the index folds it (the lines are folded: "vedenpitävä"
// had matched no line, so a question about it ranked by its other words alone).
TEST(Suggest, WordsWithUmlautsCount) {
  std::vector<PastLine> lines = {{1, 1, "Voinko palauttaa teltan?"},
                                 {2, 1, "Onko teltta vedenpitävä?"},
                                 {3, 1, "Onko kompassi vedenpitävä?"},
                                 {4, 1, "Mikä on teltan hinta?"}};
  auto ranked = rank_questions("Onko teltta vedenpitävä?", lines, 4);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].first, 1u);
  auto other =
      rank_questions("Kestääkö kenkä pakkasta?", {{1, 1, "Kestääkö takki pakkasta?"}, {2, 1, "Onko kenkä musta?"}}, 2);
  ASSERT_EQ(other.size(), 2u);  // "kestääkö" and "pakkasta" count as well as "kenkä"
  EXPECT_EQ(other[0].first, 0u);
}

}  // namespace
}  // namespace tiski::desk
