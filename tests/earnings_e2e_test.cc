// What the chat earns, over real sockets: the shop's signed server-to-server order call (and
// what it refuses), the tenant's analytics settings, and the summary's sales, chat vs
// non-chat, outcome and CSAT after a real chat.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>

#include "chat/conversions/conversions.h"
#include "tests/defects_helpers.h"
#include "tests/e2e_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {
namespace {

using boost::json::object;

std::string site_secret(const Server& srv) { return srv.open_store()->site_by_key(srv.site_a)->secret; }

std::string now_s(long offset = 0) {
  auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  return std::to_string(s.count() + offset);
}

HttpReply post_conversion(const Server& srv, const std::string& body, const std::string& secret, long skew = 0,
                          const std::string& site = {}) {
  auto ts = now_s(skew);
  return http_request(srv.port, "POST", "/api/sites/" + (site.empty() ? srv.site_a : site) + "/conversions", body, "",
                      "X-Tiski-Timestamp: " + ts + "\nX-Tiski-Signature: " + conversions::sign(secret, ts, body) +
                          "\nContent-Type: application/json");
}

std::string message(const HttpReply& r) {
  return std::string(boost::json::parse(r.body).at("error").at("message").as_string());
}

TEST(Earnings, TheSignedOrderCallRefusesWhatIsWrongAndIsIdempotent) {
  Server srv;
  auto secret = site_secret(srv);
  const std::string body = R"({"kind":"order","id":"S-1","value":129.90,"currency":"EUR"})";
  // Unsigned, stale, signed with another secret: 401 naming it.
  auto unsigned_ = http_request(srv.port, "POST", "/api/sites/" + srv.site_a + "/conversions", body);
  EXPECT_EQ(unsigned_.status, 401);
  EXPECT_NE(message(unsigned_).find("must be signed"), std::string::npos);
  auto stale = post_conversion(srv, body, secret, -600);
  EXPECT_EQ(stale.status, 401);
  EXPECT_NE(message(stale).find("stale"), std::string::npos);
  EXPECT_EQ(post_conversion(srv, body, "wrong").status, 401);
  // Another site's secret does not sign this site's calls.
  EXPECT_EQ(post_conversion(srv, body, srv.open_store()->site_by_key(srv.site_b)->secret).status, 401);
  EXPECT_EQ(post_conversion(srv, body, secret, 0, "no-such-site").status, 404);
  // Bad content, signed: 400 naming it.
  auto bad = post_conversion(srv, R"({"kind":"order","id":"S-2","value":10,"currency":"EURO"})", secret);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(message(bad).find("ISO 4217"), std::string::npos);
  EXPECT_EQ(post_conversion(srv, R"({"kind":"order","id":"S-2","value":-1,"currency":"EUR"})", secret).status, 400);
  EXPECT_NE(message(post_conversion(srv, R"({"kind":"order","id":"S-2","colour":1})", secret)).find("colour"),
            std::string::npos);
  EXPECT_EQ(
      post_conversion(srv, R"({"kind":"order","id":"S-2","value":1,"currency":"EUR","visitor":"1.1.forged"})", secret)
          .status,
      400);
  // Good: 201, then the same id again: 200 duplicate, and the first value stands.
  auto ok = post_conversion(srv, body, secret);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_FALSE(boost::json::parse(ok.body).at("duplicate").as_bool());
  auto again = post_conversion(srv, R"({"kind":"order","id":"S-1","value":1,"currency":"EUR"})", secret);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(boost::json::parse(again.body).at("duplicate").as_bool());
  auto stored = srv.open_store();
  auto t = stored->tenant_by_slug("eramaa");
  auto facts = stored->report_day_facts(t->id, 0, INT64_MAX / 2, 0);
  ASSERT_TRUE(facts.ok());
  ASSERT_EQ(facts->sales.size(), 1u);
  EXPECT_EQ(facts->sales[0].c.value_cents, 12990);
  EXPECT_EQ(facts->sales[0].c.source, "api");
}

TEST(Earnings, SettingsAreTheTenantsAndChangeOnlyBySupervisors) {
  Server srv;
  std::string aino = login(srv, "agentti@eramaa.demo"), pekka = login(srv, "agentti@pyorapaja.demo");
  auto put = [&](const std::string& cookie, Id tenant, const std::string& body) {
    return http_request(srv.port, "PUT", "/api/tenants/" + std::to_string(tenant) + "/settings", body, cookie,
                        "X-CSRF-Token: " + csrf_of(srv, cookie) + "\nOrigin: " + origin_of(srv));
  };
  auto got = http_request(srv.port, "GET", "/api/tenants/1/settings", "", aino);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(boost::json::parse(got.body).at("attribution_days").as_int64(), 7);
  auto r = put(aino, 1, R"({"outcome_required":true,"attribution_days":14})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(boost::json::parse(r.body).at("outcome_required").as_bool());
  EXPECT_EQ(put(aino, 1, R"({"attribution_days":31})").status, 400);
  EXPECT_EQ(put(aino, 1, R"({"attribution":3})").status, 400);
  EXPECT_EQ(put(pekka, 1, R"({"attribution_days":3})").status, 404);  // not his tenant
  EXPECT_EQ(put(pekka, 2, R"({"attribution_days":3})").status, 403);  // a plain agent
  // The console learns outcome_required at once: a close without an outcome is refused.
  auto a = agent(srv, "agentti@eramaa.demo");
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "hei"));
  auto conv = ack_conv(v->ws, "q");
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "Hei!"}});
  ack_seq(*a, "r");
  a->send({{"t", "close"}, {"conv", conv}});
  auto e = a->recv_type("error");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->at("code").as_string(), "conflict");
}

// A chat with an outcome and a CSAT answer, then an order from the same visitor (over the
// signed call, with the visitor's token) and one from a visitor who never chatted: the
// summary credits the chat and its agent, and compares chatters with the others.
TEST(Earnings, TheSummaryCreditsTheChatAndComparesChattersWithOthers) {
  Server srv;
  auto secret = site_secret(srv);
  auto a = agent(srv, "agentti@eramaa.demo");
  auto v = visitor(srv, srv.site_a);
  auto shopper = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Onko teltta varastossa?"));
  auto conv = ack_conv(v->ws, "q");
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "On!"}});
  ack_seq(*a, "r");
  a->send({{"t", "outcome"}, {"conv", conv}, {"outcome", "sale"}, {"tags", boost::json::array{"teltat"}}});
  a->send({{"t", "close"}, {"conv", conv}});
  // The close travels on the agent's socket: the visitor answers once it has seen it.
  bool closed = false;
  for (int i = 0; i < 10 && !closed; ++i) {
    auto f = v->ws.recv_type("conv");
    closed = f && f->at("conv").at("status").as_string() == "closed";
  }
  ASSERT_TRUE(closed);
  v->ws.send({{"t", "survey"}, {"conv", conv}});
  v->ws.send({{"t", "csat"}, {"conv", conv}, {"score", 5}, {"comment", "Kiitos!"}});
  bool answered = false;
  for (int i = 0; i < 10 && !answered; ++i) {
    auto f = v->ws.recv_type("conv");
    answered = f && f->at("conv").as_object().contains("csat");
  }
  ASSERT_TRUE(answered);
  for (auto [who, id, value] : {std::tuple{&v->token, "T-1", "349.00"}, std::tuple{&shopper->token, "T-2", "99.50"}}) {
    auto r = post_conversion(srv,
                             std::string(R"({"kind":"order","id":")") + id + R"(","value":)" + value +
                                 R"(,"currency":"EUR","visitor":")" + *who + R"("})",
                             secret);
    ASSERT_EQ(r.status, 201) << r.body;
  }
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto r = http_request(srv.port, "GET", "/api/tenants/1/reports/summary", "", cookie);
  ASSERT_EQ(r.status, 200) << r.body;
  auto rep = boost::json::parse(r.body).as_object();
  auto s = rep.at("summary").as_object();
  EXPECT_EQ(s.at("outcomes").at("sale").as_int64(), 1);
  EXPECT_EQ(s.at("tags").as_array()[0].at("tag").as_string(), "teltat");
  EXPECT_EQ(s.at("csat").at("answers").as_int64(), 1);
  EXPECT_DOUBLE_EQ(s.at("csat").at("score").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(s.at("csat").at("response_rate").as_double(), 1.0);
  auto sales = s.at("sales").as_object();
  EXPECT_EQ(sales.at("orders").as_int64(), 2);
  EXPECT_EQ(sales.at("revenue_cents").as_int64(), 44850);
  EXPECT_EQ(sales.at("chat_orders").as_int64(), 1);
  EXPECT_EQ(sales.at("chat_revenue_cents").as_int64(), 34900);
  auto cvn = s.at("chat_vs_nonchat").as_object();
  EXPECT_EQ(cvn.at("chatters").at("visitor_days").as_int64(), 1);
  EXPECT_EQ(cvn.at("chatters").at("aov_cents").as_int64(), 34900);
  EXPECT_EQ(cvn.at("non_chatters").at("visitor_days").as_int64(), 1);
  EXPECT_EQ(cvn.at("non_chatters").at("aov_cents").as_int64(), 9950);
  auto agents = rep.at("agents").as_array();
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_EQ(agents[0].at("revenue_cents").as_int64(), 34900);
  EXPECT_EQ(agents[0].at("csat").at("answers").as_int64(), 1);
  ASSERT_TRUE(rep.at("breakdown").at("series").is_array());
  // The plain agent of the other tenant sees none of it.
  std::string pekka = login(srv, "agentti@pyorapaja.demo");
  auto theirs = http_request(srv.port, "GET", "/api/tenants/2/reports/summary", "", pekka);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  auto ts = boost::json::parse(theirs.body).at("summary").as_object();
  EXPECT_EQ(ts.at("sales").at("orders").as_int64(), 0);
  EXPECT_TRUE(ts.at("chat_vs_nonchat").is_null());
}

}  // namespace
}  // namespace tiski::testing
