// A period's summary of per-conversation metrics (docs/metrics.md): the KPI tiles and the
// per-agent table of the reports. Pure: built from what ReportQuery read.
#pragma once

#include <boost/json/object.hpp>
#include <map>
#include <vector>

#include "chat/analytics/metrics.h"
#include "store/records.h"

namespace tiski::analytics {

struct Summary {
  std::int64_t conversations = 0;
  std::int64_t chats = 0;     // live chats
  std::int64_t awaited = 0;   // live chats in which the visitor wrote first (the service level's base)
  std::int64_t answered = 0;  // any agent line
  std::int64_t missed = 0;
  std::int64_t abandoned = 0;
  std::int64_t slow = 0;
  std::int64_t transferred = 0;
  std::int64_t within_service_level = 0;
  std::vector<Millis> waits, first_responses, first_responses_business, replies, handling;
  // What the agents said came of them ("" counts as "unset") and the tags they chose.
  std::map<std::string, std::int64_t> outcomes;
  std::map<std::string, std::int64_t> tags;
  // The satisfaction survey: shown, answered, answers of 4 or 5, the sum and each score's count.
  std::int64_t csat_shown = 0, csat_answers = 0, csat_positive = 0, csat_sum = 0;
  std::int64_t csat_by_score[5] = {};
};

// Adds what the agent and the visitor said of one conversation (outcome, tags, CSAT).
void add_said(Summary& s, const Conversation& c);

// Adds one conversation's metrics.
void add(Summary& s, const Measured& m);

// The JSON of the reports: counts, rates (0..1, null without a base) and, for each duration,
// {"avg","p50","p90"} in milliseconds (null without data).
boost::json::object to_json(const Summary& s);

struct Report {
  Summary total;
  std::map<Id, Summary> by_agent;  // by the conversation's (last) assignee
  std::vector<Measured> measured;  // one per conversation, in the input's order
};

Report summarize(const std::vector<ReportConversation>& convs, const Thresholds& th, const BusinessHours* hours,
                 Millis now);

}  // namespace tiski::analytics
