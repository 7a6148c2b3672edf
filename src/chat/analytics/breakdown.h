// The shapes of a period (docs/metrics.md "Breakdowns"): a series per local day, an hour x
// weekday heat map of arrivals and waits, and the distribution of first response times. Pure.
#pragma once

#include <date/tz.h>

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "chat/analytics/metrics.h"
#include "store/records.h"

namespace tiski::analytics {

// Upper bounds (seconds) of the first-response buckets; the last bucket is "more".
inline constexpr int kFirstResponseBuckets[] = {10, 20, 30, 60, 120, 300, 600};

// `convs` and `measured` side by side (Report::measured); `sales` credited in `currency`;
// days [from, to] of `zone` (at most limits::kMaxReportDays).
// {"series": [{"day","conversations","chats","answered","missed","awaited","within_sl",
//              "chat_orders","chat_revenue_cents"}],
//  "heatmap": {"arrivals": 7x24, "wait_avg_ms": 7x24 (null where nobody waited)} (Monday first),
//  "first_response": {"bounds_s": [...], "counts": [...]}}
boost::json::object breakdown(const std::vector<ReportConversation>& convs, const std::vector<Measured>& measured,
                              const std::vector<Conversion>& sales, const std::string& currency,
                              const date::time_zone* zone, date::local_days from, date::local_days to);

}  // namespace tiski::analytics
