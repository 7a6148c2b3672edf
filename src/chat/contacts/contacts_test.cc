#include "chat/contacts/contacts.h"

#include <gtest/gtest.h>

#include "store/conformance.h"

namespace tiski::contacts {
namespace {

TEST(ContactKeys, AreNormalisedOrRefusedWithTheReason) {
  EXPECT_EQ(make_key("email", "Aino.V@Example.FI")->value, "aino.v@example.fi");
  EXPECT_EQ(make_key("phone", "+358 40 123-4567")->value, "+358401234567");
  EXPECT_EQ(make_key("phone", "(09) 123 4567")->value, "091234567");
  EXPECT_EQ(make_key("identity", "abc:42")->value, "abc:42");
  for (auto [kind, value] : std::vector<std::pair<std::string, std::string>>{{"email", "not an email"},
                                                                             {"email", "a@b"},
                                                                             {"phone", "12345"},
                                                                             {"phone", "1234567890123456"},
                                                                             {"phone", "040 12x 4567"},
                                                                             {"phone", "040+1234567"},
                                                                             {"identity", "no-colon"},
                                                                             {"identity", ":42"},
                                                                             {"identity", "abc:"},
                                                                             {"fax", "123"}}) {
    auto k = make_key(kind, value);
    ASSERT_FALSE(k.ok()) << kind << " " << value;
    EXPECT_EQ(k.error().code, Errc::kBadRequest);
  }
  EXPECT_FALSE(make_key("identity", "k:" + std::string(kMaxKeyBytes, 'x')).ok());
}

class Attach : public conformance::StoreConformance {};
INSTANTIATE_TEST_SUITE_P(Backends, Attach, ::testing::ValuesIn(conformance::kBackends),
                         [](const auto& info) { return std::string(info.param.name); });

TEST_P(Attach, JoinsByTheFirstKnownKeyAndNeverMerges) {
  const ContactKey mail{"email", "aino@example.fi"};
  EXPECT_EQ(*attach(*store, visitor, {}, "", 3000), 0);
  auto first = attach(*store, visitor, {mail}, "Aino", 3000);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_GT(*first, 0);
  EXPECT_EQ(store->contact(tenant.id, *first)->name, "Aino");

  // Another device with the same email and a phone: the same contact, which gains the phone.
  auto phone = store->create_visitor(site.id, "fi", 3100);
  const ContactKey tel{"phone", "+358401234567"};
  EXPECT_EQ(*attach(*store, *phone, {tel, mail}, "", 3100), *first);
  EXPECT_EQ(store->contact(tenant.id, *first)->keys.size(), 2u);

  // A visitor with a contact of its own keeps it: keys already someone's stay there.
  auto other = store->create_visitor(site.id, "fi", 3200);
  auto own = attach(*store, *other, {{"email", "pekka@example.fi"}}, "Pekka", 3200);
  auto again = store->visitor_by_id(other->id);
  EXPECT_EQ(*attach(*store, *again, {mail, {"phone", "+358409999999"}}, "", 3300), *own);
  EXPECT_EQ(store->contact(tenant.id, *own)->keys.size(), 2u);  // pekka@ and the new phone
  EXPECT_EQ(*store->contacts_with_keys(tenant.id, {mail}), (std::vector<Id>{*first}));
}

}  // namespace
}  // namespace tiski::contacts
