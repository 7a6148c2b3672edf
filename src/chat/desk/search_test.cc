// Transcript search: the query's parsing, and what it finds and misses in Finnish (and Swedish,
// English) over a real SQLite FTS5 index (docs/desk.md keeps the same list).
#include "chat/desk/search.h"

#include <gtest/gtest.h>

#include <map>

#include <algorithm>
#include <set>

#include "store/sqlite/sqlite_engine.h"

namespace tiski::desk {
namespace {

TEST(SearchQuery, WordsPhrasesAndLimits) {
  auto t = parse_search("  Onko TELTTA, \"vaellus 2\" varastossa?  ");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(t->words, (std::vector<std::string>{"onko", "teltta", "varastossa"}));
  ASSERT_EQ(t->phrases.size(), 1u);
  EXPECT_EQ(t->phrases[0], (std::vector<std::string>{"vaellus", "2"}));
  EXPECT_EQ(parse_search("ÄÄNI Öljy")->words, (std::vector<std::string>{"ääni", "öljy"}));
  for (auto bad : {"", "  ?! ", "\"avoin lainaus", "a b c d e f g h i"}) {
    auto r = parse_search(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::kBadRequest);
    }
  }
  EXPECT_FALSE(parse_search(std::string(201, 'a')).ok());
  // FTS5's own syntax is text here: nothing of it reaches the expression unquoted.
  auto sneaky = parse_search("teltta OR NEAR(x) body:* -y ^z");
  ASSERT_TRUE(sneaky.ok());
  auto expr = match_expression(*sneaky);
  EXPECT_EQ(expr.find("NEAR("), std::string::npos);
  EXPECT_NE(expr.find("\"near\""), std::string::npos);
  // Emoji are no words (the index keeps none): dropped, the rest searched; only emoji is nothing.
  auto emoji = parse_search("\xF0\x9F\x98\x80 teltta \xE2\x9D\xA4\xEF\xB8\x8F");
  ASSERT_TRUE(emoji.ok());
  EXPECT_EQ(emoji->words, std::vector<std::string>{"teltta"});
  EXPECT_FALSE(parse_search("\xF0\x9F\x98\x80").ok());
}

TEST(SearchQuery, AWordBecomesItsStemsAsPrefixes) {
  auto p = word_prefixes("teltta");
  EXPECT_NE(std::find(p.begin(), p.end(), "telt"), p.end());
  EXPECT_EQ(std::find(p.begin(), p.end(), "teltta"), p.end());  // covered by telt
  auto k = word_prefixes("kenkä");
  EXPECT_NE(std::find(k.begin(), k.end(), "keng"), k.end());  // kenkä / kengät
  EXPECT_EQ(word_prefixes("on"), (std::vector<std::string>{"on"}));
  EXPECT_EQ(word_prefixes("2026"), (std::vector<std::string>{"2026"}));
  auto expr = match_expression(*parse_search("kenkä 42"));
  EXPECT_NE(expr.find("\"keng\"*"), std::string::npos);
  EXPECT_NE(expr.find("\"42\""), std::string::npos);
  EXPECT_EQ(expr.find("\"42\"*"), std::string::npos);
}

// A store with one line per text, and the texts a search finds.
class Found : public ::testing::Test {
 protected:
  void SetUp() override {
    db = std::move(SqliteStore::open(":memory:")).value();
    tenant = db->create_tenant("eramaa", "Erämaa", 1)->id;
    other = db->create_tenant("muu", "Muu", 1)->id;
  }
  void add(Id t, const std::vector<std::string>& texts) {
    Site s;
    s.tenant_id = t;
    s.key = "k" + std::to_string(++n);
    s.secret = "x";
    s.name = "s";
    s.greeting = "g";
    s.langs = {"fi"};
    auto site = db->create_site(s);
    auto v = db->create_visitor(site->id, "fi", 1);
    for (const auto& text : texts) {
      auto c = db->create_conversation(v->id, origin::kReactive, 10 + n);
      Message m;
      m.conv_id = c->id;
      m.author = "visitor";
      m.author_id = v->id;
      m.body = text;
      m.at = 10 + n;
      ASSERT_TRUE(db->append_message(m).ok());
      ASSERT_TRUE(db->close(c->id, 20 + n).ok());
      ++n;
    }
  }
  std::set<std::string> search(const std::string& q, std::vector<Id> tenants = {}) {
    EXPECT_TRUE(db->index_search(100000).ok());  // the server's indexer, every second
    SearchQuery sq;
    sq.tenants = tenants.empty() ? std::vector<Id>{tenant} : tenants;
    sq.match = match_expression(*parse_search(q));
    sq.limit = 100;
    auto page = db->search_messages(sq);
    EXPECT_TRUE(page.ok()) << page.error().message;
    std::set<std::string> out;
    for (const auto& h : page->hits) {
      auto msgs = db->messages_after(h.conv.id, 0, 10);
      for (const auto& m : *msgs) {
        if (m.seq == h.seq) out.insert(m.body);
      }
    }
    return out;
  }
  std::unique_ptr<SqlStore> db;
  Id tenant = 0, other = 0;
  int n = 0;
};

TEST(SearchSnippet, MarksTheWordsTheQueryMatchedAroundTheFirst) {
  auto t = *parse_search("teltta \"vaellus 2\"");
  EXPECT_EQ(snippet("Telttojen hinnat? Vaellus 2 on hyvä", t),
            "\x02Telttojen\x03 hinnat? \x02Vaellus\x03 \x02"
            "2\x03 on hyvä");
  EXPECT_EQ(snippet("Ei osumia tässä", t), "Ei osumia tässä");
  // A long line: a window from a few words before the first match.
  std::string long_line =
      "yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän kymmenen teltoista puhe "
      "jatkuu vielä pitkään ja pitkään ja pitkään ja pitkään ja pitkään loppuun";
  auto cut = snippet(long_line, *parse_search("teltta"), 8);
  EXPECT_EQ(cut, "…yhdeksän kymmenen \x02teltoista\x03 puhe jatkuu vielä pitkään ja…");
  // Folded like the index: "poyta" marks "pöydän".
  EXPECT_EQ(snippet("Pöydän jalka", *parse_search("poyta")), "\x02Pöydän\x03 jalka");
}

TEST_F(Found, FinnishInflectionsAndWhatIsMissed) {
  add(tenant, {"Onko teltta varastossa?", "Haluan ostaa telttaa", "Telttojen hinnat?", "Puhutaan teltoista",
               "Teltan kangas repesi", "Meillä on retkiteltta", "Tellervo soitti", "Kengät ovat pienet",
               "Kenkä hiertää", "Toimitus kestää", "Toimituksen seuranta", "Pöydän jalka", "Tältä pöydältä",
               "Leveransen dröjer", "The tents are here", "Vaellus 2 -teltta"});
  add(other, {"Teltta toisen asiakkaan chatissa"});
  // "teltta" finds its inflections (Snowball's stems, trailing vowel dropped, gradation).
  // An extra: the gradation variant "tell" (lt/ll as in kulta/kullan) also begins "Tellervo".
  EXPECT_EQ(search("teltta"), (std::set<std::string>{"Onko teltta varastossa?", "Haluan ostaa telttaa",
                                                     "Telttojen hinnat?", "Puhutaan teltoista", "Teltan kangas repesi",
                                                     "Vaellus 2 -teltta", "Tellervo soitti"}));
  // Misses: a compound whose last part is the word ("retkiteltta"); found by its own beginning.
  EXPECT_FALSE(search("teltta").contains("Meillä on retkiteltta"));
  EXPECT_TRUE(search("retki").contains("Meillä on retkiteltta"));
  // Gradation both ways: kenkä / kengät.
  EXPECT_EQ(search("kengät"), (std::set<std::string>{"Kengät ovat pienet", "Kenkä hiertää"}));
  EXPECT_EQ(search("kenkä"), (std::set<std::string>{"Kengät ovat pienet", "Kenkä hiertää"}));
  // -us / -uksen.
  EXPECT_EQ(search("toimitus"), (std::set<std::string>{"Toimitus kestää", "Toimituksen seuranta"}));
  EXPECT_EQ(search("toimituksen"), search("toimitus"));
  // Diacritics folded: "poyta" (typed without dots) finds pöytä's forms.
  EXPECT_EQ(search("pöytä"), (std::set<std::string>{"Pöydän jalka", "Tältä pöydältä"}));
  EXPECT_EQ(search("poyta"), search("pöytä"));
  // Swedish and English stems.
  EXPECT_TRUE(search("leverans").contains("Leveransen dröjer"));
  EXPECT_TRUE(search("tent").contains("The tents are here"));
  // All words must occur; a phrase must occur as written.
  EXPECT_EQ(search("teltta varastossa"), (std::set<std::string>{"Onko teltta varastossa?"}));
  EXPECT_EQ(search("\"vaellus 2\""), (std::set<std::string>{"Vaellus 2 -teltta"}));
  EXPECT_TRUE(search("\"teltta vaellus\"").empty());
  // Never another tenant's line, unless the agent serves both.
  EXPECT_FALSE(search("toisen").size());
  EXPECT_EQ(search("toisen", {tenant, other}).size(), 1u);
}

TEST_F(Found, APeriodIsARangeOfLines) {
  add(tenant, {"teltta a", "teltta b", "teltta c"});  // written at 11, 12, 13
  ASSERT_TRUE(db->index_search(100).ok());
  SearchQuery sq;
  sq.tenants = {tenant};
  sq.match = match_expression(*parse_search("teltta"));
  auto count = [&](Millis from, Millis to) {
    sq.from = from;
    sq.to = to;
    return db->search_messages(sq)->hits.size();
  };
  EXPECT_EQ(count(0, 0), 3u);
  EXPECT_EQ(count(12, 0), 2u);
  EXPECT_EQ(count(0, 12), 1u);
  EXPECT_EQ(count(12, 13), 1u);
  EXPECT_EQ(count(14, 0), 0u);
  EXPECT_EQ(count(13, 12), 0u);
}

TEST_F(Found, OneHitPerConversationNewestFirstAndPaged) {
  add(tenant, {"teltta 1", "teltta 2", "teltta 3", "teltta 4", "teltta 5"});
  // Nothing is found before the indexer's round; it takes a batch at a time.
  SearchQuery sq;
  sq.tenants = {tenant};
  sq.match = match_expression(*parse_search("teltta"));
  EXPECT_TRUE(db->search_messages(sq)->hits.empty());
  EXPECT_EQ(*db->index_search(3), 3u);
  EXPECT_EQ(*db->index_search(3), 2u);
  EXPECT_EQ(*db->index_search(3), 0u);
  sq.limit = 2;
  auto first = db->search_messages(sq);
  ASSERT_EQ(first->hits.size(), 2u);
  EXPECT_GT(first->hits[0].id, first->hits[1].id);
  EXPECT_EQ(snippet(first->hits[0].body, *parse_search("teltta")), "\x02teltta\x03 5");
  ASSERT_NE(first->next, 0);
  sq.before = first->next;
  auto second = db->search_messages(sq);
  ASSERT_EQ(second->hits.size(), 2u);
  EXPECT_LT(second->hits[0].id, first->hits[1].id);
  sq.before = second->next;
  auto last = db->search_messages(sq);
  EXPECT_EQ(last->hits.size(), 1u);
  EXPECT_EQ(last->next, 0);
}

// A conversation whose matching lines straddle a page's end is on the first page only (a probe
// saw it again after "show more").
TEST_F(Found, AConversationIsNotOnTheNextPageAgain) {
  Site s;
  s.tenant_id = tenant;
  s.key = "straddle";
  s.secret = "x";
  s.name = "s";
  s.greeting = "g";
  s.langs = {"fi"};
  auto site = db->create_site(s);
  std::map<std::string, Id> conv;
  for (const char* who : {"a", "b", "c"}) {
    auto v = db->create_visitor(site->id, "fi", 1);
    conv[who] = db->create_conversation(v->id, origin::kReactive, 10)->id;
  }
  for (const char* line : {"a teltta 1", "b teltta", "c teltta", "a teltta 2"}) {
    Message m;
    m.conv_id = conv[std::string(1, line[0])];
    m.author = "visitor";
    m.body = line;
    m.at = 20;
    ASSERT_TRUE(db->append_message(m).ok());
  }
  ASSERT_TRUE(db->index_search(100).ok());
  SearchQuery sq;
  sq.tenants = {tenant};
  sq.match = match_expression(*parse_search("teltta"));
  sq.limit = 2;
  auto first = db->search_messages(sq);
  ASSERT_EQ(first->hits.size(), 2u);
  EXPECT_EQ(first->hits[0].conv.id, conv["a"]);
  EXPECT_EQ(first->hits[1].conv.id, conv["c"]);
  sq.before = first->next;
  auto second = db->search_messages(sq);
  ASSERT_EQ(second->hits.size(), 1u);
  EXPECT_EQ(second->hits[0].conv.id, conv["b"]);
  EXPECT_EQ(second->next, 0);
}

}  // namespace
}  // namespace tiski::desk
