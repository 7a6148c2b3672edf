#include "chat/desk/suggest.h"

#include <algorithm>
#include <cmath>

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

std::vector<std::pair<std::size_t, double>> rank_questions(std::string_view question,
                                                           const std::vector<PastLine>& lines, std::size_t limit) {
  constexpr double kK1 = 1.2, kB = 0.75;
  std::vector<std::vector<std::string>> terms;  // per question word, its prefixes, folded as the lines are
  for (const auto& w : telling_words(question, 8)) {
    std::vector<std::string> prefixes;
    for (const auto& p : word_prefixes(w)) {
      if (auto f = folded_words(p); !f.empty()) prefixes.push_back(std::move(f[0]));
    }
    if (!prefixes.empty()) terms.push_back(std::move(prefixes));
  }
  std::vector<std::pair<std::size_t, double>> out;
  if (terms.empty() || lines.empty()) return out;
  // Term frequencies per line, document frequencies and lengths over the window.
  std::vector<std::vector<int>> tf(lines.size(), std::vector<int>(terms.size(), 0));
  std::vector<int> df(terms.size(), 0);
  std::vector<std::size_t> length(lines.size(), 0);
  double total = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto words = folded_words(lines[i].body);
    length[i] = words.size();
    total += static_cast<double>(words.size());
    for (const auto& w : words) {
      for (std::size_t t = 0; t < terms.size(); ++t) {
        if (std::any_of(terms[t].begin(), terms[t].end(), [&](const std::string& p) { return w.starts_with(p); }))
          ++tf[i][t];
      }
    }
    for (std::size_t t = 0; t < terms.size(); ++t) df[t] += tf[i][t] > 0 ? 1 : 0;
  }
  double n = static_cast<double>(lines.size()), avg = std::max(1.0, total / n);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    double score = 0;
    for (std::size_t t = 0; t < terms.size(); ++t) {
      if (tf[i][t] == 0) continue;
      double idf = std::log((n - df[t] + 0.5) / (df[t] + 0.5) + 1.0);
      double f = tf[i][t];
      score += idf * f * (kK1 + 1) / (f + kK1 * (1 - kB + kB * static_cast<double>(length[i]) / avg));
    }
    if (score > 0) out.emplace_back(i, score);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > limit) out.resize(limit);
  return out;
}

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
