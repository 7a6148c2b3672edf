#include "mail/mailer.h"

#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski::mail {

Mailer::Mailer(StoreWorker& store, SmtpClient smtp, MailerOptions o, Post to_mail, Post to_net,
               std::function<void(const OutMail&)> on_change)
    : store_(store),
      smtp_ptr_(std::make_shared<const SmtpClient>(std::move(smtp))),
      smtp_(*smtp_ptr_),
      o_(std::move(o)),
      to_mail_(std::move(to_mail)),
      to_net_(std::move(to_net)),
      on_change_(std::move(on_change)) {}

std::optional<Millis> Mailer::retry_at(const MailerOptions& o, int attempts, bool permanent, Millis now) {
  if (permanent || attempts >= o.max_attempts) return std::nullopt;
  Millis wait = o.retry_base_ms;
  for (int i = 1; i < attempts && wait < 6 * 3'600'000; ++i) wait *= 4;
  return now + std::min<Millis>(wait, 6 * 3'600'000);
}

void Mailer::kick() {
  if (!configured()) return;
  if (busy_) {
    again_ = true;
    return;
  }
  round();
}

void Mailer::tick(Millis now) {
  if (!configured() || busy_ || now - last_look_ < 1000) return;
  round();
}

void Mailer::round() {
  busy_ = true;
  again_ = false;
  last_look_ = now_ms();
  bool queued =
      store_.submit<std::vector<OutMail>>([](Store& st) { return st.due_mail(now_ms(), limits::kMailBatch); },
                                          [this](Result<std::vector<OutMail>> r) {
                                            if (!r || r->empty()) {
                                              if (!r)
                                                log::warn("reading the outbox failed", {{"error", r.error().message}});
                                              busy_ = false;
                                              if (again_) kick();
                                              return;
                                            }
                                            // Blocking SMTP on the mail thread; the client outlives the round (shared).
                                            to_mail_([this, smtp = smtp_ptr_, mails = std::move(r).value()]() mutable {
                                              std::vector<std::pair<OutMail, SendOutcome>> results;
                                              for (auto& m : mails) {
                                                SendOutcome out = smtp->send(o_.from, m.to, m.mime);
                                                results.emplace_back(std::move(m), std::move(out));
                                              }
                                              to_net_([this, results = std::move(results)]() { finish(results); });
                                            });
                                          });
  if (!queued) busy_ = false;
}

void Mailer::finish(const std::vector<std::pair<OutMail, SendOutcome>>& results) {
  MailerOptions o = o_;
  bool queued = store_.submit<std::vector<OutMail>>(
      [o, results](Store& st) -> Result<std::vector<OutMail>> {
        std::vector<OutMail> changed;
        Millis now = now_ms();
        for (const auto& [m, out] : results) {
          auto when = out.sent ? std::nullopt : retry_at(o, m.attempts + 1, out.permanent, now);
          auto r = st.record_mail_attempt(m.id, out.sent, out.error, when, now);
          if (!r) return r.error();
          changed.push_back(std::move(r).value());
        }
        return changed;
      },
      [this](Result<std::vector<OutMail>> r) {
        busy_ = false;
        if (!r) {
          log::warn("recording mail attempts failed", {{"error", r.error().message}});
          return;
        }
        for (const auto& m : *r) {
          if (m.status == mail_status::kSent) {
            log::info("reply sent by email", {{"conv", m.conv_id}, {"seq", m.seq}, {"attempts", m.attempts}});
          } else {
            log::warn("email reply not delivered", {{"conv", m.conv_id},
                                                    {"seq", m.seq},
                                                    {"status", m.status},
                                                    {"attempts", m.attempts},
                                                    {"error", m.error}});
          }
          on_change_(m);
        }
        kick();  // more may be due
      });
  if (!queued) busy_ = false;
}

}  // namespace tiski::mail
