#include "chat/desk/search.h"

#include <libstemmer.h>

#include <algorithm>
#include <memory>

namespace tiski::desk {
namespace {

constexpr std::size_t kMaxQueryBytes = 200;
constexpr std::size_t kMaxTerms = 8;
constexpr std::size_t kMinPrefix = 3;      // characters
constexpr std::size_t kPrefixIndexed = 5;  // the longest prefix the index holds (migration 14)

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// Letters and digits make words; so does any other letter above Latin-1's punctuation.
bool word_char(char32_t c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  if (c < 0xC0 || c == 0xD7 || c == 0xF7) return false;
  // Punctuation and symbols, CJK punctuation, variation selectors, emoji and their tags: the
  // index (unicode61) keeps none of them as words, so a search must not require them ("😀 teltta"
  // found nothing).
  return !(c >= 0x2000 && c <= 0x2BFF) && !(c >= 0x3000 && c <= 0x303F) && !(c >= 0xFE00 && c <= 0xFE0F) &&
         !(c >= 0xFE30 && c <= 0xFE4F) && !(c >= 0x1F000 && c <= 0x1FAFF) && !(c >= 0xE0000 && c <= 0xE007F);
}

char32_t lower(char32_t c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;
  return c;
}

bool vowel(char32_t c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == U'ä' || c == U'ö' || c == U'å';
}

// One Snowball stemmer per language and thread (they are not thread-safe).
std::string stem(const char* lang, const std::string& word) {
  struct Free {
    void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
  };
  thread_local std::unique_ptr<sb_stemmer, Free> fi(sb_stemmer_new("finnish", "UTF_8"));
  thread_local std::unique_ptr<sb_stemmer, Free> sv(sb_stemmer_new("swedish", "UTF_8"));
  thread_local std::unique_ptr<sb_stemmer, Free> en(sb_stemmer_new("english", "UTF_8"));
  sb_stemmer* s = lang[0] == 'f' ? fi.get() : lang[0] == 's' ? sv.get() : en.get();
  if (!s) return word;
  const sb_symbol* out =
      sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
  if (!out) return word;
  return {reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s))};
}

// Finnish consonant gradation at the end of a stem, both ways: teltt/telt, kenk/keng, kaup/kaupp.
std::vector<std::u32string> graded(const std::u32string& s) {
  static const std::pair<std::u32string_view, std::u32string_view> kPairs[] = {
      {U"kk", U"k"},  {U"pp", U"p"},  {U"tt", U"t"}, {U"nk", U"ng"}, {U"mp", U"mm"}, {U"nt", U"nn"},
      {U"lt", U"ll"}, {U"rt", U"rr"}, {U"lk", U"l"}, {U"hk", U"h"},  {U"t", U"d"},   {U"p", U"v"}};
  std::vector<std::u32string> out;
  for (auto [strong, weak] : kPairs) {
    for (auto [from, to] : {std::pair{strong, weak}, std::pair{weak, strong}}) {
      if (s.size() > from.size() && s.ends_with(from)) {
        // A single consonant is graded only after a vowel (a "t" after "l" is not a weak "tt").
        if (from.size() == 1 && !vowel(s[s.size() - 2])) continue;
        out.push_back(s.substr(0, s.size() - from.size()) + std::u32string(to));
      }
    }
  }
  return out;
}

std::string fts_quoted(std::string_view token) {
  std::string out = "\"";
  for (char c : token) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

}  // namespace

Result<SearchTerms> parse_search(std::string_view q) {
  if (q.size() > kMaxQueryBytes) {
    return Error::bad_request("a search is at most " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  SearchTerms t;
  std::u32string word;
  std::vector<std::string> phrase;
  bool in_phrase = false;
  auto end_word = [&] {
    if (word.empty()) return;
    (in_phrase ? phrase : t.words).push_back(encode(word));
    word.clear();
  };
  for (char32_t c : decode(q)) {
    if (c == '"' || c == U'“' || c == U'”' || c == U'«' || c == U'»') {
      end_word();
      if (in_phrase && !phrase.empty()) t.phrases.push_back(std::move(phrase));
      phrase.clear();
      in_phrase = !in_phrase;
    } else if (word_char(c)) {
      word.push_back(lower(c));
    } else {
      end_word();
    }
  }
  end_word();
  if (in_phrase) return Error::bad_request("a quote in the search is not closed");
  if (t.words.empty() && t.phrases.empty()) return Error::bad_request("search for at least one word");
  if (t.words.size() + t.phrases.size() > kMaxTerms) {
    return Error::bad_request("a search has at most " + std::to_string(kMaxTerms) + " words or phrases");
  }
  return t;
}

std::vector<std::string> word_prefixes(std::string_view word) {
  std::vector<std::u32string> all{decode(word)};
  auto digits = std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits && all[0].size() >= kMinPrefix) {
    for (const char* lang : {"finnish", "swedish", "english"}) {
      auto s = decode(stem(lang, std::string(word)));
      if (lang[0] == 'f') {
        // Snowball leaves telto (telttojen) beside telt (teltta): the trailing vowel goes.
        while (s.size() > kMinPrefix && vowel(s.back())) s.pop_back();
        // -us/-uks (toimitus, toimituksen): the stem without its s covers both.
        if (s.size() > 4 && s.back() == 's' && vowel(s[s.size() - 2])) s.pop_back();
        // ...and -uks- (toimituksen: Snowball leaves toimituks): the stem without its ks.
        if (s.size() > 5 && s.ends_with(U"ks") && vowel(s[s.size() - 3])) s.resize(s.size() - 2);
        auto more = graded(s);
        all.push_back(s);
        all.insert(all.end(), more.begin(), more.end());
      } else {
        all.push_back(s);
      }
    }
  }
  std::vector<std::string> out;
  for (const auto& p : all) {
    if (p.size() < kMinPrefix && p != all[0]) continue;
    auto text = encode(p);
    if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
  }
  // A prefix that another one begins with adds nothing: "telt" covers "teltta".
  std::vector<std::string> kept;
  for (const auto& p : out) {
    bool covered = std::any_of(out.begin(), out.end(), [&](const std::string& o) {
      return o != p && o.size() >= kMinPrefix && p.starts_with(o);
    });
    if (!covered) kept.push_back(p);
  }
  return kept;
}

std::string match_expression(const SearchTerms& terms) {
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : " AND ") + part; };
  for (const auto& w : terms.words) {
    auto prefixes = word_prefixes(w);
    std::string group;
    for (const auto& p : prefixes) {
      bool exact =
          decode(p).size() < kMinPrefix || std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
      group += (group.empty() ? "" : " OR ") + fts_quoted(p) + (exact ? "" : "*");
    }
    add(prefixes.size() > 1 ? "(" + group + ")" : group);
  }
  for (const auto& p : terms.phrases) {
    std::string text;
    for (const auto& w : p) text += (text.empty() ? "" : " ") + w;
    add(fts_quoted(text));
  }
  return "body : (" + out + ")";
}

std::vector<std::string> telling_words(std::string_view text, std::size_t max_words) {
  // Words too common to say what a question is about (4 letters or more: shorter ones are
  // dropped anyway).
  static const std::u32string_view kCommon[] = {
      U"onko",   U"mitä",   U"olla",  U"ovat",   U"mutta",     U"että",   U"voiko",  U"voisiko", U"voinko", U"tämä",
      U"joka",   U"mikä",   U"miten", U"missä",  U"milloin",   U"kuinka", U"paljon", U"myös",    U"vielä",  U"siis",
      U"kiitos", U"moikka", U"terve", U"haluan", U"haluaisin", U"olisi",  U"teillä", U"teidän",  U"meidän", U"sitten",
      U"jotta",  U"koska",  U"minä",  U"sinä",   U"niin",      U"kanssa", U"hello",  U"thanks",  U"thank",  U"please",
      U"would",  U"could",  U"there", U"their",  U"about",     U"what",   U"when",   U"where",   U"which",  U"with",
      U"have",   U"this",   U"that",  U"from",   U"your",      U"tack",   U"eller",  U"inte",    U"finns",  U"till",
      U"från",   U"skulle", U"detta", U"denna",  U"någon",     U"något",  U"hejsan"};
  std::vector<std::u32string> words;
  std::u32string w;
  auto end_word = [&] {
    bool digits = std::all_of(w.begin(), w.end(), [](char32_t c) { return c >= '0' && c <= '9'; });
    bool common = std::find(std::begin(kCommon), std::end(kCommon), w) != std::end(kCommon);
    if (w.size() >= 4 && !digits && !common && std::find(words.begin(), words.end(), w) == words.end()) {
      words.push_back(w);
    }
    w.clear();
  };
  for (char32_t c : decode(text.substr(0, 2000))) {
    if (word_char(c)) {
      w.push_back(lower(c));
    } else {
      end_word();
    }
  }
  end_word();
  std::stable_sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  if (words.size() > max_words) words.resize(max_words);
  std::vector<std::string> out;
  out.reserve(words.size());
  for (const auto& w : words) out.push_back(encode(w));
  return out;
}

std::string similar_expression(std::string_view text, std::size_t max_words) {
  auto words = telling_words(text, max_words);
  // Each prefix cut to the 5 characters the index keeps prefixes of (migration 14): FTS5 then
  // reads one precomputed doclist per prefix, newest first, and stops at the scan's bound,
  // where a longer prefix makes it merge every word that begins with it (~400 ms over ten
  // million lines). BM25 ranks what the looser match lets in.
  std::vector<std::u32string> cut;
  for (const auto& word : words) {
    for (const auto& p : word_prefixes(word)) {
      auto d = decode(p);
      if (d.size() > kPrefixIndexed) d.resize(kPrefixIndexed);
      if (std::find(cut.begin(), cut.end(), d) == cut.end()) cut.push_back(std::move(d));
    }
  }
  std::string group;
  for (const auto& d : cut) {
    bool exact = d.size() < kMinPrefix;
    group += (group.empty() ? "" : " OR ") + fts_quoted(encode(d)) + (exact ? "" : "*");
  }
  return group.empty() ? "" : "body : (" + group + ")";
}

namespace {

// As the index folds: lower case, å ä â à á → a, ö ô ó ò → o, é è ê → e, ü → u.
std::u32string folded(std::u32string w) {
  for (auto& c : w) {
    c = lower(c);
    if (c == U'å' || c == U'ä' || c == U'â' || c == U'à' || c == U'á') c = 'a';
    if (c == U'ö' || c == U'ô' || c == U'ó' || c == U'ò') c = 'o';
    if (c == U'é' || c == U'è' || c == U'ê') c = 'e';
    if (c == U'ü' || c == U'ú' || c == U'ù') c = 'u';
  }
  return w;
}

}  // namespace

std::vector<std::string> folded_words(std::string_view text) {
  std::vector<std::string> out;
  std::u32string w;
  for (char32_t c : decode(text)) {
    if (word_char(c)) {
      w.push_back(c);
    } else if (!w.empty()) {
      out.push_back(encode(folded(w)));
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(encode(folded(w)));
  return out;
}

std::string snippet(std::string_view line, const SearchTerms& terms, std::size_t words) {
  // The prefixes (and whole words) a word of the line may match.
  std::vector<std::pair<std::u32string, bool>> keys;  // (folded text, prefix?)
  for (const auto& w : terms.words) {
    for (const auto& p : word_prefixes(w)) {
      auto d = decode(p);
      bool digits = std::all_of(d.begin(), d.end(), [](char32_t c) { return c >= '0' && c <= '9'; });
      keys.emplace_back(folded(d), d.size() >= kMinPrefix && !digits);
    }
  }
  for (const auto& phrase : terms.phrases) {
    for (const auto& w : phrase) keys.emplace_back(folded(decode(w)), false);
  }
  // The line as runs of word and other characters.
  struct Run {
    std::u32string text;
    bool word = false;
    bool hit = false;
  };
  std::vector<Run> runs;
  for (char32_t c : decode(line)) {
    bool w = word_char(c);
    if (runs.empty() || runs.back().word != w) runs.push_back({{}, w, false});
    runs.back().text.push_back(c == '\n' || c == '\t' ? U' ' : c);
  }
  std::size_t first = runs.size();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (!runs[i].word) continue;
    auto f = folded(runs[i].text);
    runs[i].hit = std::any_of(keys.begin(), keys.end(),
                              [&](const auto& k) { return k.second ? f.starts_with(k.first) : f == k.first; });
    if (runs[i].hit && first == runs.size()) first = i;
  }
  // A window of `words` words from a few words before the first match.
  std::size_t from = 0, to = runs.size();
  if (first < runs.size()) {
    std::size_t back = 0;
    for (from = first; from > 0 && back < words / 4; --from) back += runs[from - 1].word ? 1 : 0;
  }
  std::size_t count = 0;
  for (to = from; to < runs.size() && count < words; ++to) count += runs[to].word ? 1 : 0;
  std::u32string out;
  if (from > 0) out += U"…";
  for (std::size_t i = from; i < to; ++i) {
    if (runs[i].hit) out += U'\x02';
    out += runs[i].text;
    if (runs[i].hit) out += U'\x03';
  }
  if (to < runs.size()) out += U"…";
  return encode(out);
}

}  // namespace tiski::desk
