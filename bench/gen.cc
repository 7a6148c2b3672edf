// tiski_gen: fills a data directory (made by `tiski demo`) with a busy tenant's history for the
// report benchmarks (src/reports/history.h): ~1,000,000 conversations a year by default.
//
//   build/tiski demo --data /tmp/year && build/tiski_gen --data /tmp/year --days 365 --per-day 2740
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "reports/history.h"
#include "store/sqlite/sqlite_engine.h"

namespace tiski {
namespace {

struct Options {
  std::string data = "data";
  int days = 365;
  int per_day = 2740;  // ~1,000,000 a year
  int agents = 30;
};

int run(const Options& o) {
  auto opened = SqliteStore::open(o.data + "/tiski.db");
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  constexpr Millis kDay = 86'400'000;
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::int64_t convs = 0, messages = 0, orders = 0;
  auto s = history::fill_history(**opened, 1, (now / kDay - o.days) * kDay, o.days, o.per_day,
                                 history::generated_staff(o.agents), now, &convs, &messages, &orders);
  if (!s) {
    std::fprintf(stderr, "%s (run `tiski demo --data %s` first)\n", s.error().message.c_str(), o.data.c_str());
    return 1;
  }
  std::printf("generated %lld conversations, %lld messages, %lld orders over %d days\n", static_cast<long long>(convs),
              static_cast<long long>(messages), static_cast<long long>(orders), o.days);
  // The search index, as the server's indexer builds it: batches of 100,000 lines.
  auto t0 = std::chrono::steady_clock::now();
  std::size_t indexed = 0;
  for (;;) {
    auto n = in_transaction<std::size_t>(**opened, [](Store& st) { return st.index_search(100'000); });
    if (!n) {
      std::fprintf(stderr, "%s\n", n.error().message.c_str());
      return 1;
    }
    indexed += *n;
    if (*n == 0) break;
  }
  std::printf("indexed %zu lines for search in %.0f s\n", indexed,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  return 0;
}

}  // namespace
}  // namespace tiski

int main(int argc, char** argv) {
  tiski::Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--data") {
      o.data = argv[i + 1];
    } else if (k == "--days") {
      o.days = std::atoi(argv[i + 1]);
    } else if (k == "--per-day") {
      o.per_day = std::atoi(argv[i + 1]);
    } else if (k == "--agents") {
      o.agents = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: tiski_gen --data DIR [--days N] [--per-day N] [--agents N]\n");
      return 2;
    }
  }
  if (o.days < 1 || o.days > 1000 || o.per_day < 1 || o.agents < 1) {
    std::fprintf(stderr, "days 1..1000, per-day and agents at least 1\n");
    return 2;
  }
  return tiski::run(o);
}
