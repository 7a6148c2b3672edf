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
  EXPECT_NE(message("?colour=red").find("unknown parameter 'colour'"), std::string::npos);
  EXPECT_NE(message("?channel=phone").find("channel must be one of"), std::string::npos);
  EXPECT_NE(message("?team=x").find("team must be an id"), std::string::npos);
  EXPECT_NE(message("?from=2026-12-10&to=2026-12-01").find("reversed"), std::string::npos);
  EXPECT_NE(message("?from=2023-01-01&to=2026-01-01").find("at most 731 days"), std::string::npos);
  EXPECT_NE(message("?from=2026-02-30").find("from must be a date"), std::string::npos);
  EXPECT_NE(message("?origin=fax").find("origin must be one of"), std::string::npos);
  EXPECT_NE(message("?agent=x").find("agent must be an id"), std::string::npos);
}

TEST(Reports, TheStaffingPlanCoversEveryHourOfTheWeek) {
  Server srv;
  auto v = visitor(srv, srv.site_a);
  v->ws.send(send_frame("q", "Onko teltta varastossa?"));
  ack_seq(v->ws, "q");
  std::string cookie = login(srv, "agentti@eramaa.demo");
  auto get = [&](const std::string& q, int expect, const std::string& who) {
    auto r = http_request(srv.port, "GET", "/api/tenants/" + q, "", who);
    EXPECT_EQ(r.status, expect) << q << " " << r.body;
    return boost::json::parse(r.body).as_object();
  };
  auto plan = get("1/reports/staffing?hourly_cost=25", 200, cookie);
  EXPECT_EQ(plan.at("days").as_int64(), 28);
  auto hours = plan.at("hours").as_array();
  ASSERT_EQ(hours.size(), 168u);
  int needed = 0;
  double arrivals = 0;
  for (const auto& h : hours) {
    needed += static_cast<int>(h.as_object().at("agents_needed").as_int64());
    arrivals += h.as_object().at("arrivals").as_double();
  }
  // One chat, averaged over the hours since the tenant's first conversation (the demo's oldest
  // left message, days ago), not over all four weeks: a young tenant's load is not diluted.
  double weeks = plan.at("weeks").as_double();
  EXPECT_LT(weeks, 4.0);
  EXPECT_GT(weeks, 0.0);
  EXPECT_GT(arrivals, 0.25);
  EXPECT_GE(needed, 1);
  EXPECT_GT(plan.at("monthly_cost").as_double(), 0);
  std::string pekka = login(srv, "agentti@pyorapaja.demo");
  EXPECT_EQ(get("2/reports/staffing", 403, pekka).at("error").as_object().at("code").as_string(), "forbidden");
  EXPECT_EQ(get("1/reports/staffing", 404, pekka).at("error").as_object().at("code").as_string(), "not_found");
  auto bad = get("1/reports/staffing?target=2", 400, cookie);
  EXPECT_NE(std::string(bad.at("error").as_object().at("message").as_string()).find("target must be a number"),
            std::string::npos);
  // Nobody gave up waiting: no patience measured, so Erlang C even when Erlang A is asked for.
  EXPECT_EQ(plan.at("model").as_string(), "erlang_c");
  EXPECT_TRUE(plan.at("patience_s").is_null());
  EXPECT_EQ(get("1/reports/staffing?model=erlang_a", 200, cookie).at("model").as_string(), "erlang_c");
  bad = get("1/reports/staffing?model=erlang_b", 400, cookie);
  EXPECT_EQ(bad.at("error").as_object().at("message").as_string(), "model must be auto, erlang_c or erlang_a");
}

}  // namespace
}  // namespace tiski::testing
