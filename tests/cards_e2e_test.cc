// Channel cards over a real server (docs/channels.md, "Steering to the right channel"): the
// company's cards are kept on its desk (checked, audited, another company's untouchable); an
// agent sends one into a chat, the visitor's widget gets it as a card with its button, and the
// outcome becomes redirected to the card's channel.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

TEST(Cards, AnAgentPointsTheVisitorToTheRightChannel) {
  Server srv;
  Rest aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto desk = aino.json("GET", "/api/tenants/1/desk", "", 200);
  ASSERT_EQ(desk.at("cards").as_array().size(), 2u) << desk;  // the demo's
  EXPECT_EQ(desk.at("cards").at(0).at("id").as_string(), "oma-tili");

  // Kept on the desk: checked, and only by the company's own supervisors.
  auto bad =
      aino.call("PUT", "/api/tenants/1/desk",
                R"j({"cards":[{"id":"x","title":"X","url":"javascript:alert(1)","label":"Go","channel":"web"}]})j");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("card 1: url"), std::string::npos) << bad.body;
  EXPECT_EQ(pekka.call("PUT", "/api/tenants/1/desk", R"({"cards":[]})").status, 404);
  std::string cards =
      R"({"cards":[{"id":"oma-tili","title":"Tämä vaatii vahvan tunnistautumisen","text":"Hoida asia pankkitunnuksilla.",)"
      R"("url":"https://eramaa.example/oma-tili","label":"Jatka Oma tili -palvelussa","channel":"Oma tili"}]})";
  auto saved = aino.json("PUT", "/api/tenants/1/desk", cards, 200);
  EXPECT_EQ(saved.at("cards").as_array().size(), 1u);
  EXPECT_EQ(aino.json("GET", "/api/tenants/1/desk", "", 200).at("policy"), desk.at("policy"));  // the rest kept

  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("m1", "Haluan muuttaa tilaukseni toimitusosoitetta."));
  auto conv = ack_conv(v->ws, "m1");
  ASSERT_GT(conv, 0);
  auto path = "/api/conversations/" + std::to_string(conv) + "/card";

  // Not another company's agent, not a card the company does not have.
  EXPECT_EQ(pekka.call("POST", path, R"({"card":"oma-tili"})").status, 404);
  auto unknown = aino.call("POST", path, R"({"card":"takuu"})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("no channel card 'takuu'"), std::string::npos);
  EXPECT_EQ(aino.call("POST", path, R"({"card":7})").status, 400);

  auto sent = aino.call("POST", path, R"({"card":"oma-tili","cid":"k1"})");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto m = boost::json::parse(sent.body).at("m").as_object();
  EXPECT_EQ(m.at("author").as_string(), "agent");
  EXPECT_EQ(m.at("card").at("label").as_string(), "Jatka Oma tili -palvelussa");
  EXPECT_FALSE(m.at("card").as_object().contains("channel"));  // for reports, not for the visitor
  EXPECT_EQ(aino.call("POST", path, R"({"card":"oma-tili","cid":"k1"})").status, 200);  // a retry: once

  // The visitor gets the card (the frame is checked against the protocol's Message.card).
  auto got = v->ws.recv_type("msg", 5s);
  while (got && !got->at("m").as_object().contains("card")) got = v->ws.recv_type("msg", 5s);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->at("m").at("card").at("url").as_string(), "https://eramaa.example/oma-tili");
  EXPECT_NE(std::string(got->at("m").at("body").as_string()).find("https://eramaa.example/oma-tili"),
            std::string::npos);

  // What came of it: redirected to the card's channel, and the chat is the agent's.
  auto c = srv.open_store()->conversation(conv);
  EXPECT_EQ(c->outcome, "redirected");
  EXPECT_EQ(c->outcome_channel, "Oma tili");
  EXPECT_EQ(c->status, "active");
  auto msgs = srv.open_store()->messages_after(conv, 0, 10);
  EXPECT_EQ(std::count_if(msgs->begin(), msgs->end(), [](const Message& x) { return !x.card.empty(); }), 1);
}

}  // namespace
}  // namespace tiski::testing
