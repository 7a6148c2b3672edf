// Micro-benchmarks of routing (issue 9): with 10,000 waiting chats and 50 agents, what one
// event costs — a chat closing and the next one routed to the freed seat, a new chat queued,
// a visitor's position asked — and what the once-a-second queue announcement costs. Before
// the router, each assignment scanned every open chat and re-sent a position to every waiting
// visitor (quadratic in the queue). Run: build/tiski_router_bench (numbers: docs/performance.md).
#include <benchmark/benchmark.h>

#include "chat/router.h"

namespace tiski {
namespace {

struct NullSink : Router::Sink {
  std::vector<std::pair<Id, Id>> assigned;
  std::size_t positions = 0;
  void assign(Id conv, Id agent) override { assigned.emplace_back(conv, agent); }
  void release(Id, Id, std::string_view) override {}
  void presence_changed(Id) override {}
  void availability_changed(Id, bool) override {}
  void queue_position(Id, Id, int, Millis) override { ++positions; }
};

Conversation chat(Id id, std::optional<Id> agent = std::nullopt, std::string_view status = conv_status::kWaiting) {
  Conversation c;
  c.id = id;
  c.tenant_id = 1;
  c.visitor_id = 1'000'000 + id;
  c.status = std::string(agent && status == conv_status::kWaiting ? conv_status::kActive : status);
  c.origin = std::string(origin::kReactive);
  c.assignee_id = agent;
  c.created_at = id;
  return c;
}

// 10,000 waiting behind 50 busy agents (3 seats each): the state of a tenant under a storm.
struct Storm {
  NullSink sink;
  Router router{RoutingOptions{}, sink};
  Millis now = 1'000'000;
  Id next = 1;
  std::vector<std::pair<Id, Id>> busy;  // (conv, agent) being served
  Storm() {
    for (; next <= 10'150; ++next) router.update(chat(next), now);
    for (Id a = 1; a <= 50; ++a) router.connected(a, AgentProfile{"A", 3, {1}, {}}, now);
    accept();
  }
  void accept() {
    for (auto [c, a] : sink.assigned) {
      router.update(chat(c, a), now);
      router.assign_done(c, true, now);
      busy.emplace_back(c, a);
    }
    sink.assigned.clear();
  }
};

void BM_CloseAndRouteNext(benchmark::State& state) {
  Storm s;
  std::size_t i = 0;
  for (auto _ : state) {
    auto [c, a] = s.busy[i++];
    s.router.update(chat(c, a, conv_status::kClosed), s.now);  // a seat frees: the next is offered
    s.accept();
    s.router.update(chat(s.next++), s.now);                    // and a new chat joins the queue
  }
  state.counters["waiting"] = static_cast<double>(s.router.queue_length(1));
}
BENCHMARK(BM_CloseAndRouteNext)->Iterations(5000);

void BM_PositionOfAVisitor(benchmark::State& state) {
  Storm s;
  Id c = 5000;
  for (auto _ : state) benchmark::DoNotOptimize(s.router.position(c));
}
BENCHMARK(BM_PositionOfAVisitor);

void BM_AnnounceQueueAfterABurst(benchmark::State& state) {
  Storm s;
  std::size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int k = 0; k < 50; ++k) {  // a burst of 50 assignments: everyone moves up 50
      auto [c, a] = s.busy[i++];
      s.router.update(chat(c, a, conv_status::kClosed), s.now);
      s.accept();
    }
    s.now += 1000;
    state.ResumeTiming();
    s.router.tick(s.now);  // one pass over the queue, positions announced
  }
  state.counters["positions/tick"] = benchmark::Counter(static_cast<double>(s.sink.positions), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_AnnounceQueueAfterABurst)->Iterations(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tiski

BENCHMARK_MAIN();
