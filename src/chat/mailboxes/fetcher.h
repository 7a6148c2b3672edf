// The email channel's IMAP reader (docs/channels.md): each poll interval it reads every active
// mailbox of every tenant and hands each new person's email to the channel, like the inbound
// HTTP door does.
//
//   domain thread              fetch thread                               domain / store
//   tick(): a round is due ─▶  read(m): STATUS (UIDVALIDITY, UIDNEXT),
//     active_mailboxes          UID FETCH sizes of the next UIDs, then per message:
//                               fetch, parse (GMime) ───────────────────▶ deliver: stored
//                               save_mailbox_position ──────────────────▶ store
//        ◀──────────────────── round done
//
// Nothing lost, nothing twice: the last UID is saved after each message is stored (or
// refused for good); a crash between the two fetches that message again, and its Message-ID
// stores it once. A mailbox seen for the first time starts after the mail already in it. When
// the server renumbers (UIDVALIDITY changes) it is read from the start again, kept once the
// same way. Each round takes at most `batch` messages per mailbox, oldest first.
//
// Refused for good, with a log line (and the UID passed): over the 20 MB limit, malformed,
// a machine's (auto-reply, bounce, list: never a conversation). The mailbox's last error
// (login refused, server away, the channel unavailable) is kept for its admin, and the same
// message is tried again next round.
//
// Threading: tick/check_soon on the domain thread; read() on the fetch thread; stop() anywhere.
#pragma once

#include <atomic>
#include <functional>

#include "mail/imap.h"
#include "mail/inbound.h"
#include "store/store_worker.h"
#include "util/clock.h"

namespace tiski::mailboxes {

struct FetcherOptions {
  Millis poll_ms = 60'000;
  std::int64_t batch = 50;      // messages per mailbox per round
  std::size_t mailboxes = 200;  // per round, least recently checked first
  bool allow_private = false;   // [imap] allow_private: loopback and private servers (tests)
  Millis timeout_ms = 60'000;   // one IMAP command
};

class Fetcher {
 public:
  using Post = std::function<void(std::function<void()>)>;
  // Stores one email of a mailbox; called on the domain thread, `done` exactly once.
  using Deliver = std::function<void(const Mailbox&, const mail::InboundMail&, const std::function<void(Status)>&)>;

  Fetcher(StoreWorker& store, const Clock& clock, FetcherOptions o, Post to_fetch, Post to_net, Deliver deliver);
  void tick(Millis now);
  void check_soon();
  void stop();

  // Reads one mailbox once; its position as saved.
  Mailbox read(Mailbox m);

 private:
  enum class Take { kStored, kPassed, kStop };
  Take take(mail::ImapSession& s, Mailbox& m, std::int64_t uid, std::int64_t bytes);
  bool save(const Mailbox& m, std::int64_t taken);
  template <class T>
  std::optional<T> wait(std::function<void(std::function<void(T)>)> start);

  StoreWorker& store_;
  const Clock& clock_;
  FetcherOptions o_;
  Post to_fetch_;
  Post to_net_;
  Deliver deliver_;
  bool busy_ = false;
  bool again_ = false;
  Millis next_round_ = 0;
  std::atomic<bool> stopping_{false};
};

}  // namespace tiski::mailboxes
