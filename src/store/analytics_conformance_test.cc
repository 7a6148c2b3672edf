// Conformance of every back end: outcomes and tags, the satisfaction survey, conversions with
// their last-touch credit, and the report's reads of them.
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(AnalyticsConformance);

TEST_P(AnalyticsConformance, OutcomeAndTagsAreStoredAndRead) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 5000);
  std::vector<std::string> created;
  auto tags = store->add_tags(tenant.id, {"Teltat", "palautus"}, 5100, created);
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(created.size(), 2u);
  created.clear();
  // The first spelling wins; case does not make a second tag.
  tags = store->add_tags(tenant.id, {"TELTAT", "uusi"}, 5200, created);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (std::vector<std::string>{"Teltat", "uusi"}));
  EXPECT_EQ(created, (std::vector<std::string>{"uusi"}));
  auto list = store->tenant_tags(tenant.id, 10);
  EXPECT_EQ(list->size(), 3u);
  auto [t2, s2] = second_tenant(*store);
  EXPECT_TRUE(store->tenant_tags(t2->id, 10)->empty());

  auto set = store->set_outcome(c->id, outcome::kRedirected, "puhelin", *tags);
  ASSERT_TRUE(set.ok()) << set.error().message;
  auto read = store->conversation(c->id);
  EXPECT_EQ(read->outcome, "redirected");
  EXPECT_EQ(read->outcome_channel, "puhelin");
  EXPECT_EQ(read->tags, (std::vector<std::string>{"Teltat", "uusi"}));
  EXPECT_EQ(store->set_outcome(999, outcome::kSale, "", {}).error().code, Errc::kNotFound);
}

TEST_P(AnalyticsConformance, TheTagListHasALimit) {
  std::vector<std::string> created;
  for (std::size_t i = 0; i < limits::kMaxTagsPerTenant; ++i)
    ASSERT_TRUE(store->add_tags(tenant.id, {"t" + std::to_string(i)}, 1, created).ok());
  auto over = store->add_tags(tenant.id, {"one more"}, 1, created);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kTooLarge);
  EXPECT_TRUE(store->add_tags(tenant.id, {"T1"}, 1, created).ok());  // an existing one is fine
}

TEST_P(AnalyticsConformance, TheSurveyIsAnsweredAfterTheCloseAndRevisedForAWhile) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 5000);
  EXPECT_EQ(store->answer_csat(c->id, 5, "", 6000).error().code, Errc::kConflict);  // still open
  ASSERT_TRUE(store->close(c->id, 6000).ok());
  EXPECT_TRUE(*store->csat_shown(c->id, 6100));
  EXPECT_FALSE(*store->csat_shown(c->id, 6200));    // the first showing counts
  auto a = store->answer_csat(c->id, 4, "", 6300);  // the star, when clicked
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->csat, 4);
  EXPECT_EQ(a->csat_shown_at, 6100);
  // The comment after it (and another score) replaces the answer within the window...
  auto b = store->answer_csat(c->id, 5, "Nopea vastaus", 6300 + limits::kCsatReviseMs);
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->csat, 5);
  EXPECT_EQ(b->csat_comment, "Nopea vastaus");
  // ...and not after it.
  EXPECT_EQ(store->answer_csat(c->id, 1, "", 6301 + limits::kCsatReviseMs).error().code, Errc::kConflict);
  EXPECT_EQ(store->conversation(c->id)->csat, 5);
  EXPECT_EQ(store->conversation(c->id)->csat_comment, "Nopea vastaus");
}

TEST_P(AnalyticsConformance, AnOrderIsCreditedToTheLastAnsweredChatInTheWindow) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  constexpr Millis kDay = 86'400'000;
  // An answered chat on day 1, then a missed one on day 2 (no agent line: never credited).
  auto answered = store->create_conversation(visitor.id, origin::kReactive, kDay);
  ASSERT_TRUE(store->append_message(visitor_msg(answered->id, "hei", "c1")).ok());
  ASSERT_TRUE(store->assign(answered->id, a->id, kDay + 10).ok());
  Message reply{answered->id, 0, "agent", a->id, "Aino", "Hei!", "r1", kDay + 20, "", {}, ""};
  ASSERT_TRUE(store->append_message(reply).ok());
  ASSERT_TRUE(store->close(answered->id, kDay + 1000).ok());
  auto missed = store->create_conversation(visitor.id, origin::kReactive, 2 * kDay);
  ASSERT_TRUE(store->close(missed->id, 2 * kDay + 100).ok());

  Conversion o{0, tenant.id, site.id, visitor.id, "order", "A-1", 12990, "EUR", 3 * kDay, "widget", {}, {}};
  auto r = store->record_conversion(o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(r->conversion.conv_id, answered->id);
  EXPECT_EQ(r->conversion.agent_id, a->id);

  // The same order again: nothing changes, the first report stands.
  o.value_cents = 1;
  auto again = store->record_conversion(o);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->conversion.value_cents, 12990);
  EXPECT_EQ(again->conversion.id, r->conversion.id);
  // A lead may reuse the id of an order: kinds are separate.
  Conversion lead{0, tenant.id, site.id, visitor.id, "lead", "A-1", 0, "", 3 * kDay, "api", {}, {}};
  EXPECT_FALSE(store->record_conversion(lead)->duplicate);

  // Outside the window (7 days after the close): not credited, but stored.
  Conversion late{0,     tenant.id, site.id, visitor.id, "order", "A-2", 500, "EUR", kDay + 1000 + 7 * kDay + 1,
                  "api", {},        {}};
  auto lr = store->record_conversion(late);
  ASSERT_TRUE(lr.ok());
  EXPECT_FALSE(lr->conversion.conv_id);
  // A longer window credits it.
  ASSERT_TRUE(store->set_tenant_analytics(tenant.id, false, 30).ok());
  late.ref = "A-3";
  EXPECT_EQ(store->record_conversion(late)->conversion.conv_id, answered->id);
  // An order before the chat began is not the chat's.
  Conversion before{0, tenant.id, site.id, visitor.id, "order", "A-4", 500, "EUR", kDay - 1, "api", {}, {}};
  EXPECT_FALSE(store->record_conversion(before)->conversion.conv_id);
  // Without a visitor: stored, credited to nobody.
  Conversion anon{0, tenant.id, site.id, std::nullopt, "order", "A-5", 500, "EUR", 3 * kDay, "api", {}, {}};
  EXPECT_FALSE(store->record_conversion(anon)->conversion.conv_id);

  auto of = store->conversions_of(answered->id);
  ASSERT_EQ(of->size(), 3u);  // A-1, the lead, A-3
  EXPECT_EQ((*of)[0].ref, "A-1");

  // Another tenant may use the same order id.
  auto [t2, s2] = second_tenant(*store);
  Conversion other{0, t2->id, s2->id, std::nullopt, "order", "A-1", 100, "SEK", 3 * kDay, "api", {}, {}};
  EXPECT_FALSE(store->record_conversion(other)->duplicate);
}

TEST_P(AnalyticsConformance, ADaysFactsAreItsOrdersVisitorsAndInvitations) {
  constexpr Millis kDay = 86'400'000;
  auto v2 = store->create_visitor(site.id, "fi", kDay);
  ASSERT_TRUE(store->record_page_view({visitor.id, "v1", "https://a/", "A", "", kDay + 5}).ok());
  ASSERT_TRUE(store->update_visitor_page(visitor.id, "https://a/", "A", kDay + 5).ok());
  ASSERT_TRUE(store->record_page_view({v2->id, "v2", "https://a/", "A", "", 5 * kDay}).ok());
  ASSERT_TRUE(store->update_visitor_page(v2->id, "https://a/", "A", 5 * kDay).ok());
  auto [t2, s2] = second_tenant(*store);
  auto other = store->create_visitor(s2->id, "fi", kDay);
  ASSERT_TRUE(store->record_page_view({other->id, "v3", "https://b/", "B", "", kDay + 5}).ok());
  ASSERT_TRUE(store->update_visitor_page(other->id, "https://b/", "B", kDay + 5).ok());

  Conversion o{0, tenant.id, site.id, visitor.id, "order", "A-1", 100, "EUR", kDay + 10, "widget", {}, {}};
  ASSERT_TRUE(store->record_conversion(o).ok());
  Conversion o2{0, t2->id, s2->id, other->id, "order", "B-1", 100, "EUR", kDay + 10, "widget", {}, {}};
  ASSERT_TRUE(store->record_conversion(o2).ok());
  Invitation shown{0, tenant.id, site.id, visitor.id, 1, "v1", kDay + 1, {}, {}, false};
  Invitation held{0, tenant.id, site.id, v2->id, 1, "v2", kDay + 2, {}, {}, true};
  ASSERT_TRUE(store->record_invitation(shown).ok());
  ASSERT_TRUE(store->record_invitation(held).ok());
  // A held-out invitation can neither be dismissed nor accepted.
  EXPECT_EQ(store->dismiss_invitation(v2->id, 1, kDay + 3).error().code, Errc::kNotFound);

  // A second invitation of the same visit is not its first; the order credits nothing here.
  Invitation again{0, tenant.id, site.id, visitor.id, 2, "v1", kDay + 3, {}, {}, false};
  ASSERT_TRUE(store->record_invitation(again).ok());

  auto r = store->report_day_facts(tenant.id, kDay, 2 * kDay, 7 * kDay);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->sales.size(), 1u);  // not the other tenant's
  EXPECT_EQ(r->sales[0].c.ref, "A-1");
  EXPECT_EQ(r->sales[0].origin, "");  // credited to no conversation
  ASSERT_EQ(r->seen.size(), 1u);      // v2 was seen on day 5 only
  EXPECT_EQ(r->seen[0], std::make_pair(visitor.id, site.id));
  ASSERT_EQ(r->invitations.size(), 3u);
  EXPECT_FALSE(r->invitations[0].first.held_out);
  EXPECT_TRUE(r->invitations[0].second);  // the visit's first
  EXPECT_TRUE(r->invitations[1].first.held_out);
  EXPECT_FALSE(r->invitations[2].second);
  ASSERT_EQ(r->unit_orders.size(), 1u);  // the invited visitor's order within the window
  EXPECT_TRUE(store->report_day_facts(tenant.id, 4 * kDay, 5 * kDay, 7 * kDay)->seen.empty());
  EXPECT_EQ(store->report_day_facts(tenant.id, 5 * kDay, 6 * kDay, 7 * kDay)->seen.size(), 1u);
  // Every write marked the hours it touched, for the report rollups.
  auto changes = store->report_changes(tenant.id, 0, 100);
  ASSERT_TRUE(changes.ok());
  std::set<std::int64_t> hours;
  for (const auto& c : *changes) hours.insert(c.hour);
  EXPECT_TRUE(hours.contains(kDay / 3'600'000));
  EXPECT_TRUE(hours.contains(5 * kDay / 3'600'000));
  auto last = changes->back().mark;
  EXPECT_TRUE(store->report_changes(tenant.id, last, 100)->empty());
  ASSERT_TRUE(store->record_page_view({visitor.id, "v9", "https://a/", "A", "", 9 * kDay}).ok());
  auto after = store->report_changes(tenant.id, last, 100);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].hour, 9 * kDay / 3'600'000);
  // An hour marked before is marked again, later, by a later write (on PostgreSQL a
  // transaction's changes share one mark: a mark already there is another transaction's).
  ASSERT_TRUE(store->record_page_view({visitor.id, "v9", "https://a/", "A", "", kDay + 1}).ok());
  auto remarked = store->report_changes(tenant.id, (*after)[0].mark, 100);
  ASSERT_EQ(remarked->size(), 1u);
  EXPECT_EQ((*remarked)[0].hour, kDay / 3'600'000);
  EXPECT_TRUE(store->report_changes(t2->id, 0, 100)->size() >= 1u);  // the other tenant's are apart
}

}  // namespace
}  // namespace tiski
