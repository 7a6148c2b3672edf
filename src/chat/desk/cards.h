// Channel cards (docs/channels.md, "Steering to the right channel"): a tenant's ready-made
// pointers to where a matter belongs — "this needs strong identification: continue in Oma tili"
// with a button to the page — kept with the policy card on the desk, sent by an agent into a
// chat as a card the widget shows with its button, and recorded as the outcome redirected to
// the card's channel. Pure; thread-safe.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "util/error.h"

namespace tiski::desk {

inline constexpr std::size_t kMaxCards = 10;
inline constexpr std::size_t kMaxCardTitleBytes = 100;
inline constexpr std::size_t kMaxCardTextBytes = 600;
inline constexpr std::size_t kMaxCardUrlBytes = 500;
inline constexpr std::size_t kMaxCardLabelBytes = 40;

struct ChannelCard {
  std::string id;       // a-z 0-9 - _, 1-32: names it in a send
  std::string title;    // "Tämä vaatii vahvan tunnistautumisen"
  std::string text;     // optional: what the customer does there
  std::string url;      // https:// (or http://) page where the matter continues
  std::string label;    // the button: "Jatka Oma tili -palvelussa"
  std::string channel;  // the outcome's channel: "Oma tili" (limits::kMaxChannelBytes)
};

// The cards of a JSON array (the desk's PUT), checked: bad_request naming the card and field.
Result<std::vector<ChannelCard>> parse_cards(const boost::json::value& v);
// The stored text form (a JSON array; "" = none) and back (unreadable: none).
std::string cards_text(const std::vector<ChannelCard>& cards);
std::vector<ChannelCard> stored_cards(std::string_view text);
boost::json::object card_json(const ChannelCard& c);
boost::json::array cards_json(const std::vector<ChannelCard>& cards);
// The text a card stands for where it cannot be drawn (an email, an old client, search).
std::string card_body(const ChannelCard& c);

}  // namespace tiski::desk
