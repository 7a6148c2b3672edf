// Blocking abusive visitors (docs/roles.md, "Abuse") over real sockets: an agent blocks the
// visitor of a chat, whose sockets close with the neutral "chat is not available" and who is
// refused at every hello, by visitor and by address, in that tenant only, across a restart,
// until a supervisor lifts the block.
#include <gtest/gtest.h>

#include "chat/admin.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

// The hello's answer: "welcome", or the refusal's code and message.
std::string hello_answer(const Server& srv, const std::string& site, const std::string& token = {}) {
  WsClient ws;
  EXPECT_EQ(ws.connect(srv.port, "/ws/visitor"), 101);
  object hello{{"t", "hello"}, {"site", site}, {"lang", "fi"}};
  if (!token.empty()) hello["token"] = token;
  ws.send(hello);
  auto f = ws.recv(std::chrono::seconds(5));
  if (!f) return "nothing";
  if (f->at("t").as_string() == "welcome") return "welcome";
  return std::string(f->at("code").as_string()) + ": " + std::string(f->at("message").as_string());
}

TEST(Blocking, AnAgentBlocksAVisitorAndASupervisorLiftsIt) {
  Server srv(0, {}, [](Database& st) {
    EXPECT_TRUE(admin::create_agent(st, {"a1@eramaa.demo", "Anni Agentti", "demo1234", "eramaa", "agent"}, true).ok());
  });
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "olet tyhmä"));
  auto conv = ack_conv(v->ws, "q");
  ASSERT_GT(conv, 0);
  Rest anni(srv, "a1@eramaa.demo"), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");
  auto path = "/api/conversations/" + std::to_string(conv) + "/block";

  // Bad input, another tenant's agent: refused, nothing blocked.
  for (const char* bad : {R"({"hours":0})", R"({"hours":99999})", R"({"minutes":5})", R"({"ip":"yes"})", "[]"})
    EXPECT_EQ(anni.call("POST", path, bad).status, 400) << bad;
  EXPECT_EQ(anni.call("POST", path, R"({"reason":")" + std::string(201, 'x') + R"("})").status, 400);
  EXPECT_EQ(pekka.call("POST", path, "{}").status, 404);
  EXPECT_EQ(hello_answer(srv, srv.site_a, v->token), "welcome");

  // A plain agent blocks, by address too: the visitor's socket hears it and closes.
  auto block = anni.json("POST", path, R"({"hours":24,"ip":true,"reason":"kiroilee"})", 201);
  EXPECT_TRUE(block.at("by_address").as_bool());
  auto refused = v->ws.recv_type("error");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->at("code").as_string(), "forbidden");
  EXPECT_EQ(refused->at("message").as_string(), "chat is not available");  // neutral
  EXPECT_FALSE(v->ws.recv(std::chrono::seconds(2)).has_value());
  EXPECT_TRUE(v->ws.closed());
  EXPECT_EQ(hello_answer(srv, srv.site_a, v->token), "forbidden: chat is not available");
  EXPECT_EQ(hello_answer(srv, srv.site_a), "forbidden: chat is not available");  // a new visitor, same address
  EXPECT_EQ(hello_answer(srv, srv.site_b), "welcome");                           // another tenant's site

  // Who sees and lifts blocks: the tenant's supervisors.
  EXPECT_EQ(anni.call("GET", "/api/tenants/1/blocks").status, 403);
  EXPECT_EQ(pekka.call("GET", "/api/tenants/1/blocks").status, 404);
  auto list = aino.json("GET", "/api/tenants/1/blocks", "", 200).at("blocks").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("reason").as_string(), "kiroilee");
  auto id = std::to_string(list[0].at("id").as_int64());
  EXPECT_EQ(pekka.call("DELETE", "/api/tenants/1/blocks/" + id).status, 404);
  EXPECT_EQ(aino.call("DELETE", "/api/tenants/2/blocks/" + id).status, 404);

  // It outlives a restart.
  srv.stop(SIGTERM);
  srv.start();
  EXPECT_EQ(hello_answer(srv, srv.site_a, v->token), "forbidden: chat is not available");
  Rest aino2(srv, admin::kDemoAgentEmail);
  EXPECT_EQ(aino2.call("DELETE", "/api/tenants/1/blocks/" + id).status, 204);
  EXPECT_EQ(aino2.call("DELETE", "/api/tenants/1/blocks/" + id).status, 404);
  EXPECT_EQ(hello_answer(srv, srv.site_a, v->token), "welcome");
  auto log = aino2.json("GET", "/api/tenants/1/audit?action=block", "", 403);  // supervisors do not read the log
  (void)log;
}

TEST(Blocking, ByAddressNeedsTheVisitorConnectedAndAVisitorBlockLeavesTheAddressOpen) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "hei"));
  auto conv = ack_conv(v->ws, "q");
  v->ws.close();
  Rest aino(srv, admin::kDemoAgentEmail);
  auto path = "/api/conversations/" + std::to_string(conv) + "/block";
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // the close reaches the server
  auto r = aino.call("POST", path, R"({"ip":true})");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("not connected"), std::string::npos);
  // By visitor only, until lifted: the same address may still chat as someone else.
  auto b = aino.json("POST", path, R"({"forever":true})", 201);
  EXPECT_TRUE(b.at("expires_at").is_null());
  EXPECT_EQ(hello_answer(srv, srv.site_a, v->token), "forbidden: chat is not available");
  EXPECT_EQ(hello_answer(srv, srv.site_a), "welcome");
}

}  // namespace
}  // namespace tiski::testing
