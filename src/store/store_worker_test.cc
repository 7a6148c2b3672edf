#include "store/store_worker.h"

#include <gtest/gtest.h>

#include <future>

#include "store/sqlite/sqlite_store.h"

namespace tiski {
namespace {

// Completions run inline on the worker thread; the test synchronises with futures.
StoreWorker::Post inline_post() {
  return [](std::function<void()> f) { f(); };
}

std::unique_ptr<Store> memory_store() {
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
  (void)w.submit<void>([](Store& s) -> Status { return s.create_tenant("a", "A", 1).ok() ? Status() : Error::internal("x"); },
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
  (void)w.submit<Tenant>([](Store& s) { return s.tenant_by_slug("b"); }, [&](Result<Tenant> r) { p4.set_value(r.ok()); });
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

}  // namespace
}  // namespace tiski
