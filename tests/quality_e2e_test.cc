// Quality review and suggested replies over real sockets (docs/desk.md): automatic flags and
// the review queue, scores and the agent's trend, suggestions from canned answers and earlier
// replies, roles, bad input and isolation between tenants.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {
namespace {

using boost::json::object;

// A visitor asks, the agent answers and closes; the conversation's id.
std::int64_t chat(Server& srv, WsClient& a, const std::string& site, const std::string& question,
                  const std::string& answer) {
  auto v = visitor(srv, site);
  v->ws.send(send_frame("q", question));
  auto conv = ack_conv(v->ws, "q");
  a.send({{"t", "send"}, {"conv", conv}, {"cid", "r" + std::to_string(conv)}, {"body", answer}});
  ack_seq(a, "r" + std::to_string(conv));
  a.send({{"t", "close"}, {"conv", conv}});
  return conv;
}

// Polls until `ok` holds for the JSON (the flagger and the search index run every second).
object until(const Rest& r, const std::string& path, const std::function<bool(const object&)>& ok) {
  object got;
  for (int i = 0; i < 60; ++i) {
    got = r.json("GET", path, "", 200);
    if (ok(got)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return got;
}

bool has_conv(const object& queue, std::int64_t conv) {
  for (const auto& item : queue.at("items").as_array()) {
    if (item.at("conv").at("id").as_int64() == conv) return true;
  }
  return false;
}

TEST(Quality, FlagsFillTheQueueAndAScoreShowsInTheAgentsTrend) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");
  auto rude = chat(srv, *a, srv.site_a, "Onko teltta varastossa?", "On varastossa, senkin idiootti.");
  auto kind =
      chat(srv, *a, srv.site_a, "Kuinka pitkä makuupussi on?", "Kaksi metriä. Millaiseen retkeen sitä tarvitsette?");
  Rest aino(srv, "agentti@eramaa.demo"), pekka(srv, "agentti@pyorapaja.demo");
  auto queue = until(aino, "/api/reviews/queue", [&](const object& q) { return has_conv(q, rude); });
  ASSERT_TRUE(has_conv(queue, rude)) << boost::json::serialize(queue);
  const object* item = nullptr;
  for (const auto& x : queue.at("items").as_array()) {
    if (x.at("conv").at("id").as_int64() == rude) item = &x.as_object();
  }
  auto flags = boost::json::serialize(item->at("flags"));
  EXPECT_NE(flags.find("rude_word"), std::string::npos) << flags;
  EXPECT_NE(flags.find("no_question"), std::string::npos) << flags;
  EXPECT_EQ(item->at("detail").at("rude_word").at("word").as_string(), "idiootti");
  // The kind one asked a question and said nothing rude: no flag, not in the queue. Its closing
  // may reach the flagger a round after the rude one's (flags stay null until then).
  auto flagged = until(aino, "/api/conversations/" + std::to_string(kind) + "/review",
                       [](const object& r) { return r.at("flags").is_object(); });
  ASSERT_TRUE(flagged.at("flags").is_object()) << boost::json::serialize(flagged);
  EXPECT_TRUE(flagged.at("flags").at("flags").as_array().empty()) << boost::json::serialize(flagged);
  EXPECT_FALSE(has_conv(aino.json("GET", "/api/reviews/queue?flag=no_question", "", 200), kind));
  EXPECT_TRUE(has_conv(aino.json("GET", "/api/reviews/queue?flag=rude_word&tenant=1", "", 200), rude));
  EXPECT_FALSE(has_conv(aino.json("GET", "/api/reviews/queue?flag=slow_reply", "", 200), rude));

  // Another tenant's agent: no queue, no review, no score, no trend; a 404 never says more.
  auto path = "/api/conversations/" + std::to_string(rude) + "/review";
  EXPECT_EQ(pekka.call("GET", "/api/reviews/queue").status, 403);
  // A plain agent is refused the queue before any tenant is looked at (docs/roles.md).
  EXPECT_EQ(pekka.call("GET", "/api/reviews/queue?tenant=1").status, 403);
  EXPECT_EQ(pekka.call("GET", path).status, 404);
  auto refused = pekka.call("PUT", path, R"({"reachability":1,"efficiency":1,"atmosphere":1,"sales":1})");
  EXPECT_EQ(refused.status, 404);
  EXPECT_EQ(refused.body.find("idiootti"), std::string::npos);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/1/reviews").status, 404);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/1/reviews/trend?agent=1").status, 404);
  // ...nor over the socket: taking Aino's chat, or whispering in it, is a not_found.
  auto his = agent(srv, "agentti@pyorapaja.demo");
  EXPECT_EQ(expect_error(*his, {{"t", "take"}, {"conv", rude}}).substr(0, 9), "not_found");
  EXPECT_EQ(expect_error(*his, {{"t", "send"}, {"conv", rude}, {"cid", "w"}, {"body", "psst"}, {"internal", true}})
                .substr(0, 9),
            "not_found");

  // Bad scores: each a 400 saying why.
  for (auto [body, says] : std::initializer_list<std::pair<const char*, const char*>>{
           {R"({"reachability":6,"efficiency":1,"atmosphere":1,"sales":1})", "reachability"},
           {R"({"reachability":3,"efficiency":1,"atmosphere":1})", "sales"},
           {R"({"reachability":3,"efficiency":1,"atmosphere":1,"sales":2,"mood":1})", "mood"},
           {R"({"reachability":3,"efficiency":1,"atmosphere":1,"sales":2,"comment":7})", "comment"},
           {"[1]", "body must be"}}) {
    auto r = aino.call("PUT", path, body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << body << ": " << r.body;
  }
  std::string long_comment(2001, 'x');
  EXPECT_EQ(aino.call("PUT", path,
                      R"({"reachability":3,"efficiency":1,"atmosphere":1,"sales":2,"comment":")" + long_comment + "\"}")
                .status,
            400);
  // An open conversation is scored after it closes.
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Hei?"));
  auto open = ack_conv(v->ws, "q");
  EXPECT_EQ(aino.call("PUT", "/api/conversations/" + std::to_string(open) + "/review",
                      R"({"reachability":3,"efficiency":3,"atmosphere":3,"sales":3})")
                .status,
            409);

  auto scored =
      aino.json("PUT", path, R"({"reachability":4,"efficiency":5,"atmosphere":1,"sales":2,"comment":"Ei näin."})", 200);
  auto me = aino.json("GET", "/api/me", "", 200).at("agent").at("id").as_int64();
  EXPECT_EQ(scored.at("review").at("agent").as_int64(), me);
  EXPECT_EQ(scored.at("review").at("comment").as_string(), "Ei näin.");
  EXPECT_FALSE(has_conv(aino.json("GET", "/api/reviews/queue", "", 200), rude));  // scored: off the queue
  auto trend = aino.json("GET", "/api/tenants/1/reviews/trend?agent=" + std::to_string(me) + "&weeks=4", "", 200);
  auto weeks = trend.at("weeks").as_array();
  ASSERT_EQ(weeks.size(), 4u);
  EXPECT_EQ(weeks[3].at("count").as_int64(), 1);
  EXPECT_DOUBLE_EQ(weeks[3].at("average").as_double(), 3.0);
  EXPECT_EQ(weeks[0].at("count").as_int64(), 0);
  auto list = aino.json("GET", "/api/tenants/1/reviews?agent=" + std::to_string(me), "", 200);
  ASSERT_EQ(list.at("reviews").as_array().size(), 1u);
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/reviews/trend?agent=1&weeks=99").status, 400);
  EXPECT_EQ(aino.call("GET", "/api/reviews/queue?flag=grumpy").status, 400);
  EXPECT_EQ(aino.call("GET", "/api/reviews/queue?before=x").status, 400);
}

TEST(Quality, SuggestionsComeFromTheTenantsOwnAnswersOnly) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");
  auto b = agent(srv, "agentti@pyorapaja.demo");
  const std::string answer = "Rovaniemelle toimitus maksaa 6,90 € ja kestää kolme arkipäivää.";
  chat(srv, *a, srv.site_a, "Paljonko toimitus Rovaniemelle maksaa?", answer);
  chat(srv, *b, srv.site_b, "Paljonko pyörähuolto Rovaniemellä maksaa?", "PYÖRÄPAJAN HUOLTOHINTA on 49 € kaikille.");
  Rest aino(srv, "agentti@eramaa.demo"), pekka(srv, "agentti@pyorapaja.demo");
  // A new visitor asks much the same.
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Mitä maksaa toimitus Rovaniemelle?"));
  auto conv = ack_conv(v->ws, "q");
  auto path = "/api/conversations/" + std::to_string(conv) + "/suggestions";
  auto got = until(aino, path,
                   [&](const object& o) { return boost::json::serialize(o).find("kolme arkip") != std::string::npos; });
  auto text = boost::json::serialize(got);
  auto list = got.at("suggestions").as_array();
  ASSERT_GE(list.size(), 2u) << text;
  ASSERT_LE(list.size(), 3u) << text;
  EXPECT_EQ(list[0].at("kind").as_string(), "canned") << text;  // the demo's /toimitus answer
  EXPECT_NE(text.find("6,90"), std::string::npos) << text;
  EXPECT_EQ(text.find("PYÖRÄPAJA"), std::string::npos) << text;
  // Pekka: not his conversation; his own visitor's question never gets Aino's answer.
  EXPECT_EQ(pekka.call("GET", path).status, 404);
  auto seq = std::to_string(got.at("seq").as_int64());
  EXPECT_EQ(pekka.call("POST", path + "/used", R"({"seq":)" + seq + "}").status, 404);
  auto w = visitor(srv, srv.site_b);
  w->ws.send(send_frame("q", "Mitä maksaa toimitus Rovaniemelle?"));
  auto his = ack_conv(w->ws, "q");
  auto theirs = until(pekka, "/api/conversations/" + std::to_string(his) + "/suggestions",
                      [](const object& o) { return !o.at("suggestions").as_array().empty(); });
  auto their_text = boost::json::serialize(theirs);
  EXPECT_EQ(their_text.find("6,90"), std::string::npos) << their_text;
  EXPECT_EQ(their_text.find("Toimitamme"), std::string::npos) << their_text;  // Erämaa's canned answer
  // Taking one is counted; the rate is over what was offered.
  EXPECT_EQ(aino.call("POST", path + "/used", R"({"seq":)" + seq + "}").status, 204);
  // Asking again for the same line, or taking a second one for it, counts nothing more.
  aino.json("GET", path, "", 200);
  EXPECT_EQ(aino.call("POST", path + "/used", R"({"seq":)" + seq + "}").status, 204);
  auto stats = aino.json("GET", "/api/tenants/1/suggestions/stats?days=7", "", 200);
  EXPECT_EQ(stats.at("offered").as_int64(), 1) << boost::json::serialize(stats);
  EXPECT_EQ(stats.at("used").as_int64(), 1);
  EXPECT_DOUBLE_EQ(stats.at("rate").as_double(), 1.0);
  for (auto bad : {"", "{}", R"({"seq":0})", R"({"seq":"1"})", R"({"seq":999})"}) {
    EXPECT_EQ(aino.call("POST", path + "/used", bad).status, 400) << bad;
  }
  EXPECT_EQ(pekka.json("GET", "/api/tenants/2/suggestions/stats", "", 200).at("used").as_int64(), 0);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/1/suggestions/stats").status, 404);
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/suggestions/stats?days=0").status, 400);
}

// The supervisor's live view: a whisper (a note) in another agent's chat, and a take-over that
// the visitor sees as a transfer; an agent cannot take a colleague's chat.
TEST(Quality, ASupervisorWhispersAndTakesOverAnAgentsChat) {
  Server srv;
  add_agent(srv, "bertta@eramaa.demo", 3);
  auto aino = agent(srv, "agentti@eramaa.demo");
  auto bertta = agent(srv, "bertta@eramaa.demo");
  aino->send({{"t", "status"}, {"status", "away"}});  // routing gives the chat to Bertta
  ASSERT_TRUE(aino->recv_type("presence"));
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Hei, kysyisin teltoista"));
  auto conv = ack_conv(v->ws, "q");
  bertta->send({{"t", "send"}, {"conv", conv}, {"cid", "b1"}, {"body", "Hei! Mitä haluaisit tietää?"}});
  ack_seq(*bertta, "b1");
  // A whisper: a note Bertta sees and the visitor never does.
  aino->send({{"t", "send"}, {"conv", conv}, {"cid", "w1"}, {"body", "Kysy retken pituutta"}, {"internal", true}});
  ack_seq(*aino, "w1");
  // A take without `over` (two reaching for one queued chat) never takes it from Bertta.
  EXPECT_EQ(expect_error(*aino, {{"t", "take"}, {"conv", conv}}).substr(0, 8), "conflict");
  // Aino (supervisor) takes it over.
  aino->send({{"t", "take"}, {"conv", conv}, {"over", true}});
  bool mine = false;
  for (int i = 0; i < 10 && !mine; ++i) {
    auto f = aino->recv_type("conv");
    const auto* name = f ? f->at("conv").as_object().if_contains("assignee_name") : nullptr;
    mine = name && f->at("conv").at("id").as_int64() == conv && name->as_string() == "Aino Virtanen";
  }
  EXPECT_TRUE(mine);
  // The visitor sees the transfer line, never the whisper.
  bool told = false;
  for (int i = 0; i < 10 && !told; ++i) {
    auto f = v->ws.recv_type("msg");
    ASSERT_TRUE(f);
    EXPECT_NE(f->at("m").at("body").as_string(), "Kysy retken pituutta");
    told = f->at("m").at("author").as_string() == "system";
  }
  EXPECT_TRUE(told);
  // Bertta, a plain agent, cannot take it back, type in it (the visitor would see her name) or
  // end it.
  EXPECT_EQ(expect_error(*bertta, {{"t", "take"}, {"conv", conv}, {"over", true}}).substr(0, 9), "forbidden");
  EXPECT_EQ(expect_error(*bertta, {{"t", "take"}, {"conv", conv}}).substr(0, 8), "conflict");
  bertta->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  ASSERT_TRUE(bertta->recv_type("history"));
  EXPECT_EQ(expect_error(*bertta, {{"t", "typing"}, {"conv", conv}, {"on", true}}).substr(0, 9), "forbidden");
  EXPECT_EQ(expect_error(*bertta, {{"t", "close"}, {"conv", conv}}).substr(0, 9), "forbidden");
  // Aino, whose chat it is now, may.
  aino->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  ASSERT_TRUE(aino->recv_type("history"));
  aino->send({{"t", "typing"}, {"conv", conv}, {"on", true}});
  // The first typing the visitor sees is hers: Bertta's never reached them.
  auto typing = v->ws.recv_type("typing");
  ASSERT_TRUE(typing);
  EXPECT_EQ(typing->at("name").as_string(), "Aino Virtanen");
}

}  // namespace
}  // namespace tiski::testing
