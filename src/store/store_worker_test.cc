#include "store/store_worker.h"

#include <gtest/gtest.h>

#include <future>

#include "store/sqlite/sqlite_engine.h"
#include "store/testing/faulty_database.h"

namespace tiski {
namespace {

// Completions run inline on the worker thread; the test synchronises with futures.
StoreWorker::Post inline_post() {
  return [](std::function<void()> f) { f(); };
}

std::unique_ptr<Database> memory_store() {
  auto s = SqliteStore::open(":memory:");
  return std::move(s).value();
}

TEST(StoreWorker, RunsJobsInOrderAndDelivers) {
  Metrics m;
  StoreWorker w(memory_store(), inline_post(), m);
  std::vector<int> order;
  std::mutex mu;
  std::promise<void> last;
  for (int i = 0; i < 100; ++i) {
    bool ok = w.submit<int>([i](Store& s) -> Result<int> { return i; },
                            [&, i](Result<int> r) {
                              std::lock_guard l(mu);
                              order.push_back(*r);
                              if (i == 99) last.set_value();
                            });
    ASSERT_TRUE(ok);
  }
  last.get_future().wait();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_GE(m.store_commits_total.value(), 1u);
}

TEST(StoreWorker, FailingJobDoesNotUndoItsBatchNeighbours) {
  Metrics m;
  StoreWorker w(memory_store(), inline_post(), m);
  std::promise<Status> p1, p2;
  std::promise<Result<Tenant>> p3;
  (void)w.submit<void>(
      [](Store& s) -> Status { return s.create_tenant("a", "A", 1).ok() ? Status() : Error::internal("x"); },
      [&](Status r) { p1.set_value(r); });
  (void)w.submit<void>(
      [](Store& s) -> Status {
        (void)s.create_tenant("b", "B", 1);
        return Error::conflict("changed my mind");  // must roll back tenant b
      },
      [&](Status r) { p2.set_value(r); });
  (void)w.submit<Tenant>([](Store& s) { return s.tenant_by_slug("a"); }, [&](Result<Tenant> r) { p3.set_value(r); });
  EXPECT_TRUE(p1.get_future().get().ok());
  EXPECT_EQ(p2.get_future().get().error().code, Errc::kConflict);
  EXPECT_TRUE(p3.get_future().get().ok());
  std::promise<bool> p4;
  (void)w.submit<Tenant>([](Store& s) { return s.tenant_by_slug("b"); },
                         [&](Result<Tenant> r) { p4.set_value(r.ok()); });
  EXPECT_FALSE(p4.get_future().get());
}

TEST(StoreWorker, StopDrainsQueuedJobsThenRefuses) {
  Metrics m;
  std::atomic<int> delivered{0};
  auto w = std::make_unique<StoreWorker>(memory_store(), inline_post(), m);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(w->submit<int>([](Store&) -> Result<int> { return 1; }, [&](Result<int>) { delivered++; }));
  }
  w->stop();
  EXPECT_EQ(delivered.load(), 1000);
  EXPECT_FALSE(w->submit<int>([](Store&) -> Result<int> { return 1; }, [](Result<int>) {}));
}

TEST(StoreWorker, AFailedCommitFailsEveryJobOfTheBatchAndKeepsNothing) {
  Metrics m;
  auto faulty = std::make_unique<testing::FaultyDatabase>(memory_store());
  auto* faults = faulty.get();
  faults->fail_commits(1);
  StoreWorker w(std::move(faulty), inline_post(), m);
  std::promise<Status> first;
  (void)w.submit<void>(
      [](Store& s) -> Status {
        TRY(s.create_tenant("a", "A", 1));
        return {};
      },
      [&](Status r) { first.set_value(r); });
  auto r = first.get_future().get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInternal);
  std::promise<std::size_t> count;
  (void)w.submit<std::size_t>([](Store& s) -> Result<std::size_t> { return TRY(s.tenants()).size(); },
                              [&](Result<std::size_t> n) { count.set_value(*n); });
  EXPECT_EQ(count.get_future().get(), 0u);  // the failed batch left nothing behind
  EXPECT_EQ(m.store_errors_total.value(), 1u);
}

}  // namespace
}  // namespace tiski
