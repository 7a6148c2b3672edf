#include "chat/gateway/abuse.h"

#include <gtest/gtest.h>

#include "util/limits.h"

namespace tiski {
namespace {

TEST(Bucket, AllowsBurstThenRefills) {
  Bucket b(5.0, 10.0);
  Millis t0 = 1'000'000;
  int ok = 0;
  for (int i = 0; i < 20; ++i) ok += b.take(t0);
  EXPECT_EQ(ok, 10);
  EXPECT_FALSE(b.take(t0 + 100));  // 0.5 token
  EXPECT_TRUE(b.take(t0 + 250));   // 1.25 tokens
  EXPECT_FALSE(b.take(t0 + 260));
  EXPECT_FALSE(b.full(t0 + 260));
  EXPECT_TRUE(b.full(t0 + 10'000));
}

TEST(AbuseLimits, ConnectionsPerAddressAreCapped) {
  AbuseLimits a;
  Millis t = 1'000'000;
  for (std::size_t i = 0; i < limits::kMaxConnectionsPerAddress; ++i) ASSERT_TRUE(a.connect("10.0.0.1", t));
  EXPECT_FALSE(a.connect("10.0.0.1", t));
  EXPECT_TRUE(a.connect("10.0.0.2", t));  // another address is another count
  a.disconnect("10.0.0.1");
  EXPECT_TRUE(a.connect("10.0.0.1", t));
}

// one client created 5,000 conversations in a second, one visitor in five tabs got
// 50 of 50 messages accepted in 1.5 s.
TEST(AbuseLimits, ConversationsAndMessagesPerVisitorAndPerAddress) {
  AbuseLimits a;
  Millis t = 1'000'000;
  int convs = 0;
  for (int i = 0; i < 5000; ++i) convs += a.allow("10.0.0.1", AbuseLimits::Action::kConversation, t);
  EXPECT_EQ(convs, static_cast<int>(limits::kConversationBurstPerAddress));
  int msgs = 0;
  for (int i = 0; i < 50; ++i) msgs += a.allow_visitor(42, AbuseLimits::Action::kMessage, t + i * 30);  // 1.5 s
  EXPECT_LE(msgs, static_cast<int>(limits::kMessageBurst + 1.5 * limits::kMessagesPerSecond) + 1);
  EXPECT_GE(msgs, static_cast<int>(limits::kMessageBurst));
  int starts = 0;
  for (int i = 0; i < 10; ++i) starts += a.allow_visitor(42, AbuseLimits::Action::kConversation, t);
  EXPECT_EQ(starts, static_cast<int>(limits::kVisitorConversationBurst));
}

// A page view stores a row and updates every console's live list: one visitor on many sockets,
// or many visitors of one address, cannot flood the disk and the consoles with them.
TEST(AbuseLimits, PageViewsPerVisitorAndPerAddress) {
  AbuseLimits a({"127.0.0.9"});
  Millis t = 1'000'000;
  int pages = 0;
  for (int i = 0; i < 1000; ++i) pages += a.allow_page("10.0.0.1", 7, t);
  EXPECT_EQ(pages, static_cast<int>(limits::kPageViewBurst));
  EXPECT_TRUE(a.allow_page("10.0.0.1", 8, t)) << "another visitor of the address has a budget of its own";
  EXPECT_TRUE(a.allow_page("10.0.0.1", 7, t + 2'000)) << "one every two seconds";
  int from_address = 0;
  for (Id v = 100; v < 1100; ++v) from_address += a.allow_page("10.0.0.2", v, t);
  EXPECT_EQ(from_address, static_cast<int>(limits::kPageViewBurstPerAddress));
  int unlimited = 0;
  for (int i = 0; i < 1000; ++i) unlimited += a.allow_page("127.0.0.9", 9, t);
  EXPECT_EQ(unlimited, 1000);
}

TEST(AbuseLimits, UnlimitedAddressesAndTheSweep) {
  AbuseLimits a({"127.0.0.1"});
  Millis t = 1'000'000;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(a.allow("127.0.0.1", AbuseLimits::Action::kNewVisitor, t));
  for (std::size_t i = 0; i < 2 * limits::kMaxConnectionsPerAddress; ++i) ASSERT_TRUE(a.connect("127.0.0.1", t));
  EXPECT_TRUE(a.allow("10.0.0.9", AbuseLimits::Action::kHello, t));
  EXPECT_TRUE(a.allow_visitor(5, AbuseLimits::Action::kMessage, t));
  EXPECT_EQ(a.tracked(), 2u);
  a.sweep(t + 3'600'000);  // everything refilled, nothing connected: forgotten
  EXPECT_EQ(a.tracked(), 0u);
}

TEST(AbuseLimits, SeveralNodesSpendFromOneAllowance) {
  AbuseLimits a, b;
  a.share();
  b.share();
  Millis now = 1'000'000;
  // Node a allows the address its whole burst of messages and the visitor theirs.
  int allowed = 0;
  while (a.allow("198.51.100.7", AbuseLimits::Action::kMessage, now)) ++allowed;
  EXPECT_EQ(allowed, static_cast<int>(limits::kMessageBurstPerAddress));
  for (int i = 0; i < static_cast<int>(limits::kMessageBurst); ++i)
    ASSERT_TRUE(a.allow_visitor(42, AbuseLimits::Action::kMessage, now));
  // Node b has not heard yet: it would allow more; once it has, it refuses too.
  auto report = a.take_shared();
  EXPECT_EQ(report.addresses.at("198.51.100.7")[static_cast<int>(AbuseLimits::Action::kMessage)], allowed);
  EXPECT_TRUE(a.take_shared().empty()) << "a report is taken once";
  b.spend_elsewhere("a", report, now);
  EXPECT_FALSE(b.allow("198.51.100.7", AbuseLimits::Action::kMessage, now));
  EXPECT_FALSE(b.allow_visitor(42, AbuseLimits::Action::kMessage, now));
  EXPECT_TRUE(b.allow("198.51.100.8", AbuseLimits::Action::kMessage, now)) << "another address is not touched";
  EXPECT_TRUE(b.take_shared().addresses.contains("198.51.100.8")) << "only what b itself allowed";
  // The rate refills as usual.
  EXPECT_TRUE(b.allow("198.51.100.7", AbuseLimits::Action::kMessage, now + 1000));
}

TEST(AbuseLimits, SocketsHeldOnAnotherNodeCount) {
  AbuseLimits a, b;
  a.share();
  b.share();
  Millis now = 1'000'000;
  for (std::size_t i = 0; i < 60; ++i) ASSERT_TRUE(a.connect("198.51.100.7", now));
  b.spend_elsewhere("a", a.take_shared(), now);
  std::size_t opened = 0;
  while (b.connect("198.51.100.7", now)) ++opened;
  EXPECT_EQ(opened, limits::kMaxConnectionsPerAddress - 60);
  // Node a's next report no longer names the address (its sockets closed): b allows again.
  for (std::size_t i = 0; i < 60; ++i) a.disconnect("198.51.100.7");
  b.spend_elsewhere("a", a.take_shared(), now);
  EXPECT_TRUE(b.connect("198.51.100.7", now));
  // A dead node's sockets stop counting too.
  for (std::size_t i = 0; i < 60; ++i) ASSERT_TRUE(a.connect("198.51.100.9", now));
  b.spend_elsewhere("a", a.take_shared(), now);
  b.node_gone("a");
  std::size_t again = 0;
  while (b.connect("198.51.100.9", now)) ++again;
  EXPECT_EQ(again, limits::kMaxConnectionsPerAddress);
}

}  // namespace
}  // namespace tiski
