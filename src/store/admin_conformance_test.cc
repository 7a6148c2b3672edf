// Conformance of every back end: the administration records: owners, a tenant's members,
// an agent's sessions, and the audit log with its per-tenant view.
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(AdminConformance);

TEST_P(AdminConformance, OwnersAndMembers) {
  auto a = store->create_agent("a@b.fi", "Anni", "h", 1);
  auto b = store->create_agent("b@b.fi", "Bertta", "h", 1);
  EXPECT_FALSE(a->owner);
  ASSERT_TRUE(store->set_owner(a->id, true).ok());
  EXPECT_TRUE(store->agent_by_id(a->id)->owner);
  EXPECT_EQ(store->set_owner(999, true).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->set_membership(b->id, tenant.id, Role::kSupervisor).ok());
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAgent).ok());
  auto members = store->members_of(tenant.id);
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ(members->at(0).agent.name, "Anni");  // by name
  EXPECT_EQ(members->at(1).role, Role::kSupervisor);
  EXPECT_TRUE(members->at(0).agent.password_hash.empty());  // never leaves the store
  ASSERT_TRUE(store->remove_membership(b->id, tenant.id).ok());
  EXPECT_EQ(store->remove_membership(b->id, tenant.id).error().code, Errc::kNotFound);
  EXPECT_EQ(store->members_of(tenant.id)->size(), 1u);
}

TEST_P(AdminConformance, APasswordLinkWorksOnceUntilItExpires) {
  auto a = store->create_agent("a@b.fi", "Anni", "h", 1);
  ASSERT_TRUE(store->add_password_token({"hash1", a->id, "reset", 1000, 5000}).ok());
  ASSERT_TRUE(store->add_password_token({"hash2", a->id, "invite", 2000, 3000}).ok());
  EXPECT_EQ(*store->recent_password_tokens(a->id, 1000), 2);
  EXPECT_EQ(*store->recent_password_tokens(a->id, 1500), 1);
  EXPECT_EQ(store->use_password_token("hash2", 3000).error().code, Errc::kNotFound);  // expired
  EXPECT_EQ(store->use_password_token("nope", 2500).error().code, Errc::kNotFound);
  // Looked at without spending it (a reset checks the link before hashing the new password).
  EXPECT_EQ(store->password_token("hash2", 3000).error().code, Errc::kNotFound);  // expired
  EXPECT_EQ(store->password_token("nope", 2500).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->password_token("hash1", 3999).ok());
  EXPECT_EQ(store->password_token("hash1", 3999)->agent_id, a->id);
  auto used = store->use_password_token("hash1", 4000);
  ASSERT_TRUE(used.ok());
  EXPECT_EQ(used->agent_id, a->id);
  EXPECT_EQ(used->kind, "reset");
  EXPECT_EQ(store->use_password_token("hash1", 4001).error().code, Errc::kNotFound);  // once
  EXPECT_EQ(store->password_token("hash1", 4001).error().code, Errc::kNotFound);
}

TEST_P(AdminConformance, AnAccountsMailHasNoConversationAndIsEmptiedOnceSent) {
  OutMail m;
  m.to = "a@b.fi";
  m.message_id = "tiski.account.x@b.fi";
  m.mime = "Subject: link\r\n\r\nsecret link";
  m.next_at = 10;
  m.created_at = 10;
  auto queued = store->enqueue_mail(m);
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  auto due = store->due_mail(20, 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->at(0).conv_id, 0);
  EXPECT_EQ(due->at(0).mime, m.mime);
  auto sent = store->record_mail_attempt(queued->id, true, "", std::nullopt, 30);
  ASSERT_TRUE(sent.ok());
  EXPECT_EQ(sent->status, "sent");
  EXPECT_EQ(sent->mime, "");  // the link is not kept after it left
  m.message_id = "tiski.account.y@b.fi";
  EXPECT_TRUE(store->enqueue_mail(m).ok());  // many per "no conversation"
}

TEST_P(AdminConformance, AnAgentsSessionsNewestFirstAndEndedTogether) {
  auto a = store->create_agent("a@b.fi", "A", "h", 1);
  ASSERT_TRUE(store->create_session({"h1", a->id, "c", 10'000, 1, "10.0.0.1", "Firefox"}).ok());
  ASSERT_TRUE(store->create_session({"h2", a->id, "c", 10'000, 2, "10.0.0.2", "Chromium"}).ok());
  ASSERT_TRUE(store->create_session({"h3", a->id, "c", 5, 3, "10.0.0.3", "old"}).ok());
  auto list = store->sessions_of(a->id, 100);
  ASSERT_EQ(list->size(), 2u);  // not the expired one
  EXPECT_EQ(list->at(0).token_hash, "h2");
  EXPECT_EQ(list->at(0).ip, "10.0.0.2");
  EXPECT_EQ(list->at(0).user_agent, "Chromium");
  ASSERT_TRUE(store->delete_sessions_of(a->id, "h2").ok());
  EXPECT_EQ(store->sessions_of(a->id, 100)->size(), 1u);
  EXPECT_TRUE(store->session_by_hash("h2", 100).ok());
}

TEST_P(AdminConformance, TheAuditLogPerTenantWithItsAgentsLogins) {
  auto other = *second_tenant(*store).first;
  auto a = store->create_agent("a@b.fi", "A", "h", 1);
  ASSERT_TRUE(store->set_membership(a->id, tenant.id, Role::kAdmin).ok());
  auto line = [&](Id t, Id actor, std::string action) {
    return AuditEntry{0, 5, t, actor, "x", std::move(action), "target", "{}", "10.0.0.1"};
  };
  ASSERT_TRUE(store->add_audit(line(tenant.id, a->id, "site.update")).ok());
  ASSERT_TRUE(store->add_audit(line(other.id, 0, "site.update")).ok());
  ASSERT_TRUE(store->add_audit(line(0, a->id, "login.ok")).ok());
  ASSERT_TRUE(store->add_audit(line(0, 0, "login.failed")).ok());  // an unknown email
  ASSERT_TRUE(store->add_audit(line(0, 0, "tenant.create")).ok());
  AuditQuery q;
  q.tenants = {tenant.id};
  auto mine = store->audit(q);
  ASSERT_EQ(mine->size(), 2u);  // its change and its agent's login, newest first
  EXPECT_EQ(mine->at(0).action, "login.ok");
  EXPECT_EQ(mine->at(1).tenant_id, tenant.id);
  q.action = "login";
  EXPECT_EQ(store->audit(q)->size(), 1u);
  q.action = "log";  // a prefix only up to a dot
  EXPECT_EQ(store->audit(q)->size(), 0u);
  AuditQuery all;
  all.tenants = {tenant.id, other.id};
  all.workspace = true;
  auto every = store->audit(all);
  ASSERT_EQ(every->size(), 5u);
  all.before = every->at(1).id;
  all.limit = 2;
  auto page = store->audit(all);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ(page->at(0).id, every->at(2).id);
  all = AuditQuery{{tenant.id, other.id}, true, "", a->id};
  EXPECT_EQ(store->audit(all)->size(), 2u);
}

TEST_P(AdminConformance, BlocksAreActiveUntilTheyExpireOrAreLifted) {
  auto other = *second_tenant(*store).first;
  Block b;
  b.tenant_id = tenant.id;
  b.visitor_id = visitor.id;
  b.ip = "10.0.0.1";
  b.reason = "kiroilee";
  b.created_by = 1;
  b.created_at = 1000;
  b.expires_at = 5000;
  auto saved = store->add_block(b);
  ASSERT_TRUE(saved.ok());
  EXPECT_GT(saved->id, 0);
  EXPECT_EQ(saved->ip, "10.0.0.1");
  b.expires_at = 0;  // until lifted
  b.ip = "";
  auto forever = store->add_block(b);
  b.tenant_id = other.id;
  ASSERT_TRUE(store->add_block(b).ok());
  EXPECT_EQ(store->active_blocks(tenant.id, 2000, 10)->size(), 2u);
  EXPECT_EQ(store->active_blocks(tenant.id, 5000, 10)->size(), 1u);  // the timed one expired
  EXPECT_EQ(store->active_blocks(0, 2000, 10)->size(), 3u);
  EXPECT_EQ(store->active_blocks(tenant.id, 2000, 10)->at(0).id, forever->id);                 // newest first
  EXPECT_EQ(store->lift_block(other.id, forever->id, 7, 3000).error().code, Errc::kNotFound);  // not its tenant's
  auto lifted = store->lift_block(tenant.id, forever->id, 7, 3000);
  ASSERT_TRUE(lifted.ok());
  EXPECT_EQ(lifted->lifted_by, 7);
  EXPECT_EQ(store->lift_block(tenant.id, forever->id, 7, 3000).error().code, Errc::kNotFound);  // once
  EXPECT_EQ(store->lift_block(tenant.id, saved->id, 7, 6000).error().code, Errc::kNotFound);    // expired
  EXPECT_EQ(store->active_blocks(tenant.id, 3000, 10)->size(), 1u);
}

}  // namespace
}  // namespace tiski
