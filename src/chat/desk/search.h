// Transcript search (docs/desk.md): what an agent types becomes an FTS5 query over the
// messages of their tenants. The index holds the words as written (lower-cased, diacritics
// folded: SQLite's unicode61 tokenizer); the query expands each word to its Snowball stems in
// Finnish, Swedish and English as prefixes, and for Finnish to the consonant-gradation
// variants of the stem, so that "teltta" finds "telttojen", "teltoista" and "teltan", and
// "kenkä" finds "kengät". What it finds and misses: search_test.cc. The user's text never
// reaches FTS5's syntax: only the words taken out of it do, each quoted. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace tiski::desk {

// A query's words as the agent typed them (lower-cased), and phrases in "quotes".
struct SearchTerms {
  std::vector<std::string> words;
  std::vector<std::vector<std::string>> phrases;
};

// bad_request for an empty query, an unclosed quote, more than 8 words or a query over 200
// bytes; punctuation between words is ignored.
Result<SearchTerms> parse_search(std::string_view q);

// The prefixes one word is searched by: the word itself, its stems and their variants (at
// least 3 characters each, folded as the index folds them), without repeats.
std::vector<std::string> word_prefixes(std::string_view word);

// The FTS5 MATCH expression for the terms on the body column: every word (any of its
// prefixes) and every phrase must occur.
std::string match_expression(const SearchTerms& terms);

// The words of a text lower-cased and folded as the index folds them (ä → a, å → a, ö → o).
std::vector<std::string> folded_words(std::string_view text);

// The most telling words of a text for suggested replies: at most `max_words`, the longest
// first, without repeats, digits and common words of Finnish, Swedish and English.
std::vector<std::string> telling_words(std::string_view text, std::size_t max_words);

// For suggested replies: an FTS5 MATCH expression on the body column that any of the text's
// most telling words (any of its prefixes) satisfies: at most `max_words` words, the longest
// first, without common words of Finnish, Swedish and English. "" when no word is left.
std::string similar_expression(std::string_view text, std::size_t max_words = 6);

// The part of `line` around its first match, at most ~`words` words, with "…" where it was cut;
// the matching words (as the query matched them: a word beginning with one of a term's
// prefixes, diacritics folded) between \x02 and \x03.
std::string snippet(std::string_view line, const SearchTerms& terms, std::size_t words = 16);

}  // namespace tiski::desk
