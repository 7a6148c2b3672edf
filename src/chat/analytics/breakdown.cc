#include "chat/analytics/breakdown.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <chrono>

namespace tiski::analytics {

namespace {

struct Local {
  date::local_days day;
  int weekday = 0;  // Monday 0
  int hour = 0;
};

Local local_of(const date::time_zone* zone, Millis at) {
  auto local = zone->to_local(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
  auto day = date::floor<date::days>(local);
  int hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(local - day).count());
  return {day, static_cast<int>(date::weekday{day}.iso_encoding()) - 1, std::clamp(hour, 0, 23)};
}

struct Day {
  std::int64_t conversations = 0, chats = 0, answered = 0, missed = 0, awaited = 0, within = 0, orders = 0, revenue = 0;
};

}  // namespace

boost::json::object breakdown(const std::vector<ReportConversation>& convs, const std::vector<Measured>& measured,
                              const std::vector<Conversion>& sales, const std::string& currency,
                              const date::time_zone* zone, date::local_days from, date::local_days to) {
  const auto n_days = static_cast<std::size_t>((to - from).count() + 1);
  std::vector<Day> days(n_days);
  auto slot = [&](date::local_days d) -> Day* {
    if (d < from || d > to) return nullptr;
    return &days[static_cast<std::size_t>((d - from).count())];
  };
  std::int64_t arrivals[7][24] = {};
  std::int64_t waited[7][24] = {};
  Millis wait_sum[7][24] = {};
  std::vector<std::int64_t> buckets(std::size(kFirstResponseBuckets) + 1, 0);
  for (std::size_t i = 0; i < convs.size() && i < measured.size(); ++i) {
    const auto& m = measured[i];
    auto l = local_of(zone, convs[i].conv.created_at);
    if (auto* d = slot(l.day)) {
      ++d->conversations;
      d->chats += m.live;
      d->answered += m.answered;
      d->missed += m.missed;
      d->awaited += m.awaited;
      d->within += m.within_service_level;
    }
    if (m.live) ++arrivals[l.weekday][l.hour];
    if (m.wait_ms) {
      ++waited[l.weekday][l.hour];
      wait_sum[l.weekday][l.hour] += *m.wait_ms;
    }
    if (m.first_response_ms) {
      std::size_t b = 0;
      while (b < std::size(kFirstResponseBuckets) && *m.first_response_ms > kFirstResponseBuckets[b] * 1000LL) ++b;
      ++buckets[b];
    }
  }
  for (const auto& c : sales) {
    if (!c.conv_id || c.kind != "order") continue;
    if (auto* d = slot(local_of(zone, c.at).day)) {
      ++d->orders;
      if (c.currency == currency) d->revenue += c.value_cents;
    }
  }
  boost::json::array series;
  for (std::size_t i = 0; i < n_days; ++i) {
    const auto& d = days[i];
    series.push_back(boost::json::object{{"day", date::format("%F", from + date::days{static_cast<int>(i)})},
                                         {"conversations", d.conversations},
                                         {"chats", d.chats},
                                         {"answered", d.answered},
                                         {"missed", d.missed},
                                         {"awaited", d.awaited},
                                         {"within_sl", d.within},
                                         {"chat_orders", d.orders},
                                         {"chat_revenue_cents", d.revenue}});
  }
  boost::json::array arr, waits;
  for (int w = 0; w < 7; ++w) {
    boost::json::array a, wt;
    for (int h = 0; h < 24; ++h) {
      a.push_back(arrivals[w][h]);
      if (waited[w][h] > 0)
        wt.push_back(wait_sum[w][h] / waited[w][h]);
      else
        wt.push_back(nullptr);
    }
    arr.push_back(std::move(a));
    waits.push_back(std::move(wt));
  }
  boost::json::array bounds, counts;
  for (int b : kFirstResponseBuckets) bounds.push_back(b);
  for (auto n : buckets) counts.push_back(n);
  return {{"series", std::move(series)},
          {"heatmap", boost::json::object{{"arrivals", std::move(arr)}, {"wait_avg_ms", std::move(waits)}}},
          {"first_response", boost::json::object{{"bounds_s", std::move(bounds)}, {"counts", std::move(counts)}}}};
}

}  // namespace tiski::analytics
