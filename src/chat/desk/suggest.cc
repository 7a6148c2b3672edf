#include "chat/desk/suggest.h"

#include <algorithm>

#include "chat/desk/search.h"

namespace tiski::desk {
namespace {

constexpr std::size_t kMinReplyBytes = 20;

const std::string& text_in(const CannedAnswer& a, std::string_view lang) {
  const std::string& want = lang == "sv" ? a.sv : lang == "en" ? a.en : a.fi;
  if (!want.empty()) return want;
  return !a.fi.empty() ? a.fi : !a.en.empty() ? a.en : a.sv;
}

// Whether two folded words are forms of one word: a common beginning of at least 4 bytes and
// 60 % of the shorter ("toimituksen" and "toimitus", "teltoista" and "teltta" share "telt").
bool related(std::string_view a, std::string_view b) {
  std::size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n >= 4 && n * 5 >= std::min(a.size(), b.size()) * 3;
}

// How many of the question's words the answer has a form of.
int shared(const std::vector<std::string>& question, const std::vector<std::string>& answer) {
  int n = 0;
  for (const auto& q : question) {
    n += std::any_of(answer.begin(), answer.end(), [&](const std::string& w) { return related(q, w); }) ? 1 : 0;
  }
  return n;
}

}  // namespace

std::vector<Suggestion> suggest(std::string_view question, std::string_view lang,
                                const std::vector<CannedAnswer>& canned, const std::vector<PastReply>& past) {
  std::vector<std::string> words;
  for (const auto& w : telling_words(question, 8)) {
    auto f = folded_words(w);
    if (!f.empty()) words.push_back(std::move(f[0]));
  }
  std::vector<Suggestion> out;
  if (words.empty()) return out;
  std::vector<std::pair<int, const CannedAnswer*>> ranked;
  for (const auto& a : canned) {
    auto answer = folded_words(a.title + " " + a.shortcut + " " + text_in(a, lang));
    int n = shared(words, answer);
    if (n > 0) ranked.emplace_back(n, &a);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  auto seen = [&out](const std::string& text) {
    return std::any_of(out.begin(), out.end(), [&](const Suggestion& s) { return s.text == text; });
  };
  // Canned answers first, but at most two: an earlier reply in the shop's own words is often
  // the better start.
  for (const auto& [n, a] : ranked) {
    if (out.size() >= kMaxSuggestions - 1) break;
    const auto& text = text_in(*a, lang);
    if (!text.empty() && !seen(text)) out.push_back(Suggestion{"canned", text, a->id, 0, ""});
  }
  for (const auto& p : past) {
    if (out.size() >= kMaxSuggestions) break;
    if (p.reply.size() < kMinReplyBytes || seen(p.reply)) continue;
    out.push_back(Suggestion{"reply", p.reply, 0, p.conv_id, p.question});
  }
  return out;
}

boost::json::object suggestion_json(const Suggestion& s) {
  boost::json::object o{{"kind", s.kind}, {"text", s.text}};
  if (s.kind == "canned") o["canned"] = s.canned;
  if (s.kind == "reply") {
    o["conv"] = s.conv;
    o["question"] = s.question;
  }
  return o;
}

}  // namespace tiski::desk
