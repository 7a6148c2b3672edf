// Conversations: everything that changes a conversation — a visitor's message (which opens a
// conversation when none is open), the leave-a-message form, taking, replying, internal notes,
// transferring, closing, starting a chat with a visitor, routing's assignments and releases,
// buying signals — and the chat lifecycle that closes missed and idle chats.
//
// Each command is one store job that checks the rules against the stored state, changes it and
// records its events (core/events.h); the events reach every other module on the bus before
// the caller's `done` runs. Callers validate input shape (the gateway: lengths, cids, control
// characters); this module owns the domain rules (who may touch what, in which state).
//
// Threading: the domain thread; the jobs run on the store thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/attachments/attach.h"
#include "chat/auth.h"
#include "chat/conversations/lifecycle.h"
#include "chat/core/jobs.h"
#include "chat/core/owners.h"
#include "chat/routing/router.h"
#include "mail/inbound.h"
#include "mail/mime.h"

namespace tiski {

class Conversations final : public Assigner {
 public:
  template <class T>
  using Done = std::function<void(Result<T>)>;

  Conversations(Jobs& jobs, EventBus& bus);

  // ---- visitors
  struct VisitorMessage {
    Id visitor = 0;
    Id known = 0;  // the open conversation as the session last knew it, 0 if none
    std::string cid;
    std::string body;
    std::int64_t rule = 0;      // answering this invitation makes a new conversation proactive
    std::string greeting;       // what the widget showed: stored as the first message of a new one
    std::uint64_t session = 0;  // the sender's session
    std::string origin = {};    // of a conversation it opens: "" = reactive (proactive with a rule)
    std::string quoted = {};    // an email's quoted history, kept folded beside the body
    // Files sent with it (attachments/attach.h): an upload's are all kept or the message is
    // refused (`strict`); an email's that the tenant does not take are named, not kept.
    std::vector<attachments::Staged> files = {};
    bool strict_files = true;
  };
  struct Sent {
    Message msg;
    bool duplicate = false;  // the cid was stored before: msg is the original
    std::optional<Conversation> created;
    std::optional<Message> greeting;
  };
  void visitor_message(VisitorMessage in, Done<Sent> done);

  struct LeftMessage {  // the leave-a-message form
    Id visitor = 0;
    std::string cid, name, email, body;
    std::uint64_t session = 0;
  };
  struct Left {
    Conversation conv;
    std::optional<Message> msg;
    bool duplicate = false;
  };
  void leave_message(LeftMessage in, Done<Left> done);
  void close_by_visitor(Id visitor, Done<Conversation> done);

  // ---- the inbound channels (docs/channels.md). Both land on the tenant's site named by
  // `site_key`, or its first site ("" ); bad_request for a site of another tenant, conflict for
  // a tenant with none.
  //
  // The API channel: a source's customer writes through a bridge. The thread (the source's id
  // for the person) is the site's visitor verified as "api:<thread>", made on first use and
  // joined to the contact of `keys` and of the thread itself; its message goes to its open
  // conversation or opens one (origin api, an inbox item like an email).
  struct ChannelMessage {
    Id tenant = 0;
    std::string site_key;
    std::string thread, name, lang;
    std::vector<ContactKey> keys;
    std::string cid, body;
  };
  struct ChannelSent {
    Conversation conv;
    Message msg;
    bool duplicate = false;
    Id contact = 0;
  };
  void channel_message(ChannelMessage in, Done<ChannelSent> done);

  // The email channel: a person's email (never a machine's: the caller drops auto-replies and
  // bounces). A verified reference to one of our replies (`thread`, from mail::thread_of)
  // continues that conversation — or, closed, opens the next one of the same visitor; other
  // mail comes from the sender's email visitor on the site ("email:<address>",
  // unverified: a From can be forged), made on first use. Either way the visitor joins the
  // contact of the address, and the conversation's contact email is the sender's, so agents'
  // answers go back by email, threaded. The email's Message-ID makes it stored once.
  struct EmailMessage {
    Id tenant = 0;
    std::string site_key;
    std::optional<Id> thread;
    std::string from, name, subject, message_id, body;
    std::string quoted;                      // the quoted history and signature folded away from body
    std::vector<attachments::Staged> files;  // its attachments, staged
  };
  // A parsed email (mail::parse_inbound) as the channel stores it: threaded by the first of
  // its references that is one of our signed Message-IDs; its text, or the names of what it
  // carried.
  static EmailMessage email_of(const mail::InboundMail& m, const mail::Identity& identity, Id tenant,
                               std::string site_key);
  void email_message(EmailMessage in, Done<ChannelSent> done);

  // ---- agents
  // Takes a waiting conversation; `over`: also an active one from its agent (a supervisor's
  // take over). Without it, a chat another agent got first is refused (conflict), so that two
  // agents reaching for one queued chat never turn into a take over.
  void take(const AgentIdentity& who, Id conv, bool over, Done<Conversation> done);
  struct Reply {
    Id conv = 0;
    std::string cid, body;
    bool internal = false;  // an internal note: any agent of the tenant, assigns nothing
    std::uint64_t session = 0;
    std::vector<attachments::Staged> files = {};  // an upload's: all kept, or the reply refused
  };
  void reply(const AgentIdentity& who, Reply in, Done<Sent> done);
  void close_by_agent(const AgentIdentity& who, Id conv, Done<Conversation> done);
  struct Transfer {
    Id conv = 0;
    Id to = 0;    // an agent of the tenant, or
    Id team = 0;  // one of its teams
    std::string note;
  };
  void transfer(const AgentIdentity& who, Transfer in, Done<Conversation> done);
  // Steering to the right channel (docs/channels.md): a live chat continues by email. The
  // conversation's contact email becomes `email` (the visitor joins its contact), the agent's
  // `note` is stored as a reply — so its email, the first of the conversation, carries the chat so
  // far (Outbox) and every later answer goes by email too —, the outcome is redirected to email
  // and the answer is due by the tenant's email target. The agent's own chat (or a waiting one,
  // which it takes); not an inbox conversation.
  struct FollowUp {
    Id conv = 0;
    std::string email, name, note, cid;
  };
  void follow_up(const AgentIdentity& who, FollowUp in, Done<Sent> done);
  // Steering to the right channel: the tenant's channel card `card` (chat/desk/cards.h) sent as
  // the agent's message — its text as the body, the card beside it for the widget to draw — and
  // the outcome becomes redirected to the card's channel. Like a reply: the agent's own chat, or
  // a waiting one, which it takes; an answer due is answered.
  struct CardSend {
    Id conv = 0;
    std::string card, cid;
    std::uint64_t session = 0;
  };
  void send_card(const AgentIdentity& who, CardSend in, Done<Sent> done);
  void start(const AgentIdentity& who, Id visitor, std::string cid, std::string body, std::uint64_t session,
             Done<Sent> done);

  // ---- routing (Assigner)
  void assign(Id conv, Id agent, std::function<void(bool ok)> done) override;
  void release(Id conv, Id agent, std::string reason, std::function<void(bool ok)> done) override;

  // Buying signals not seen before in the conversation (recorded once each).
  void add_signals(Id conv, const std::vector<std::string>& signals);

  // ---- the chat lifecycle
  void set_lifecycle(Id tenant, LifecycleSettings settings) { lifecycle_.set_tenant(tenant, settings); }
  // Once a second: closes what the lifecycle says nobody will continue. Several nodes: a chat
  // idle too long is closed by its tenant's owner; one whose visitor left, by the node the
  // visitor's tabs were on (the only one that saw them go).
  void tick();
  void set_owners(const Owners* owners) { owners_ = owners; }

  // Where attachments' bytes are (none: messages with files are refused as unavailable).
  void set_files(const attachments::Files* files) { files_ = files; }

 private:
  void close_stale(const Lifecycle::Due& due);
  // `done`, after marking the staged files' bytes to be swept when the message was refused.
  template <class T>
  Done<T> sweeping(std::vector<attachments::Staged> staged, Done<T> done) {
    if (staged.empty()) return done;
    return [this, staged = std::move(staged), done = std::move(done)](Result<T> r) {
      if (!r) {
        jobs_.run<bool>(
            [staged](Store& st, events::Recorder& rec) -> Result<bool> {
              TRY_OK(attachments::sweep_later(st, staged, rec.now()));
              return true;
            },
            [](const Result<bool>&) {});
      }
      done(std::move(r));
    };
  }
  void record_presence(const Lifecycle::PresenceChange& change);

  Jobs& jobs_;
  const Owners* owners_ = nullptr;
  const attachments::Files* files_ = nullptr;
  Lifecycle lifecycle_;
  std::vector<std::string> noted_;                            // scratch
  std::unordered_map<Id, std::vector<std::string>> signals_;  // open conv -> signals recorded
  std::unordered_set<Id> closing_;                            // lifecycle closes in flight
};

// The one answer for an agent who is unknown or serves only other tenants: walking ids must
// not tell other tenants' agents from nobody.
Error no_such_agent();

}  // namespace tiski
