// tiski_report_bench: times the report queries on a data directory filled by tiski_gen, the
// way the report endpoints run them (one read transaction on a query-only connection): the
// summary of the last 7 and 30 days and of a year, and the 28-day staffing plan.
//
//   build/tiski_report_bench --data /tmp/year
#include <chrono>
#include <cstdio>
#include <string>

#include "chat/analytics/report.h"
#include "chat/analytics/staffing.h"
#include "store/sqlite/sqlite_store.h"
#include "util/limits.h"

namespace tiski {
namespace {

constexpr Millis kDay = 86'400'000;

double since_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

int run(const std::string& data) {
  auto opened = SqliteStore::open(data + "/tiski.db");
  if (!opened) return std::fprintf(stderr, "%s\n", opened.error().message.c_str()), 1;
  auto& st = **opened;
  if (!st.make_query_only()) return 1;
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  Millis today = (now / kDay + 1) * kDay;
  for (int days : {7, 30, 365}) {
    for (int round = 0; round < 3; ++round) {
      auto t0 = std::chrono::steady_clock::now();
      (void)st.begin_read();
      ReportQuery q;
      q.tenant_id = 1;
      q.from = today - days * kDay;
      q.to = today;
      q.limit = limits::kMaxReportConversations;
      auto convs = st.report_conversations(q);
      double read = since_ms(t0);
      (void)st.commit();
      if (!convs) return std::fprintf(stderr, "%s\n", convs.error().message.c_str()), 1;
      if (convs->size() > q.limit) {
        std::printf("summary %3d days: over %zu conversations: refused (413) after %.0f ms\n", days, q.limit, read);
        break;
      }
      auto t1 = std::chrono::steady_clock::now();
      auto r = analytics::summarize(*convs, {}, nullptr, now);
      std::printf("summary %3d days: %zu conversations: read %.0f ms + metrics %.0f ms = %.0f ms\n", days,
                  convs->size(), read, since_ms(t1), since_ms(t0));
    }
  }
  for (int round = 0; round < 3; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    ReportQuery q;
    q.tenant_id = 1;
    q.from = today - 28 * kDay;
    q.to = today;
    q.limit = limits::kMaxReportConversations;
    auto convs = st.report_conversations(q);
    auto status = st.tenant_events(1, "agent.status", q.from - 30 * kDay, q.to, limits::kMaxReportConversations);
    if (!convs || !status) return 1;
    auto p = analytics::plan(*convs, *status, q.from, q.to, "Europe/Helsinki", {}, {}, now);
    std::printf("staffing 28 days: %zu conversations, %zu status changes: %.0f ms (%.0f agent hours/week)\n",
                convs->size(), status->size(), since_ms(t0), p.agent_hours_per_week);
  }
  return 0;
}

}  // namespace
}  // namespace tiski

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--data") {
    std::fprintf(stderr, "usage: tiski_report_bench --data DIR\n");
    return 2;
  }
  return tiski::run(argv[2]);
}
