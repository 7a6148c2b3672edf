#include "chat/proactive/signals.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <fstream>

namespace tiski::signals {

std::string fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0x85 || d == 0x84 || d == 0x96) d = static_cast<unsigned char>(d + 0x20);  // Å Ä Ö -> å ä ö
      out += static_cast<char>(c);
      out += static_cast<char>(d);
      ++i;
      continue;
    }
    out += static_cast<char>(c < 128 ? std::tolower(c) : c);
  }
  return out;
}

Result<Phrases> parse(std::string_view json) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return Error::bad_request("buying signals: expected a JSON object of phrase lists");
  Phrases p;
  for (const auto& [lang, list] : v.as_object()) {
    if (std::string_view(lang).starts_with("doc")) continue;
    if (!list.is_array()) return Error::bad_request("buying signals: '" + std::string(lang) + "' must be a list");
    for (const auto& e : list.as_array()) {
      if (!e.is_string() || e.as_string().empty() || e.as_string().size() > 100) {
        return Error::bad_request("buying signals: phrases are strings of 1-100 bytes");
      }
      std::string f = fold(e.as_string());
      if (std::find(p.all.begin(), p.all.end(), f) == p.all.end()) p.all.push_back(std::move(f));
    }
  }
  // Longest first, so "onko varastossa" is reported rather than "varastossa" alone.
  std::stable_sort(p.all.begin(), p.all.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return p;
}

Result<Phrases> load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error::not_found("cannot read " + path);
  std::string text(std::istreambuf_iterator<char>(in), {});
  return parse(text);
}

namespace {
// A byte that continues a word: ASCII letters/digits, or any byte of a multi-byte character.
bool wordish(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
}  // namespace

std::vector<std::string> detect(const Phrases& p, std::string_view message, std::int64_t cart_cents,
                                std::string_view category) {
  std::vector<std::string> out;
  if (cart_cents > 0) out.emplace_back("cart");
  if (!category.empty()) out.emplace_back("product_page");
  std::string text = fold(message);
  std::vector<std::pair<std::size_t, std::size_t>> taken;  // spans already reported
  for (const auto& phrase : p.all) {
    for (std::size_t at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + 1)) {
      if (at > 0 && wordish(static_cast<unsigned char>(text[at - 1]))) continue;  // not at a word start
      bool inside =
          std::any_of(taken.begin(), taken.end(), [&](auto span) { return at >= span.first && at < span.second; });
      if (inside) break;
      taken.emplace_back(at, at + phrase.size());
      out.push_back("phrase:" + phrase);
      break;
    }
  }
  return out;
}

}  // namespace tiski::signals
