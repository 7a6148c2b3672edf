// A period's report from its merged Partials (rollup.h): the KPI tiles, what the chat earned,
// the per-agent rows, the breakdowns and the staffing plan, as the report endpoints answer
// them (docs/metrics.md). Pure.
#pragma once

#include <date/tz.h>

#include <boost/json/object.hpp>
#include <map>
#include <string>

#include "chat/analytics/rollup.h"

namespace tiski::analytics {

// Which buckets a report keeps (ReportQuery's filters).
struct Filter {
  std::optional<Id> site, agent, team;
  std::optional<std::string> origin, channel;
  bool matches(const Combo& c) const;
  // A report of one agent, team, origin or channel: the comparisons (chat vs non-chat,
  // funnel, holdout) are the tenant's and are left out.
  bool narrowed() const { return agent || team || origin || channel; }
};

// A period's figures: the whole and per agent (the conversation's last assignee, or the agent
// an order is credited to).
struct Period {
  Partial total;
  std::map<Id, Partial> by_agent;
  void add(const Combo& c, const Partial& p, bool per_agent = true);
};

// The currency of most orders ("" without any): money is summed in it; orders in other
// currencies are counted apart.
std::string main_currency(const Partial& p);

// The tiles: conversation counts, rates and durations ({"avg","p50","p90","n"} in ms),
// outcomes, tags, CSAT, and sales; with `comparisons` also chat vs non-chat, the funnel and
// the holdout (null otherwise).
boost::json::object summary_json(const Partial& p, const std::string& currency, bool comparisons);

// One row of the agents table: the tiles of their conversations and what was credited to them.
boost::json::object agent_json(Id agent, const Partial& p, const std::string& currency);

// {"series": per local day in [from, to], "heatmap": 7x24, "first_response": buckets}.
boost::json::object breakdown_json(const Partial& p, const std::string& currency, date::local_days from,
                                   date::local_days to);

}  // namespace tiski::analytics
