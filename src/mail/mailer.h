// The mailer: delivers the outbox (store table `outbox`, filled by chat/outbox right after the
// agent reply it carries is stored) through an SMTP relay, with retries.
//
//   network thread            store thread             mail thread
//   kick() ── due_mail ──────▶ (read) ──▶ send each with SmtpClient (blocking, one at a time)
//        ◀──────────────────── record_mail_attempt ◀── outcomes
//   on_change(mail) for each, then kick() again until nothing is due.
//
// Retries: a failed attempt is retried after retry_base, then 4x longer each time (capped at
// six hours) until max_attempts; a permanent refusal (SMTP 5xx) is not retried. A mail is
// sent at most once per attempt; a crash between the relay's OK and the store's record can
// send it twice (at-least-once), with the same Message-ID so mail clients fold the copies.
//
// Threading: kick/tick/in_flight on the network thread only.
#pragma once

#include <functional>
#include <memory>

#include "mail/smtp.h"
#include "store/store_worker.h"

namespace tiski::mail {

struct MailerOptions {
  std::string from;  // envelope sender
  int max_attempts = 6;
  Millis retry_base_ms = 30'000;
};

class Mailer {
 public:
  using Post = std::function<void(std::function<void()>)>;
  // to_mail: runs a function on the mail thread; to_net: back on the network thread.
  Mailer(StoreWorker& store, SmtpClient smtp, MailerOptions o, Post to_mail, Post to_net,
         std::function<void(const OutMail&)> on_change);
  bool configured() const { return smtp_.configured(); }
  // Looks for due mail now (after a reply was queued); a round already running will look
  // again when it ends.
  void kick();
  // Called about once a second: retries fall due with time.
  void tick(Millis now);
  bool busy() const { return busy_; }
  // When the next attempt after `attempts` failed ones is due, or none when it is the last.
  static std::optional<Millis> retry_at(const MailerOptions& o, int attempts, bool permanent, Millis now);

 private:
  void round();
  void finish(const std::vector<std::pair<OutMail, SendOutcome>>& results);

  StoreWorker& store_;
  std::shared_ptr<const SmtpClient> smtp_ptr_;
  const SmtpClient& smtp_;
  MailerOptions o_;
  Post to_mail_;
  Post to_net_;
  std::function<void(const OutMail&)> on_change_;
  bool busy_ = false;
  bool again_ = false;
  Millis last_look_ = 0;
};

}  // namespace tiski::mail
