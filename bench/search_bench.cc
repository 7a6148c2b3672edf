// tiski_search_bench: times transcript searches on a data directory filled by tiski_gen (a
// year of about ten million messages), the way the server runs them: the query parsed and
// expanded (chat/desk/search.h), the search on a read-only connection in one read
// transaction. Each query runs five times; the median and the slowest are printed. Then the
// suggested replies' query (similar_questions, rank_questions, reply_after) for a few visitor questions.
//
//   build/tiski_search_bench --data /tmp/year
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "chat/desk/search.h"
#include "chat/desk/suggest.h"
#include "store/sqlite/sqlite_engine.h"

namespace tiski {
namespace {

struct Case {
  const char* q;
  const char* what;
  Millis days = 0;  // 0: no date filter; else the last `days` days of the data
  const char* outcome = "";
};

// Suggested replies: earlier agent replies to visitor lines like each question, as
// GET /api/conversations/{id}/suggestions finds them.
int suggestions(SqlStore& st) {
  const char* questions[] = {"Onko teltta varastossa?", "Paljonko toimitus maksaa Rovaniemelle?",
                             "Mikä makuupussi sopii talviretkelle?",
                             "Voinko palauttaa kengät, jos ne ovat liian pienet?"};
  for (const char* q : questions) {
    auto match = desk::similar_expression(q);
    std::vector<double> ms;
    std::size_t found = 0;
    for (int round = 0; round < 5; ++round) {
      auto t0 = std::chrono::steady_clock::now();
      (void)st.begin_read();
      auto lines = st.similar_questions(1, match, 0, 5000);
      if (!lines) return std::fprintf(stderr, "%s\n", lines.error().message.c_str()), 1;
      found = 0;
      for (auto [i, score] : desk::rank_questions(q, *lines, 6)) {
        auto reply = st.reply_after((*lines)[i].conv_id, (*lines)[i].seq);
        found += reply && reply->has_value() ? 1 : 0;
      }
      (void)st.commit();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("suggest: %-50s replies %zu  median %6.1f ms  max %6.1f ms\n", q, found, ms[2], ms.back());
  }
  return 0;
}

int run(const std::string& data) {
  auto opened = SqliteStore::open_reader(data + "/tiski.db");
  if (!opened) return std::fprintf(stderr, "%s\n", opened.error().message.c_str()), 1;
  auto& st = **opened;
  Millis newest = 0;
  {
    SearchQuery probe;
    probe.tenants = {1};
    probe.match = desk::match_expression(*desk::parse_search("toimitus"));
    probe.limit = 1;
    auto p = st.search_messages(probe);
    if (p && !p->hits.empty()) newest = p->hits[0].at;
  }
  const Case cases[] = {
      {"teltta", "a common product, all its forms", 0, ""},
      {"kengät", "gradation (kenkä/kengät)", 0, ""},
      {"teltta varastossa", "two words", 0, ""},
      {"\"vedenpitävä ja kestävä\"", "a phrase", 0, ""},
      {"hyttysverkko palautus", "two rarer words together", 0, ""},
      {"zzyzx", "nothing found (reads no doclist)", 0, ""},
      {"teltta", "with a date filter (the last 30 days)", 30, ""},
      {"teltta", "with a filter the index does not hold (outcome spam)", 0, "spam"},
  };
  for (const auto& c : cases) {
    SearchQuery q;
    q.tenants = {1};
    auto terms = desk::parse_search(c.q);
    if (!terms) return std::fprintf(stderr, "%s\n", terms.error().message.c_str()), 1;
    q.match = desk::match_expression(*terms);
    if (c.days) q.from = newest - c.days * 86'400'000LL;
    q.outcome = c.outcome;
    std::vector<double> ms;
    std::size_t hits = 0;
    for (int round = 0; round < 5; ++round) {
      auto t0 = std::chrono::steady_clock::now();
      (void)st.begin_read();
      auto p = st.search_messages(q);
      (void)st.commit();
      if (!p) return std::fprintf(stderr, "%s\n", p.error().message.c_str()), 1;
      hits = p->hits.size();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-28s %-55s hits %2zu  median %6.1f ms  max %6.1f ms\n", c.q, c.what, hits, ms[2], ms.back());
  }
  return suggestions(st);
}

}  // namespace
}  // namespace tiski

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--data") {
    std::fprintf(stderr, "usage: %s --data DIR\n", argv[0]);
    return 2;
  }
  return tiski::run(argv[2]);
}
