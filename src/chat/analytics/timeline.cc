#include "chat/analytics/timeline.h"

#include <boost/json/parse.hpp>

#include "chat/core/events.h"

namespace tiski::analytics {

namespace {

Author author_of(const std::string& a) {
  if (a == "visitor") return Author::kVisitor;
  if (a == "agent") return Author::kAgent;
  if (a == "note") return Author::kNote;
  return Author::kSystem;
}

}  // namespace

Timeline timeline_of(const Conversation& c, const std::vector<Message>& messages, const std::vector<Event>& events) {
  std::vector<ReportLine> lines;
  lines.reserve(messages.size());
  for (const auto& m : messages) lines.push_back({m.at, m.author});
  return timeline_of(c, lines, events);
}

Timeline timeline_of(const Conversation& c, const std::vector<ReportLine>& lines, const std::vector<Event>& events) {
  using events::Kind;
  using events::name;
  Timeline t;
  t.origin = c.origin;
  t.started = c.created_at;
  t.closed = c.closed_at;
  t.lines.reserve(lines.size());
  for (const auto& l : lines) t.lines.push_back({l.at, author_of(l.author)});
  for (const auto& e : events) {
    if (e.kind == name(Kind::kVisitorLeft)) {
      t.presence.push_back({e.at, false});
    } else if (e.kind == name(Kind::kVisitorReturned)) {
      t.presence.push_back({e.at, true});
    } else if (e.kind == name(Kind::kConversationTransferred)) {
      ++t.transfers;
    } else if (e.kind == name(Kind::kConversationClosed)) {
      boost::system::error_code ec;
      auto data = boost::json::parse(e.data, ec);
      if (!ec && data.is_object()) {
        if (const auto* by = data.as_object().if_contains("by"); by && by->is_string())
          t.closed_by = std::string(by->as_string());
      }
    }
  }
  std::stable_sort(t.presence.begin(), t.presence.end(),
                   [](const Presence& a, const Presence& b) { return a.at < b.at; });
  return t;
}

}  // namespace tiski::analytics
