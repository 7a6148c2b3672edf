#include "chat/desk/cards.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::desk {
namespace {

bool slug(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  return true;
}

// A link a browser follows to a page: http(s), a host, no spaces or control characters.
bool web_url(std::string_view u) {
  std::string_view rest;
  if (u.starts_with("https://"))
    rest = u.substr(8);
  else if (u.starts_with("http://"))
    rest = u.substr(7);
  else
    return false;
  if (rest.empty() || rest.front() == '/' || u.size() > kMaxCardUrlBytes) return false;
  for (unsigned char c : u)
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
  return true;
}

std::string text_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(trim(proto::clean_text(v->as_string()))) : std::string();
}

bool one_line(std::string_view s) { return s.find('\n') == std::string_view::npos; }

}  // namespace

Result<std::vector<ChannelCard>> parse_cards(const boost::json::value& v) {
  if (!v.is_array()) return Error::bad_request("cards are a list of {id, title, text, url, label, channel}");
  const auto& a = v.as_array();
  if (a.size() > kMaxCards) return Error::too_large("at most " + std::to_string(kMaxCards) + " channel cards");
  std::vector<ChannelCard> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::string which = "card " + std::to_string(i + 1);
    const auto* o = a[i].if_object();
    if (!o) return Error::bad_request(which + " is not an object");
    for (const auto& [k, x] : *o) {
      if (k != "id" && k != "title" && k != "text" && k != "url" && k != "label" && k != "channel")
        return Error::bad_request(which + ": unknown field '" + clip(std::string(k), 40) + "'");
      if (!x.is_string()) return Error::bad_request(which + ": '" + std::string(k) + "' is text");
    }
    ChannelCard c{text_of(*o, "id"),  text_of(*o, "title"), text_of(*o, "text"),
                  text_of(*o, "url"), text_of(*o, "label"), text_of(*o, "channel")};
    if (!slug(c.id)) return Error::bad_request(which + ": id is 1-32 of a-z, 0-9, - and _ (e.g. oma-tili)");
    for (const auto& d : out)
      if (d.id == c.id) return Error::conflict(which + ": another card has the id '" + c.id + "'");
    if (c.title.empty() || c.title.size() > kMaxCardTitleBytes || !one_line(c.title))
      return Error::bad_request(which + ": a title of one line, 1-" + std::to_string(kMaxCardTitleBytes) + " bytes");
    if (c.text.size() > kMaxCardTextBytes)
      return Error::bad_request(which + ": the text is at most " + std::to_string(kMaxCardTextBytes) + " bytes");
    if (!web_url(c.url)) return Error::bad_request(which + ": url is a web address, https://…");
    if (c.label.empty() || c.label.size() > kMaxCardLabelBytes || !one_line(c.label))
      return Error::bad_request(which + ": the button's label is 1-" + std::to_string(kMaxCardLabelBytes) + " bytes");
    if (c.channel.empty() || c.channel.size() > limits::kMaxChannelBytes || !one_line(c.channel))
      return Error::bad_request(which + ": channel (where it continues, for reports) is 1-" +
                                std::to_string(limits::kMaxChannelBytes) + " bytes");
    out.push_back(std::move(c));
  }
  return out;
}

boost::json::object card_json(const ChannelCard& c) {
  return {{"id", c.id},   {"title", c.title}, {"text", c.text},
          {"url", c.url}, {"label", c.label}, {"channel", c.channel}};
}

boost::json::array cards_json(const std::vector<ChannelCard>& cards) {
  boost::json::array a;
  for (const auto& c : cards) a.push_back(card_json(c));
  return a;
}

std::string cards_text(const std::vector<ChannelCard>& cards) {
  return cards.empty() ? std::string() : boost::json::serialize(cards_json(cards));
}

std::vector<ChannelCard> stored_cards(std::string_view text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return {};
  auto cards = parse_cards(v);
  return cards ? *std::move(cards) : std::vector<ChannelCard>{};
}

std::string card_body(const ChannelCard& c) {
  std::string body = c.title;
  if (!c.text.empty()) body += "\n" + c.text;
  body += "\n" + c.label + ": " + c.url;
  return body;
}

}  // namespace tiski::desk
