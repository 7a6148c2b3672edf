// Mailbox: hands items from any thread to the thread that runs one executor, in order, and
// wakes that thread once per batch rather than once per item. The network layer's two
// directions use it: frames decoded by an I/O thread go to the domain thread, frames the domain
// thread sends go to the I/O thread that owns the socket.
//
// push() takes a lock that is held only to append; the receiving thread swaps the whole batch
// out under the same lock and handles it without the lock. A push that finds the mailbox
// empty and not yet scheduled posts one drain; every push after it, until that drain takes the
// batch, rides along. Items from one pushing thread are handled in the order they were pushed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace tiski::net {

template <class T>
class Mailbox {
 public:
  using Drain = std::function<void(std::vector<T>& batch)>;
  Mailbox(boost::asio::any_io_executor to, Drain drain) : to_(std::move(to)), drain_(std::move(drain)) {}
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Any thread. The mailbox must outlive the drain it may post (its owner stops the executor
  // before destroying it).
  void push(T item) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      items_.push_back(std::move(item));
      if (!scheduled_) wake = scheduled_ = true;
    }
    if (wake) boost::asio::post(to_, [this] { run(); });
  }

 private:
  // The receiving thread.
  void run() {
    {
      std::lock_guard lock(mu_);
      batch_.swap(items_);
      scheduled_ = false;
    }
    drain_(batch_);
    batch_.clear();
    if (batch_.capacity() > 4096) batch_.shrink_to_fit();  // a burst does not pin its memory
  }

  boost::asio::any_io_executor to_;
  Drain drain_;
  std::mutex mu_;
  std::vector<T> items_;    // guarded by mu_
  bool scheduled_ = false;  // guarded by mu_: a drain is posted and has not taken items_ yet
  std::vector<T> batch_;    // the receiving thread's
};

}  // namespace tiski::net
