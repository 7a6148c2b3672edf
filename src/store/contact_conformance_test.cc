// Conformance of every back end: contacts (keys one contact's each per tenant, visitors joined,
// history over all their visitors, merge and split), each tenant's apart.
#include <algorithm>

#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(ContactConformance);

const ContactKey kMail{"email", "aino@example.fi"};
const ContactKey kPhone{"phone", "+358401234567"};

TEST_P(ContactConformance, KeysBelongToOneContactOfATenant) {
  auto a = store->create_contact(tenant.id, "Aino", 3000);
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto b = store->create_contact(tenant.id, "", 3001);
  EXPECT_EQ(*store->add_contact_keys(tenant.id, a->id, {kMail, kPhone}), (std::vector<ContactKey>{kMail, kPhone}));
  EXPECT_TRUE(store->add_contact_keys(tenant.id, b->id, {kMail})->empty());  // a's already
  EXPECT_EQ(*store->contacts_with_keys(tenant.id, {{"email", "x@y.fi"}, kPhone, kMail}), (std::vector<Id>{a->id}));
  auto read = store->contact(tenant.id, a->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->name, "Aino");
  EXPECT_EQ(read->keys, (std::vector<ContactKey>{kMail, kPhone}));

  // Another tenant: its own keys, never a's contact.
  auto [t2, s2] = second_tenant(*store);
  EXPECT_TRUE(store->contacts_with_keys(t2->id, {kMail})->empty());
  EXPECT_EQ(store->contact(t2->id, a->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->add_contact_keys(t2->id, a->id, {kPhone}).error().code, Errc::kNotFound);
  auto c = store->create_contact(t2->id, "", 3002);
  EXPECT_EQ(store->add_contact_keys(t2->id, c->id, {kMail})->size(), 1u);
  EXPECT_EQ(store->set_visitor_contact(t2->id, visitor.id, c->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->set_visitor_contact(tenant.id, visitor.id, c->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->merge_contacts(tenant.id, a->id, c->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->set_contact_name(t2->id, a->id, "X").error().code, Errc::kNotFound);
}

TEST_P(ContactConformance, HistorySpansTheVisitorsAndPages) {
  auto contact = store->create_contact(tenant.id, "", 3000);
  auto phone_visitor = store->create_visitor(site.id, "fi", 3000);
  auto stranger = store->create_visitor(site.id, "fi", 3000);
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, visitor.id, contact->id).ok());
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, phone_visitor->id, contact->id).ok());
  EXPECT_EQ(store->visitor_by_id(visitor.id)->contact_id, contact->id);
  EXPECT_EQ(store->visitor_by_id(stranger->id)->contact_id, 0);
  std::vector<Id> mine;
  for (int i = 0; i < 3; ++i) {
    for (Id v : {visitor.id, phone_visitor->id, stranger->id}) {
      auto c = store->create_conversation(v, i == 1 ? "offline" : "chat", 4000 + i);
      ASSERT_TRUE(c.ok()) << c.error().message;
      ASSERT_TRUE(store->close(c->id, 4000 + i).ok());
      if (v != stranger->id) mine.push_back(c->id);
    }
  }
  std::ranges::reverse(mine);
  auto page = store->contact_conversations(tenant.id, contact->id, 0, 4);
  ASSERT_EQ(page->size(), 4u);
  EXPECT_EQ(page->at(0).id, mine[0]);
  EXPECT_EQ(page->at(3).id, mine[3]);
  auto rest = store->contact_conversations(tenant.id, contact->id, page->back().id, 4);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ(rest->back().id, mine.back());
  EXPECT_EQ(store->contact(tenant.id, contact->id)->visitors, 2);
  EXPECT_EQ(store->contact_visitors(tenant.id, contact->id, 10)->size(), 2u);
  auto [t2, s2] = second_tenant(*store);
  EXPECT_TRUE(store->contact_conversations(t2->id, contact->id, 0, 10)->empty());
  EXPECT_TRUE(store->contact_visitors(t2->id, contact->id, 10)->empty());
}

TEST_P(ContactConformance, MergeMovesEverythingAndSplitTakesPartsBack) {
  auto a = store->create_contact(tenant.id, "", 3000);
  auto b = store->create_contact(tenant.id, "Aino Virtanen", 3001);
  auto other = store->create_visitor(site.id, "fi", 3000);
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, visitor.id, a->id).ok());
  ASSERT_TRUE(store->set_visitor_contact(tenant.id, other->id, b->id).ok());
  ASSERT_TRUE(store->add_contact_keys(tenant.id, a->id, {kMail}).ok());
  ASSERT_TRUE(store->add_contact_keys(tenant.id, b->id, {kPhone}).ok());
  EXPECT_EQ(store->merge_contacts(tenant.id, a->id, a->id).error().code, Errc::kBadRequest);
  auto merged = store->merge_contacts(tenant.id, a->id, b->id);
  ASSERT_TRUE(merged.ok()) << merged.error().message;
  EXPECT_EQ(merged->name, "Aino Virtanen");  // a had none
  EXPECT_EQ(merged->keys, (std::vector<ContactKey>{kMail, kPhone}));
  EXPECT_EQ(merged->visitors, 2);
  EXPECT_EQ(store->contact(tenant.id, b->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->visitor_by_id(other->id)->contact_id, a->id);

  EXPECT_EQ(store->split_contact(tenant.id, a->id, {}, {}, 5000).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->split_contact(tenant.id, a->id, {}, {{"email", "x@y.fi"}}, 5000).error().code, Errc::kBadRequest);
  auto stranger = store->create_visitor(site.id, "fi", 3000);
  EXPECT_EQ(store->split_contact(tenant.id, a->id, {stranger->id}, {}, 5000).error().code, Errc::kBadRequest);
  auto split = store->split_contact(tenant.id, a->id, {other->id}, {kPhone}, 5000);
  ASSERT_TRUE(split.ok()) << split.error().message;
  EXPECT_EQ(split->keys, (std::vector<ContactKey>{kPhone}));
  EXPECT_EQ(split->visitors, 1);
  EXPECT_EQ(store->contact(tenant.id, a->id)->keys, (std::vector<ContactKey>{kMail}));
  EXPECT_EQ(*store->contacts_with_keys(tenant.id, {kPhone}), (std::vector<Id>{split->id}));
}

TEST_P(ContactConformance, FindByNameOrKeyNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    auto c = store->create_contact(tenant.id, "Asiakas " + std::to_string(i), 3000 + i);
    ASSERT_TRUE(store->add_contact_keys(tenant.id, c->id, {{"email", "a" + std::to_string(i) + "@example.fi"}}).ok());
  }
  auto all = store->find_contacts(tenant.id, "", 0, 3);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(0).name, "Asiakas 4");
  EXPECT_EQ(store->find_contacts(tenant.id, "", all->back().id, 10)->size(), 2u);
  auto by_key = store->find_contacts(tenant.id, "A2@EXAMPLE", 0, 10);
  ASSERT_EQ(by_key->size(), 1u);
  EXPECT_EQ(by_key->at(0).name, "Asiakas 2");
  EXPECT_EQ(store->find_contacts(tenant.id, "asiakas 3", 0, 10)->size(), 1u);
  auto [t2, s2] = second_tenant(*store);
  EXPECT_TRUE(store->find_contacts(t2->id, "", 0, 10)->empty());
}

}  // namespace
}  // namespace tiski
