// Conformance of every back end: privacy. A person is found by visitor number or contact email
// (in their tenant only); erasure removes the text everywhere it was (messages, the search
// index, contact details, pages, emails, webhook bodies) and keeps the anonymous facts;
// retention erases what closed before the cut, a batch at a time.
#include <algorithm>

#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(PrivacyConformance);

TEST_P(PrivacyConformance, APersonIsFoundInTheirTenantOnly) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 3000);
  ASSERT_TRUE(store->set_contact(c->id, "Matti", "Matti@Example.com"));
  EXPECT_EQ(*store->subject_visitors(tenant.id, visitor.number, ""), std::vector<Id>{visitor.id});
  EXPECT_EQ(*store->subject_visitors(tenant.id, 0, "matti@example.COM"), std::vector<Id>{visitor.id});
  EXPECT_TRUE(store->subject_visitors(tenant.id, 0, "maija@example.com")->empty());
  EXPECT_TRUE(store->subject_visitors(tenant.id, 999, "")->empty());
  auto other = *second_tenant(*store).first;
  EXPECT_TRUE(store->subject_visitors(other.id, visitor.number, "matti@example.com")->empty());

  // Through contacts: the person's other visitors (another device, an email sender) too.
  auto phone = store->create_visitor(site.id, "fi", 3100);
  auto person = store->create_contact(tenant.id, "Matti", 3100);
  ASSERT_TRUE(store->add_contact_keys(tenant.id, person->id, {{"email", "matti.m@example.com"}}).ok());
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, visitor.id, person->id).ok());
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, phone->id, person->id).ok());
  auto both = *store->subject_visitors(tenant.id, visitor.number, "");
  std::ranges::sort(both);
  EXPECT_EQ(both, (std::vector<Id>{visitor.id, phone->id}));
  EXPECT_EQ(store->subject_visitors(tenant.id, 0, "Matti.M@example.com")->size(), 2u);
  EXPECT_TRUE(store->subject_visitors(other.id, 0, "matti.m@example.com")->empty());
}

TEST_P(PrivacyConformance, ErasureRemovesTheTextAndKeepsTheFacts) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 3000);
  auto said = visitor_msg(c->id, "Puhelinnumeroni on 040 1234567", "a");
  said.quoted = "-- \nMatti, 040 1234567";  // an email's signature, kept folded
  ASSERT_TRUE(store->append_message(said));
  ASSERT_TRUE(store->set_contact(c->id, "Matti Meikäläinen", "matti@example.com"));
  ASSERT_TRUE(store->record_page_view({visitor.id, "v1", "https://eramaa.demo/teltat", "Teltat", "teltat", 2500}).ok());
  ASSERT_TRUE(
      store->queue_webhook_event(tenant.id, c->id, "message.created", "evt_1", "{\"body\":\"040 1234567\"}", 1).ok());
  ASSERT_TRUE(store->index_search(100));
  SearchQuery q;
  q.tenants = {tenant.id};
  q.match = "1234567";
  ASSERT_EQ(store->search_messages(q)->hits.size(), 1u);
  ASSERT_TRUE(store->close(c->id, 6000));

  auto person = store->create_contact(tenant.id, "Matti Meikäläinen", 3000);
  ASSERT_TRUE(store->add_contact_keys(tenant.id, person->id, {{"phone", "+358401234567"}}).ok());
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, visitor.id, person->id).ok());
  auto e = store->erase_visitors(tenant.id, {visitor.id}, 7000);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->conversations, 1);
  EXPECT_EQ(e->messages, 1);
  EXPECT_EQ(e->page_views, 1);
  ASSERT_TRUE(store->purge_erased().ok());
  EXPECT_TRUE(store->search_messages(q)->hits.empty());
  auto after = store->conversation(c->id);
  EXPECT_EQ(after->contact_email, "");
  EXPECT_EQ(after->contact_name, "");
  EXPECT_EQ(after->preview, "");
  EXPECT_EQ(after->status, "closed");  // the facts stay
  EXPECT_EQ(after->last_seq, 1);
  auto msgs = store->messages_page(c->id, 0, 100, 10, false);
  ASSERT_EQ(msgs->size(), 1u);
  EXPECT_EQ(msgs->at(0).body, "");
  EXPECT_EQ(msgs->at(0).quoted, "");
  EXPECT_EQ(msgs->at(0).at, 5000);
  EXPECT_TRUE(store->page_path(visitor.id, 10)->empty());
  EXPECT_TRUE(store->contacts_with_keys(tenant.id, {{"phone", "+358401234567"}})->empty());
  EXPECT_EQ(store->contact(tenant.id, person->id)->name, "");
  EXPECT_EQ(store->visitor_by_id(visitor.id)->contact_id, 0);
  EXPECT_TRUE(store->due_deliveries(10'000, 10)->empty());
  // Another tenant cannot erase this one's visitors.
  auto other = *second_tenant(*store).first;
  EXPECT_EQ(store->erase_visitors(other.id, {visitor.id}, 8000)->visitors, 0);
}

TEST_P(PrivacyConformance, RetentionErasesWhatClosedBeforeTheCutABatchAtATime) {
  std::vector<Id> convs;
  for (int i = 0; i < 3; ++i) {
    auto v = store->create_visitor(site.id, "fi", 100);
    auto c = store->create_conversation(v->id, origin::kReactive, 1000 + i);
    auto m = visitor_msg(c->id, "vanha " + std::to_string(i), "x");
    m.author_id = v->id;
    ASSERT_TRUE(store->append_message(m));
    ASSERT_TRUE(store->close(c->id, 2000 + i * 1000));
    convs.push_back(c->id);
  }
  auto open = store->create_conversation(visitor.id, origin::kReactive, 1000);  // never closed: kept
  ASSERT_TRUE(store->append_message(visitor_msg(open->id, "auki", "y")));
  EXPECT_EQ(store->erase_closed_before(tenant.id, 3500, 1, true, 9000)->conversations, 1);
  EXPECT_EQ(store->erase_closed_before(tenant.id, 3500, 10, true, 9000)->conversations, 1);
  EXPECT_EQ(store->erase_closed_before(tenant.id, 3500, 10, true, 9000)->conversations, 0);
  EXPECT_EQ(store->messages_page(convs[2], 0, 100, 10, false)->at(0).body, "vanha 2");
  EXPECT_EQ(store->messages_page(open->id, 0, 100, 10, false)->at(0).body, "auki");
  ASSERT_TRUE(store->set_retention_days(tenant.id, 90).ok());
  EXPECT_EQ(store->tenant_by_id(tenant.id)->retention_days, 90);
  EXPECT_EQ(store->set_retention_days(999, 90).error().code, Errc::kNotFound);
}

}  // namespace
}  // namespace tiski
