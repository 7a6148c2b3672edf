#include "chat/webhooks/sender.h"

#include "util/crypto.h"
#include "util/log.h"

namespace tiski::webhooks {

std::string signature(std::string_view secret, std::int64_t unix_seconds, std::string_view body) {
  std::string t = std::to_string(unix_seconds);
  std::string signed_text = t + "." + std::string(body);
  return "t=" + t + ",v1=" + crypto::hex(crypto::hmac_sha256(secret, signed_text));
}

Sender::Sender(StoreWorker& store, const Clock& clock, SenderOptions o, Post to_hooks, Post to_net)
    : store_(store), clock_(clock), o_(o), to_hooks_(std::move(to_hooks)), to_net_(std::move(to_net)) {}

std::optional<Millis> Sender::retry_at(const SenderOptions& o, int attempts, Millis now) {
  if (attempts >= o.max_attempts) return std::nullopt;
  constexpr Millis kCap = 6 * 3'600'000;
  Millis wait = o.retry_base_ms;
  for (int i = 1; i < attempts && wait < kCap; ++i) wait *= 4;
  return now + std::min(wait, kCap);
}

void Sender::kick() {
  if (busy_) {
    again_ = true;
    return;
  }
  round();
}

void Sender::tick(Millis now) {
  if (now - last_prune_ >= kPruneEveryMs) {
    last_prune_ = now;
    store_.submit<std::int64_t>([now](Store& st) { return st.prune_deliveries(now - kKeepMs, 5000); },
                                [](const Result<std::int64_t>& r) {
                                  if (!r) log::warn("pruning the webhook log failed", {{"error", r.error().message}});
                                });
    store_.submit<std::int64_t>([now](Store& st) { return st.prune_revoked_tokens(now - kKeepMs, 5000); },
                                [](const Result<std::int64_t>& r) {
                                  if (!r)
                                    log::warn("pruning revoked API tokens failed", {{"error", r.error().message}});
                                });
  }
  if (busy_ || now - last_look_ < 1000) return;
  round();
}

void Sender::round() {
  busy_ = true;
  again_ = false;
  last_look_ = clock_.now();
  Millis now = last_look_;
  std::size_t batch = o_.batch;
  bool queued = store_.submit<std::vector<WebhookDelivery>>(
      [now, batch](Store& st) { return st.due_deliveries(now, batch); },
      [this](Result<std::vector<WebhookDelivery>> r) {
        if (!r || r->empty()) {
          if (!r) log::warn("reading the webhook outbox failed", {{"error", r.error().message}});
          busy_ = false;
          if (again_) kick();
          return;
        }
        std::vector<PostRequest> requests;
        std::int64_t t = clock_.now() / 1000;
        for (const auto& d : *r) {
          requests.push_back({d.url,
                              {"Content-Type: application/json", "User-Agent: Tiski-Webhooks/1",
                               "Tiski-Signature: " + signature(d.secret, t, d.body), "Tiski-Delivery: " + d.delivery,
                               "Tiski-Event: " + d.type},
                              d.body});
        }
        to_hooks_([this, sent = std::move(r).value(), requests = std::move(requests), o = o_.post]() mutable {
          auto results = post_all(requests, o);
          to_net_([this, sent = std::move(sent), results = std::move(results)]() mutable {
            finish(std::move(sent), std::move(results));
          });
        });
      });
  if (!queued) busy_ = false;
}

void Sender::finish(std::vector<WebhookDelivery> sent, std::vector<PostResult> results) {
  SenderOptions o = o_;
  Millis now = clock_.now();
  bool queued = store_.submit<std::vector<WebhookDelivery>>(
      [o, now, sent = std::move(sent),
       results = std::move(results)](Store& st) -> Result<std::vector<WebhookDelivery>> {
        std::vector<WebhookDelivery> changed;
        for (std::size_t i = 0; i < sent.size(); ++i) {
          const auto& r = results[i];
          bool ok = r.error.empty();
          auto when = ok ? std::nullopt : retry_at(o, sent[i].attempts + 1, now);
          auto d = st.record_delivery_attempt(sent[i].id, ok, r.code, r.error, when, now);
          if (!d && d.error().code == Errc::kNotFound) continue;  // removed meanwhile (webhook, erasure)
          if (!d) return d.error();
          changed.push_back(std::move(d).value());
        }
        return changed;
      },
      [this](Result<std::vector<WebhookDelivery>> r) {
        busy_ = false;
        if (!r) return log::warn("recording webhook deliveries failed", {{"error", r.error().message}});
        for (const auto& d : *r) {
          if (d.status == hook_status::kFailed)
            log::warn(
                "a webhook delivery failed for good",
                {{"webhook", d.webhook_id}, {"delivery", d.delivery}, {"attempts", d.attempts}, {"error", d.error}});
        }
        kick();  // more may be due
      });
  if (!queued) busy_ = false;
}

}  // namespace tiski::webhooks
