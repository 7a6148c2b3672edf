// Conformance of every back end: DeskRepo (canned answers) and the tenant's policy card.
#include "store/conformance.h"

namespace tiski {
namespace {

TISKI_CONFORMANCE(DeskConformance);

CannedAnswer answer(std::optional<Id> tenant, std::string shortcut, std::string fi) {
  CannedAnswer a;
  a.tenant_id = tenant;
  a.shortcut = std::move(shortcut);
  a.title = "Otsikko";
  a.fi = std::move(fi);
  a.updated_at = 5;
  return a;
}

TEST_P(DeskConformance, ATenantSeesItsOwnAndTheWorkspaceAnswersNeverAnotherTenants) {
  auto other = store->create_tenant("pyorapaja", "Pyöräpaja", 1);
  auto mine = store->save_canned_answer(answer(tenant.id, "toimitus", "Toimitus 2-4 päivää."));
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  ASSERT_TRUE(store->save_canned_answer(answer(std::nullopt, "kiitos", "Kiitos!")).ok());
  ASSERT_TRUE(store->save_canned_answer(answer(other->id, "toimitus", "Pyörät 1 viikko.")).ok());  // own scope
  auto list = store->canned_answers(tenant.id, 0, 10);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].fi, "Toimitus 2-4 päivää.");
  EXPECT_EQ((*list)[0].tenant_id, tenant.id);
  EXPECT_FALSE((*list)[1].tenant_id.has_value());
  EXPECT_EQ(store->canned_answers(0, 0, 10)->size(), 1u);  // the workspace's only
  // Paging by id.
  auto second = store->canned_answers(tenant.id, (*list)[0].id, 1);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].shortcut, "kiitos");
  EXPECT_EQ(*store->count_canned_answers(tenant.id), 1);
  EXPECT_EQ(*store->count_canned_answers(std::nullopt), 1);
}

TEST_P(DeskConformance, AShortcutClashIsAConflictNamingIt) {
  ASSERT_TRUE(store->save_canned_answer(answer(tenant.id, "toimitus", "a")).ok());
  auto again = store->save_canned_answer(answer(tenant.id, "toimitus", "b"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kConflict);
  EXPECT_NE(again.error().message.find("/toimitus"), std::string::npos);
  // Renaming another answer onto it clashes too; keeping one's own shortcut does not.
  auto b = store->save_canned_answer(answer(tenant.id, "palautus", "c"));
  auto renamed = *b;
  renamed.shortcut = "toimitus";
  EXPECT_EQ(store->save_canned_answer(renamed).error().code, Errc::kConflict);
  renamed.shortcut = "palautus";
  renamed.fi = "Palautus 30 päivää.";
  renamed.updated_at = 9;
  auto saved = store->save_canned_answer(renamed);
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->fi, "Palautus 30 päivää.");
  EXPECT_EQ(store->canned_answer(b->id)->updated_at, 9);
}

TEST_P(DeskConformance, AnUpdateOrDeleteMissesWhatIsNotThere) {
  auto a = store->save_canned_answer(answer(tenant.id, "x", "y"));
  auto moved = *a;
  moved.tenant_id = 999;  // not its scope
  EXPECT_EQ(store->save_canned_answer(moved).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->delete_canned_answer(a->id).ok());
  EXPECT_EQ(store->delete_canned_answer(a->id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->canned_answer(a->id).error().code, Errc::kNotFound);
}

TEST_P(DeskConformance, ThePolicyCardAndColourAreKept) {
  ASSERT_TRUE(store->set_tenant_desk(tenant.id, "#2f6f4e", "Ei maksuja chatissa.").ok());
  auto t = store->tenant_by_id(tenant.id);
  EXPECT_EQ(t->color, "#2f6f4e");
  EXPECT_EQ(t->policy, "Ei maksuja chatissa.");
  EXPECT_EQ(store->set_tenant_desk(999, "", "").error().code, Errc::kNotFound);
}

TEST_P(DeskConformance, AConversationCarriesTheVisitorsLanguage) {
  auto v = store->create_visitor(site.id, "sv", 3);
  auto c = store->create_conversation(v->id, origin::kReactive, 4);
  EXPECT_EQ(store->conversation(c->id)->lang, "sv");
}

}  // namespace
}  // namespace tiski
