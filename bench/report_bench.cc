// tiski_report_bench: times the report endpoints' work on a data directory filled by tiski_gen,
// the way the server does it (the report worker's read-only connection, one read transaction,
// the rollups in reports.db): first the upkeep that rolls every changed day, then the summary
// (with the period before, the agents' rows and the breakdowns) of the last 7 and 30 days and
// of a year, and the staffing plan of 28 days and of a year.
//
//   build/tiski_report_bench --data /tmp/year [--store postgres://...]
//
// With --store the store is that PostgreSQL database (filled by `tiski copy-to-postgres` from the
// same data directory); the rollups stay in the directory's reports.db.
#include <chrono>
#include <cstdio>
#include <string>

#include "chat/analytics/period.h"
#include "chat/analytics/staffing.h"
#include "reports/rollups.h"
#include "store/pg/pg_engine.h"
#include "store/sqlite/sqlite_engine.h"
#include "util/limits.h"

namespace tiski {
namespace {

double since_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

Millis wall_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int run(const std::string& data, const std::string& url) {
  auto opened = url.empty() ? SqliteStore::open_reader(data + "/tiski.db") : PgStore::open_reader(url);
  if (!opened) return std::fprintf(stderr, "%s\n", opened.error().message.c_str()), 1;
  auto& st = **opened;
  auto db = reports::RollupDb::open(data + "/reports.db");
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;
  reports::Rollups rollups(std::move(db).value());
  auto t0 = std::chrono::steady_clock::now();
  int total = 0;
  for (;;) {
    (void)st.begin_read();
    auto n = rollups.upkeep(st, 20, wall_now());
    (void)st.commit();
    if (!n) return std::fprintf(stderr, "%s\n", n.error().message.c_str()), 1;
    if (*n == 0) break;
    total += *n;
  }
  std::printf("upkeep: rolled %d days in %.0f ms\n", total, since_ms(t0));
  Millis now = wall_now();
  auto s = reports::settings_of(st, 1);
  if (!s) return 1;
  auto today = analytics::local_day(s->zone, now);
  for (int days : {7, 30, 365}) {
    for (int round = 0; round < 3; ++round) {
      auto t = std::chrono::steady_clock::now();
      (void)st.begin_read();
      std::size_t agents = 0;
      std::int64_t convs = 0;
      for (int previous : {0, 1}) {
        auto to = today - previous * days, from = to - days + 1;
        auto p = rollups.period(st, *s, from, to, {}, now, 62);
        if (!p) return std::fprintf(stderr, "%s\n", p.error().message.c_str()), 1;
        auto currency = analytics::main_currency(p->total);
        auto json = analytics::summary_json(p->total, currency, true);
        if (previous) continue;
        convs = p->total.conversations;
        for (const auto& [agent, part] : p->by_agent) (void)analytics::agent_json(agent, part, currency), ++agents;
        (void)analytics::breakdown_json(p->total, currency, analytics::day_of(from), analytics::day_of(to));
      }
      (void)st.commit();
      std::printf("summary %3d days: %lld conversations, %zu agents: %.0f ms\n", days, static_cast<long long>(convs),
                  agents, since_ms(t));
    }
  }
  // What a report adds when a day changed since the last upkeep (normally today): that day is
  // rolled from the raw data on the spot. The busiest day of the year, from raw:
  {
    reports::Rollups fresh(std::move(reports::RollupDb::open(":memory:")).value());
    double worst = 0;
    analytics::DayNo worst_day = today;
    for (auto day = today - 364; day <= today; ++day) {
      auto t = std::chrono::steady_clock::now();
      (void)st.begin_read();
      auto p = fresh.period(st, *s, day, day, {}, now, 1, false);
      (void)st.commit();
      if (!p) return std::fprintf(stderr, "%s\n", p.error().message.c_str()), 1;
      if (since_ms(t) > worst) worst = since_ms(t), worst_day = day;
    }
    std::printf("one day from raw: at most %.0f ms (%s)\n", worst,
                date::format("%F", analytics::day_of(worst_day)).c_str());
  }
  // One agent's year (a plain agent's own report).
  for (int round = 0; round < 3; ++round) {
    auto t = std::chrono::steady_clock::now();
    analytics::Filter f;
    f.agent = 5;
    (void)st.begin_read();
    auto p = rollups.period(st, *s, today - 364, today, f, now, 62);
    (void)st.commit();
    if (!p) return 1;
    (void)analytics::summary_json(p->total, analytics::main_currency(p->total), false);
    std::printf("one agent's year: %lld conversations: %.0f ms\n", static_cast<long long>(p->total.conversations),
                since_ms(t));
  }
  for (int days : {28, 365}) {
    for (int round = 0; round < 3; ++round) {
      auto t = std::chrono::steady_clock::now();
      (void)st.begin_read();
      auto p = rollups.period(st, *s, today - days + 1, today, {}, now, 62, false);
      Millis from = s->start_of(today - days + 1), to = s->start_of(today + 1);
      auto status = st.tenant_events(1, "agent.status", from - 30LL * 86'400'000, to, limits::kMaxReportConversations);
      (void)st.commit();
      if (!p || !status) return 1;
      auto plan = analytics::plan(p->total, *status, from, to, s->zone, {}, now);
      double ms = since_ms(t);
      // The same period by Erlang C, for the difference the measured patience makes.
      analytics::StaffingAsk c;
      c.model = analytics::Model::kErlangC;
      auto plan_c = analytics::plan(p->total, *status, from, to, s->zone, c, now);
      std::printf(
          "staffing %3d days: %zu status changes: %.0f ms (%s, patience %.0f s from %lld who gave up: %.0f agent "
          "hours/week; Erlang C: %.0f)\n",
          days, status->size(), ms, analytics::model_name(plan.model), plan.patience_s.value_or(0),
          static_cast<long long>(plan.gave_up), plan.agent_hours_per_week, plan_c.agent_hours_per_week);
    }
  }
  return 0;
}

}  // namespace
}  // namespace tiski

int main(int argc, char** argv) {
  bool store = argc == 5 && std::string(argv[3]) == "--store";
  if ((argc != 3 && !store) || std::string(argv[1]) != "--data") {
    std::fprintf(stderr, "usage: tiski_report_bench --data DIR [--store postgres://...]\n");
    return 2;
  }
  return tiski::run(argv[2], store ? argv[4] : "");
}
