// A conversation's analytics::Timeline from what the store holds: the conversation row, its
// messages and its events (docs/metrics.md, "The facts a conversation is measured from").
#pragma once

#include <vector>

#include "chat/analytics/metrics.h"
#include "store/records.h"

namespace tiski::analytics {

Timeline timeline_of(const Conversation& c, const std::vector<ReportLine>& lines, const std::vector<Event>& events);
Timeline timeline_of(const Conversation& c, const std::vector<Message>& messages, const std::vector<Event>& events);

}  // namespace tiski::analytics
