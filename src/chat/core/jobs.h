// Jobs: how the domain runs store work. A job runs on the store thread inside a transaction
// and returns its value together with the events it produced (events::Recorder records them in
// the same transaction); its completion, on the domain thread, first publishes the events on
// the bus and then hands the value to the caller — so everyone has seen a change before its
// author is told it is done. Completions arrive in commit order.
//
// A job refused (store queue full, shutting down) completes with "unavailable", always later
// through `post`, never inside run(): callers may be in the middle of a loop.
//
// Threading: run() and everything else on the domain thread; the job function on the store
// thread (it must capture values, not references to domain state).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "chat/core/bus.h"
#include "store/store_worker.h"
#include "util/clock.h"

namespace tiski {

class Jobs {
 public:
  using Post = std::function<void(std::function<void()>)>;
  Jobs(StoreWorker& store, EventBus& bus, const Clock& clock, Post post)
      : store_(store), bus_(bus), clock_(clock), post_(std::move(post)) {}

  template <class T>
  using Fn = std::function<Result<T>(Store&, events::Recorder&)>;

  template <class T>
  void run(Fn<T> fn, std::function<void(Result<T>)> done) {
    if (shutting_down_) return refuse(std::move(done), "the server is shutting down; retry");
    struct Outcome {
      T value;
      std::vector<events::Event> events;
    };
    ++in_flight_;
    const Clock* clock = &clock_;
    bool queued = store_.submit<Outcome>(
        [fn = std::move(fn), clock](Store& st) -> Result<Outcome> {
          events::Recorder rec(st, clock->now());
          auto r = fn(st, rec);
          if (!r) return r.error();
          return Outcome{std::move(r).value(), rec.take()};
        },
        [this, done](Result<Outcome> r) {
          --in_flight_;
          if (!r) return done(r.error());
          bus_.publish_all(r->events);
          done(std::move(r->value));
        });
    if (!queued) {
      --in_flight_;
      refuse(std::move(done), "the server is overloaded; retry");
    }
  }

  std::size_t in_flight() const { return in_flight_; }
  void begin_shutdown() { shutting_down_ = true; }
  bool shutting_down() const { return shutting_down_; }
  const Clock& clock() const { return clock_; }
  Millis now() const { return clock_.now(); }

 private:
  template <class Done>
  void refuse(Done done, const char* why) {
    post_([done = std::move(done), why] { done(Error::unavailable(why)); });
  }

  StoreWorker& store_;
  EventBus& bus_;
  const Clock& clock_;
  Post post_;
  std::size_t in_flight_ = 0;
  bool shutting_down_ = false;
};

}  // namespace tiski
