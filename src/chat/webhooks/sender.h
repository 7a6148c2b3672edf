// The webhook sender: delivers the durable outbox of webhook deliveries (queued by the Recorder
// in the transaction of each event, chat/core/hook_events.h) to the tenants' receivers.
//
//   domain thread             store thread              webhook thread
//   kick() ── due_deliveries ─▶ (read) ──▶ post_all: up to 20 at once, 10 s timeout each
//        ◀──────────────────── record_delivery_attempt ◀── results
//   then kick() again until nothing is due; tick() each second makes retries fall due.
//
// Each POST carries Tiski-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." +
// body)>, Tiski-Delivery (the same on every attempt: receivers drop duplicates by it) and
// Tiski-Event. A 2xx answer is delivered; anything else is retried after retry_base, then 4x
// longer each time (capped at six hours) until max_attempts, then failed — an admin can send it
// again from the delivery log. At least once: a crash between the receiver's 2xx and the
// store's record sends it again, with the same delivery id.
//
// The delivery log keeps finished deliveries for 30 days (pruned hourly, 5,000 at a time);
// revoked API tokens stay listed as revoked for 30 days too, then go (the audit log keeps who
// made and revoked them). The sender does this housekeeping because it already ticks hourly.
//
// Threading: kick/tick on the domain (network) thread only.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "chat/webhooks/http_post.h"
#include "store/store_worker.h"
#include "util/clock.h"

namespace tiski::webhooks {

struct SenderOptions {
  int max_attempts = 8;
  Millis retry_base_ms = 30'000;
  std::size_t batch = 20;
  PostOptions post;
};

// The signature header's value for `body` sent at `unix_seconds`.
std::string signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

class Sender {
 public:
  using Post = std::function<void(std::function<void()>)>;
  // to_hooks: runs a function on the webhook thread; to_net: back on the domain thread.
  Sender(StoreWorker& store, const Clock& clock, SenderOptions o, Post to_hooks, Post to_net);
  void kick();
  void tick(Millis now);
  // When the next attempt after `attempts` failed ones is due; none after the last.
  static std::optional<Millis> retry_at(const SenderOptions& o, int attempts, Millis now);

 private:
  void round();
  void finish(std::vector<WebhookDelivery> sent, std::vector<PostResult> results);

  StoreWorker& store_;
  const Clock& clock_;
  SenderOptions o_;
  Post to_hooks_;
  Post to_net_;
  bool busy_ = false;
  bool again_ = false;
  Millis last_look_ = 0;
  Millis last_prune_ = 0;
  static constexpr Millis kPruneEveryMs = 3'600'000;
  static constexpr Millis kKeepMs = 30LL * 86'400'000;
};

}  // namespace tiski::webhooks
