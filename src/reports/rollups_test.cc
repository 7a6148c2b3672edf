// The stored rollups stay exactly equal to a recomputation from the raw data: on a generated
// history across a DST change in the tenant's zone, after the upkeep, after late events (an
// order days after its chat, an outcome changed, a survey answered late, a page view and an
// invitation on an old day), and when the tenant's settings change.
#include "reports/rollups.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <set>

#include "reports/history.h"
#include "store/sqlite/sqlite_engine.h"
#include "util/crypto.h"

namespace tiski::reports {
namespace {

constexpr Millis kDay = 86'400'000;
constexpr Millis kNow = 1'774'915'200'000;  // 2026-03-31T00:00:00Z: DST began in Helsinki on the 29th

// An empty store with one tenant (id 1) and its site.
std::unique_ptr<Database> shop() {
  auto st = std::move(SqliteStore::open(":memory:")).value();
  auto t = st->create_tenant("eramaa", "Erämaa Outdoor", 1000);
  EXPECT_TRUE(t.ok() && t->id == 1);
  Site s;
  s.tenant_id = 1;
  s.key = "site-key-1";
  s.secret = "secret";
  s.name = "eramaa.fi";
  s.langs = {"fi"};
  EXPECT_TRUE(st->create_site(s).ok());
  return st;
}

class RollupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    st = shop();
    ASSERT_TRUE(st->set_tenant_hours(1, "tz=Europe/Helsinki; mon-fri 09:00-17:00").ok());
    auto filled = history::fill_history(*st, 1, kNow - 8 * kDay, 8, 40, history::generated_staff(4), kNow);
    ASSERT_TRUE(filled.ok()) << filled.error().message;
    rollups = std::make_unique<Rollups>(std::move(RollupDb::open(":memory:")).value());
    settings = std::move(settings_of(*st, 1)).value();
    // March in Helsinki: a whole month, so reports read its month rows once the days are rolled.
    from = analytics::day_no(date::local_days{date::year{2026} / 3 / 1});
    to = analytics::day_no(date::local_days{date::year{2026} / 3 / 31});
    ASSERT_EQ(analytics::local_day(settings.zone, kNow), to);
  }

  // Everything a report shows of the period, as text.
  std::string report(Rollups& r, const analytics::Filter& f = {}) {
    auto p = r.period(*st, settings, from, to, f, kNow, 1000);
    EXPECT_TRUE(p.ok()) << p.error().message;
    auto cur = analytics::main_currency(p->total);
    boost::json::object j{
        {"summary", analytics::summary_json(p->total, cur, !f.narrowed())},
        {"breakdown", analytics::breakdown_json(p->total, cur, analytics::day_of(from), analytics::day_of(to))}};
    boost::json::array agents;
    for (const auto& [a, part] : p->by_agent) agents.push_back(analytics::agent_json(a, part, cur));
    j["agents"] = std::move(agents);
    return boost::json::serialize(j);
  }

  // A recomputation: rollups that were never made roll every day from raw.
  std::string recomputed(const analytics::Filter& f = {}) {
    Rollups fresh(std::move(RollupDb::open(":memory:")).value());
    return report(fresh, f);
  }

  void upkeep() {
    for (;;) {
      clock += 61'000;  // past the minute a freshly rolled tenant is left alone
      auto n = rollups->upkeep(*st, 3, clock);
      ASSERT_TRUE(n.ok()) << n.error().message;
      if (*n == 0) break;
    }
    auto stale = rollups->stale_days(*st, settings);
    ASSERT_TRUE(stale.ok());
    EXPECT_TRUE(stale->empty());
  }

  // Each stored day equals roll_day() over the raw facts, bucket by bucket.
  void expect_stored_equal_raw() {
    analytics::Rolled month;
    for (auto day = from; day <= to; ++day) {
      auto rows = rollups->db().days(1, day, day);
      ASSERT_TRUE(rows.ok());
      std::map<analytics::Combo, std::string> stored;
      for (auto& r : *rows) stored[r.combo] = r.data;
      auto facts = st->report_day_facts(1, settings.start_of(day), settings.start_of(day + 1), 7 * kDay);
      ASSERT_TRUE(facts.ok());
      auto raw = analytics::roll_day(*facts, day, settings.roll());
      ASSERT_EQ(stored.size(), raw.size()) << "day " << day;
      for (const auto& [combo, p] : raw) EXPECT_EQ(stored[combo], p.encode()) << "day " << day;
      for (const auto& [combo, p] : raw) month[combo].merge(p);
    }
    // March's month rows are the sum of its days.
    auto rows = rollups->db().rows(1, Level::kMonth, from, from);
    ASSERT_TRUE(rows.ok());
    ASSERT_EQ(rows->size(), month.size());
    for (const auto& r : *rows) EXPECT_EQ(analytics::Partial::decode(r.data), month[r.combo]);
  }

  std::unique_ptr<Database> st;
  std::unique_ptr<Rollups> rollups;
  Millis clock = kNow;
  TenantSettings settings;
  analytics::DayNo from = 0, to = 0;
};

TEST_F(RollupsTest, StoredDaysEqualARecomputationAfterLateEvents) {
  auto raw = recomputed();
  EXPECT_EQ(report(*rollups), raw);  // nothing stored yet: every day from raw
  upkeep();
  expect_stored_equal_raw();
  EXPECT_EQ(report(*rollups), raw);
  analytics::Filter agent_only;
  agent_only.agent = 2;
  EXPECT_EQ(report(*rollups, agent_only), recomputed(agent_only));

  // Late events on old days. An order today, credited to the visitor's chat of days ago:
  ReportQuery q;
  q.tenant_id = 1;
  q.from = kNow - 4 * kDay;
  q.to = kNow - 3 * kDay;
  q.limit = 100'000;
  auto old = st->report_conversations(q);
  ASSERT_TRUE(old.ok());
  const ReportConversation* answered = nullptr;
  for (const auto& c : *old) {
    for (const auto& l : c.lines)
      if (l.author == "agent") answered = &c;
    if (answered) break;
  }
  ASSERT_NE(answered, nullptr);
  Conversion late{
      0,  1, answered->conv.site_id, answered->conv.visitor_id, "order", "LATE-1", 12345, "EUR", kNow - 1, "api",
      {}, {}};
  auto rec = st->record_conversion(late);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->conversion.conv_id, answered->conv.id);  // credited to the old chat
  // The outcome of another old chat changes, a survey is answered late, an old visitor is seen
  // again and invited.
  ASSERT_TRUE(st->set_outcome((*old)[1].conv.id, "sale", "", {"kampanja"}).ok());
  for (const auto& c : *old) {
    if (c.conv.status == conv_status::kClosed && !c.conv.csat && c.conv.id != (*old)[1].conv.id) {
      ASSERT_TRUE(st->answer_csat(c.conv.id, 1, "", kNow - 2).ok());
      break;
    }
  }
  ASSERT_TRUE(
      st->record_page_view({(*old)[2].conv.visitor_id, "late", "https://eramaa.demo/", "T", "", kNow - 6 * kDay}).ok());
  ASSERT_TRUE(
      st
          ->record_invitation(Invitation{
              0, 1, answered->conv.site_id, (*old)[3].conv.visitor_id, 1, "late-visit", kNow - 5 * kDay, {}, {}, true})
          .ok());

  auto stale = rollups->stale_days(*st, settings);
  ASSERT_TRUE(stale.ok());
  EXPECT_GE(stale->size(), 3u);  // the chat's day, the order's, the invitation's, ...
  auto changed = recomputed();
  EXPECT_NE(changed, raw);
  EXPECT_EQ(report(*rollups), changed);  // stored days + the changed ones from raw
  upkeep();
  expect_stored_equal_raw();
  EXPECT_EQ(report(*rollups), changed);

  // New business hours change every first response in business hours: everything is rolled again.
  ASSERT_TRUE(st->set_tenant_hours(1, "tz=Europe/Helsinki; mon-sun 08:00-20:00").ok());
  settings = std::move(settings_of(*st, 1)).value();
  auto rehoured = recomputed();
  EXPECT_EQ(report(*rollups), rehoured);
  upkeep();
  expect_stored_equal_raw();
  EXPECT_EQ(report(*rollups), rehoured);
}

TEST_F(RollupsTest, ABusyTodayIsRolledAtMostOnceAMinute) {
  upkeep();
  const Millis rolled = clock - 61'000;  // the last upkeep that rolled anything
  ASSERT_TRUE(st->record_page_view({1, "now", "https://eramaa.demo/", "T", "", kNow - 1}).ok());
  EXPECT_EQ(*rollups->upkeep(*st, 20, rolled + 1'000), 0);  // rolled a second ago: later
  EXPECT_EQ(rollups->stale_days(*st, settings)->size(), 1u);
  EXPECT_EQ(report(*rollups), recomputed());  // the report rolls it on the spot meanwhile
  EXPECT_EQ(*rollups->upkeep(*st, 20, rolled + 61'000), 1);
  EXPECT_TRUE(rollups->stale_days(*st, settings)->empty());
}

// On PostgreSQL the changes of one transaction share a mark (migration 0002). A budget of days
// that ends inside such a group must not mark the group's other hours as rolled.
TEST_F(RollupsTest, TheHoursOfOneMarkAreRolledTogether) {
  upkeep();
  std::int64_t before = 0;
  auto all = st->report_changes(1, 0, 1'000'000);
  ASSERT_TRUE(all.ok());
  for (const auto& c : *all) before = std::max(before, c.mark);
  // Page views on four old days, then their hours given one mark, as one transaction would.
  for (int d = 2; d <= 5; ++d) {
    ASSERT_TRUE(st->record_page_view({1, "late", "https://eramaa.demo/", "T", "", kNow - d * kDay}).ok());
  }
  auto& engine = static_cast<SqlStore&>(*st).engine();
  std::string one_mark =
      "UPDATE report_changes SET mark = (SELECT max(mark) FROM report_changes) WHERE mark > " + std::to_string(before);
  ASSERT_TRUE(engine.exec(one_mark.c_str()).ok());
  ASSERT_EQ(rollups->stale_days(*st, settings)->size(), 4u);
  // A budget of two days: the upkeep takes the whole mark (four days) rather than half of it.
  clock += 61'000;
  auto n = rollups->upkeep(*st, 2, clock);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 4);
  EXPECT_TRUE(rollups->stale_days(*st, settings)->empty());
  expect_stored_equal_raw();
}

TEST_F(RollupsTest, AReportRefusesToRollTooManyDaysOnTheSpot) {
  auto p = rollups->period(*st, settings, from, to, {}, kNow, 2);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Errc::kUnavailable);
  upkeep();
  EXPECT_TRUE(rollups->period(*st, settings, from, to, {}, kNow, 0).ok());
}

// The demo's history (`tiski demo --history DAYS`): the days up to now and nothing after it,
// served by the demo agent and the colleagues made for it, who cannot log in.
TEST(DemoHistory, EndsAtNowAndIsServedByTheDemoStaff) {
  auto st = shop();
  auto aino =
      st->create_agent("agentti@eramaa.demo", "Aino Virtanen", crypto::hash_password("demo1234", true).value(), 0);
  ASSERT_TRUE(aino.ok());
  ASSERT_TRUE(st->set_membership(aino->id, 1, Role::kAgent).ok());
  const Millis now = kNow + 13 * 3'600'000;  // 13:00 UTC: the day so far has chats too
  std::int64_t convs = 0;
  auto filled = history::fill_demo_history(*st, 1, aino->id, 3, now, &convs);
  ASSERT_TRUE(filled.ok()) << filled.error().message;
  EXPECT_GT(convs, 3 * 20);  // 40 a day on average; weekends and nights quieter
  EXPECT_LT(convs, 4 * 60);

  ReportQuery q;
  q.tenant_id = 1;
  q.from = 0;
  q.to = now + 30 * kDay;
  q.limit = 100'000;
  auto all = st->report_conversations(q);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(static_cast<std::int64_t>(all->size()), convs);
  std::set<Id> served;
  std::int64_t today = 0;
  for (const auto& c : *all) {
    EXPECT_GE(c.conv.created_at, now - 4 * kDay);
    EXPECT_LE(c.conv.created_at, now);
    if (c.conv.created_at >= kNow) ++today;
    for (const auto& l : c.lines) EXPECT_LE(l.at, now);
    if (c.conv.assignee_id) served.insert(*c.conv.assignee_id);
  }
  EXPECT_GT(today, 0);
  // Nor a page view, an invitation or an order after now.
  auto after = st->report_day_facts(1, now + 1, now + 2 * kDay, 7 * kDay);
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->convs.empty());
  EXPECT_TRUE(after->seen.empty());
  EXPECT_TRUE(after->invitations.empty());
  EXPECT_TRUE(after->sales.empty());
  EXPECT_EQ(served.size(), 4u);  // Aino and three colleagues
  EXPECT_TRUE(served.count(aino->id));
  for (const char* email : {"liisa@eramaa.demo", "jussi@eramaa.demo", "mikko@eramaa.demo"}) {
    auto a = st->agent_by_email(email);
    ASSERT_TRUE(a.ok()) << email;
    EXPECT_FALSE(crypto::verify_password(a->password_hash, "demo1234")) << email;
    EXPECT_FALSE(crypto::verify_password(a->password_hash, "")) << email;
    EXPECT_TRUE(a->password_hash.starts_with("$argon2id$")) << email;  // a real hash: a login costs as any
  }
}

}  // namespace
}  // namespace tiski::reports
