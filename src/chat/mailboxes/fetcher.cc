#include "chat/mailboxes/fetcher.h"

#include <chrono>
#include <future>
#include <memory>

#include "util/log.h"

namespace tiski::mailboxes {

Fetcher::Fetcher(StoreWorker& store, const Clock& clock, FetcherOptions o, Post to_fetch, Post to_net, Deliver deliver)
    : store_(store),
      clock_(clock),
      o_(o),
      to_fetch_(std::move(to_fetch)),
      to_net_(std::move(to_net)),
      deliver_(std::move(deliver)) {}

void Fetcher::tick(Millis now) {
  if (busy_ || now < next_round_ || stopping_) return;
  busy_ = true;
  auto finish = [this] {
    busy_ = false;
    next_round_ = again_ ? 0 : clock_.now() + o_.poll_ms;
    again_ = false;
  };
  bool queued =
      store_.submit<std::vector<Mailbox>>([limit = o_.mailboxes](Store& st) { return st.active_mailboxes(limit); },
                                          [this, finish](Result<std::vector<Mailbox>> r) {
                                            if (!r || r->empty()) return finish();
                                            to_fetch_([this, finish, list = *std::move(r)] {
                                              for (const auto& m : list) {
                                                if (stopping_) break;
                                                read(m);
                                              }
                                              to_net_(finish);
                                            });
                                          });
  if (!queued) finish();
}

void Fetcher::check_soon() {
  if (busy_) {
    again_ = true;
  } else {
    next_round_ = 0;
  }
}

void Fetcher::stop() { stopping_ = true; }

// Runs `start` (which will call its argument once, on another thread) and waits for that
// value; nothing when the fetcher stops first.
template <class T>
std::optional<T> Fetcher::wait(std::function<void(std::function<void(T)>)> start) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  start([promise](T v) { promise->set_value(std::move(v)); });
  while (future.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
    if (stopping_) return std::nullopt;
  }
  return future.get();
}

bool Fetcher::save(const Mailbox& m, std::int64_t taken) {
  auto saved = wait<Result<bool>>([this, m, taken](const std::function<void(Result<bool>)>& done) {
    if (!store_.submit<bool>([m, taken](Store& st) { return st.save_mailbox_position(m, taken); }, done))
      done(Error::unavailable("the store is busy"));
  });
  return saved && *saved;
}

Fetcher::Take Fetcher::take(mail::ImapSession& s, Mailbox& m, std::int64_t uid, std::int64_t bytes) {
  boost::json::object where{{"tenant", m.tenant_id}, {"mailbox", m.id}, {"uid", uid}, {"bytes", bytes}};
  auto refused = [&](const std::string& why) {
    auto f = where;
    f["error"] = why;
    log::warn("inbound email refused", f);
    return Take::kPassed;
  };
  if (bytes > static_cast<std::int64_t>(mail::kMaxInboundMailBytes))
    return refused("the email is over " + std::to_string(mail::kMaxInboundMailBytes) + " bytes");
  auto raw = s.fetch(uid, mail::kMaxInboundMailBytes);
  if (!raw && raw.error().code == Errc::kTooLarge) return refused(raw.error().message);
  if (!raw) {
    m.last_error = raw.error().message;
    return Take::kStop;
  }
  auto parsed = mail::parse_inbound(*raw);
  if (!parsed) return refused(parsed.error().message);
  if (!parsed->automatic.empty()) {
    auto f = where;
    f["from"] = parsed->from;
    f["why"] = parsed->automatic;
    log::info("inbound email ignored: a machine's", f);
    return Take::kPassed;
  }
  auto stored = wait<Status>([this, &m, &parsed](const std::function<void(Status)>& done) {
    to_net_([this, m, mail = *std::move(parsed), done] { deliver_(m, mail, done); });
  });
  if (!stored) return Take::kStop;  // stopping: the message is read again next time
  if (*stored) return Take::kStored;
  // A fault of this email (bad_request, too_large) passes it; anything else is tried again.
  if (stored->error().code == Errc::kBadRequest || stored->error().code == Errc::kTooLarge)
    return refused(stored->error().message);
  m.last_error = "the channel did not take the email: " + stored->error().message;
  return Take::kStop;
}

Mailbox Fetcher::read(Mailbox m) {
  mail::ImapSession s({m.url, m.username, m.password, o_.allow_private, o_.timeout_ms});
  auto status = s.status();
  m.last_error.clear();
  if (!status) {
    m.last_error = status.error().message;
    m.checked_at = clock_.now();
    save(m, 0);
    return m;
  }
  if (m.uidvalidity != status->uidvalidity) {
    if (m.uidvalidity != 0)
      log::warn("mailbox renumbered (UIDVALIDITY changed): reading it again",
                {{"tenant", m.tenant_id}, {"mailbox", m.id}});
    m.last_uid = m.uidvalidity == 0 ? std::max<std::int64_t>(status->uidnext - 1, 0) : 0;
    m.uidvalidity = status->uidvalidity;
  }
  std::int64_t budget = o_.batch;
  // UIDs may be sparse (mail deleted or moved away): an empty window doubles the next one, up to
  // 100 batches, so a gap is crossed in a few commands and no answer grows without bound.
  std::int64_t window = o_.batch;
  bool stop = false;
  while (!stop && budget > 0 && m.last_uid + 1 < status->uidnext && !stopping_) {
    std::int64_t to = std::min(m.last_uid + window, status->uidnext - 1);
    auto list = s.entries(m.last_uid + 1, to);
    if (!list) {
      m.last_error = list.error().message;
      break;
    }
    if (list->empty()) {  // UIDs only grow: nothing will appear in this range
      m.last_uid = to;
      window = std::min(window * 2, o_.batch * 100);
      continue;
    }
    window = o_.batch;
    for (const auto& e : *list) {
      if (budget <= 0) {
        stop = true;
        break;
      }
      --budget;
      auto t = take(s, m, e.uid, e.bytes);
      if (t == Take::kStop || stopping_) {
        stop = true;
        break;
      }
      m.last_uid = e.uid;
      m.checked_at = clock_.now();
      if (!save(m, t == Take::kStored ? 1 : 0)) return m;  // gone or changed meanwhile
    }
  }
  m.checked_at = clock_.now();
  save(m, 0);
  return m;
}

}  // namespace tiski::mailboxes
