#include "util/memory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <thread>
#include <vector>

#include "util/limits.h"

namespace tiski {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

TEST(MemoryTrimmer, TrimsOnceWhenMuchWasFreedAndNotAgainUntilMoreIs) {
  MemoryTrimmer t(16 * kMiB);
  EXPECT_FALSE(t.should_trim(2 * kMiB));   // the first look sets the floor
  EXPECT_FALSE(t.should_trim(10 * kMiB));  // 8 MiB freed: under the slack
  EXPECT_TRUE(t.should_trim(60 * kMiB));   // 19,000 connections closed
  EXPECT_FALSE(t.should_trim(60 * kMiB));  // still "free" after the trim: not again
  EXPECT_FALSE(t.should_trim(58 * kMiB));
  EXPECT_FALSE(t.should_trim(5 * kMiB));  // used again...
  EXPECT_TRUE(t.should_trim(50 * kMiB));  // ...and freed again: trim
}

TEST(Arenas, OneAndOneMoreForEveryFourIoThreads) {
  EXPECT_EQ(arenas_for(0), 1);  // the single-threaded server
  EXPECT_EQ(arenas_for(2), 1);
  EXPECT_EQ(arenas_for(3), 1);
  EXPECT_EQ(arenas_for(4), 2);
  EXPECT_EQ(arenas_for(8), 3);
  EXPECT_EQ(arenas_for(-1), 1 + limits::io_threads_for(-1) / 4);  // one I/O thread per core
  EXPECT_EQ(limits::io_threads_for(-1),
            std::min(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())), limits::kMaxIoThreads));
}

TEST(MemoryTrimmer, ChecksTheRealAllocator) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's allocator stands in for glibc's";
#endif
  MemoryTrimmer t(0);
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 2000; ++i) blocks.push_back(std::make_unique<char[]>(4096));
  t.check();  // the floor: while the blocks are in use (and it may trim)
  // Every other block freed: holes the allocator keeps (a freed top would be returned anyway).
  for (std::size_t i = 0; i < blocks.size(); i += 2) blocks[i].reset();
  EXPECT_TRUE(t.check());
  EXPECT_FALSE(t.check());
}

}  // namespace
}  // namespace tiski
