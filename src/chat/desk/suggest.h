// Suggested replies (docs/desk.md): for the visitor's last line, up to three replies the agent
// may start from: the tenant's canned answers that share the most word stems with it, then the
// agent replies that followed the most similar visitor lines of the tenant's earlier
// conversations (BM25 over the search index: DeskRepo::past_replies). Everything is computed
// on the machine, from one tenant's data. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.h"

namespace tiski::desk {

inline constexpr std::size_t kMaxSuggestions = 3;

struct Suggestion {
  std::string kind;      // "canned" or "reply"
  std::string text;      // canned: the variant in the visitor's language, variables not yet filled
  Id canned = 0;         // kind canned
  Id conv = 0;           // kind reply: the conversation it was written in
  std::string question;  // kind reply: the visitor line it answered
};

// Ranks earlier visitor lines against the question by BM25 (k1 = 1.2, b = 0.75) over the
// question's telling words, a line's word counting for a question word when it begins with
// one of that word's prefixes (as search matches). Document frequencies and the average length
// come from the candidate lines themselves (the newest matches: the store's window), not the
// whole index. The best `limit` lines with a positive score, best first; ties keep the input
// (newest-first) order. Returns (index into `lines`, score).
std::vector<std::pair<std::size_t, double>> rank_questions(std::string_view question,
                                                           const std::vector<PastLine>& lines, std::size_t limit);

// The canned answers sharing at least one word stem with `question`, best first, then the
// past replies (ranked by rank_questions), without repeats and without replies under 20 bytes; at most
// kMaxSuggestions.
std::vector<Suggestion> suggest(std::string_view question, std::string_view lang,
                                const std::vector<CannedAnswer>& canned, const std::vector<PastReply>& past);

boost::json::object suggestion_json(const Suggestion& s);

}  // namespace tiski::desk
