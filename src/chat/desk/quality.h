// Quality review (docs/desk.md): the automatic flags of a closed conversation, each by a
// documented rule, and the supervisor's scores on the chat barometer's dimensions.
//
// The flagger (flag_round) runs as a store job, a batch at a time, over the closes and outcome
// changes recorded after its mark: restart-safe, and never on a message's path.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "chat/analytics/metrics.h"
#include "store/store.h"

namespace tiski::desk {

// The flags, by name (docs/desk.md, "Automatic flags"):
inline constexpr std::string_view kFlagSlowReply = "slow_reply";      // a reply over the slow threshold
inline constexpr std::string_view kFlagLeftWaiting = "left_waiting";  // missed or abandoned
inline constexpr std::string_view kFlagSignal = "signal_not_acted";   // buying signal, no link/offer/sale
inline constexpr std::string_view kFlagNoQuestion = "no_question";    // the agent asked nothing
inline constexpr std::string_view kFlagRude = "rude_word";            // a word of the rude list
bool valid_flag(std::string_view name);

struct Judgement {
  std::vector<std::string> flags;
  boost::json::object detail;  // per flag: what triggered it
};

// The flags of one closed conversation from its stored facts.
Judgement judge(const Conversation& c, const std::vector<Message>& messages, const std::vector<Event>& events,
                const analytics::Thresholds& th);

// The first word of `text` on the rude-word list (fi/sv/en), or "".
std::string rude_word(std::string_view text);

// One round of the flagger: judges the conversations of up to `limit` events after the mark
// and moves the mark. How many events it read (fewer than `limit`: caught up).
Result<std::size_t> flag_round(Store& st, std::size_t limit);

// A review from the request body {"reachability": 1..5, "efficiency", "atmosphere", "sales",
// "comment": "..."}: every score required, the comment at most 2,000 bytes.
Result<Review> parse_review(const boost::json::object& body);
boost::json::object review_json(const Review& r);
boost::json::object flags_json(const QualityFlags& f);

}  // namespace tiski::desk
