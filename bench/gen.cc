// tiski_gen: fills a data directory (made by `tiski demo`) with a busy tenant's history for the
// report benchmarks: conversations with daily and weekly seasonality, messages, assignments,
// transfers, visitors leaving, closes by agents and visitors, agents' status changes.
//
//   build/tiski demo --data /tmp/year && build/tiski_gen --data /tmp/year --days 365 --per-day 2740
//
// Deterministic (a fixed seed); writes in transactions of 2,000 conversations.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace tiski {
namespace {

constexpr Millis kDay = 86'400'000;
constexpr Millis kS = 1000;

struct Options {
  std::string data = "data";
  int days = 365;
  int per_day = 2740;  // ~1,000,000 a year
  int agents = 30;
};

// Arrivals by hour of day: a morning and an evening peak, quiet nights.
double hour_weight(int h) {
  static const double w[24] = {0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 0.8, 1.4, 2.0, 2.4, 2.5,
                               2.4, 2.3, 2.2, 2.0, 1.8, 1.7, 1.8, 2.1, 2.2, 1.8, 1.0, 0.5};
  return w[h];
}

struct Gen {
  Database& st;
  std::mt19937_64 rng{20261203};
  Id site = 0;
  std::vector<Id> agents;
  std::int64_t convs = 0, messages = 0;

  double uniform() { return std::uniform_real_distribution<double>(0, 1)(rng); }
  Millis between(Millis a, Millis b) { return a + static_cast<Millis>(uniform() * static_cast<double>(b - a)); }

  Status line(Id conv, const char* author, std::optional<Id> who, Millis at) {
    Message m;
    m.conv_id = conv;
    m.author = author;
    m.author_id = who;
    m.author_name = who ? "Agentti" : "Kävijä";
    m.body = std::string(author) == "visitor" ? "Onko tätä mallia varastossa?" : "On, toimitus 2-3 päivässä.";
    m.at = at;
    TRY(st.append_message(m));
    ++messages;
    return {};
  }

  Status event(Id conv, const char* kind, std::string data, Millis at) {
    return st.append_event(Event{0, 1, conv, kind, std::move(data), at});
  }

  // One conversation starting at `at`: ~10 lines, answered after a wait, closed.
  Status conversation(Millis at) {
    double r = uniform();
    const char* origin = r < 0.70 ? "reactive" : r < 0.90 ? "proactive" : r < 0.95 ? "offline" : "agent";
    auto v = TRY(st.create_visitor(site, "fi", at));
    auto c = TRY(st.create_conversation(v.id, origin, at));
    ++convs;
    Id agent = agents[static_cast<std::size_t>(uniform() * static_cast<double>(agents.size()))];
    TRY_OK(line(c.id, "visitor", std::nullopt, at));
    Millis t = at + between(3 * kS, 90 * kS);
    if (uniform() < 0.08) {  // missed: the visitor left before anyone answered
      TRY_OK(event(c.id, "visitor.left", "{}", t));
      TRY(st.close(c.id, t + 10 * 60 * kS));
      return event(c.id, "conversation.closed", R"({"by":"system","reason":"missed"})", t + 10 * 60 * kS);
    }
    TRY(st.assign(c.id, agent, t - kS));
    int lines = 4 + static_cast<int>(uniform() * 12);
    for (int i = 0; i < lines; ++i) {
      bool agent_line = i % 2 == 0;
      TRY_OK(line(c.id, agent_line ? "agent" : "visitor", agent_line ? std::optional<Id>(agent) : std::nullopt, t));
      t += between(10 * kS, agent_line ? 120 * kS : 60 * kS);
    }
    if (uniform() < 0.05) TRY_OK(event(c.id, "conversation.transferred", "{}", t - 30 * kS));
    bool by_visitor = uniform() < 0.3;
    TRY(st.close(c.id, t));
    return event(c.id, "conversation.closed", by_visitor ? R"({"by":"visitor"})" : R"({"by":"agent"})", t);
  }
};

int run(const Options& o) {
  auto opened = SqliteStore::open(o.data + "/tiski.db");
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  auto& st = **opened;
  Gen g{st};
  auto sites = st.sites();
  if (!sites || sites->empty()) {
    std::fprintf(stderr, "no site: run `tiski demo --data %s` first\n", o.data.c_str());
    return 1;
  }
  g.site = (*sites)[0].id;
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  Millis start = (now / kDay - o.days) * kDay;
  (void)st.begin();
  for (int i = 0; i < o.agents; ++i) {
    auto a = st.create_agent("gen-" + std::to_string(i) + "@load.test", "Agentti " + std::to_string(i), "x", start);
    if (!a || !st.set_membership(a->id, 1, Role::kAgent)) return 1;
    g.agents.push_back(a->id);
  }
  double total_weight = 0;
  for (int h = 0; h < 24; ++h) total_weight += hour_weight(h);
  for (int d = 0; d < o.days; ++d) {
    Millis day = start + d * kDay;
    int weekday = static_cast<int>((day / kDay + 3) % 7);  // 1970-01-01 was a Thursday: 0 = Monday
    double season = 1.0 + 0.25 * std::sin(2 * M_PI * d / 365.0) + (weekday >= 5 ? -0.35 : 0.0);
    for (int h = 0; h < 24; ++h) {
      int n = static_cast<int>(std::lround(o.per_day * season * hour_weight(h) / total_weight));
      for (int k = 0; k < n; ++k) {
        if (auto s = g.conversation(day + h * 3'600'000 + g.between(0, 3'600'000)); !s) {
          std::fprintf(stderr, "%s\n", s.error().message.c_str());
          return 1;
        }
        if (g.convs % 2000 == 0) {
          (void)st.commit();
          (void)st.begin();
        }
      }
    }
    for (Id a : g.agents) {  // each agent online 8 hours a day
      Millis on = day + 7 * 3'600'000 + static_cast<Millis>(a % 10) * 3'600'000;
      (void)st.append_event(
          Event{0, 1, std::nullopt, "agent.status", R"({"agent":)" + std::to_string(a) + R"(,"status":"online"})", on});
      (void)st.append_event(Event{0, 1, std::nullopt, "agent.status",
                                  R"({"agent":)" + std::to_string(a) + R"(,"status":"offline"})", on + 8 * 3'600'000});
    }
  }
  (void)st.commit();
  std::printf("generated %lld conversations, %lld messages over %d days\n", static_cast<long long>(g.convs),
              static_cast<long long>(g.messages), o.days);
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
