// Conformance of every back end: SessionRepo and VisitorRepo: sessions, visitors, their pages, carts and paths.
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(VisitorConformance);

TEST_P(VisitorConformance, SessionsExpire) {
  auto a = store->create_agent("a@b.fi", "A", "h", 1);
  ASSERT_TRUE(store->create_session({"hash1", a->id, "csrf", 10'000}).ok());
  EXPECT_TRUE(store->session_by_hash("hash1", 9'999).ok());
  EXPECT_FALSE(store->session_by_hash("hash1", 10'000).ok());
  ASSERT_TRUE(store->delete_session("hash1").ok());
  EXPECT_FALSE(store->session_by_hash("hash1", 1).ok());
}

TEST_P(VisitorConformance, VisitorPage) {
  ASSERT_TRUE(store->update_visitor_page(visitor.id, "https://x/teltat", "Teltat", 3000).ok());
  auto v = store->visitor_by_id(visitor.id);
  EXPECT_EQ(v->page_title, "Teltat");
  EXPECT_EQ(v->tenant_id, tenant.id);
  EXPECT_EQ(store->update_visitor_page(999, "u", "t", 1).error().code, Errc::kNotFound);
  EXPECT_EQ(store->create_visitor(999, "fi", 1).error().code, Errc::kNotFound);
}

TEST_P(VisitorConformance, VisitorContextCartPathSignals) {
  EXPECT_FALSE(store->visitor_by_id(visitor.id)->cart.has_value());
  ASSERT_TRUE(store->set_visitor_cart(visitor.id, Cart{32900, Interned("EUR"), 1}).ok());
  auto v = store->visitor_by_id(visitor.id);
  ASSERT_TRUE(v->cart.has_value());
  EXPECT_EQ(v->cart->cents, 32900);
  EXPECT_EQ(v->cart->currency, "EUR");
  ASSERT_TRUE(store->set_visitor_cart(visitor.id, std::nullopt).ok());
  EXPECT_FALSE(store->visitor_by_id(visitor.id)->cart.has_value());
  EXPECT_EQ(store->set_visitor_cart(999, std::nullopt).error().code, Errc::kNotFound);

  EXPECT_TRUE(store->page_path(visitor.id, 10)->empty());
  ASSERT_TRUE(store->record_page_view({visitor.id, "v1", "https://x/a", "A", "", 100}).ok());
  ASSERT_TRUE(store->record_page_view({visitor.id, "v2", "https://x/b", "B", "teltat", 200}).ok());
  ASSERT_TRUE(store->record_page_view({visitor.id, "v2", "https://x/c", "C", "", 300}).ok());
  ASSERT_TRUE(store->record_page_view({visitor.id, "v2", "https://x/d", "D", "", 400}).ok());
  auto path = store->page_path(visitor.id, 2);  // the latest visit only, its last two, oldest first
  ASSERT_TRUE(path.ok());
  ASSERT_EQ(path->size(), 2u);
  EXPECT_EQ((*path)[0].url, "https://x/c");
  EXPECT_EQ((*path)[1].url, "https://x/d");
  EXPECT_EQ(store->page_path(visitor.id, 10)->size(), 3u);

  auto c1 = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(store->close(c1->id, 2).ok());
  auto c2 = store->create_conversation(visitor.id, origin::kProactive, 3);
  auto list = store->conversations_of_visitor(visitor.id, 10);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, c2->id);  // newest first
  EXPECT_EQ(store->conversations_of_visitor(visitor.id, 1)->size(), 1u);

  auto s1 = store->add_signals(c2->id, {"cart", "phrase:hinta"});
  ASSERT_TRUE(s1.ok());
  EXPECT_TRUE(s1->second);
  auto s2 = store->add_signals(c2->id, {"cart"});
  EXPECT_FALSE(s2->second);
  EXPECT_EQ(store->conversation(c2->id)->signals, (std::vector<std::string>{"cart", "phrase:hinta"}));
  EXPECT_EQ(store->add_signals(c2->id, {"a,b"}).error().code, Errc::kBadRequest);
}

TEST_P(VisitorConformance, VisitorsAreNumberedPerTenant) {
  auto [t2, site2] = second_tenant(*store);
  EXPECT_EQ(visitor.number, 1);
  auto a = store->create_visitor(site2->id, "fi", 2000);
  auto b = store->create_visitor(site.id, "fi", 2000);
  auto c = store->create_visitor(site2->id, "fi", 2000);
  EXPECT_EQ(a->number, 1);  // the other tenant starts from one
  EXPECT_EQ(b->number, 2);
  EXPECT_EQ(c->number, 2);
  EXPECT_EQ(store->visitor_by_id(c->id)->number, 2);
  auto conv = store->create_conversation(c->id, origin::kReactive, 3000);
  EXPECT_EQ(conv->visitor_number, 2);
}

}  // namespace
}  // namespace tiski
