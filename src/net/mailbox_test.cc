#include "net/mailbox.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <thread>
#include <vector>

namespace tiski::net {
namespace {

struct Item {
  int producer;
  int seq;
};

// Several threads push at once; the receiving thread gets every item once, each producer's in
// the order pushed, in fewer batches than items (one wake-up rides for many pushes).
TEST(Mailbox, EveryItemOnceInOrderPerProducer) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 20000;
  boost::asio::io_context io(1);
  std::vector<int> next(kProducers, 0);
  int received = 0;
  int batches = 0;
  bool in_order = true;
  Mailbox<Item> box(io.get_executor(), [&](std::vector<Item>& batch) {
    ++batches;
    for (const auto& it : batch) {
      if (it.seq != next[it.producer]) in_order = false;
      next[it.producer] = it.seq + 1;
      ++received;
    }
    if (received == kProducers * kPerProducer) io.stop();
  });
  auto work = boost::asio::make_work_guard(io);
  std::thread receiver([&] { io.run(); });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&box, p] {
      for (int i = 0; i < kPerProducer; ++i) box.push(Item{p, i});
    });
  }
  for (auto& t : producers) t.join();
  receiver.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(received, kProducers * kPerProducer);
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], kPerProducer);
  EXPECT_LT(batches, received);
}

// A push from inside the drain (the receiving thread answering itself) is handled in a later
// batch, not lost and not recursed into.
TEST(Mailbox, PushFromTheDrainGoesToTheNextBatch) {
  boost::asio::io_context io(1);
  std::vector<int> seen;
  Mailbox<int>* self = nullptr;
  Mailbox<int> box(io.get_executor(), [&](std::vector<int>& batch) {
    for (int v : batch) {
      seen.push_back(v);
      if (v < 3) self->push(v + 1);
    }
  });
  self = &box;
  box.push(0);
  io.run();
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace tiski::net
