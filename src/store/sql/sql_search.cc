// The transcript search: SQLite's FTS5 over message_index/message_text (migration 14).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_set>

#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

// A later page of a search skips the conversations of the lines above its cursor: at most this
// many pages' scans of them are read again (beyond that, one may come back on a later page).
constexpr std::size_t kSearchPagesRejudged = 10;

// The tenants as tokens of the scope column: scope : (t1 OR t7).
std::string scope_of(const std::vector<Id>& tenants) {
  std::string out;
  for (Id t : tenants) out += (out.empty() ? "" : " OR ") + ("t" + std::to_string(t));
  return "scope : (" + out + ")";
}

bool word_char(char c) { return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c)); }

}  // namespace

// The FTS5 expressions chat/desk/search.h writes (column filters, AND/OR/NOT, parentheses,
// "quoted" words and phrases, a trailing * for a prefix) as a PostgreSQL tsquery: a phrase's
// words joined by <->, a prefix as :*, the column filters dropped (message_fts has the words of
// the body only; the tenant is a column).
std::string fts_to_tsquery(std::string_view match) {
  std::string out;
  std::size_t i = 0;
  auto space = [&] { return i < match.size() && match[i] == ' '; };
  while (i < match.size()) {
    char c = match[i];
    if (space()) {
      ++i;
    } else if (c == '(' || c == ')') {
      out += c;
      ++i;
    } else if (c == '"') {
      std::string text;
      for (++i; i < match.size(); ++i) {
        if (match[i] == '"' && i + 1 < match.size() && match[i + 1] == '"') {
          text += '"';
          ++i;
        } else if (match[i] == '"') {
          ++i;
          break;
        } else {
          text += match[i];
        }
      }
      bool prefix = i < match.size() && match[i] == '*';
      if (prefix) ++i;
      std::vector<std::string> words(1);
      for (char t : text) {
        if (word_char(t)) {
          words.back() += t;
        } else if (!words.back().empty()) {
          words.emplace_back();
        }
      }
      if (words.back().empty()) words.pop_back();
      if (words.empty()) words.push_back("");
      std::string phrase;
      for (std::size_t w = 0; w < words.size(); ++w) {
        phrase += (w ? " <-> '" : "'") + words[w] + "'";
        if (prefix && w + 1 == words.size()) phrase += ":*";
      }
      out += words.size() > 1 ? "(" + phrase + ")" : phrase;
    } else {
      std::size_t start = i;
      while (i < match.size() && word_char(match[i])) ++i;
      if (i == start) {  // punctuation FTS5 would refuse: skipped
        ++i;
        continue;
      }
      std::string_view word = match.substr(start, i - start);
      while (space()) ++i;
      if (i < match.size() && match[i] == ':') {  // a column filter
        ++i;
        continue;
      }
      out += word == "AND" ? " & " : word == "OR" ? " | " : word == "NOT" ? " & !" : "'" + std::string(word) + "'";
    }
  }
  return out;
}

namespace {

bool wanted(const SearchQuery& q, const Conversation& c) {
  if (std::find(q.tenants.begin(), q.tenants.end(), c.tenant_id) == q.tenants.end()) return false;
  if (q.site && c.site_id != *q.site) return false;
  if (q.agent && c.assignee_id != q.agent) return false;
  if (!q.origin.empty() && c.origin != q.origin) return false;
  if (!q.outcome.empty() && c.outcome != q.outcome) return false;
  if (!q.tag.empty() && std::find(c.tags.begin(), c.tags.end(), q.tag) == c.tags.end()) return false;
  return true;
}

}  // namespace

// The id of the first line written at or after `at` (past the last id if none): the ids grow
// with the time written.
Result<std::int64_t> SqlStore::first_line_at(Millis at) {
  std::int64_t lo = 0, hi = 0;
  {
    // Two subqueries: min() and max() in one SELECT would scan the table.
    PREPARE(b,
            "SELECT IFNULL((SELECT min(id) FROM message_index), 0), "
            "IFNULL((SELECT max(id) FROM message_index), 0)");
    if (b.step() != kRow) return b.error("searching");
    lo = b.i64(0);
    hi = b.i64(1) + 1;
  }
  while (lo < hi) {
    std::int64_t mid = lo + (hi - lo) / 2;
    PREPARE(p, "SELECT id, created_at FROM message_index WHERE id >= ? ORDER BY id LIMIT 1");
    int rc = p.bind(mid).step();
    if (rc == kDone) {
      hi = mid;
    } else if (rc != kRow) {
      return p.error("searching");
    } else if (p.i64(1) < at) {
      lo = p.i64(0) + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

Result<std::size_t> SqlStore::index_search(std::size_t limit) {
  // PostgreSQL indexes each line as it is written (migration 0001's message_index_insert).
  if (pg()) return std::size_t{0};
  std::int64_t mark = 0, upto = 0, n = 0;
  {
    PREPARE(m, "SELECT mark FROM search_state");
    if (m.step() != kRow) return m.error("reading the search mark");
    mark = m.i64(0);
  }
  {
    PREPARE(r,
            "SELECT IFNULL(max(id), 0), count(*) FROM "
            "(SELECT id FROM message_index WHERE id > ? ORDER BY id LIMIT ?)");
    if (r.bind(mark, static_cast<std::int64_t>(limit)).step() != kRow) return r.error("reading lines to index");
    upto = r.i64(0);
    n = r.i64(1);
  }
  if (n == 0) return std::size_t{0};
  PREPARE(i,
          "INSERT INTO message_fts(rowid, body, scope) SELECT id, body, scope FROM message_text "
          "WHERE id > ? AND id <= ? ORDER BY id");
  if (i.bind(mark, upto).step() != kDone) return i.error("indexing lines for search");
  PREPARE(u, "UPDATE search_state SET mark = ?");
  if (u.bind(upto).step() != kDone) return u.error("keeping the search mark");
  return static_cast<std::size_t>(n);
}

Result<SearchPage> SqlStore::search_messages(const SearchQuery& q) {
  SearchPage page;
  if (q.tenants.empty()) return page;
  std::string match = scope_of(q.tenants) + " AND " + q.match;
  // The ids are given in the order lines were written: a period is a range of them, found by
  // bisecting the ids (no index on the time: one less write per line).
  std::int64_t lo = 0, top = INT64_MAX;
  if (q.from > 0) lo = TRY(first_line_at(q.from));
  if (q.to > 0) top = TRY(first_line_at(q.to));
  std::int64_t hi = q.before > 0 ? std::min(top, q.before) : top;
  if (lo >= hi) return page;
  PREPARE(s, pg() ? "SELECT f.id, mi.conversation_id, mi.seq, mi.created_at FROM message_fts f "
                    "JOIN message_index mi ON mi.id = f.id WHERE f.tenant_id IN (SELECT value FROM json_each(?)) "
                    "AND f.tsv @@ to_tsquery('simple', tiski_fold(?)) AND f.id < ? AND f.id >= ? "
                    "ORDER BY f.id DESC LIMIT ?"
                  : "SELECT f.rowid, mi.conversation_id, mi.seq, mi.created_at FROM message_fts f "
                    "JOIN message_index mi ON mi.id = f.rowid "
                    "WHERE message_fts MATCH ? AND f.rowid < ? AND f.rowid >= ? ORDER BY f.rowid DESC LIMIT ?");
  std::unordered_set<Id> judged;  // conversations looked at: each gives at most one hit, its newest line
  int rc = 0;
  if (hi < top) {
    // A later page: a conversation with a matching line above the cursor was judged on an earlier
    // page (shown there, or filtered out), so it is not a hit again (a probe saw one twice). The
    // lines next above the cursor first: the previous pages'.
    PREPARE(up, pg() ? "SELECT mi.conversation_id FROM message_fts f JOIN message_index mi ON mi.id = f.id "
                       "WHERE f.tenant_id IN (SELECT value FROM json_each(?)) "
                       "AND f.tsv @@ to_tsquery('simple', tiski_fold(?)) AND f.id >= ? AND f.id < ? "
                       "ORDER BY f.id LIMIT ?"
                     : "SELECT mi.conversation_id FROM message_fts f JOIN message_index mi ON mi.id = f.rowid "
                       "WHERE message_fts MATCH ? AND f.rowid >= ? AND f.rowid < ? ORDER BY f.rowid LIMIT ?");
    auto n = static_cast<std::int64_t>(q.scan * kSearchPagesRejudged);
    if (pg()) {
      up.bind(ids_json(q.tenants), fts_to_tsquery(q.match), hi, top, n);
    } else {
      up.bind(match, hi, top, n);
    }
    while ((rc = up.step()) == kRow) judged.insert(up.i64(0));
    if (rc != kDone) return up.error("searching");
  }
  if (pg()) {
    s.bind(ids_json(q.tenants), fts_to_tsquery(q.match), hi, lo, static_cast<std::int64_t>(q.scan));
  } else {
    s.bind(match, hi, lo, static_cast<std::int64_t>(q.scan));
  }
  std::size_t scanned = 0;
  std::int64_t last = 0;
  while ((rc = s.step()) == kRow) {
    ++scanned;
    last = s.i64(0);
    Id conv = s.i64(1);
    Millis at = s.i64(3);
    if ((q.from > 0 && at < q.from) || (q.to > 0 && at >= q.to) || judged.contains(conv)) continue;
    auto c = conversation(conv);
    if (!c) return c.error();
    judged.insert(conv);
    if (!wanted(q, *c)) continue;
    page.hits.push_back(SearchHit{last, std::move(*c), s.i64(2), at, {}, {}, {}});
    if (page.hits.size() >= q.limit) break;
  }
  if (rc != kRow && rc != kDone) return s.error("searching");
  // More may follow: the page filled up, or the scan stopped at its bound.
  if (page.hits.size() >= q.limit || scanned >= q.scan) page.next = last;
  // The snippets are cut by the caller from the line: FTS5's snippet() would evaluate the
  // query again for every hit (a long prefix without a prefix index: ~90 ms each).
  for (auto& h : page.hits) {
    PREPARE(m, "SELECT author, author_name, body FROM messages WHERE conversation_id = ? AND seq = ?");
    if (m.bind(h.conv.id, h.seq).step() == kRow) {
      h.author = m.text(0);
      h.author_name = m.text(1);
      h.body = m.text(2);
    }
  }
  return page;
}

}  // namespace tiski
