// Buying signals: does a chat show purchase intent, so that the agent should recommend and
// sell? Signals are words: "cart" (the visitor has a cart with value), "product_page" (they
// are on a page with a product category) and "phrase:<phrase>" (their message contains a
// phrase of the lists in share/buying-signals.json at the start of a word, case-insensitively).
// The phrase lists are data: edited without rebuilding. Pure; thread-safe once loaded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski::signals {

struct Phrases {
  std::vector<std::string> all;  // lower-cased, every language
};

// Parses the JSON file's text: {"fi": [...], "sv": [...], ...}; other keys starting with "doc" ignored.
Result<Phrases> parse(std::string_view json);
Result<Phrases> load(const std::string& path);

// The signals of one visitor message.
std::vector<std::string> detect(const Phrases& p, std::string_view message, std::int64_t cart_cents,
                                std::string_view category);

// Lower-cases ASCII and the Finnish/Swedish letters Å Ä Ö (UTF-8).
std::string fold(std::string_view s);

}  // namespace tiski::signals
