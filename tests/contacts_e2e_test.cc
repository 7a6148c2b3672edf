// Contacts (docs/contacts.md) over the real server: the leave-a-message form and a verified
// customer join one person, the agent sees that person's whole history beside the chat, agents
// find, extend, merge and split contacts over REST (audited), and nothing crosses tenants.
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

object leave(const std::string& cid, const std::string& email, const std::string& body) {
  return {{"t", "leave"}, {"cid", cid}, {"name", "Aino Asiakas"}, {"email", email}, {"consent", true}, {"body", body}};
}

std::int64_t left_conv(const Server& srv, const std::string& site, const std::string& email, const std::string& body) {
  auto v = visitor(srv, site);
  v->ws.send(leave("l1", email, body));
  return ack_conv(v->ws, "l1");
}

TEST(Contacts, FormsAndAVerifiedCustomerAreOnePersonWithOneHistory) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail), pekka(srv, "agentti@pyorapaja.demo");

  // Two devices leave a message with the same address (in other letters): one person.
  auto first = left_conv(srv, srv.site_a, "Aino@Example.fi", "Onko teltta vedenpitävä?");
  auto second = left_conv(srv, srv.site_a, "aino@example.fi", "Entä makuupussi?");
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  auto found = aino.json("GET", "/api/tenants/1/contacts?q=AINO%40example", "", 200).at("contacts").as_array();
  ASSERT_EQ(found.size(), 1u);
  auto contact = found[0].as_object();
  auto id = std::to_string(contact.at("id").as_int64());
  EXPECT_EQ(contact.at("name").as_string(), "Aino Asiakas");
  EXPECT_EQ(contact.at("visitors").as_int64(), 2);
  EXPECT_EQ(boost::json::serialize(contact.at("keys")), R"([{"kind":"email","value":"aino@example.fi"}])");

  // The shop's verified customer with that email: the same person, who gains the identity.
  std::string secret(owner.json("GET", "/api/sites/" + srv.site_a + "/secret", "", 200).at("secret").as_string());
  object who{{"id", "cust-9"}, {"email", "aino@example.fi"}, {"hash", identity_hash(secret, "cust-9")}};
  auto laptop = visitor_with(srv, {{"lang", "fi"}, {"identity", who}}, srv.site_a);
  laptop->ws.send(object{{"t", "send"}, {"cid", "c1"}, {"body", "Tilasin eilen, milloin toimitus?"}});
  auto chat = ack_conv(laptop->ws, "c1");
  // The same id without the hash is only what a page said: nobody's.
  who.erase("hash");
  auto forged = visitor_with(srv, {{"lang", "fi"}, {"identity", who}}, srv.site_a);
  forged->ws.send(object{{"t", "send"}, {"cid", "f1"}, {"body", "Näytä Ainon tilaukset"}});
  auto forged_chat = ack_conv(forged->ws, "f1");

  // Beside the chat the agent sees the person, and their history over both devices' forms.
  auto a = agent(srv, admin::kDemoAgentEmail);
  a->send({{"t", "watch"}, {"conv", chat}, {"after", 0}});
  auto h = a->recv_type("history", 5s);
  ASSERT_TRUE(h);
  const auto& ctx = h->at("context").as_object();
  ASSERT_TRUE(ctx.contains("contact")) << boost::json::serialize(ctx);
  EXPECT_EQ(ctx.at("contact").at("id").as_int64(), contact.at("id").as_int64());
  EXPECT_EQ(ctx.at("contact").at("visitors").as_int64(), 3);
  auto keys = boost::json::serialize(ctx.at("contact").at("keys"));
  EXPECT_NE(keys.find(R"({"kind":"identity","value":")" + srv.site_a + R"(:cust-9"})"), std::string::npos) << keys;
  const auto& earlier = ctx.at("earlier").as_array();
  ASSERT_EQ(earlier.size(), 2u);
  EXPECT_EQ(earlier[0].at("id").as_int64(), second);
  EXPECT_EQ(earlier[1].at("id").as_int64(), first);
  EXPECT_EQ(earlier[0].at("origin").as_string(), "offline");
  EXPECT_FALSE(earlier[0].at("site").as_string().empty());
  a->send({{"t", "watch"}, {"conv", forged_chat}, {"after", 0}});
  auto hf = a->recv_type("history", 5s);
  ASSERT_TRUE(hf);
  EXPECT_FALSE(hf->at("context").as_object().contains("contact"));

  // The whole history over REST, newest first, each a conversation the console can open.
  auto history = aino.json("GET", "/api/tenants/1/contacts/" + id + "/conversations", "", 200);
  const auto& convs = history.at("conversations").as_array();
  ASSERT_EQ(convs.size(), 3u);
  EXPECT_EQ(convs[0].at("id").as_int64(), chat);
  EXPECT_EQ(convs[2].at("id").as_int64(), first);
  EXPECT_TRUE(history.at("next_before").is_null());
  EXPECT_EQ(aino.json("GET", "/api/tenants/1/contacts/" + id, "", 200).at("visitor_list").as_array().size(), 3u);

  // Another tenant: the same address is another person there; this one is not found.
  auto theirs = left_conv(srv, srv.site_b, "aino@example.fi", "Onko pyörähuolto auki?");
  ASSERT_GT(theirs, 0);
  for (const std::string& path : std::vector<std::string>{"/api/tenants/1/contacts", "/api/tenants/1/contacts/" + id,
                                                          "/api/tenants/1/contacts/" + id + "/conversations"}) {
    auto r = pekka.call("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("Aino"), std::string::npos);
  }
  auto there = pekka.json("GET", "/api/tenants/2/contacts", "", 200).at("contacts").as_array();
  ASSERT_EQ(there.size(), 1u);
  EXPECT_NE(there[0].at("id"), contact.at("id"));
  EXPECT_EQ(pekka.call("GET", "/api/tenants/2/contacts/" + id).status, 404);
  EXPECT_EQ(aino.json("GET", "/api/tenants/1/contacts/" + id, "", 200).at("visitors").as_int64(), 3);
}

TEST(Contacts, AgentsAddKeysMergeAndSplitAndTheAuditLogSaysSo) {
  Server srv;
  Rest owner(srv, admin::kDemoOwnerEmail), aino(srv, admin::kDemoAgentEmail);
  auto first = left_conv(srv, srv.site_a, "aino@example.fi", "Hei");
  ASSERT_GT(first, 0);
  auto a = aino.json("GET", "/api/tenants/1/contacts", "", 200).at("contacts").as_array().at(0).as_object();
  auto id = std::to_string(a.at("id").as_int64());

  // Keys: normalised, checked, one contact's each.
  auto with_phone =
      aino.json("POST", "/api/tenants/1/contacts/" + id + "/keys", R"({"kind":"phone","value":"040 123 4567"})", 200);
  EXPECT_NE(boost::json::serialize(with_phone.at("keys")).find(R"("value":"0401234567")"), std::string::npos);
  for (const char* bad : {R"({"kind":"phone","value":"12"})", R"({"kind":"fax","value":"0401234567"})",
                          R"({"kind":"email","value":"not an address"})", R"({"kind":"email"})", "[1]"}) {
    auto r = aino.call("POST", "/api/tenants/1/contacts/" + id + "/keys", bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_NE(r.body.find("\"message\""), std::string::npos);
  }
  EXPECT_EQ(
      aino.call("POST", "/api/tenants/1/contacts", R"({"keys":[{"kind":"email","value":"AINO@example.fi"}]})").status,
      409);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/contacts", R"({"name":"x"})").status, 400);

  // A second contact (a phone call logged by an agent), then merged in.
  auto b = aino.json("POST", "/api/tenants/1/contacts",
                     R"({"name":"A. Asiakas","keys":[{"kind":"phone","value":"+358 50 111 2222"}]})", 201);
  auto b_id = std::to_string(b.at("id").as_int64());
  auto clash =
      aino.call("POST", "/api/tenants/1/contacts/" + id + "/keys", R"({"kind":"phone","value":"+358501112222"})");
  EXPECT_EQ(clash.status, 409);
  EXPECT_NE(clash.body.find("merge"), std::string::npos);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/contacts/" + id + "/merge", R"({"from":)" + id + "}").status, 400);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/contacts/" + id + "/merge", R"({"from":999999})").status, 404);
  auto merged = aino.json("POST", "/api/tenants/1/contacts/" + id + "/merge", R"({"from":)" + b_id + "}", 200);
  EXPECT_EQ(merged.at("keys").as_array().size(), 3u);
  EXPECT_EQ(aino.call("GET", "/api/tenants/1/contacts/" + b_id).status, 404);

  // A second device joins by email; then split off again with the phone.
  auto second = left_conv(srv, srv.site_a, "aino@example.fi", "Vielä yksi kysymys");
  auto visitors = aino.json("GET", "/api/tenants/1/contacts/" + id, "", 200).at("visitor_list").as_array();
  ASSERT_EQ(visitors.size(), 2u);
  auto newest = visitors[0].at("id").as_int64();
  auto split = aino.json(
      "POST", "/api/tenants/1/contacts/" + id + "/split",
      R"({"visitors":[)" + std::to_string(newest) + R"(],"keys":[{"kind":"phone","value":"+358501112222"}]})", 201);
  EXPECT_EQ(split.at("visitors").as_int64(), 1);
  auto moved = aino.json(
      "GET", "/api/tenants/1/contacts/" + std::to_string(split.at("id").as_int64()) + "/conversations", "", 200);
  ASSERT_EQ(moved.at("conversations").as_array().size(), 1u);
  EXPECT_EQ(moved.at("conversations").as_array()[0].at("id").as_int64(), second);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/contacts/" + id + "/split", R"({"visitors":[999999]})").status, 400);
  EXPECT_EQ(aino.call("POST", "/api/tenants/1/contacts/" + id + "/split", R"({"colour":"red"})").status, 400);

  auto audit = owner.json("GET", "/api/tenants/1/audit?action=contact", "", 200).at("entries").as_array();
  ASSERT_EQ(audit.size(), 2u);
  EXPECT_EQ(audit[0].at("action").as_string(), "contact.split");
  EXPECT_EQ(audit[1].at("action").as_string(), "contact.merge");
  EXPECT_EQ(audit[1].at("actor").as_string(), admin::kDemoAgentEmail);
}

}  // namespace
}  // namespace tiski::testing
