// The report endpoint over real sockets: a chat happens, the supervisor's summary counts it;
// other tenants answer 404, a plain agent sees only their own figures, bad filters are named.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/e2e_helpers.h"
#include "tests/harness.h"

namespace tiski::testing {
namespace {

using boost::json::object;

object report(const Server& srv, const std::string& cookie, const std::string& query, int expect = 200, Id tenant = 1) {
  auto r =
      http_request(srv.port, "GET", "/api/tenants/" + std::to_string(tenant) + "/reports/summary" + query, "", cookie);
  EXPECT_EQ(r.status, expect) << query << " " << r.body;
  auto v = boost::json::parse(r.body);
  return v.as_object();
}

TEST(Reports, ASupervisorsSummaryCountsTheChatOfThePeriod) {
  Server srv;
  auto a = agent(srv, "agentti@eramaa.demo");
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Onko teltta varastossa?"));
  ack_seq(v->ws, "q");
  std::int64_t conv = 0;
  auto until = [&](const std::string& status, std::int64_t* id) {
    for (int i = 0; i < 10; ++i) {
      std::string got = conv_status_of(*a, id);
      if (got == status || got == "none") return got;
    }
    return std::string("never");
  };
  ASSERT_EQ(until("active", &conv), "active");
  a->send({{"t", "send"}, {"conv", conv}, {"cid", "r"}, {"body", "On!"}});
  ack_seq(*a, "r");
  a->send({{"t", "close"}, {"conv", conv}});
  ASSERT_EQ(until("closed", nullptr), "closed");
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto r = report(srv, cookie, "");
  EXPECT_EQ(r.at("tz").as_string(), "UTC");  // no business hours: UTC days
  EXPECT_EQ(r.at("days").as_int64(), 7);
  auto s = r.at("summary").as_object();
  EXPECT_EQ(s.at("conversations").as_int64(), 1);
  EXPECT_EQ(s.at("chats").as_int64(), 1);
  EXPECT_EQ(s.at("answered").as_int64(), 1);
  EXPECT_EQ(s.at("missed").as_int64(), 0);
  EXPECT_EQ(s.at("wait_ms").as_object().at("n").as_int64(), 1);
  EXPECT_EQ(r.at("previous").as_object().at("conversations").as_int64(), 0);
  ASSERT_EQ(r.at("agents").as_array().size(), 1u);
  EXPECT_EQ(r.at("agents").as_array()[0].as_object().at("answered").as_int64(), 1);
  // Filters narrow it: another origin has none.
  EXPECT_EQ(report(srv, cookie, "?origin=offline").at("summary").as_object().at("conversations").as_int64(), 0);
  // A period long before has none.
  EXPECT_EQ(report(srv, cookie, "?from=2020-01-01&to=2020-01-31").at("summary").as_object().at("conversations"), 0);
}

TEST(Reports, OtherTenantsAndOtherAgentsFiguresAreRefused) {
  Server srv;
  std::string pekka = login(srv, "agentti@pyorapaja.demo");  // a plain agent of tenant 2
  EXPECT_EQ(report(srv, pekka, "", 404, 1).at("error").as_object().at("code").as_string(), "not_found");
  auto own = report(srv, pekka, "", 200, 2);
  EXPECT_EQ(own.at("summary").as_object().at("conversations").as_int64(), 0);
  EXPECT_EQ(report(srv, pekka, "?agent=1", 403, 2).at("error").as_object().at("code").as_string(), "forbidden");
  EXPECT_EQ(http_request(srv.port, "GET", "/api/tenants/1/reports/summary", "", "").status, 401);
}

TEST(Reports, BadFiltersAreNamed) {
  Server srv;
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto message = [&](const std::string& q) {
    return std::string(report(srv, cookie, q, 400).at("error").as_object().at("message").as_string());
  };
  EXPECT_NE(message("?colour=red").find("unknown filter 'colour'"), std::string::npos);
  EXPECT_NE(message("?from=2026-12-10&to=2026-12-01").find("reversed"), std::string::npos);
  EXPECT_NE(message("?from=2023-01-01&to=2026-01-01").find("at most 731 days"), std::string::npos);
  EXPECT_NE(message("?from=2026-02-30").find("from must be a date"), std::string::npos);
  EXPECT_NE(message("?origin=fax").find("origin must be one of"), std::string::npos);
  EXPECT_NE(message("?agent=x").find("agent must be an id"), std::string::npos);
}

}  // namespace
}  // namespace tiski::testing
