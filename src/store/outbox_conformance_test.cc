// Conformance of every back end: OutboxRepo, InvitationRepo, EventRepo, and the Database transaction verbs.
#include "store/conformance.h"

namespace tiski {
namespace {

TISKI_CONFORMANCE(OutboxConformance);

TEST_P(OutboxConformance, SavepointRollbackUndoesOnlyThatJob) {
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

TEST_P(OutboxConformance, EventsAppendAndRead) {
  auto c = store->create_conversation(visitor.id, origin::kReactive, 1);
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.created", R"({"origin":"reactive"})", 7}).ok());
  ASSERT_TRUE(store->append_event({0, tenant.id, c->id, "conversation.closed", "", 9}).ok());
  auto ev = store->events_of_conversation(c->id);
  ASSERT_EQ(ev->size(), 2u);
  EXPECT_EQ((*ev)[0].kind, "conversation.created");
  EXPECT_EQ((*ev)[1].data, "{}");
}

TEST_P(OutboxConformance, ContactAndOutbox) {
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

TEST_P(OutboxConformance, RulesAndInvitations) {
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
  ASSERT_TRUE(store->close(c->id, 2200).ok());
  EXPECT_FALSE(store->create_conversation(visitor.id, origin::kReactive, 1)->rule_id.has_value());
}

}  // namespace
}  // namespace tiski
