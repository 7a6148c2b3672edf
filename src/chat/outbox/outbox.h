// The email outbox: every agent reply in a conversation with a contact email (the visitor left
// an address in the leave-a-message form) becomes one email. Outbox subscribes to MessageStored
// and, after the reply is stored, renders it (mail/mime.h: text and HTML in the visitor's
// language, quoting their last message, threadable Message-IDs) and queues it; the Mailer sends
// it with retries. Every queue and delivery state change is published as MailChanged.
//
// One email per reply is guaranteed by the store (UNIQUE (conversation, seq)); a reply whose
// email was never queued because the server stopped in between is found by recover() at
// start-up and queued then.
//
// Threading: the domain thread; rendering happens in the store job.
#pragma once

#include "chat/attachments/files.h"
#include "chat/core/jobs.h"
#include "mail/mailer.h"
#include "mail/mime.h"

namespace tiski {

class Outbox {
 public:
  Outbox(Jobs& jobs, EventBus& bus, mail::Identity identity, bool configured);
  void set_mailer(mail::Mailer* m) { mailer_ = m; }
  // Where a reply's files are read to be attached (none: they are named in the text only).
  void set_files(const attachments::Files* files) { files_ = files; }
  const mail::Identity& identity() const { return identity_; }
  // A relay is configured: mail queued now will be sent.
  bool configured() const { return configured_; }
  // Mail was queued elsewhere (an account's password link): send it now.
  void kick() {
    if (mailer_) mailer_->kick();
  }
  // Queues the emails of replies stored since `since` that have none.
  void recover(Millis since);

 private:
  void queue(Id conv, std::int64_t seq);

  Jobs& jobs_;
  const attachments::Files* files_ = nullptr;
  mail::Identity identity_;
  bool configured_;
  mail::Mailer* mailer_ = nullptr;
};

}  // namespace tiski
