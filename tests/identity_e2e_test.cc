// Identified visitors (docs/integrations.md): the shop's logged-in customer, vouched for by the
// HMAC of their id with the site's secret, is one visitor with one history on every device; an
// unverified identity is only what the page said (never another customer's history); a site
// can require verification; a shared browser that identifies someone else starts afresh; the
// agent sees who it is; an erasure by the customer's email finds them.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "chat/admin.h"
#include "chat/gateway/identity.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"

namespace tiski::testing {
namespace {

using boost::json::object;
using namespace std::chrono_literals;

object identity(const std::string& id, const std::string& hash, const std::string& name = "Maija Mäki") {
  object o{{"id", id}, {"name", name}, {"email", "maija@example.com"}};
  if (!hash.empty()) o["hash"] = hash;
  return o;
}

// A visitor's hello with an identity (and a token, if given); its welcome, or its first frame.
std::unique_ptr<Visitor> identified(const Server& srv, const object& who, const std::string& token = {}) {
  object hello{{"lang", "fi"}, {"identity", who}};
  if (!token.empty()) hello["token"] = token;
  return visitor_with(srv, hello, srv.site_a);
}

TEST(Identity, AVerifiedCustomerHasOneHistoryOnEveryDevice) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  std::string secret(owner.json("GET", "/api/sites/" + srv.site_a + "/secret", "", 200).at("secret").as_string());
  std::string good = identity_hash(secret, "cust-42");

  // The phone: a verified customer writes.
  auto phone = identified(srv, identity("cust-42", good));
  phone->ws.send(object{{"t", "send"}, {"cid", "p1"}, {"body", "Onko tilaukseni 1001 lähtenyt?"}});
  auto ack = phone->ws.recv_type("ack");
  ASSERT_TRUE(ack);
  auto conv = ack->at("conv").as_int64();

  // The laptop, never seen before: the same visitor, the same open chat and its message.
  auto laptop = identified(srv, identity("cust-42", good));
  EXPECT_EQ(laptop->id, phone->id);
  ASSERT_TRUE(laptop->welcome.contains("conv"));
  EXPECT_EQ(laptop->welcome.at("conv").at("id").as_int64(), conv);
  EXPECT_NE(boost::json::serialize(laptop->welcome.at("msgs")).find("tilaukseni 1001"), std::string::npos);

  // A wrong hash (the site does not require one): only what the page said, a visitor of its own.
  auto forged = identified(srv, identity("cust-42", std::string(64, '0')));
  EXPECT_NE(forged->id, phone->id);
  EXPECT_FALSE(forged->welcome.contains("conv"));
  auto no_hash = identified(srv, identity("cust-42", ""));
  EXPECT_NE(no_hash->id, phone->id);

  // The agent sees who it is, and that it is verified.
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "watch"}, {"conv", conv}, {"after", 0}});
  auto h = a->recv_type("history", 5s);
  ASSERT_TRUE(h);
  auto who = h->at("context").at("identity").as_object();
  EXPECT_EQ(who.at("id").as_string(), "cust-42");
  EXPECT_TRUE(who.at("verified").as_bool());
  EXPECT_EQ(who.at("name").as_string(), "Maija Mäki");
  EXPECT_EQ(who.at("email").as_string(), "maija@example.com");

  // A shared browser: the laptop's token, another customer logged in: not Maija's visitor.
  auto other = identified(srv, identity("cust-77", identity_hash(secret, "cust-77"), "Olli"), laptop->token);
  EXPECT_NE(other->id, phone->id);
  EXPECT_FALSE(other->welcome.contains("conv"));

  // A site that requires verification refuses the rest, and the chat goes on anonymous.
  owner.json("PUT", "/api/sites/" + srv.site_a, R"({"identity_required":true})", 200);
  WsClient strict;
  ASSERT_EQ(strict.connect(srv.port, "/ws/visitor"), 101);
  strict.send(object{{"t", "hello"}, {"site", srv.site_a}, {"identity", identity("cust-42", "deadbeef")}});
  auto err = strict.recv_type("error");
  ASSERT_TRUE(err);
  EXPECT_EQ(err->at("code").as_string(), "unauthorized");
  EXPECT_NE(err->at("message").as_string().find("hash"), std::string::npos);
  auto w = strict.recv_type("welcome");
  ASSERT_TRUE(w);
  EXPECT_NE(w->at("visitor").as_int64(), phone->id);
  // Malformed identities say why, whatever the site.
  WsClient bad;
  ASSERT_EQ(bad.connect(srv.port, "/ws/visitor"), 101);
  bad.send(object{{"t", "hello"}, {"site", srv.site_a}, {"identity", object{{"id", std::string(201, 'x')}}}});
  auto e2 = bad.recv_type("error");
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->at("code").as_string(), "bad_request");

  // The customer's order, reported by the page, is in their export too.
  phone->ws.send(object{{"t", "convert"}, {"kind", "order"}, {"id", "T-1001"}, {"cents", 12990}, {"currency", "EUR"}});
  ASSERT_TRUE(phone->ws.recv_type("converted"));

  // An erasure by the customer's email finds the identified visitor.
  auto found = owner.json("GET", "/api/tenants/1/privacy/export?email=maija%40example.com", "", 200);
  auto text = boost::json::serialize(found);
  EXPECT_NE(text.find("tilaukseni 1001"), std::string::npos);
  EXPECT_NE(text.find(R"("identity":{"id":"cust-42")"), std::string::npos) << text.substr(0, 400);
  EXPECT_NE(text.find(R"("orders":[{"kind":"order","id":"T-1001","cents":12990)"), std::string::npos);
}

TEST(Identity, AChatOpenOnThisDeviceGoesOnWhenTheCustomerLogsIn) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail);
  std::string secret(owner.json("GET", "/api/sites/" + srv.site_a + "/secret", "", 200).at("secret").as_string());
  std::string good = identity_hash(secret, "cust-9");
  auto first = identified(srv, identity("cust-9", good));  // the customer's own visitor
  // Another device chats anonymously, then the customer logs in there: the chat stays.
  auto anon = visitor(srv, srv.site_a);
  anon->ws.send(object{{"t", "send"}, {"cid", "a1"}, {"body", "Hei, kysymys koosta"}});
  ASSERT_TRUE(anon->ws.recv_type("ack"));
  auto again = identified(srv, identity("cust-9", good), anon->token);
  EXPECT_EQ(again->id, anon->id);
  ASSERT_TRUE(again->welcome.contains("conv"));
  EXPECT_NE(boost::json::serialize(again->welcome.at("msgs")).find("kysymys koosta"), std::string::npos);
}

}  // namespace
}  // namespace tiski::testing
