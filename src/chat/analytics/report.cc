#include "chat/analytics/report.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <cmath>
#include <numeric>

#include "chat/analytics/timeline.h"

namespace tiski::analytics {

namespace {

boost::json::value rate(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

// The nearest-rank percentile of sorted values.
Millis percentile(const std::vector<Millis>& sorted, double p) {
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

boost::json::value durations(std::vector<Millis> v) {
  if (v.empty()) return nullptr;
  std::sort(v.begin(), v.end());
  Millis sum = std::accumulate(v.begin(), v.end(), Millis{0});
  return boost::json::object{{"avg", sum / static_cast<Millis>(v.size())},
                             {"p50", percentile(v, 50)},
                             {"p90", percentile(v, 90)},
                             {"n", v.size()}};
}

}  // namespace

void add(Summary& s, const Measured& m) {
  ++s.conversations;
  if (m.live) ++s.chats;
  if (m.answered) ++s.answered;
  if (m.missed) ++s.missed;
  if (m.abandoned) ++s.abandoned;
  if (m.slow) ++s.slow;
  if (m.transferred) ++s.transferred;
  if (m.awaited) ++s.awaited;
  if (m.within_service_level) ++s.within_service_level;
  if (m.wait_ms) s.waits.push_back(*m.wait_ms);
  if (m.first_response_ms) s.first_responses.push_back(*m.first_response_ms);
  if (m.first_response_business_ms) s.first_responses_business.push_back(*m.first_response_business_ms);
  s.replies.insert(s.replies.end(), m.reply_ms.begin(), m.reply_ms.end());
  if (m.answered) s.handling.push_back(m.active_ms);
}

void add_said(Summary& s, const Conversation& c) {
  ++s.outcomes[c.outcome.empty() ? "unset" : c.outcome];
  for (const auto& t : c.tags) ++s.tags[t];
  if (c.csat_shown_at) ++s.csat_shown;
  if (c.csat && *c.csat >= 1 && *c.csat <= 5) {
    ++s.csat_answers;
    s.csat_sum += *c.csat;
    if (*c.csat >= 4) ++s.csat_positive;
    ++s.csat_by_score[*c.csat - 1];
  }
}

namespace {

// The `limit` most used tags, most used first (ties by name).
boost::json::array top_tags(const std::map<std::string, std::int64_t>& tags, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> v(tags.begin(), tags.end());
  std::stable_sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  boost::json::array out;
  for (std::size_t i = 0; i < v.size() && i < limit; ++i)
    out.push_back(boost::json::object{{"tag", v[i].first}, {"n", v[i].second}});
  return out;
}

}  // namespace

boost::json::object to_json(const Summary& s) {
  boost::json::object outcomes;
  for (const auto* o : {"sale", "lead", "redirected", "resolved", "none", "spam", "unset"}) outcomes[o] = 0;
  for (const auto& [k, n] : s.outcomes) outcomes[k] = n;
  boost::json::array by_score;
  for (auto n : s.csat_by_score) by_score.push_back(n);
  boost::json::object csat{{"shown", s.csat_shown},
                           {"answers", s.csat_answers},
                           {"response_rate", rate(s.csat_answers, std::max(s.csat_shown, s.csat_answers))},
                           {"score", rate(s.csat_positive, s.csat_answers)},
                           {"average", s.csat_answers ? boost::json::value(static_cast<double>(s.csat_sum) /
                                                                           static_cast<double>(s.csat_answers))
                                                      : boost::json::value(nullptr)},
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
          {"service_level", rate(s.within_service_level, s.awaited)},
          {"missed_rate", rate(s.missed, s.awaited)},
          {"wait_ms", durations(s.waits)},
          {"first_response_ms", durations(s.first_responses)},
          {"first_response_business_ms", durations(s.first_responses_business)},
          {"reply_ms", durations(s.replies)},
          {"handling_ms", durations(s.handling)}};
}

Report summarize(const std::vector<ReportConversation>& convs, const Thresholds& th, const BusinessHours* hours,
                 Millis now) {
  Report r;
  for (const auto& c : convs) {
    auto m = measure(timeline_of(c.conv, c.lines, c.events), th, hours, now);
    add(r.total, m);
    add_said(r.total, c.conv);
    if (c.conv.assignee_id) {
      auto& a = r.by_agent[*c.conv.assignee_id];
      add(a, m);
      add_said(a, c.conv);
    }
    r.measured.push_back(std::move(m));
  }
  return r;
}

}  // namespace tiski::analytics
