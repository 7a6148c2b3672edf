// The store conformance suite: every back end must pass these. Add a back end by adding a
// factory to kBackends (PostgreSQL joins here later).
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "util/limits.h"

namespace tiski {
namespace {

struct Backend {
  const char* name;
  std::function<std::unique_ptr<Store>()> make;
};

const Backend kBackends[] = {
    {"sqlite", [] {
       auto s = SqliteStore::open(":memory:");
       if (!s) throw std::runtime_error(s.error().message);
       return std::unique_ptr<Store>(std::move(s).value());
     }},
};

class StoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store = GetParam().make();
    auto t = store->create_tenant("eramaa", "Erämaa Outdoor", 1000);
    ASSERT_TRUE(t.ok()) << t.error().message;
    tenant = *t;
    Site s;
    s.tenant_id = tenant.id;
    s.key = "site-key-1";
    s.secret = "secret";
    s.name = "eramaa.fi";
    s.greeting = "Tervetuloa!";
    s.langs = {"fi", "sv", "en"};
    s.created_at = 1000;
    auto site_r = store->create_site(s);
    ASSERT_TRUE(site_r.ok()) << site_r.error().message;
    site = *site_r;
    auto v = store->create_visitor(site.id, "fi", 2000);
    ASSERT_TRUE(v.ok()) << v.error().message;
    visitor = *v;
  }

  Message visitor_msg(Id conv, std::string body, std::string cid) {
    Message m;
    m.conv_id = conv;
    m.author = "visitor";
    m.author_id = visitor.id;
    m.body = std::move(body);
    m.cid = std::move(cid);
    m.at = 5000;
    return m;
  }

  std::unique_ptr<Store> store;
  Tenant tenant;
  Site site;
  Visitor visitor;
};

TEST_P(StoreConformance, TenantSlugIsUniqueAndFound) {
  auto dup = store->create_tenant("eramaa", "Other", 1);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, Errc::kConflict);
  auto t = store->tenant_by_slug("eramaa");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->name, "Erämaa Outdoor");
  EXPECT_EQ(store->tenant_by_slug("nope").error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, TenantHours) {
  EXPECT_EQ(tenant.hours, "");
  ASSERT_TRUE(store->set_tenant_hours(tenant.id, "tz=UTC; mon 09:00-17:00").ok());
  EXPECT_EQ(store->tenant_by_slug("eramaa")->hours, "tz=UTC; mon 09:00-17:00");
  ASSERT_TRUE(store->set_tenant_hours(tenant.id, "").ok());
  EXPECT_EQ(store->tenants()->at(0).hours, "");
  EXPECT_EQ(store->set_tenant_hours(999, "x").error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, SiteRoundTrip) {
  auto s = store->site_by_key("site-key-1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->tenant_id, tenant.id);
  EXPECT_EQ(s->langs, (std::vector<std::string>{"fi", "sv", "en"}));
  EXPECT_EQ(s->greeting, "Tervetuloa!");
  EXPECT_EQ(store->site_by_key("x").error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, AgentEmailUniqueCaseInsensitiveAndMemberships) {
  auto a = store->create_agent("Aino@Example.fi", "Aino", "hash", 1);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(store->create_agent("aino@example.fi", "X", "h", 1).error().code, Errc::kConflict);
  auto by = store->agent_by_email("aino@example.fi");
  ASSERT_TRUE(by.ok());
  EXPECT_EQ(by->id, a->id);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kSupervisor).ok());  // upsert
  auto ms = store->memberships_of(a->id);
  ASSERT_TRUE(ms.ok());
  ASSERT_EQ(ms->size(), 1u);
  EXPECT_EQ((*ms)[0].role, Role::kSupervisor);
  EXPECT_EQ((*ms)[0].tenant_name, "Erämaa Outdoor");
}

TEST_P(StoreConformance, MaxChatsAndReleasingAnAssignment) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  EXPECT_EQ(a->max_chats, 0);  // the tenant default
  ASSERT_TRUE(store->set_max_chats(a->id, 2).ok());
  EXPECT_EQ(store->agent_by_id(a->id)->max_chats, 2);
  EXPECT_EQ(store->set_max_chats(a->id, 51).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_max_chats(a->id, -1).error().code, Errc::kBadRequest);
  EXPECT_EQ(tenant.default_max_chats, 3);
  ASSERT_TRUE(store->set_tenant_default_max_chats(tenant.id, 5).ok());
  EXPECT_EQ(store->tenant_by_slug(tenant.slug)->default_max_chats, 5);
  EXPECT_EQ(store->set_tenant_default_max_chats(tenant.id, 0).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_tenant_default_max_chats(999, 2).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  EXPECT_EQ(store->memberships_of(a->id)->at(0).tenant_default_max_chats, 5);
  EXPECT_EQ(store->set_max_chats(999, 2).error().code, Errc::kNotFound);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(store->assign(c->id, a->id, 2).ok());
  EXPECT_EQ(store->release_assignment(c->id, b->id).error().code, Errc::kConflict);
  auto r = store->release_assignment(c->id, a->id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, conv_status::kWaiting);
  EXPECT_FALSE(r->assignee_id.has_value());
  EXPECT_TRUE(store->assign(c->id, b->id, 3).ok());
  // Transfer: only from the current assignee of an active conversation.
  EXPECT_EQ(store->transfer(c->id, a->id, b->id, 4).error().code, Errc::kConflict);
  auto t = store->transfer(c->id, b->id, a->id, 5);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t->assignee_id, a->id);
  EXPECT_EQ(*t->assigned_at, 5);
  ASSERT_TRUE(store->close(c->id, 6).ok());
  EXPECT_EQ(store->transfer(c->id, a->id, b->id, 7).error().code, Errc::kConflict);
}

TEST_P(StoreConformance, SessionsExpire) {
  auto a = store->create_agent("a@b.fi", "A", "h", 1);
  ASSERT_TRUE(store->create_session({"hash1", a->id, "csrf", 10'000}).ok());
  EXPECT_TRUE(store->session_by_hash("hash1", 9'999).ok());
  EXPECT_FALSE(store->session_by_hash("hash1", 10'000).ok());
  ASSERT_TRUE(store->delete_session("hash1").ok());
  EXPECT_FALSE(store->session_by_hash("hash1", 1).ok());
}

TEST_P(StoreConformance, VisitorPage) {
  ASSERT_TRUE(store->update_visitor_page(visitor.id, "https://x/teltat", "Teltat", 3000).ok());
  auto v = store->visitor_by_id(visitor.id);
  EXPECT_EQ(v->page_title, "Teltat");
  EXPECT_EQ(v->tenant_id, tenant.id);
  EXPECT_EQ(store->update_visitor_page(999, "u", "t", 1).error().code, Errc::kNotFound);
  EXPECT_EQ(store->create_visitor(999, "fi", 1).error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, MessagesAreSequencedWithoutGaps) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->status, conv_status::kWaiting);
  EXPECT_EQ(c->tenant_name, "Erämaa Outdoor");
  for (int i = 1; i <= 5; ++i) {
    auto a = store->append_message(visitor_msg(c->id, "m" + std::to_string(i), "cid" + std::to_string(i)));
    ASSERT_TRUE(a.ok()) << a.error().message;
    EXPECT_EQ(a->msg.seq, i);
    EXPECT_FALSE(a->duplicate);
  }
  auto after = store->messages_after(c->id, 2, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  EXPECT_EQ((*after)[0].seq, 3);
  EXPECT_EQ((*after)[0].body, "m3");
  EXPECT_EQ((*after)[0].cid, "cid3");
  EXPECT_EQ(store->messages_after(c->id, 0, 2)->size(), 2u);
  auto conv = store->conversation(c->id);
  EXPECT_EQ(conv->last_seq, 5);
  EXPECT_EQ(conv->preview, "m5");
}

TEST_P(StoreConformance, ResentClientIdIsNotStoredTwice) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  auto first = store->append_message(visitor_msg(c->id, "hei", "abc"));
  auto again = store->append_message(visitor_msg(c->id, "hei", "abc"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->msg.seq, first->msg.seq);
  EXPECT_EQ(store->conversation(c->id)->last_seq, 1);
  // System messages carry no cid and never collide.
  Message sys;
  sys.conv_id = c->id;
  sys.author = "system";
  sys.body = "x";
  EXPECT_EQ(store->append_message(sys)->msg.seq, 2);
  EXPECT_EQ(store->append_message(sys)->msg.seq, 3);
  // Another author may not reuse a cid.
  Message other = visitor_msg(c->id, "hei", "abc");
  other.author = "agent";
  other.author_id = 77;
  EXPECT_EQ(store->append_message(other).error().code, Errc::kConflict);
}

TEST_P(StoreConformance, AConversationHoldsAtMostTheLimit) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  ASSERT_TRUE(store->begin().ok());
  for (std::int64_t i = 0; i < limits::kMaxMessagesPerConversation; ++i) {
    ASSERT_TRUE(store->append_message(visitor_msg(c->id, "m", "c" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(store->commit().ok());
  auto over = store->append_message(visitor_msg(c->id, "one too many", "x"));
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kTooLarge);
  EXPECT_EQ(store->conversation(c->id)->last_seq, limits::kMaxMessagesPerConversation);
}

TEST_P(StoreConformance, AssignCloseAndConflicts) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 4000);
  auto as = store->assign(c->id, a->id, 4500);
  ASSERT_TRUE(as.ok()) << as.error().message;
  EXPECT_EQ(as->status, conv_status::kActive);
  EXPECT_EQ(as->assignee_name, "Aino");
  EXPECT_EQ(*as->assigned_at, 4500);
  EXPECT_TRUE(store->assign(c->id, a->id, 4600).ok());  // idempotent for the same agent
  EXPECT_EQ(store->assign(c->id, b->id, 4600).error().code, Errc::kConflict);
  auto open = store->open_conversation_of(visitor.id);
  ASSERT_TRUE(open->has_value());
  auto closed = store->close(c->id, 5000);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, conv_status::kClosed);
  EXPECT_EQ(store->close(c->id, 5001).error().code, Errc::kConflict);
  EXPECT_EQ(store->append_message(visitor_msg(c->id, "late", "z")).error().code, Errc::kConflict);
  EXPECT_FALSE(store->open_conversation_of(visitor.id)->has_value());
  EXPECT_EQ(store->conversation(12345).error().code, Errc::kNotFound);
  EXPECT_EQ(store->append_message(visitor_msg(12345, "x", "y")).error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, OpenConversationsAreScopedToTenants) {
  auto t2 = store->create_tenant("other", "Other Oy", 1);
  Site s2 = site;
  s2.key = "site-key-2";
  s2.tenant_id = t2->id;
  auto site2 = store->create_site(s2);
  auto v2 = store->create_visitor(site2->id, "en", 1);
  auto c1 = store->create_conversation(visitor.id, origin::kReactive, 1);
  auto c2 = store->create_conversation(v2->id, origin::kReactive, 1);
  auto mine = store->open_conversations({tenant.id});
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, c1->id);
  EXPECT_EQ(store->open_conversations({tenant.id, t2->id})->size(), 2u);
  EXPECT_EQ(store->open_conversations({})->size(), 0u);
  (void)c2;
}

TEST_P(StoreConformance, SavepointRollbackUndoesOnlyThatJob) {
  ASSERT_TRUE(store->begin().ok());
  ASSERT_TRUE(store->savepoint().ok());
  ASSERT_TRUE(store->create_tenant("kept", "Kept", 1).ok());
  ASSERT_TRUE(store->release().ok());
  ASSERT_TRUE(store->savepoint().ok());
  ASSERT_TRUE(store->create_tenant("undone", "Undone", 1).ok());
  ASSERT_TRUE(store->rollback_to().ok());
  ASSERT_TRUE(store->commit().ok());
  EXPECT_TRUE(store->tenant_by_slug("kept").ok());
  EXPECT_FALSE(store->tenant_by_slug("undone").ok());
}

TEST_P(StoreConformance, EventsAppendAndRead) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.created", R"({"origin":"reactive"})", 7}).ok());
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.closed", "", 9}).ok());
  auto ev = store->events_of_conversation(c->id);
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[0].kind, "conversation.created");
  EXPECT_EQ((*ev)[1].data, "{}");
}

TEST_P(StoreConformance, ContactAndOutbox) {
  auto c = store->create_conversation(visitor.id, origin::kOffline, 10);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->contact_email, "");
  auto withc = store->set_contact(c->id, "Matti", "matti@example.fi");
  ASSERT_TRUE(withc.ok());
  EXPECT_EQ(withc->contact_name, "Matti");
  EXPECT_EQ(store->conversation(c->id)->contact_email, "matti@example.fi");
  EXPECT_EQ(store->set_contact(999, "x", "x@y.fi").error().code, Errc::kNotFound);

  OutMail m;
  m.tenant_id = tenant.id;
  m.conv_id = c->id;
  m.seq = 2;
  m.to = "matti@example.fi";
  m.message_id = "tiski.c1.s2@example.fi";
  m.mime = "Subject: x\r\n\r\nhello\r\n";
  m.next_at = 100;
  m.created_at = 100;
  auto q = store->enqueue_mail(m);
  ASSERT_TRUE(q.ok());
  EXPECT_GT(q->id, 0);
  EXPECT_EQ(q->status, mail_status::kQueued);
  EXPECT_EQ(store->enqueue_mail(m).error().code, Errc::kConflict);  // one mail per reply
  m.seq = 3;
  m.message_id = "tiski.c1.s3@example.fi";
  m.next_at = 200;
  auto q2 = store->enqueue_mail(m);
  ASSERT_TRUE(q2.ok());
  EXPECT_EQ(store->due_mail(99, 10)->size(), 0u);
  EXPECT_EQ(store->due_mail(150, 10)->size(), 1u);
  ASSERT_EQ(store->due_mail(300, 10)->size(), 2u);
  EXPECT_EQ(store->due_mail(300, 1)->size(), 1u);
  // A failed attempt with a retry stays queued, later; without one it is failed for good.
  auto r = store->record_mail_attempt(q->id, false, "connection refused", Millis{500}, 150);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, mail_status::kQueued);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->error, "connection refused");
  EXPECT_EQ(r->next_at, 500);
  EXPECT_EQ(store->due_mail(300, 10)->size(), 1u);
  auto s = store->record_mail_attempt(q->id, true, "", std::nullopt, 600);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->status, mail_status::kSent);
  EXPECT_EQ(s->attempts, 2);
  EXPECT_EQ(s->sent_at, 600);
  EXPECT_EQ(s->mime, m.mime);
  EXPECT_EQ(store->record_mail_attempt(q->id, true, "", std::nullopt, 700).error().code, Errc::kConflict);
  auto f = store->record_mail_attempt(q2->id, false, "550 no such user", std::nullopt, 700);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->status, mail_status::kFailed);
  EXPECT_EQ(store->due_mail(10'000, 10)->size(), 0u);
  auto all = store->mail_of_conversation(c->id, 0, INT64_MAX);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].seq, 2);
  EXPECT_EQ((*all)[1].status, mail_status::kFailed);
  EXPECT_EQ(store->mail_of_conversation(c->id, 3, 3)->size(), 1u);  // a page of history: its replies only
  // Replies whose email was never queued (a crash between the reply and its email).
  Message reply = visitor_msg(c->id, "vastaus", "r9");
  reply.author = "agent";
  reply.author_id = 1;
  reply.at = 6000;
  auto unmailed = store->append_message(reply);
  ASSERT_TRUE(unmailed.ok());
  auto missing = store->replies_without_mail(0, 10);
  ASSERT_TRUE(missing.ok());
  ASSERT_EQ(missing->size(), 1u);
  EXPECT_EQ((*missing)[0].second, unmailed->msg.seq);
  EXPECT_TRUE(store->replies_without_mail(7000, 10)->empty());
  EXPECT_EQ(store->mail_of_conversation(c->id, 4, 10)->size(), 0u);
  EXPECT_EQ(store->record_mail_attempt(999, true, "", std::nullopt, 1).error().code, Errc::kNotFound);
}

TEST_P(StoreConformance, TeamsRouteAndTransfer) {
  auto a = store->create_agent("a@b.fi", "Aino", "h", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  auto outsider = store->create_agent("o@b.fi", "Olli", "h", 1);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  ASSERT_TRUE(store->set_membership(b->id, tenant.id, Role::kAgent).ok());
  auto sales = store->create_team(tenant.id, "Myynti");
  ASSERT_TRUE(sales.ok());
  EXPECT_EQ(store->create_team(tenant.id, "Myynti").error().code, Errc::kConflict);
  auto care = store->create_team(tenant.id, "Huolto");
  ASSERT_TRUE(store->add_team_member(sales->id, a->id).ok());
  ASSERT_TRUE(store->add_team_member(sales->id, a->id).ok());  // twice is fine
  ASSERT_TRUE(store->add_team_member(care->id, b->id).ok());
  EXPECT_EQ(store->add_team_member(care->id, outsider->id).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->add_team_member(999, a->id).error().code, Errc::kNotFound);
  auto teams = store->teams_of_tenants({tenant.id});
  ASSERT_TRUE(teams.ok());
  ASSERT_EQ(teams->size(), 2u);
  EXPECT_EQ((*teams)[0].name, "Huolto");  // by name
  EXPECT_EQ((*teams)[0].members, std::vector<Id>{b->id});
  EXPECT_EQ((*teams)[1].members, std::vector<Id>{a->id});
  EXPECT_EQ(*store->team_ids_of(a->id), std::vector<Id>{sales->id});
  EXPECT_TRUE(store->teams_of_tenants({999})->empty());

  // A site routed to a team gives its conversations that team.
  ASSERT_TRUE(store->set_site_team(site.id, sales->id).ok());
  EXPECT_EQ(store->site_by_id(site.id)->team_id, sales->id);
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  EXPECT_EQ(c->team_id, sales->id);
  EXPECT_EQ(c->team_name, "Myynti");
  ASSERT_TRUE(store->set_site_team(site.id, std::nullopt).ok());
  EXPECT_FALSE(store->site_by_id(site.id)->team_id.has_value());
  auto other = store->create_tenant("muu", "Muu Oy", 1);
  auto foreign = store->create_team(other->id, "Myynti");  // same name, other tenant: fine
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(store->set_site_team(site.id, foreign->id).error().code, Errc::kBadRequest);

  // Handing to a team: waiting again, no assignee, the team set; only from the assignee.
  EXPECT_EQ(store->transfer_to_team(c->id, a->id, care->id, 2).error().code, Errc::kConflict);  // not active
  ASSERT_TRUE(store->assign(c->id, a->id, 2).ok());
  EXPECT_EQ(store->transfer_to_team(c->id, b->id, care->id, 3).error().code, Errc::kConflict);
  EXPECT_EQ(store->transfer_to_team(c->id, a->id, foreign->id, 3).error().code, Errc::kBadRequest);
  auto t = store->transfer_to_team(c->id, a->id, care->id, 3);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->status, conv_status::kWaiting);
  EXPECT_FALSE(t->assignee_id.has_value());
  EXPECT_EQ(t->team_id, care->id);
  EXPECT_EQ(t->team_name, "Huolto");
}

TEST_P(StoreConformance, RulesAndInvitations) {
  EXPECT_EQ(store->site_by_id(site.id)->rules, "[]");
  ASSERT_TRUE(store->set_site_rules(site.id, R"([{"id":1}])").ok());
  EXPECT_EQ(store->site_by_key(site.key)->rules, R"([{"id":1}])");
  EXPECT_EQ(store->sites()->size(), 1u);
  EXPECT_EQ(store->set_site_rules(999, "[]").error().code, Errc::kNotFound);

  Invitation inv{0, tenant.id, site.id, visitor.id, 7, "visit-a", 1000, std::nullopt, std::nullopt};
  auto a = store->record_invitation(inv);
  ASSERT_TRUE(a.ok());
  EXPECT_GT(a->id, 0);
  auto d = store->dismiss_invitation(visitor.id, 7, 1500);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dismissed_at, 1500);
  EXPECT_EQ(store->dismiss_invitation(visitor.id, 7, 1600).error().code, Errc::kNotFound);  // nothing open
  inv.shown_at = 2000;
  inv.visit = "visit-b";
  ASSERT_TRUE(store->record_invitation(inv).ok());
  auto c = store->create_conversation(visitor.id, origin::kProactive, 2100, 7);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->origin, "proactive");
  EXPECT_EQ(c->rule_id, 7);
  auto acc = store->accept_invitation(visitor.id, 7, c->id);
  ASSERT_TRUE(acc.ok());
  EXPECT_EQ(acc->conv_id, c->id);
  EXPECT_EQ(acc->visit, "visit-b");
  EXPECT_EQ(store->accept_invitation(visitor.id, 8, c->id).error().code, Errc::kNotFound);
  auto all = store->invitations_of(visitor.id, 0);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(store->invitations_of(visitor.id, 1500)->size(), 1u);
  EXPECT_FALSE(store->create_conversation(visitor.id, origin::kReactive, 1)->rule_id.has_value());
}

TEST_P(StoreConformance, VisitorContextCartPathSignals) {
  EXPECT_FALSE(store->visitor_by_id(visitor.id)->cart.has_value());
  ASSERT_TRUE(store->set_visitor_cart(visitor.id, Cart{32900, "EUR", 1}).ok());
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

TEST_P(StoreConformance, Settings) {
  EXPECT_FALSE(store->setting("k")->has_value());
  ASSERT_TRUE(store->set_setting("k", "v1").ok());
  ASSERT_TRUE(store->set_setting("k", "v2").ok());
  EXPECT_EQ(**store->setting("k"), "v2");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kBackends),
                         [](const auto& info) { return std::string(info.param.name); });

// SQLite-specific: data survives closing and reopening the file, and migrations are idempotent.
TEST(SqliteStore, ReopenKeepsDataAndSchema) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-store-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->create_tenant("a", "A", 1).ok());
  }
  {
    auto s = SqliteStore::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE((*s)->tenant_by_slug("a").ok());
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tiski

namespace tiski {
namespace {

// Another client company with a site of its own.
std::pair<Result<Tenant>, Result<Site>> second_tenant(Store& st) {
  auto t2 = st.create_tenant("toinen", "Toinen Oy", 1000);
  Site s2;
  s2.tenant_id = t2->id;
  s2.key = "site-key-2";
  s2.secret = "x";
  s2.name = "toinen.fi";
  s2.langs = {"fi"};
  return {t2, st.create_site(s2)};
}

TEST_P(StoreConformance, HistoryIsReadAPageAtATime) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 3000);
  ASSERT_TRUE(c.ok());
  for (int i = 1; i <= 12; ++i) {
    Message m = visitor_msg(c->id, "m" + std::to_string(i), "c" + std::to_string(i));
    if (i % 4 == 0) {  // every fourth an internal note
      m.author = "note";
      m.cid.clear();
    }
    ASSERT_TRUE(store->append_message(m).ok());
  }
  // The newest page: ascending, the last `limit` of them.
  auto tail = store->messages_page(c->id, 0, INT64_MAX, 5, true);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 5u);
  EXPECT_EQ(tail->front().seq, 8);
  EXPECT_EQ(tail->back().seq, 12);
  // Earlier, before a seq; and between after and before.
  auto earlier = store->messages_page(c->id, 0, 8, 5, true);
  ASSERT_EQ(earlier->size(), 5u);
  EXPECT_EQ(earlier->front().seq, 3);
  EXPECT_EQ(earlier->back().seq, 7);
  auto between = store->messages_page(c->id, 5, 8, 50, true);
  ASSERT_EQ(between->size(), 2u);
  EXPECT_EQ(between->front().seq, 6);
  // Without notes (the visitor's view), a page is still full.
  auto visible = store->messages_page(c->id, 0, INT64_MAX, 5, false);
  ASSERT_EQ(visible->size(), 5u);
  for (const auto& m : *visible) EXPECT_NE(m.author, "note");
  EXPECT_EQ(visible->front().seq, 6);  // 12 is a note: 11 10 9 7 6
  EXPECT_TRUE(store->messages_page(c->id, 12, INT64_MAX, 5, true)->empty());
}

TEST_P(StoreConformance, ClosedConversationsNewestFirstWithACursor) {
  auto [t2, site2] = second_tenant(*store);
  auto v2 = store->create_visitor(site2->id, "fi", 2000);
  std::vector<Id> closed;
  for (int i = 0; i < 5; ++i) {
    auto c = store->create_conversation(i % 2 ? v2->id : visitor.id, origin::kReactive, 3000 + i);
    ASSERT_TRUE(store->close(c->id, 10'000 + i * 10).ok());
    closed.push_back(c->id);
  }
  auto open = store->create_conversation(visitor.id, origin::kReactive, 4000);  // not closed: never listed
  auto both = store->closed_conversations({tenant.id, t2->id}, 0, std::nullopt, 3);
  ASSERT_TRUE(both.ok());
  ASSERT_EQ(both->size(), 3u);
  EXPECT_EQ((*both)[0].id, closed[4]);
  EXPECT_EQ((*both)[2].id, closed[2]);
  auto next = store->closed_conversations({tenant.id, t2->id}, 0, Store::ClosedCursor{*(*both)[2].closed_at, (*both)[2].id}, 3);
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[1].id, closed[0]);
  auto mine = store->closed_conversations({tenant.id}, 0, std::nullopt, 10);  // one tenant only
  EXPECT_EQ(mine->size(), 3u);
  EXPECT_EQ(store->closed_conversations({tenant.id}, 10'025, std::nullopt, 10)->size(), 1u);  // since
  (void)open;
}

TEST_P(StoreConformance, VisitorsAreNumberedPerTenant) {
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

TEST_P(StoreConformance, TenantsSitesAndAgentsCanBeChanged) {
  ASSERT_TRUE(store->set_tenant_name(tenant.id, "Erämaa Oy").ok());
  ASSERT_TRUE(store->set_tenant_lifecycle(tenant.id, 5, 0).ok());
  EXPECT_EQ(store->set_tenant_lifecycle(tenant.id, -1, 5).error().code, Errc::kBadRequest);
  EXPECT_EQ(store->set_tenant_lifecycle(tenant.id, 5, limits::kMaxLifecycleSeconds + 1).error().code, Errc::kBadRequest);
  auto t = store->tenant_by_slug("eramaa");
  EXPECT_EQ(t->name, "Erämaa Oy");
  EXPECT_EQ(t->missed_after_seconds, 5);
  EXPECT_EQ(t->idle_close_seconds, 0);
  Site changed = site;
  changed.name = "eramaa.fi (uusi)";
  changed.greetings = {{"sv", "Hej!"}, {"en", "Hi!"}};
  changed.langs = {"fi", "sv"};
  ASSERT_TRUE(store->update_site(changed).ok());
  auto back = store->site_by_key(site.key);
  EXPECT_EQ(back->name, "eramaa.fi (uusi)");
  EXPECT_EQ(back->greeting_for("sv"), "Hej!");
  EXPECT_EQ(back->greeting_for("fi"), "Tervetuloa!");  // the default
  EXPECT_EQ(back->langs.size(), 2u);
  auto a = store->create_agent("a@b.fi", "Aino", "hash1", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "hash2", 1);
  ASSERT_TRUE(store->update_agent(a->id, "aino@b.fi", "Aino V.", "").ok());
  auto a2 = store->agent_by_id(a->id);
  EXPECT_EQ(a2->email, "aino@b.fi");
  EXPECT_EQ(a2->password_hash, "hash1");  // unchanged without a new one
  EXPECT_EQ(store->update_agent(a->id, "B@b.fi", "Aino", "").error().code, Errc::kConflict);
  EXPECT_EQ(store->agents()->size(), 2u);
  (void)b;
}

}  // namespace
}  // namespace tiski
