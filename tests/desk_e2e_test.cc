// The agent's desk over real sockets: canned answers and policy cards over REST and the CLI,
// roles, bad input, and isolation between tenants (docs/desk.md).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <thread>

#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {
namespace {

using boost::json::object;

std::string code_of(const HttpReply& r) {
  auto v = boost::json::parse(r.body);
  return std::string(v.at("error").at("code").as_string());
}

// Not one of the demo's answers (src/chat/admin.cc seeds toimitus, palautus, teltta, tunnistus,
// and the workspace-wide kiitos).
const char* kToimitus =
    R"({"shortcut":"lahjakortti","title":"Lahjakortit","texts":{"fi":"Hei {visitor.name}! Lahjakortti on voimassa vuoden.",)"
    R"("sv":"Hej {visitor.name}! Leverans 2-4 vardagar.","en":"Hi {visitor.name}! A gift card is valid for a year."}})";

boost::json::array answers(const Rest& d, Id tenant) {
  return d.json("GET", "/api/tenants/" + std::to_string(tenant) + "/canned", "", 200).at("answers").as_array();
}
const object* by_shortcut(const boost::json::array& list, std::string_view shortcut, bool workspace = false) {
  for (const auto& a : list) {
    if (a.at("shortcut").as_string() == shortcut && a.at("workspace").as_bool() == workspace) return &a.as_object();
  }
  return nullptr;
}

TEST(Desk, ASupervisorManagesCannedAnswersAndAgentsReadThem) {
  Server srv;
  add_agent(srv, "bertta@eramaa.demo", 3);
  Rest aino(srv, "agentti@eramaa.demo"), bertta(srv, "bertta@eramaa.demo");
  std::size_t demo = answers(aino, 1).size();
  auto made = aino.json("POST", "/api/tenants/1/canned", kToimitus, 201);
  Id id = made.at("id").as_int64();
  EXPECT_EQ(made.at("texts").at("sv").as_string(), "Hej {visitor.name}! Leverans 2-4 vardagar.");
  // A plain agent reads, but may not change.
  auto list = bertta.json("GET", "/api/tenants/1/canned", "", 200);
  ASSERT_EQ(list.at("answers").as_array().size(), demo + 1);
  EXPECT_TRUE(list.at("next").is_null());
  EXPECT_EQ(bertta.call("POST", "/api/tenants/1/canned", kToimitus).status, 403);
  EXPECT_EQ(bertta.call("DELETE", "/api/tenants/1/canned/" + std::to_string(id)).status, 403);
  // Bad input, each with a clear error.
  auto clash = aino.call("POST", "/api/tenants/1/canned", kToimitus);
  EXPECT_EQ(clash.status, 409);
  EXPECT_NE(clash.body.find("/lahjakortti"), std::string::npos);
  auto unknown = aino.call("POST", "/api/tenants/1/canned",
                           R"({"shortcut":"x","title":"X","texts":{"fi":"Hei {visitor.email}"}})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("{visitor.email}"), std::string::npos);
  auto huge = aino.call("POST", "/api/tenants/1/canned",
                        R"({"shortcut":"x","title":"X","texts":{"fi":")" + std::string(4001, 'a') + "\"}}");
  EXPECT_EQ(huge.status, 400);
  EXPECT_EQ(code_of(huge), "bad_request");
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/canned", "{not json").status, 400);
  EXPECT_EQ(
      aino.call("POST", "/api/tenants/1/canned", R"({"shortcut":"Iso Kirjain","title":"X","texts":{"fi":"a"}})").status,
      400);
  // Change and delete.
  auto changed =
      aino.json("PUT", "/api/tenants/1/canned/" + std::to_string(id),
                R"({"shortcut":"lahjakortti","title":"Lahjakortti","texts":{"fi":"Voimassa vuoden."}})", 200);
  EXPECT_FALSE(changed.at("texts").as_object().contains("sv"));
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/canned/abc", kToimitus).status, 404);
  EXPECT_EQ(aino.call("DELETE", "/api/tenants/1/canned/" + std::to_string(id)).status, 204);
  EXPECT_EQ(aino.call("DELETE", "/api/tenants/1/canned/" + std::to_string(id)).status, 404);
}

TEST(Desk, TenantsNeverSeeEachOthersAnswersOrCards) {
  Server srv;
  ASSERT_EQ(srv.admin({"agent", "update", "--email", "agentti@pyorapaja.demo", "--tenant", "pyorapaja", "--role",
                       "supervisor"}),
            0);
  Rest aino(srv, "agentti@eramaa.demo"), pekka(srv, "agentti@pyorapaja.demo");
  auto secret_answer =
      pekka.json("POST", "/api/tenants/2/canned",
                 R"({"shortcut":"alennus","title":"Salainen alennus","texts":{"fi":"Koodi PYORA-SALAINEN"}})", 201);
  Id theirs = secret_answer.at("id").as_int64();
  pekka.json("PUT", "/api/tenants/2/desk", R"({"color":"#a03020","policy":"Pyöräpajan salainen ohje"})", 200);
  // Tenant 1's supervisor cannot list, read, change or delete tenant 2's: 404, and the body
  // names nothing of theirs.
  for (auto [method, path] : std::initializer_list<std::pair<const char*, std::string>>{
           {"GET", "/api/tenants/2/canned"},
           {"GET", "/api/tenants/2/desk"},
           {"PUT", "/api/tenants/2/desk"},
           {"POST", "/api/tenants/2/canned"},
           {"PUT", "/api/tenants/2/canned/" + std::to_string(theirs)},
           {"PUT", "/api/tenants/1/canned/" + std::to_string(theirs)},
           {"DELETE", "/api/tenants/1/canned/" + std::to_string(theirs)}}) {
    auto r = aino.call(method, path, kToimitus);
    EXPECT_EQ(r.status, 404) << method << " " << path << ": " << r.body;
    EXPECT_EQ(r.body.find("SALAINEN"), std::string::npos);
    EXPECT_EQ(r.body.find("alennus"), std::string::npos);
  }
  auto mine = aino.json("GET", "/api/tenants/1/canned", "", 200);
  EXPECT_EQ(boost::json::serialize(mine).find("SALAINEN"), std::string::npos);
  auto desks = aino.json("GET", "/api/desk", "", 200);
  ASSERT_EQ(desks.at("tenants").as_array().size(), 1u);
  EXPECT_EQ(boost::json::serialize(desks).find("salainen"), std::string::npos);
  // Pekka's own desk shows his card.
  auto his = pekka.json("GET", "/api/desk", "", 200);
  EXPECT_EQ(his.at("tenants").as_array()[0].at("policy").as_string(), "Pyöräpajan salainen ohje");
  EXPECT_EQ(his.at("tenants").as_array()[0].at("color").as_string(), "#a03020");
}

TEST(Desk, PolicyCardsAreCheckedAndOnlySupervisorsChangeThem) {
  Server srv;
  Rest aino(srv, "agentti@eramaa.demo"), pekka(srv, "agentti@pyorapaja.demo");
  auto d = aino.json("PUT", "/api/tenants/1/desk", R"({"color":"#2F6F4E","policy":"**Ei maksuja chatissa.**"})", 200);
  EXPECT_EQ(d.at("color").as_string(), "#2f6f4e");
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/desk", R"({"color":"green"})").status, 400);
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/desk", R"({"policy":")" + std::string(4001, 'x') + "\"}").status, 400);
  EXPECT_EQ(aino.call("PUT", "/api/tenants/1/desk", R"({"motto":"x"})").status, 400);
  EXPECT_EQ(pekka.call("PUT", "/api/tenants/2/desk", R"({"policy":"x"})").status, 403);  // a plain agent
  EXPECT_EQ(aino.json("GET", "/api/tenants/1/desk", "", 200).at("policy").as_string(), "**Ei maksuja chatissa.**");
}

TEST(Desk, TheCliExportsAndImportsAndRestImportsTheSameFile) {
  Server srv;
  Rest aino(srv, "agentti@eramaa.demo");
  std::size_t demo = answers(aino, 1).size();
  auto file = fs::temp_directory_path() / ("tiski-canned-" + std::to_string(::getpid()) + ".json");
  {
    std::ofstream(file) << R"({"canned":[{"shortcut":"toimitus","title":"Uusi","texts":{"fi":"Uusi teksti"}},)"
                        << R"({"shortcut":"vaihto","title":"Vaihto","texts":{"en":"Exchanges within 30 days."}}]})";
  }
  EXPECT_EQ(srv.admin({"canned", "import", file.string(), "--tenant", "eramaa"}), 0);
  auto list = answers(aino, 1);
  ASSERT_EQ(list.size(), demo + 1);  // toimitus replaced by its shortcut, vaihto added
  ASSERT_TRUE(by_shortcut(list, "toimitus"));
  EXPECT_EQ(by_shortcut(list, "toimitus")->at("title").as_string(), "Uusi");
  // Workspace-wide answers: every tenant sees them, none changes them over REST.
  EXPECT_EQ(srv.admin({"canned", "import", file.string()}), 0);
  list = answers(aino, 1);
  ASSERT_EQ(list.size(), demo + 3);
  const auto* shared = by_shortcut(list, "vaihto", true);
  ASSERT_TRUE(shared);
  EXPECT_EQ(aino.call("DELETE", "/api/tenants/1/canned/" + std::to_string(shared->at("id").as_int64())).status, 403);
  Rest pekka(srv, "agentti@pyorapaja.demo");
  EXPECT_TRUE(by_shortcut(answers(pekka, 2), "vaihto", true));
  EXPECT_FALSE(by_shortcut(answers(pekka, 2), "vaihto", false));  // eramaa's own stays eramaa's
  { std::ofstream(file) << R"({"canned":[{"shortcut":"x","title":"X","texts":{"fi":"{tuntematon.muuttuja}"}}]})"; }
  EXPECT_NE(srv.admin({"canned", "import", file.string(), "--tenant", "eramaa"}), 0);
  fs::remove(file);
  // The same file format over REST; a bad one changes nothing.
  auto r = aino.json("POST", "/api/tenants/1/canned/import",
                     R"({"canned":[{"shortcut":"kiitos","title":"Kiitos","texts":{"fi":"Kiitos!"}}]})", 200);
  EXPECT_EQ(r.at("added").as_int64(), 1);  // its own kiitos beside the workspace's
  auto bad = aino.call(
      "POST", "/api/tenants/1/canned/import",
      R"({"canned":[{"shortcut":"uusi","title":"U","texts":{"fi":"a"}},{"shortcut":"uusi","title":"U","texts":{"fi":"b"}}]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("answer 2"), std::string::npos);
  EXPECT_EQ(answers(aino, 1).size(), demo + 4);
}

// Transcript search over REST: inflections, the tenant boundary, filters and bad input.
TEST(Desk, SearchFindsInflectionsAndNeverAnotherTenantsLines) {
  Server srv;
  for (auto [site, body] : {std::pair{srv.site_a, "Onko telttojen hinnat nähtävillä?"},
                            std::pair{srv.site_b, "Telttojen huolto PYÖRÄPAJAN SALAISUUS"}}) {
    auto v = visitor(srv, site);
    v->ws.send(send_frame("q", body));
    ASSERT_GT(ack_conv(v->ws, "q"), 0);
  }
  Rest aino(srv, "agentti@eramaa.demo"), pekka(srv, "agentti@pyorapaja.demo");
  // The indexer adds new lines every second: a round between the two commits has indexed only
  // the first, so wait for both tenants' lines.
  object found;
  for (int i = 0; i < 100; ++i) {
    found = aino.json("GET", "/api/search?q=teltta", "", 200);
    if (!found.at("hits").as_array().empty() &&
        !pekka.json("GET", "/api/search?q=teltta", "", 200).at("hits").as_array().empty())
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto hits = found.at("hits").as_array();
  ASSERT_EQ(hits.size(), 1u) << boost::json::serialize(found);
  EXPECT_EQ(hits[0].at("conv").at("tenant").as_int64(), 1);
  auto snippet = hits[0].at("snippet").as_array();
  ASSERT_GE(snippet.size(), 2u);
  EXPECT_EQ(snippet[1].as_string(), "telttojen");  // odd places are the matching words
  EXPECT_EQ(boost::json::serialize(found).find("SALAISUUS"), std::string::npos);
  // Pekka finds his own line only; asking for Aino's tenant by id is a 404.
  auto his = pekka.json("GET", "/api/search?q=teltta", "", 200).at("hits").as_array();
  ASSERT_EQ(his.size(), 1u);
  EXPECT_NE(boost::json::serialize(his).find("SALAISUUS"), std::string::npos);
  EXPECT_EQ(pekka.call("GET", "/api/search?q=teltta&tenant=1").status, 404);
  // Filters: an outcome nobody set, a period with nothing in it.
  EXPECT_TRUE(aino.json("GET", "/api/search?q=teltta&outcome=sale", "", 200).at("hits").as_array().empty());
  EXPECT_TRUE(aino.json("GET", "/api/search?q=teltta&to=1000", "", 200).at("hits").as_array().empty());
  // Percent-encoded words with ä: "hinnat nähtävillä".
  EXPECT_EQ(aino.json("GET", "/api/search?q=n%C3%A4ht%C3%A4vill%C3%A4", "", 200).at("hits").as_array().size(), 1u);
  // Bad input: each a 400 with its reason.
  for (auto [query, says] :
       std::initializer_list<std::pair<const char*, const char*>>{{"", "q"},
                                                                  {"?q=", "at least one word"},
                                                                  {"?q=%22auki", "quote"},
                                                                  {"?q=a+b+c+d+e+f+g+h+i", "at most 8"},
                                                                  {"?q=teltta&outcome=voitto", "outcome"},
                                                                  {"?q=teltta&from=eilen", "from"},
                                                                  {"?q=%ZZ", "percent"},
                                                                  {"?q=%FF", "UTF-8"}}) {
    auto r = aino.call("GET", std::string("/api/search") + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << query << ": " << r.body;
  }
  EXPECT_EQ(http_request(srv.port, "GET", "/api/search?q=teltta").status, 401);
}

}  // namespace
}  // namespace tiski::testing
