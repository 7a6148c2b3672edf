// StoreWorker: the one thread that talks to the Store, with group commit.
//
// Network threads never block on the database: they submit() a job and get its result later
// through `post` (the server passes a function that posts onto its io_context). The worker
// drains its queue in batches of up to limits::kMaxBatchJobs, runs the whole batch in one
// transaction — each job in its own savepoint, so one failing job does not undo the others —
// commits once, and only then hands all results back with a single post. A result that says
// ok therefore means "durable" (SQLite WAL, synchronous=FULL): acknowledgements may be sent.
//
// Jobs run in submission order, and their completions are posted in that order.
//
// Thread-safety: submit(), queued() and stop() may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "store/store.h"
#include "util/metrics.h"

namespace tiski {

class StoreWorker {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // `post` delivers completions (called on the worker thread; must not block). A worker for
  // `reads` (the reports') runs each batch in a read transaction (Database::begin_read: no
  // write lock, so it never delays the writer's commits) and counts nothing in the store's
  // commit metrics; its thread is named tiski-reports.
  enum class Mode { kWrites, kReads };
  StoreWorker(std::unique_ptr<Database> store, Post post, Metrics& metrics, Mode mode = Mode::kWrites);
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Queues `fn`. Returns false — and never calls `done` — when the worker is stopping or its
  // queue holds limits::kMaxStoreQueue jobs; the caller answers "unavailable".
  template <class T>
  bool submit(std::function<Result<T>(Store&)> fn, std::function<void(Result<T>)> done) {
    return enqueue(std::make_unique<TypedJob<T>>(std::move(fn), std::move(done)));
  }

  // Stops taking jobs, runs every queued job to completion (their completions are posted),
  // and joins the thread. Idempotent.
  void stop();
  std::size_t queued() const;

 private:
  struct Job {
    virtual ~Job() = default;
    virtual bool run(Store& s) = 0;  // false if the job's own result is an error
    virtual void fail(const Error& e) = 0;
    virtual void deliver() = 0;
    std::chrono::steady_clock::time_point submitted;
  };
  template <class T>
  struct TypedJob final : Job {
    TypedJob(std::function<Result<T>(Store&)> f, std::function<void(Result<T>)> d)
        : fn(std::move(f)), done(std::move(d)) {}
    bool run(Store& s) override {
      result.emplace(fn(s));
      return result->ok();
    }
    void fail(const Error& e) override { result.emplace(e); }
    void deliver() override { done(std::move(*result)); }
    std::function<Result<T>(Store&)> fn;
    std::function<void(Result<T>)> done;
    std::optional<Result<T>> result;
  };

  bool enqueue(std::unique_ptr<Job> job);
  void loop();
  void run_batch(std::vector<std::unique_ptr<Job>>& batch);

  std::unique_ptr<Database> store_;
  Post post_;
  Metrics& metrics_;
  Mode mode_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Job>> queue_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::thread thread_;
};

}  // namespace tiski
