// Conformance of every back end: API tokens (looked up by hash, revoked for good) and the
// webhook outbox (queued per subscribed active webhook, due by time, attempts recorded, sent
// again, pruned), each tenant's apart.
#include "store/conformance.h"

namespace tiski {
namespace {

using conformance::second_tenant;

TISKI_CONFORMANCE(IntegrationConformance);

TEST_P(IntegrationConformance, TokensByHashUntilRevoked) {
  auto other = *second_tenant(*store).first;
  ApiToken t{0, tenant.id, "CRM", {"read", "write"}, "tsk_abcdef", 0, 100};
  auto saved = store->add_api_token(t, "hash-1");
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->scopes, (std::vector<std::string>{"read", "write"}));
  EXPECT_EQ(store->add_api_token(t, "hash-1").error().code, Errc::kConflict);
  auto found = store->api_token_by_hash("hash-1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, saved->id);
  EXPECT_EQ(found->last_used_at, 0);
  ASSERT_TRUE(store->touch_api_token(saved->id, 500).ok());
  EXPECT_EQ(store->api_token_by_hash("hash-1")->last_used_at, 500);
  EXPECT_EQ(store->api_token_by_hash("hash-2").error().code, Errc::kUnauthorized);
  EXPECT_EQ(store->revoke_api_token(other.id, saved->id, 600).error().code, Errc::kNotFound);
  EXPECT_EQ(store->revoke_api_token(tenant.id, saved->id, 600)->revoked_at, 600);
  EXPECT_EQ(store->api_token_by_hash("hash-1").error().code, Errc::kUnauthorized);
  EXPECT_EQ(store->revoke_api_token(tenant.id, saved->id, 700).error().code, Errc::kNotFound);
  EXPECT_EQ(store->api_tokens(tenant.id)->size(), 1u);
  EXPECT_TRUE(store->api_tokens(other.id)->empty());

  // Revoked tokens are pruned once old enough; active ones never.
  ASSERT_TRUE(store->add_api_token({0, tenant.id, "Live", {"read"}, "tsk_live", 0, 100}, "hash-3"));
  EXPECT_EQ(*store->prune_revoked_tokens(600, 100), 0);
  EXPECT_EQ(*store->prune_revoked_tokens(601, 100), 1);
  ASSERT_EQ(store->api_tokens(tenant.id)->size(), 1u);
  EXPECT_EQ(store->api_tokens(tenant.id)->front().name, "Live");
  EXPECT_EQ(*store->prune_revoked_tokens(1'000'000, 100), 0);
}

TEST_P(IntegrationConformance, EventsQueueForSubscribedActiveWebhooksOfTheTenant) {
  auto other = *second_tenant(*store).first;
  EXPECT_FALSE(*store->any_webhooks());
  auto msgs = store->add_webhook({0, tenant.id, "https://a.example/h", "s1", {"message.created"}, true, 1, ""});
  auto all = store->add_webhook(
      {0, tenant.id, "https://b.example/h", "s2", {"message.created", "conversation.closed"}, true, 1, ""});
  auto off = store->add_webhook({0, tenant.id, "https://c.example/h", "s3", {"message.created"}, false, 1, ""});
  auto theirs = store->add_webhook({0, other.id, "https://d.example/h", "s4", {"message.created"}, true, 1, ""});
  ASSERT_TRUE(msgs && all && off && theirs);
  EXPECT_TRUE(*store->any_webhooks());
  EXPECT_EQ(*store->queue_webhook_event(tenant.id, 0, "message.created", "evt_1", "{}", 10), 2);
  EXPECT_EQ(*store->queue_webhook_event(tenant.id, 0, "conversation.closed", "evt_2", "{}", 20), 1);
  EXPECT_EQ(*store->queue_webhook_event(tenant.id, 0, "message", "evt_3", "{}", 20), 0);  // a whole word only
  auto due = store->due_deliveries(15, 10);
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ(due->at(0).delivery, "evt_1." + std::to_string(due->at(0).webhook_id));
  EXPECT_EQ(due->at(0).status, "queued");
  EXPECT_FALSE(due->at(0).url.empty());
  EXPECT_EQ(store->due_deliveries(100, 10)->size(), 3u);
  EXPECT_EQ(store->due_deliveries(100, 1)->size(), 1u);

  // Failed, retried later, then delivered.
  auto id = due->at(0).id;
  auto r = store->record_delivery_attempt(id, false, 500, "HTTP 500", Millis{1000}, 30);
  EXPECT_EQ(r->status, "queued");
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->last_code, 500);
  EXPECT_EQ(store->due_deliveries(999, 10)->size(), 2u);
  EXPECT_EQ(store->due_deliveries(1000, 10)->size(), 3u);
  r = store->record_delivery_attempt(id, true, 204, "", std::nullopt, 1001);
  EXPECT_EQ(r->status, "delivered");
  EXPECT_EQ(r->done_at, 1001);
  r = store->record_delivery_attempt(due->at(1).id, false, 0, "timeout", std::nullopt, 1002);
  EXPECT_EQ(r->status, "failed");

  // The log, newest first and paged; another tenant cannot read or resend it.
  auto log = store->deliveries(tenant.id, all->id, 0, 10);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_GT(log->at(0).id, log->at(1).id);
  EXPECT_EQ(store->deliveries(tenant.id, all->id, log->at(0).id, 10)->size(), 1u);
  EXPECT_TRUE(store->deliveries(other.id, all->id, 0, 10)->empty());
  EXPECT_EQ(store->redeliver(other.id, all->id, id, 2000).error().code, Errc::kNotFound);
  auto again = store->redeliver(tenant.id, msgs->id == due->at(0).webhook_id ? msgs->id : all->id, id, 2000);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, "queued");
  EXPECT_EQ(again->attempts, 0);  // a fresh retry schedule

  // Switched off: its queued deliveries wait. Pruned: finished ones older than the cut.
  auto w = *all;
  w.active = false;
  ASSERT_TRUE(store->update_webhook(w));
  auto waiting = store->due_deliveries(5000, 10);
  ASSERT_TRUE(waiting);
  for (const auto& d : *waiting) EXPECT_NE(d.webhook_id, all->id);
  EXPECT_EQ(*store->prune_deliveries(1002, 100), 0);
  EXPECT_EQ(*store->prune_deliveries(1003, 100), 1);  // the failed one; the others are queued
  EXPECT_EQ(store->delete_webhook(other.id, all->id).error().code, Errc::kNotFound);
  ASSERT_TRUE(store->delete_webhook(tenant.id, all->id).ok());
  EXPECT_TRUE(store->deliveries(tenant.id, all->id, 0, 10)->empty());
  EXPECT_EQ(store->webhooks(tenant.id)->size(), 2u);
}

TEST_P(IntegrationConformance, AWebhookThatKeepsFailingIsPausedUntilTurnedOnAgain) {
  auto hook = store->add_webhook({0, tenant.id, "https://gone.example/h", "s1", {"message.created"}, true, 1, ""});
  ASSERT_TRUE(hook.ok());
  for (int i = 0; i < kPauseAfterFailures + 1; ++i)
    ASSERT_EQ(*store->queue_webhook_event(tenant.id, 0, "message.created", "evt_" + std::to_string(i), "{}", 10), 1);
  auto due = store->due_deliveries(20, 100);
  ASSERT_EQ(due->size(), 3u);  // three a round
  std::vector<Id> ids;
  for (Millis now = 20; ids.size() < static_cast<std::size_t>(kPauseAfterFailures); now += 10) {
    auto round = store->due_deliveries(now, 100);  // held: a range over *temporary would dangle
    ASSERT_TRUE(round.ok());
    for (const auto& d : *round) {
      if (ids.size() == static_cast<std::size_t>(kPauseAfterFailures)) break;
      // One delivered among the failures restarts the count.
      bool ok = ids.size() == 2;
      auto rec = store->record_delivery_attempt(d.id, ok, ok ? 200 : 502, ok ? "" : "HTTP 502", std::nullopt, now);
      ASSERT_TRUE(rec.ok()) << rec.error().message;
      ids.push_back(d.id);
    }
  }
  EXPECT_TRUE(store->webhooks(tenant.id)->at(0).active);  // 7 failures in a row since the success
  for (const char* e : {"evt_x", "evt_y", "evt_z"})       // with the one left: four more to fail
    ASSERT_EQ(*store->queue_webhook_event(tenant.id, 0, "message.created", e, "{}", 500), 1);
  for (int i = 0; i < 3; ++i) {
    auto d = store->due_deliveries(1000, 1);
    ASSERT_EQ(d->size(), 1u);
    ASSERT_TRUE(store->record_delivery_attempt(d->at(0).id, false, 502, "HTTP 502", std::nullopt, 1000 + i).ok());
  }
  auto paused = store->webhooks(tenant.id)->at(0);
  EXPECT_FALSE(paused.active);
  EXPECT_NE(paused.paused_reason.find("10 deliveries in a row failed; the last: HTTP 502"), std::string::npos);
  EXPECT_TRUE(store->due_deliveries(5000, 100)->empty());  // the one still queued waits
  AuditQuery q;
  q.tenants = {tenant.id};
  q.action = "webhook.paused";
  auto lines = store->audit(q);
  ASSERT_EQ(lines->size(), 1u);
  EXPECT_EQ(lines->at(0).actor, "tiski");
  EXPECT_EQ(lines->at(0).target, "webhook " + std::to_string(paused.id));
  EXPECT_NE(lines->at(0).detail.find("HTTP 502"), std::string::npos);
  paused.active = true;
  auto on = store->update_webhook(paused);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on->paused_reason.empty());
  EXPECT_FALSE(store->due_deliveries(5000, 100)->empty());
}

TEST_P(IntegrationConformance, ARoundTakesAtMostThreeOfOneWebhook) {
  auto slow = store->add_webhook({0, tenant.id, "https://slow.example/h", "s", {"message.created"}, true, 1, ""});
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(store->queue_webhook_event(tenant.id, 0, "message.created", "evt_s" + std::to_string(i), "{}", 10));
  auto other = *second_tenant(*store).first;
  auto fast = store->add_webhook({0, other.id, "https://fast.example/h", "s", {"message.created"}, true, 1, ""});
  ASSERT_TRUE(store->queue_webhook_event(other.id, 0, "message.created", "evt_f", "{}", 20));
  auto due = store->due_deliveries(100, 20);
  ASSERT_EQ(due->size(), 4u);  // three of the slow one, and the other tenant's is not stuck behind
  EXPECT_EQ(due->back().webhook_id, fast->id);
  EXPECT_EQ(due->front().webhook_id, slow->id);
}

TEST_P(IntegrationConformance, MailboxesKeepTheirPositionPerTenantUntilTheirServerChanges) {
  auto other = *second_tenant(*store).first;
  Mailbox m;
  m.tenant_id = tenant.id;
  m.url = "imaps://imap.example.fi/INBOX";
  m.username = "tuki";
  m.password = "salasana";
  m.address = "tuki@example.fi";
  m.created_at = 100;
  auto a = store->add_mailbox(m);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->uidvalidity, 0);
  EXPECT_TRUE(a->active);
  EXPECT_EQ(a->address, "tuki@example.fi");
  m.tenant_id = other.id;
  auto b = *store->add_mailbox(m);
  EXPECT_EQ(store->mailboxes(tenant.id)->size(), 1u);
  EXPECT_EQ(store->active_mailboxes(10)->size(), 2u);

  // Reading gets somewhere; the oldest checked goes first.
  auto at = *a;
  at.uidvalidity = 77;
  at.last_uid = 12;
  at.checked_at = 500;
  at.last_error = "";
  EXPECT_TRUE(*store->save_mailbox_position(at, 3));
  auto round = *store->active_mailboxes(10);
  EXPECT_EQ(round.front().id, b.id);
  EXPECT_EQ(round.back().last_uid, 12);
  EXPECT_EQ(round.back().received, 3);

  // Another tenant cannot change or remove it; a new password keeps the position, a new
  // server starts afresh, and a position of the old server is then ignored.
  auto foreign = at;
  foreign.tenant_id = other.id;
  EXPECT_EQ(store->update_mailbox(foreign).error().code, Errc::kNotFound);
  EXPECT_EQ(store->delete_mailbox(other.id, a->id).error().code, Errc::kNotFound);
  at.password = "uusi";
  EXPECT_EQ(store->update_mailbox(at)->last_uid, 12);
  auto moved = at;
  moved.url = "imaps://imap.example.com/INBOX";
  auto fresh = *store->update_mailbox(moved);
  EXPECT_EQ(fresh.last_uid, 0);
  EXPECT_EQ(fresh.uidvalidity, 0);
  EXPECT_FALSE(*store->save_mailbox_position(at, 1));
  EXPECT_EQ(store->mailboxes(tenant.id)->front().received, 3);

  fresh.active = false;
  ASSERT_TRUE(store->update_mailbox(fresh));
  EXPECT_EQ(store->active_mailboxes(10)->size(), 1u);
  ASSERT_TRUE(store->delete_mailbox(tenant.id, a->id).ok());
  EXPECT_TRUE(store->mailboxes(tenant.id)->empty());
  EXPECT_EQ(store->mailboxes(other.id)->size(), 1u);
}

}  // namespace
}  // namespace tiski
