#include "util/short_string.h"

#include <gtest/gtest.h>

#include <utility>

namespace tiski {
namespace {

TEST(ShortString, KeepsUpToTwentyThreeBytesInside) {
  static_assert(sizeof(ShortString) == 24);
  ShortString empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.view(), "");
  ShortString visit("AbCdEfGhIjKlMnOp");  // the widget's visit id: 16 characters
  EXPECT_FALSE(visit.on_heap());
  EXPECT_EQ(visit.view(), "AbCdEfGhIjKlMnOp");
  std::string full(23, 'x');
  ShortString at_limit(full);
  EXPECT_FALSE(at_limit.on_heap());
  EXPECT_EQ(at_limit.view(), full);
  EXPECT_EQ(at_limit.view().size(), 23u);
}

TEST(ShortString, LongerOnesOnTheHeap) {
  std::string long_id(64, 'y');
  long_id[0] = 'a';
  long_id[63] = 'z';
  ShortString s(long_id);
  EXPECT_TRUE(s.on_heap());
  EXPECT_EQ(s.view(), long_id);
  std::string just_over(24, 'q');
  EXPECT_TRUE(ShortString(just_over).on_heap());
  EXPECT_EQ(ShortString(just_over).view(), just_over);
}

TEST(ShortString, BytesAsGivenZerosIncluded) {
  std::string with_zero("a\0b", 3);
  EXPECT_EQ(ShortString(with_zero).view(), with_zero);
}

TEST(ShortString, CopiesMovesAndAssignmentsOwnTheirBytes) {
  std::string long_id(40, 'L');
  ShortString a(long_id), b("short");
  ShortString c(a);  // a copy of a heap string has its own block
  EXPECT_EQ(c.view(), long_id);
  EXPECT_NE(c.view().data(), a.view().data());
  b = a;
  EXPECT_EQ(b.view(), long_id);
  a = std::string_view("now short");
  EXPECT_FALSE(a.on_heap());
  EXPECT_EQ(a.view(), "now short");
  EXPECT_EQ(b.view(), long_id);  // unaffected
  ShortString moved(std::move(b));
  EXPECT_EQ(moved.view(), long_id);
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, by design
  c = std::move(moved);
  EXPECT_EQ(c.view(), long_id);
  c = c;  // NOLINT: self-assignment keeps the bytes
  EXPECT_EQ(c.view(), long_id);
  ShortString d("x");
  d = std::move(c);
  EXPECT_EQ(d.view(), long_id);
  d.swap(a);
  EXPECT_EQ(d.view(), "now short");
  EXPECT_EQ(a.view(), long_id);
}

}  // namespace
}  // namespace tiski
