#include "chat/analytics/period.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <cmath>

#include "chat/analytics/stats.h"

namespace tiski::analytics {

namespace {

const std::string& channel_of(const std::string& origin) {
  static const std::string chat = "chat", form = "form";
  if (is_live(origin)) return chat;
  if (origin == "offline") return form;
  return origin;
}

boost::json::value rate(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

boost::json::value per(std::int64_t money, std::int64_t n) {
  if (n <= 0) return nullptr;
  return money / n;
}

boost::json::value durations(const Hist& h) {
  if (h.n() == 0) return nullptr;
  return boost::json::object{
      {"avg", h.sum() / h.n()}, {"p50", h.percentile(50)}, {"p90", h.percentile(90)}, {"n", h.n()}};
}

// The `limit` most used tags, most used first (ties by name).
boost::json::array top_tags(const std::map<std::string, std::int64_t>& tags, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> v(tags.begin(), tags.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  boost::json::array out;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i)
    out.push_back(boost::json::object{{"tag", v[i].first}, {"n", v[i].second}});
  return out;
}

boost::json::object conversations_json(const Partial& s) {
  boost::json::object outcomes;
  for (std::size_t i = 0; i < kOutcomes.size(); ++i) outcomes[kOutcomes[i]] = s.outcomes[i];
  boost::json::array by_score;
  for (auto n : s.csat_by) by_score.push_back(n);
  boost::json::value average = nullptr;
  if (s.csat_answers) average = static_cast<double>(s.csat_sum) / static_cast<double>(s.csat_answers);
  boost::json::object csat{{"shown", s.csat_shown},
                           {"answers", s.csat_answers},
                           {"response_rate", rate(s.csat_answers, std::max(s.csat_shown, s.csat_answers))},
                           {"score", rate(s.csat_positive, s.csat_answers)},
                           {"average", average},
                           {"by_score", std::move(by_score)}};
  return {{"conversations", s.conversations},
          {"outcomes", std::move(outcomes)},
          {"tags", top_tags(s.tags, 20)},
          {"csat", std::move(csat)},
          {"chats", s.chats},
          {"answered", s.answered},
          {"missed", s.missed},
          {"abandoned", s.abandoned},
          {"slow", s.slow},
          {"transferred", s.transferred},
          {"service_level", rate(s.within_sl, s.awaited)},
          {"missed_rate", rate(s.missed, s.awaited)},
          {"wait_ms", durations(s.wait)},
          {"first_response_ms", durations(s.first)},
          {"first_response_business_ms", durations(s.first_business)},
          {"reply_ms", durations(s.reply)},
          {"handling_ms", durations(s.handling)}};
}

boost::json::object sales_json(const Partial& p, const std::string& currency) {
  std::int64_t orders = 0, chat_orders = 0, other = 0;
  Money main;
  for (const auto& [cur, m] : p.sales) {
    orders += m.orders;
    chat_orders += m.chat_orders;
    if (cur == currency)
      main = m;
    else
      other += m.orders;
  }
  return {{"currency", currency.empty() ? boost::json::value(nullptr) : boost::json::value(currency)},
          {"orders", orders},
          {"revenue_cents", main.revenue},
          {"chat_orders", chat_orders},
          {"chat_revenue_cents", main.chat_revenue},
          {"chat_share", rate(main.chat_revenue, main.revenue)},
          {"leads", p.leads},
          {"chat_leads", p.chat_leads},
          {"other_currency_orders", other}};
}

// Revenue and priced orders of a group in the currency.
std::array<std::int64_t, 3> money_in(const Group& g, const std::string& currency) {
  auto it = g.money.find(currency);
  return it == g.money.end() ? std::array<std::int64_t, 3>{} : it->second;
}

boost::json::object side_json(const Group& g, const std::string& currency) {
  auto m = money_in(g, currency);
  return {{"visitor_days", g.units}, {"converted", g.converted}, {"rate", rate(g.converted, g.units)},
          {"orders", g.orders},      {"revenue_cents", m[0]},    {"aov_cents", per(m[0], m[1])}};
}

boost::json::object funnel_json(const Partial& p) {
  return {{"shown", p.shown},
          {"accepted", p.accepted},
          {"converted", p.converted},
          {"held_out", p.held_out},
          {"accept_rate", rate(p.accepted, p.shown)},
          {"convert_rate", rate(p.converted, p.accepted)}};
}

// The sample moments of revenue per visit (zeros included) from the arm's sums.
Moments moments_of(const Group& g, const std::string& currency) {
  auto m = money_in(g, currency);
  Moments out;
  out.n = g.units;
  if (g.units == 0) return out;
  auto n = static_cast<double>(g.units);
  out.mean = static_cast<double>(m[0]) / n;
  if (g.units >= 2) out.variance = std::max(0.0, (static_cast<double>(m[2]) - n * out.mean * out.mean) / (n - 1));
  return out;
}

boost::json::value holdout_json(const Partial& p, const std::string& currency) {
  const auto& a = p.invited;
  const auto& b = p.held;
  if (a.units == 0 || b.units == 0) return nullptr;
  auto interval = [](const Interval& i) { return boost::json::array{i.lo, i.hi}; };
  auto arm = [&](const Group& g) {
    auto m = money_in(g, currency);
    return boost::json::object{{"visits", g.units},
                               {"converted", g.converted},
                               {"rate", rate(g.converted, g.units)},
                               {"rate_ci", interval(wilson(g.converted, g.units))},
                               {"revenue_cents", m[0]},
                               {"revenue_per_visit_cents", moments_of(g, currency).mean},
                               {"aov_cents", per(m[0], m[1])}};
  };
  auto m0 = moments_of(a, currency), m1 = moments_of(b, currency);
  double diff = static_cast<double>(a.converted) / static_cast<double>(a.units) -
                static_cast<double>(b.converted) / static_cast<double>(b.units);
  boost::json::object uplift{{"rate", diff},
                             {"rate_ci", interval(newcombe_difference(a.converted, a.units, b.converted, b.units))},
                             {"revenue_per_1000_cents", (m0.mean - m1.mean) * 1000}};
  if (a.units >= 2 && b.units >= 2) {
    auto ci = welch_difference(m0, m1);
    uplift["revenue_per_1000_ci"] = boost::json::array{ci.lo * 1000, ci.hi * 1000};
  } else {
    uplift["revenue_per_1000_ci"] = nullptr;
  }
  return boost::json::object{{"invited", arm(a)}, {"held_out", arm(b)}, {"uplift", uplift}};
}

}  // namespace

bool Filter::matches(const Combo& c) const {
  if (site && c.site != *site) return false;
  if (agent && c.agent != *agent) return false;
  if (team && c.team != *team) return false;
  if (origin && c.origin != *origin) return false;
  if (channel && (c.origin.empty() || channel_of(c.origin) != *channel)) return false;
  return true;
}

void Period::add(const Combo& c, const Partial& p, bool per_agent) {
  total.merge(p);
  if (c.agent && per_agent) by_agent[c.agent].merge(p);
}

std::string main_currency(const Partial& p) {
  std::string best;
  std::int64_t most = 0;
  for (const auto& [cur, m] : p.sales) {
    if (!cur.empty() && m.orders > most) best = cur, most = m.orders;
  }
  return best;
}

boost::json::object summary_json(const Partial& p, const std::string& currency, bool comparisons) {
  auto out = conversations_json(p);
  out["sales"] = sales_json(p, currency);
  if (comparisons) {
    out["chat_vs_nonchat"] = boost::json::object{{"unit", "visitor_day"},
                                                 {"chatters", side_json(p.chat_days, currency)},
                                                 {"non_chatters", side_json(p.other_days, currency)}};
    out["funnel"] = funnel_json(p);
    out["holdout"] = holdout_json(p, currency);
  } else {
    out["chat_vs_nonchat"] = nullptr;
    out["funnel"] = nullptr;
    out["holdout"] = nullptr;
  }
  return out;
}

boost::json::object agent_json(Id agent, const Partial& p, const std::string& currency) {
  auto row = conversations_json(p);
  row["agent"] = agent;
  std::int64_t orders = 0, revenue = 0;
  for (const auto& [cur, m] : p.sales) {
    orders += m.chat_orders;
    if (cur == currency) revenue += m.chat_revenue;
  }
  row["orders"] = orders;
  row["revenue_cents"] = revenue;
  row["leads"] = p.chat_leads;
  return row;
}

boost::json::object breakdown_json(const Partial& p, const std::string& currency, date::local_days from,
                                   date::local_days to) {
  boost::json::array series;
  for (auto d = from; d <= to; d += date::days{1}) {
    auto it = p.series.find(day_no(d));
    SeriesDay s = it == p.series.end() ? SeriesDay{} : it->second;
    std::int64_t orders = 0, revenue = 0;
    for (auto m = p.sales_by_day.lower_bound({day_no(d), ""}); m != p.sales_by_day.end() && m->first.first == day_no(d);
         ++m) {
      orders += m->second.chat_orders;
      if (m->first.second == currency) revenue += m->second.chat_revenue;
    }
    series.push_back(boost::json::object{{"day", date::format("%F", d)},
                                         {"conversations", s.conversations},
                                         {"chats", s.chats},
                                         {"answered", s.answered},
                                         {"missed", s.missed},
                                         {"awaited", s.awaited},
                                         {"within_sl", s.within},
                                         {"chat_orders", orders},
                                         {"chat_revenue_cents", revenue}});
  }
  boost::json::array arrivals, waits;
  for (int w = 0; w < 7; ++w) {
    boost::json::array a, wt;
    for (int h = 0; h < 24; ++h) {
      auto i = static_cast<std::size_t>(w) * 24 + static_cast<std::size_t>(h);
      a.push_back(p.arrivals[i]);
      if (p.waited[i] > 0)
        wt.push_back(p.wait_sum[i] / p.waited[i]);
      else
        wt.push_back(nullptr);
    }
    arrivals.push_back(std::move(a));
    waits.push_back(std::move(wt));
  }
  boost::json::array bounds, counts;
  for (int b : kFirstResponseBuckets) bounds.push_back(b);
  for (auto n : p.first_buckets) counts.push_back(n);
  return {{"series", std::move(series)},
          {"heatmap", boost::json::object{{"arrivals", std::move(arrivals)}, {"wait_avg_ms", std::move(waits)}}},
          {"first_response", boost::json::object{{"bounds_s", std::move(bounds)}, {"counts", std::move(counts)}}}};
}

}  // namespace tiski::analytics
