#include "chat/analytics/metrics.h"

#include <algorithm>
#include <chrono>

namespace tiski::analytics {

namespace {

std::chrono::system_clock::time_point instant(Millis ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

// Whether the visitor was there at `at`: the last presence change at or before it says so
// (no change recorded: they were, since they opened the conversation).
bool present_at(const Timeline& t, Millis at) {
  bool present = true;
  for (const auto& p : t.presence) {
    if (p.at > at) break;
    present = p.present;
  }
  return present;
}

// The first time after `from` that the visitor left, if they did before `until`.
std::optional<Millis> left_between(const Timeline& t, Millis from, Millis until) {
  for (const auto& p : t.presence) {
    if (p.at >= from && p.at < until && !p.present) return p.at;
  }
  return std::nullopt;
}

// Handling time: the gaps between consecutive visitor/agent lines, except gaps longer than the
// limit for the line that opens them (such a gap is nobody handling the chat: it counts 0).
Millis active_time(const std::vector<const Line*>& talk, const Thresholds& th) {
  Millis sum = 0;
  for (std::size_t i = 1; i < talk.size(); ++i) {
    Millis gap = talk[i]->at - talk[i - 1]->at;
    Millis limit = talk[i - 1]->author == Author::kVisitor ? th.visitor_gap_ms : th.agent_gap_ms;
    if (gap > 0 && gap <= limit) sum += gap;
  }
  return sum;
}

// Reply times, slow waits and abandonment: one walk over the conversation's talk.
void replies(const Timeline& t, const std::vector<const Line*>& talk, const Thresholds& th, Millis end, Measured& m) {
  std::optional<Millis> burst;  // first visitor line not yet answered
  bool answered_before = false;
  for (const auto* l : talk) {
    if (l->author == Author::kVisitor) {
      if (!burst) burst = l->at;
      continue;
    }
    if (burst) {
      // A visitor who left while this burst waited too long, after an earlier answer, abandoned.
      auto left = left_between(t, *burst, l->at);
      if (answered_before && left && *left - *burst > th.slow_ms) m.abandoned = true;
      m.reply_ms.push_back(l->at - *burst);
      if (l->at - *burst > th.slow_ms) m.slow = true;
      burst.reset();
    }
    answered_before = true;
  }
  if (!burst) return;
  // A wait that was never answered: until the visitor left (their tab, or closing the chat),
  // else until the close or now.
  auto left = left_between(t, *burst, end);
  bool visitor_went = left.has_value() || (t.closed && t.closed_by == "visitor");
  Millis waited = left.value_or(end) - *burst;
  if (waited > th.slow_ms) {
    m.slow = true;
    if (answered_before && visitor_went) m.abandoned = true;
  }
}

}  // namespace

bool is_live(const std::string& origin) { return origin == "reactive" || origin == "proactive" || origin == "agent"; }

Measured measure(const Timeline& t, const Thresholds& th, const BusinessHours* hours, Millis now) {
  Measured m;
  m.live = is_live(t.origin);
  m.transferred = t.transfers > 0;
  std::vector<const Line*> talk;
  for (const auto& l : t.lines) {
    if (l.author == Author::kVisitor || l.author == Author::kAgent) talk.push_back(&l);
  }
  const Line* first_visitor = nullptr;
  const Line* first_agent = nullptr;
  for (const auto* l : talk) {
    if (!first_visitor && l->author == Author::kVisitor) first_visitor = l;
    if (!first_agent && l->author == Author::kAgent) first_agent = l;
  }
  m.answered = first_agent != nullptr;
  Millis end = t.closed.value_or(now);

  if (first_agent && t.origin != "agent") {
    m.first_response_ms = first_agent->at - t.started;
    m.first_response_business_ms = hours ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                               open_between(*hours, instant(t.started), instant(first_agent->at)))
                                               .count()
                                         : *m.first_response_ms;
  }
  if (first_agent && t.closed) m.wall_ms = *t.closed - first_agent->at;
  m.active_ms = active_time(talk, th);

  if (m.live && first_visitor && (!first_agent || first_visitor->at <= first_agent->at)) {
    // The visitor wrote first and waited for a person.
    m.awaited = true;
    bool gone_now = t.closed.has_value() || !present_at(t, now);
    if (first_agent) {
      m.missed = !present_at(t, first_agent->at);
    } else {
      m.missed = gone_now;
    }
    // The visitor's patience ran out: they left (or closed the chat) before any answer.
    Millis until = first_agent ? first_agent->at : end;
    if (auto left = left_between(t, first_visitor->at, until); m.missed && left) {
      m.gave_up_ms = *left - first_visitor->at;
    } else if (m.missed && !first_agent && t.closed && t.closed_by == "visitor") {
      m.gave_up_ms = *t.closed - first_visitor->at;
    }
    if (first_agent && !m.missed) {
      m.wait_ms = first_agent->at - first_visitor->at;
      m.within_service_level = *m.wait_ms <= th.service_level_ms;
    }
  }
  replies(t, talk, th, end, m);
  if (m.missed) m.abandoned = false;  // a chat that never got an answer is missed, not abandoned
  return m;
}

}  // namespace tiski::analytics
