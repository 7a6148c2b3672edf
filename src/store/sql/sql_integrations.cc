// The SQL records of integrations (migration 18): API tokens (their SHA-256 only), webhooks
// and the durable outbox of webhook deliveries. Scopes and event types are kept as
// comma-separated lists (join_list).
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "store/sql/sql_internal.h"

namespace tiski {
namespace {

#define TOKEN_COLUMNS "id, tenant_id, name, scopes, prefix, created_by, created_at, last_used_at, revoked_at"
ApiToken read_token(auto& q) {
  return ApiToken{q.i64(0), q.i64(1), q.text(2), split_list(q.text(3)), q.text(4), q.i64(5),
                  q.i64(6), q.i64(7), q.i64(8)};
}

#define HOOK_COLUMNS "id, tenant_id, url, secret, events, active, created_at, paused_reason"
Webhook read_hook(auto& q) {
  return Webhook{q.i64(0), q.i64(1), q.text(2), q.text(3), split_list(q.text(4)), q.i64(5) != 0, q.i64(6), q.text(7)};
}

// Unqualified for RETURNING (SQLite does not allow a table name there); "d." for the join.
#define DELIVERY_COLUMNS \
  "id, webhook_id, tenant_id, delivery, type, body, status, attempts, next_at, last_code, error, created_at, done_at"
#define DELIVERY_COLUMNS_D                                                                                      \
  "d.id, d.webhook_id, d.tenant_id, d.delivery, d.type, d.body, d.status, d.attempts, d.next_at, d.last_code, " \
  "d.error, d.created_at, d.done_at"
WebhookDelivery read_delivery(auto& q) {
  return WebhookDelivery{q.i64(0),   q.i64(1),
                         q.i64(2),   q.text(3),
                         q.text(4),  q.text(5),
                         q.text(6),  static_cast<int>(q.i64(7)),
                         q.i64(8),   static_cast<int>(q.i64(9)),
                         q.text(10), q.i64(11),
                         q.i64(12)};
}

}  // namespace

Result<ApiToken> SqlStore::add_api_token(const ApiToken& t, std::string_view hash) {
  PREPARE(q,
          "INSERT INTO api_tokens(tenant_id, name, scopes, hash, prefix, created_by, created_at) "
          "VALUES(?, ?, ?, ?, ?, ?, ?) RETURNING " TOKEN_COLUMNS);
  if (q.bind(t.tenant_id, t.name, join_list(t.scopes), hash, t.prefix, t.created_by, t.created_at).step() != kRow)
    return q.error("adding an API token");
  return read_token(q);
}

Result<std::vector<ApiToken>> SqlStore::api_tokens(Id tenant_id) {
  PREPARE(q,
          "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE tenant_id = ? ORDER BY revoked_at != 0, id DESC LIMIT 200");
  q.bind(tenant_id);
  std::vector<ApiToken> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_token(q));
  if (rc != kDone) return q.error("listing API tokens");
  return out;
}

Result<ApiToken> SqlStore::api_token_by_hash(std::string_view hash) {
  PREPARE(q, "SELECT " TOKEN_COLUMNS " FROM api_tokens WHERE hash = ? AND revoked_at = 0");
  int rc = q.bind(hash).step();
  if (rc == kDone) return Error::unauthorized("unknown or revoked API token");
  if (rc != kRow) return q.error("reading an API token");
  return read_token(q);
}

Result<ApiToken> SqlStore::revoke_api_token(Id tenant_id, Id token_id, Millis now) {
  PREPARE(q,
          "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND tenant_id = ? AND revoked_at = 0 "
          "RETURNING " TOKEN_COLUMNS);
  int rc = q.bind(now, token_id, tenant_id).step();
  if (rc == kDone) return Error::not_found("no such API token");
  if (rc != kRow) return q.error("revoking an API token");
  return read_token(q);
}

Status SqlStore::touch_api_token(Id token_id, Millis now) {
  PREPARE(q, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
  if (q.bind(now, token_id).step() != kDone) return q.error("noting an API token's use");
  return {};
}

Result<bool> SqlStore::any_webhooks() {
  if (any_hooks_) return *any_hooks_;
  PREPARE(q, "SELECT EXISTS(SELECT 1 FROM webhooks WHERE active = 1)");
  if (q.step() != kRow) return q.error("looking for webhooks");
  any_hooks_ = q.i64(0) != 0;
  return *any_hooks_;
}

Result<Webhook> SqlStore::add_webhook(const Webhook& w) {
  any_hooks_.reset();
  PREPARE(q,
          "INSERT INTO webhooks(tenant_id, url, secret, events, active, created_at) VALUES(?, ?, ?, ?, ?, ?) "
          "RETURNING " HOOK_COLUMNS);
  if (q.bind(w.tenant_id, w.url, w.secret, join_list(w.events), w.active ? 1 : 0, w.created_at).step() != kRow)
    return q.error("adding a webhook");
  return read_hook(q);
}

Result<std::vector<Webhook>> SqlStore::webhooks(Id tenant_id) {
  PREPARE(q, "SELECT " HOOK_COLUMNS " FROM webhooks WHERE tenant_id = ? ORDER BY id LIMIT 100");
  q.bind(tenant_id);
  std::vector<Webhook> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_hook(q));
  if (rc != kDone) return q.error("listing webhooks");
  return out;
}

Result<Webhook> SqlStore::update_webhook(const Webhook& w) {
  any_hooks_.reset();
  PREPARE(q,
          "UPDATE webhooks SET url = ?, events = ?, active = ?3, paused_reason = CASE WHEN ?3 = 1 THEN '' ELSE "
          "paused_reason END WHERE id = ? AND tenant_id = ? RETURNING " HOOK_COLUMNS);
  int rc = q.bind(w.url, join_list(w.events), w.active ? 1 : 0, w.id, w.tenant_id).step();
  if (rc == kDone) return Error::not_found("no such webhook");
  if (rc != kRow) return q.error("changing a webhook");
  return read_hook(q);
}

Status SqlStore::delete_webhook(Id tenant_id, Id webhook_id) {
  any_hooks_.reset();
  {
    PREPARE(q, "DELETE FROM webhook_deliveries WHERE webhook_id = ? AND tenant_id = ?");
    if (q.bind(webhook_id, tenant_id).step() != kDone) return q.error("removing a webhook's deliveries");
  }
  PREPARE(q, "DELETE FROM webhooks WHERE id = ? AND tenant_id = ?");
  if (q.bind(webhook_id, tenant_id).step() != kDone) return q.error("removing a webhook");
  if (changes() == 0) return Error::not_found("no such webhook");
  return {};
}

Result<Id> SqlStore::conversation_tenant(Id conv_id) {
  PREPARE(q, "SELECT tenant_id FROM conversations WHERE id = ?");
  int rc = q.bind(conv_id).step();
  if (rc == kDone) return Error::not_found("no such conversation");
  if (rc != kRow) return q.error("reading a conversation's tenant");
  return q.i64(0);
}

Result<int> SqlStore::queue_webhook_event(Id tenant_id, Id conv_id, std::string_view type, std::string_view event_id,
                                          std::string_view body, Millis now) {
  PREPARE(
      q,
      "INSERT INTO webhook_deliveries(webhook_id, tenant_id, conversation_id, delivery, type, body, status, next_at, "
      "created_at) SELECT id, tenant_id, ?, ? || '.' || id, ?, ?, 'queued', ?, ? FROM webhooks "
      "WHERE tenant_id = ? AND active = 1 AND instr(',' || events || ',', ',' || ? || ',') > 0");
  if (q.bind(conv_id, event_id, type, body, now, now, tenant_id, type).step() != kDone)
    return q.error("queueing webhook deliveries");
  return changes();
}

Result<std::vector<WebhookDelivery>> SqlStore::due_deliveries(Millis now, std::size_t limit) {
  // At most three of one webhook a round, so that a slow receiver delays only its own tenant.
  PREPARE(q,
          "SELECT " DELIVERY_COLUMNS_D
          ", w.url, w.secret FROM (SELECT *, row_number() OVER (PARTITION BY webhook_id ORDER BY next_at, id) AS rn "
          "FROM webhook_deliveries WHERE status = 'queued' AND next_at <= ?) d JOIN webhooks w ON w.id = d.webhook_id "
          "WHERE d.rn <= 3 AND w.active = 1 ORDER BY d.next_at, d.id LIMIT ?");
  q.bind(now, static_cast<std::int64_t>(limit));
  std::vector<WebhookDelivery> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) {
    out.push_back(read_delivery(q));
    out.back().url = q.text(13);
    out.back().secret = q.text(14);
  }
  if (rc != kDone) return q.error("reading due webhook deliveries");
  return out;
}

Result<WebhookDelivery> SqlStore::record_delivery_attempt(Id id, bool delivered, int code, std::string_view error,
                                                          std::optional<Millis> retry_at, Millis now) {
  std::string_view status = delivered  ? hook_status::kDelivered
                            : retry_at ? hook_status::kQueued
                                       : hook_status::kFailed;
  PREPARE(q,
          "UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, last_code = ?, error = ?, "
          "next_at = ?, done_at = ? WHERE id = ? RETURNING " DELIVERY_COLUMNS);
  int rc = q.bind(status, code, error, retry_at.value_or(now), status == hook_status::kQueued ? 0 : now, id).step();
  if (rc == kDone) return Error::not_found("no such delivery");
  if (rc != kRow) return q.error("recording a webhook delivery");
  auto d = read_delivery(q);
  if (status == hook_status::kFailed) TRY_OK(pause_if_failing(d, error, now));
  return d;
}

// A webhook whose last kPauseAfterFailures finished deliveries all gave up is paused: its
// receiver is gone or broken, and retrying every event for it helps nobody. Its queued
// deliveries wait (due_deliveries skips inactive webhooks) until an admin turns it on again.
// The pause is an audit line of its own (actor "tiski"), so admins find it beside their changes.
Status SqlStore::pause_if_failing(const WebhookDelivery& d, std::string_view error, Millis now) {
  Id webhook_id = d.webhook_id;
  PREPARE(q,
          "SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), 0) FROM (SELECT status FROM "
          "webhook_deliveries "
          "WHERE webhook_id = ? AND status != 'queued' ORDER BY done_at DESC, id DESC LIMIT ?) AS recent");
  if (q.bind(webhook_id, kPauseAfterFailures).step() != kRow) return q.error("counting webhook failures");
  if (q.i64(0) < kPauseAfterFailures || q.i64(1) < kPauseAfterFailures) return {};
  any_hooks_.reset();
  PREPARE(p, "UPDATE webhooks SET active = 0, paused_reason = ? WHERE id = ? AND active = 1");
  std::string why = "paused after " + std::to_string(kPauseAfterFailures) +
                    " deliveries in a row failed; the last: " + std::string(error.substr(0, 200));
  if (p.bind(why, webhook_id).step() != kDone) return p.error("pausing a webhook");
  if (changes() == 0) return {};
  boost::json::object detail{{"reason", why}};
  return add_audit({0, now, d.tenant_id, 0, "tiski", "webhook.paused", "webhook " + std::to_string(webhook_id),
                    boost::json::serialize(detail), ""});
}

Result<std::vector<WebhookDelivery>> SqlStore::deliveries(Id tenant_id, Id webhook_id, Id before, std::size_t limit) {
  PREPARE(q, "SELECT " DELIVERY_COLUMNS
             " FROM webhook_deliveries WHERE webhook_id = ? AND tenant_id = ? AND (? = 0 OR id < ?) "
             "ORDER BY id DESC LIMIT ?");
  q.bind(webhook_id, tenant_id, before, before, static_cast<std::int64_t>(limit));
  std::vector<WebhookDelivery> out;
  int rc = 0;
  while ((rc = q.step()) == kRow) out.push_back(read_delivery(q));
  if (rc != kDone) return q.error("listing webhook deliveries");
  return out;
}

Result<WebhookDelivery> SqlStore::redeliver(Id tenant_id, Id webhook_id, Id delivery_id, Millis now) {
  PREPARE(q,
          "UPDATE webhook_deliveries SET status = 'queued', next_at = ?, done_at = 0, attempts = 0 "
          "WHERE id = ? AND webhook_id = ? AND tenant_id = ? RETURNING " DELIVERY_COLUMNS);
  int rc = q.bind(now, delivery_id, webhook_id, tenant_id).step();
  if (rc == kDone) return Error::not_found("no such delivery");
  if (rc != kRow) return q.error("queueing a delivery again");
  return read_delivery(q);
}

Result<std::int64_t> SqlStore::prune_deliveries(Millis before, std::size_t limit) {
  PREPARE(q,
          "DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries "
          "WHERE status != 'queued' AND done_at < ? LIMIT ?)");
  if (q.bind(before, static_cast<std::int64_t>(limit)).step() != kDone) return q.error("pruning webhook deliveries");
  return changes();
}

Result<std::int64_t> SqlStore::prune_revoked_tokens(Millis before, std::size_t limit) {
  PREPARE(q,
          "DELETE FROM api_tokens WHERE id IN (SELECT id FROM api_tokens "
          "WHERE revoked_at != 0 AND revoked_at < ? LIMIT ?)");
  if (q.bind(before, static_cast<std::int64_t>(limit)).step() != kDone) return q.error("pruning revoked API tokens");
  return changes();
}

}  // namespace tiski
