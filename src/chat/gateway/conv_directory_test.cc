#include "chat/gateway/conv_directory.h"

#include <gtest/gtest.h>

namespace tiski {
namespace {

Conversation c(Id id, Id tenant, std::string_view status, std::optional<Id> assignee = std::nullopt,
               std::string_view org = origin::kReactive) {
  Conversation x;
  x.id = id;
  x.tenant_id = tenant;
  x.status = std::string(status);
  x.origin = std::string(org);
  x.assignee_id = assignee;
  x.created_at = 1000 + id;
  return x;
}

std::vector<std::string> ids(const ConvDirectory::Page& p) {
  std::vector<std::string> out;
  for (const auto* j : p.convs) out.push_back(*j);
  return out;
}

TEST(ConvDirectory, ListsArePagedInOrderAcrossTenants) {
  ConvDirectory d;
  for (Id i = 1; i <= 7; ++i) d.update(c(i, i % 2 ? 1 : 2, conv_status::kWaiting), std::to_string(i));
  d.update(c(8, 3, conv_status::kWaiting), "8");  // a tenant the agent does not serve
  auto p1 = d.page(ConvDirectory::List::kWaiting, {1, 2}, 99, "", 3);
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(ids(*p1), (std::vector<std::string>{"1", "2", "3"}));
  ASSERT_FALSE(p1->next.empty());
  auto p2 = d.page(ConvDirectory::List::kWaiting, {1, 2}, 99, p1->next, 3);
  EXPECT_EQ(ids(*p2), (std::vector<std::string>{"4", "5", "6"}));
  auto p3 = d.page(ConvDirectory::List::kWaiting, {1, 2}, 99, p2->next, 3);
  EXPECT_EQ(ids(*p3), (std::vector<std::string>{"7"}));
  EXPECT_TRUE(p3->next.empty());
  EXPECT_EQ(d.page(ConvDirectory::List::kWaiting, {1}, 99, "x.y", 3).error().code, Errc::kBadRequest);
}

TEST(ConvDirectory, MineOthersInboxAndCounts) {
  ConvDirectory d;
  d.update(c(1, 1, conv_status::kWaiting), "w");
  d.update(c(2, 1, conv_status::kActive, 7), "mine");
  d.update(c(3, 1, conv_status::kActive, 8), "theirs");
  d.update(c(4, 1, conv_status::kWaiting, std::nullopt, origin::kOffline), "inbox");
  (void)d.take_changed();
  EXPECT_EQ(ids(*d.page(ConvDirectory::List::kMine, {1}, 7, "", 10)), std::vector<std::string>{"mine"});
  EXPECT_EQ(ids(*d.page(ConvDirectory::List::kOthers, {1}, 7, "", 10)), std::vector<std::string>{"theirs"});
  EXPECT_EQ(ids(*d.page(ConvDirectory::List::kInbox, {1}, 7, "", 10)), std::vector<std::string>{"inbox"});
  auto n = d.counts(1);
  EXPECT_EQ(n.waiting, 1);
  EXPECT_EQ(n.inbox, 1);
  EXPECT_EQ(n.active, 2);
  d.update(c(1, 1, conv_status::kActive, 7), "w2");  // taken: moves lists
  d.update(c(3, 1, conv_status::kClosed, 8), "");    // closed: gone
  EXPECT_EQ(d.take_changed(), std::vector<Id>{1});
  EXPECT_EQ(ids(*d.page(ConvDirectory::List::kMine, {1}, 7, "", 10)), (std::vector<std::string>{"w2", "mine"}));
  EXPECT_TRUE(d.page(ConvDirectory::List::kOthers, {1}, 7, "", 10)->convs.empty());
  EXPECT_EQ(d.counts(1).waiting, 0);
  EXPECT_EQ(d.json(3), nullptr);
  EXPECT_EQ(*d.json(1), "w2");
}

}  // namespace
}  // namespace tiski
