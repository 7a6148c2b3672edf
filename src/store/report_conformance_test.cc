// Conformance of every back end: the reports' read (EventRepo::report_conversations): the
// period, the filters, the tenant, the lines and only the metric events, and the limit.
#include "store/conformance.h"

#include <unistd.h>

#include <filesystem>

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(ReportConformance);

TEST_P(ReportConformance, ThePeriodFiltersTenantAndLimit) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  auto early = store->create_conversation(visitor.id, origin::kReactive, 5000);
  ASSERT_TRUE(store->append_message(visitor_msg(early->id, "hei", "c1")).ok());
  ASSERT_TRUE(store->assign(early->id, a->id, 5100).ok());
  ASSERT_TRUE(store->close(early->id, 5200).ok());
  auto later = store->create_conversation(visitor.id, origin::kOffline, 9000);
  ASSERT_TRUE(store->append_message(visitor_msg(later->id, "viesti", "c2")).ok());
  for (const char* kind : {"visitor.left", "conversation.closed", "conversation.created"}) {
    ASSERT_TRUE(store->append_event(Event{0, tenant.id, early->id, kind, R"({"by":"visitor"})", 5150}).ok());
  }
  auto [t2, s2] = second_tenant(*store);
  auto v2 = store->create_visitor(s2->id, "fi", 2000);
  ASSERT_TRUE(store->create_conversation(v2->id, origin::kReactive, 6000).ok());

  ReportQuery q;
  q.tenant_id = tenant.id;
  q.from = 0;
  q.to = 10'000;
  q.limit = 10;
  auto all = store->report_conversations(q);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_EQ(all->size(), 2u);  // not the other tenant's
  const auto& e = (*all)[0];
  EXPECT_EQ(e.conv.id, early->id);
  EXPECT_EQ(e.conv.closed_at, 5200);
  EXPECT_EQ(e.conv.assignee_id, a->id);
  ASSERT_EQ(e.lines.size(), 1u);
  EXPECT_EQ(e.lines[0].author, "visitor");
  ASSERT_EQ(e.events.size(), 2u);  // conversation.created is not a metric event
  EXPECT_EQ(e.events[0].kind, "visitor.left");
  EXPECT_EQ(e.events[0].at, 5150);

  q.from = 6000;  // created in [from, to)
  EXPECT_EQ(store->report_conversations(q)->size(), 1u);
  q.from = 0;
  q.origin = "offline";
  EXPECT_EQ(store->report_conversations(q)->at(0).conv.id, later->id);
  q.origin.reset();
  q.agent_id = a->id;
  EXPECT_EQ(store->report_conversations(q)->size(), 1u);
  q.agent_id.reset();
  q.site_id = s2->id;
  EXPECT_TRUE(store->report_conversations(q)->empty());
  q.site_id.reset();
  q.channel = "form";  // the offline one
  EXPECT_EQ(store->report_conversations(q)->size(), 1u);
  q.channel = "chat";
  EXPECT_EQ(store->report_conversations(q)->at(0).conv.id, early->id);
  q.channel.reset();
  auto team = store->create_team(tenant.id, "Myynti");
  q.team_id = team->id;
  EXPECT_TRUE(store->report_conversations(q)->empty());
  q.team_id.reset();
  q.limit = 1;  // one more than the limit says "too many"
  EXPECT_EQ(store->report_conversations(q)->size(), 2u);
}

// The report worker's connection reads what the writer committed and refuses to write.
TEST(SqliteStore, AReaderConnectionReadsButNeverWrites) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-reader-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  {
    auto writer = std::move(SqliteStore::open(path)).value();
    ASSERT_TRUE(writer->create_tenant("a", "A", 1).ok());
    auto reader = SqliteStore::open_reader(path);
    ASSERT_TRUE(reader.ok()) << reader.error().message;
    ASSERT_TRUE((*reader)->begin_read().ok());
    EXPECT_EQ((*reader)->tenants()->size(), 1u);
    ASSERT_TRUE((*reader)->commit().ok());
    EXPECT_FALSE((*reader)->create_tenant("b", "B", 2).ok());
    EXPECT_EQ(writer->tenants()->size(), 1u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tiski
