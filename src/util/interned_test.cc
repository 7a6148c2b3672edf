#include "util/interned.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace tiski {
namespace {

TEST(Interned, OneCopyPerDistinctStringGoneWithItsLastHolder) {
  std::size_t before = Interned::live_strings();
  {
    Interned a("https://shop.example/teltat/kaira-45");
    Interned b(std::string("https://shop.example/teltat/") + "kaira-45");
    Interned c("https://shop.example/reput");
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.view().data(), b.view().data());  // the same bytes
    EXPECT_FALSE(a == c);
    EXPECT_EQ(a, std::string_view("https://shop.example/teltat/kaira-45"));
    EXPECT_EQ(Interned::live_strings(), before + 2);
    Interned d = a;  // copy: one more holder
    a = c;           // a lets go of the first
    EXPECT_EQ(d.str(), "https://shop.example/teltat/kaira-45");
    Interned e = std::move(d);
    EXPECT_TRUE(d.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    EXPECT_EQ(Interned::live_strings(), before + 2);
    b = Interned();
    e = Interned();
    EXPECT_EQ(Interned::live_strings(), before + 1);  // only the second is held (by a and c)
  }
  EXPECT_EQ(Interned::live_strings(), before);
}

TEST(Interned, TheEmptyStringIsNoNode) {
  std::size_t before = Interned::live_strings();
  Interned e(""), f;
  EXPECT_TRUE(e.empty());
  EXPECT_EQ(e, f);
  EXPECT_EQ(e.view(), "");
  EXPECT_EQ(e.str(), "");
  EXPECT_EQ(Interned::live_strings(), before);
}

// Threads interning, copying and letting go of the same few strings: every string is gone at the
// end, and nothing is freed while held (ASan and TSan run this too).
TEST(Interned, ManyThreadsShareAndLetGo) {
  std::size_t before = Interned::live_strings();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      std::vector<Interned> held;
      for (int i = 0; i < 20000; ++i) {
        held.emplace_back("page-" + std::to_string((i * 7 + t) % 13));
        if (held.size() > 5) held.erase(held.begin());
        Interned copy = held.back();
        ASSERT_EQ(copy.str().substr(0, 5), "page-");
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Interned::live_strings(), before);
}

}  // namespace
}  // namespace tiski
