#include "chat/pubsub.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

struct Recorder : Subscriber {
  std::vector<std::string> got;
  void deliver(const Envelope& e) override { got.push_back(*e.frame); }
};

TEST(LocalPubSub, DeliversToSubscribersExceptTheSender) {
  LocalPubSub ps;
  Recorder a, b, c;
  ps.subscribe("c:1", &a);
  ps.subscribe("c:1", &b);
  ps.subscribe("c:1", &b);  // twice is once
  ps.subscribe("c:2", &c);
  ps.publish("c:1", Envelope{std::make_shared<const std::string>("x"), 1}, &a);
  EXPECT_TRUE(a.got.empty());
  EXPECT_EQ(b.got, std::vector<std::string>{"x"});
  EXPECT_TRUE(c.got.empty());
  ps.unsubscribe("c:1", &b);
  ps.publish("c:1", Envelope{std::make_shared<const std::string>("y"), 1});
  EXPECT_EQ(a.got, std::vector<std::string>{"y"});
  EXPECT_EQ(b.got.size(), 1u);
  ps.unsubscribe("c:1", &a);
  EXPECT_EQ(ps.topic_count(), 1u);  // empty topics are dropped
}

TEST(LocalPubSub, ASubscriberMayUnsubscribeWhileBeingDelivered) {
  LocalPubSub ps;
  struct SelfRemover : Subscriber {
    LocalPubSub* ps;
    int n = 0;
    void deliver(const Envelope&) override {
      ++n;
      ps->unsubscribe("t", this);
    }
  } a, b;
  a.ps = b.ps = &ps;
  ps.subscribe("t", &a);
  ps.subscribe("t", &b);
  ps.publish("t", Envelope{std::make_shared<const std::string>("x"), 0});
  EXPECT_EQ(a.n, 1);
  EXPECT_EQ(b.n, 1);
  EXPECT_EQ(ps.topic_count(), 0u);
}

TEST(Topics, Names) {
  EXPECT_EQ(topic_conv(5), "c:5");
  EXPECT_EQ(topic_visitor(5), "v:5");
  EXPECT_EQ(topic_tenant(5), "t:5");
}

}  // namespace
}  // namespace tiski
