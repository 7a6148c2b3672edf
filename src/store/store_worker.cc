#include "store/store_worker.h"

#include "util/limits.h"
#include "util/log.h"
#include "util/thread_name.h"

namespace tiski {

StoreWorker::StoreWorker(std::unique_ptr<Database> store, Post post, Metrics& metrics, Mode mode)
    : store_(std::move(store)), post_(std::move(post)), metrics_(metrics), mode_(mode), thread_([this] {
        name_this_thread(mode_ == Mode::kReads ? "tiski-reports" : "tiski-store");
        loop();
      }) {}

StoreWorker::~StoreWorker() { stop(); }

bool StoreWorker::enqueue(std::unique_ptr<Job> job) {
  job->submitted = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= limits::kMaxStoreQueue) return false;
    queue_.push_back(std::move(job));
    metrics_.store_queue.set(static_cast<std::int64_t>(queue_.size()));
  }
  cv_.notify_one();
  return true;
}

std::size_t StoreWorker::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void StoreWorker::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void StoreWorker::loop() {
  std::vector<std::unique_ptr<Job>> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < limits::kMaxBatchJobs) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_.store_queue.set(static_cast<std::int64_t>(queue_.size()));
    }
    run_batch(batch);
    batch.clear();
  }
}

void StoreWorker::run_batch(std::vector<std::unique_ptr<Job>>& batch) {
  auto t0 = std::chrono::steady_clock::now();
  bool writes = mode_ == Mode::kWrites;
  Status begun = writes ? store_->begin() : store_->begin_read();
  if (!begun) {
    for (auto& j : batch) j->fail(begun.error());
  } else {
    for (auto& j : batch) {
      if (Status sp = store_->savepoint(); !sp) {
        j->fail(sp.error());
        continue;
      }
      bool ok = j->run(*store_);
      Status end = ok ? store_->release() : store_->rollback_to();
      if (!end) j->fail(end.error());
      if (!ok) metrics_.store_errors_total.inc();
    }
    if (Status c = store_->commit(); !c) {
      log::error("store commit failed", {{"error", c.error().message}, {"jobs", batch.size()}});
      metrics_.store_errors_total.inc();
      (void)store_->rollback();
      for (auto& j : batch) j->fail(c.error());
    }
  }
  auto t1 = std::chrono::steady_clock::now();
  if (writes) {
    metrics_.store_commits_total.inc();
    metrics_.store_commit_seconds.observe(std::chrono::duration<double>(t1 - t0).count());
    for (auto& j : batch) metrics_.store_wait_seconds.observe(std::chrono::duration<double>(t1 - j->submitted).count());
  }
  auto shared = std::make_shared<std::vector<std::unique_ptr<Job>>>(std::move(batch));
  post_([shared] {
    for (auto& j : *shared) j->deliver();
  });
}

}  // namespace tiski
