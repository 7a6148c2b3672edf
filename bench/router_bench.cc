// Micro-benchmarks of routing: with 10,000 waiting chats and 50 agents, what one
// event costs — a chat closing and the next one routed to the freed seat, a new chat queued,
// a visitor's position asked — and what the once-a-second queue announcement costs. Before
// the router, each assignment scanned every open chat and re-sent a position to every waiting
// visitor (quadratic in the queue). Run: build/tiski_router_bench (numbers: docs/performance.md).
#include <benchmark/benchmark.h>

#include "chat/routing/router.h"

namespace tiski {
namespace {

struct NullAssigner final : Assigner {
  std::vector<std::tuple<Id, Id, std::function<void(bool)>>> offers;
  void assign(Id conv, Id agent, std::function<void(bool)> done) override {
    offers.emplace_back(conv, agent, std::move(done));
  }
  void release(Id, Id, std::string, std::function<void(bool)>) override {}
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
// Changes reach the router as they do in the server: events on the bus.
struct Storm {
  ManualClock clock{1'000'000};
  EventBus bus;
  Presence presence{PresenceOptions{}, bus, clock};
  NullAssigner assigner;
  Router router{RouterOptions{}, bus, clock, presence, assigner};
  std::size_t positions = 0;
  Id next = 1;
  std::vector<std::pair<Id, Id>> busy;  // (conv, agent) being served
  Storm() {
    bus.on<events::QueuePositionChanged>([this](const auto&) { ++positions; });
    for (; next <= 10'150; ++next) created(next);
    for (Id a = 1; a <= 50; ++a) presence.connected(a, AgentProfile{"A", 3, {1}, {}});
    accept();
  }
  void created(Id id) { bus.publish(events::ConversationCreated{chat(id), std::nullopt}); }
  void closed(Id id, Id agent) {
    bus.publish(events::ConversationClosed{chat(id, agent, conv_status::kClosed), "agent", agent, "", 0});
  }
  void accept() {
    auto offers = std::move(assigner.offers);
    assigner.offers.clear();
    for (auto& [c, a, done] : offers) {
      bus.publish(events::ConversationAssigned{chat(c, a), a, events::By::kAuto});
      done(true);
      busy.emplace_back(c, a);
    }
  }
};

void BM_CloseAndRouteNext(benchmark::State& state) {
  Storm s;
  std::size_t i = 0;
  for (auto _ : state) {
    auto [c, a] = s.busy[i++];
    s.closed(c, a);  // a seat frees: the next is offered
    s.accept();
    s.created(s.next++);  // and a new chat joins the queue
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
      s.closed(c, a);
      s.accept();
    }
    s.clock.advance(1000);
    state.ResumeTiming();
    s.router.tick();  // one pass over the queue, positions announced
  }
  state.counters["positions/tick"] =
      benchmark::Counter(static_cast<double>(s.positions), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_AnnounceQueueAfterABurst)->Iterations(100)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tiski

BENCHMARK_MAIN();
