// The per-conversation metrics of docs/metrics.md, computed from the stored facts of one
// conversation: its lines (who wrote when), transfers, the visitor leaving and coming back,
// and its close. Pure functions of their input: the report queries and the unit tests that pin
// every definition call the same code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "chat/presence/hours.h"
#include "store/records.h"

namespace tiski::analytics {

// Who wrote a line. Internal notes and system lines are never replies, never activity.
enum class Author : std::uint8_t { kVisitor, kAgent, kNote, kSystem };

struct Line {
  Millis at = 0;
  Author author = Author::kVisitor;
};

// What the visitor did with their tabs: left (last tab gone for the grace period) or came back.
struct Presence {
  Millis at = 0;
  bool present = false;
};

// One conversation as the store holds it.
struct Timeline {
  std::string origin = "reactive";  // reactive, proactive, agent, offline, email, api
  Millis started = 0;               // the conversation's creation
  std::vector<Line> lines;          // in sequence order
  std::vector<Presence> presence;   // in time order
  int transfers = 0;
  std::optional<Millis> closed;
  std::string closed_by;  // "agent", "visitor", "system"
};

// Per tenant (docs/metrics.md, "Thresholds").
struct Thresholds {
  Millis slow_ms = 60'000;             // a reply or an unanswered wait over this is slow
  Millis visitor_gap_ms = 4 * 60'000;  // a gap after a visitor line longer than this is not handling
  Millis agent_gap_ms = 10 * 60'000;   // the same after an agent line
  Millis service_level_ms = 20'000;    // "answered within T"
};

struct Measured {
  bool live = false;                        // a chat (reactive, proactive, agent): the ones with a wait time and a miss
  bool awaited = false;                     // a live chat in which the visitor wrote first: the service level base
  std::optional<Millis> wait_ms;            // first agent line - first visitor line, when answered in the chat
  std::optional<Millis> first_response_ms;  // first agent line - start
  std::optional<Millis> first_response_business_ms;  // the same, counting only open hours
  std::vector<Millis> reply_ms;                      // one per answered visitor burst
  bool answered = false;                             // any agent line
  bool missed = false;
  bool abandoned = false;
  bool slow = false;
  bool transferred = false;
  bool within_service_level = false;  // answered within Thresholds::service_level_ms
  std::optional<Millis> gave_up_ms;   // missed because the visitor went: how long they had waited
  Millis active_ms = 0;               // handling time
  std::optional<Millis> wall_ms;      // close - first agent line
};

// `hours`: the tenant's business hours, or null (always open: the two first response times
// are then equal). `now`: the report's time, for waits still open.
Measured measure(const Timeline& t, const Thresholds& th, const BusinessHours* hours, Millis now);

// Whether an origin is a live chat (has a wait time, can be missed).
bool is_live(const std::string& origin);

}  // namespace tiski::analytics
