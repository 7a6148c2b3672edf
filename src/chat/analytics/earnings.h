// What the chat earns, for a period's report (docs/metrics.md "Sales"): the orders and leads
// the shops reported and the share credited to chats, chat vs non-chat visitors, the
// proactive funnel and the holdout's causal uplift with 95 % intervals. Pure: built from what
// the report read (ReportSales and the period's conversations).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <vector>

#include "store/records.h"

namespace tiski::analytics {

// The currency of most orders ("" without any): money is summed in it; orders in other
// currencies are counted apart.
std::string main_currency(const std::vector<Conversion>& cs);

// {"currency","orders","revenue_cents","chat_orders","chat_revenue_cents","leads","chat_leads",
//  "other_currency_orders"}.
boost::json::object sales_json(const std::vector<Conversion>& cs, const std::string& currency);

// Chatters (visitors with an answered conversation created in the period) against the other
// visitors seen in it: visitors, converted, rate, orders, revenue_cents, aov_cents each.
boost::json::object chat_vs_nonchat(const std::vector<ReportConversation>& convs, const ReportSales& s,
                                    const std::string& currency);

// Invitations shown -> accepted (the visitor wrote) -> converted (an order credited to that
// chat), and how many were held out.
boost::json::object funnel(const ReportSales& s);

// Invited against held-out visits (null without both): per arm visits, converted, rate with
// its interval, revenue per visit, aov; the uplift of the rate and of revenue per 1,000
// eligible visits with 95 % intervals. An order counts for a visit when it comes within
// `window_ms` after the visit's first (would-be) invitation.
boost::json::value holdout(const ReportSales& s, Millis window_ms, const std::string& currency);

struct AgentSales {
  std::int64_t orders = 0, revenue_cents = 0, leads = 0;
};
// Orders and leads credited to each agent (revenue in `currency`).
std::map<Id, AgentSales> by_agent(const std::vector<Conversion>& cs, const std::string& currency);

// All of it for one period of a report.
struct Earned {
  std::string currency;
  boost::json::object json;  // sales, chat_vs_nonchat, funnel, holdout
  std::map<Id, AgentSales> agents;
  std::vector<Conversion> conversions;
};

}  // namespace tiski::analytics
