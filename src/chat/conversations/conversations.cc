// The visitor's side of conversations, routing's assignments, signals and the lifecycle; the
// agent's commands are in agent_commands.cc.
#include "chat/conversations/conversations.h"

#include <algorithm>

#include "chat/contacts/contacts.h"
#include "chat/conversations/records.h"
#include "chat/presence/response_targets.h"
#include "util/crypto.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/text.h"

namespace tiski {

using events::Recorder;

Error no_such_agent() { return Error::bad_request("no such agent in this conversation's tenant"); }

Conversations::Conversations(Jobs& jobs, EventBus& bus) : jobs_(jobs) {
  using namespace events;
  auto track = [this](const Conversation& c) {
    lifecycle_.update(c, jobs_.now());
    if (c.status == conv_status::kClosed) {
      signals_.erase(c.id);
    } else if (!c.signals.empty()) {
      signals_[c.id] = c.signals;
    }
  };
  bus.on<ConversationCreated>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationAssigned>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationReassigned>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationTransferred>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationClosed>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationContact>([track](const auto& e) { track(e.conv); });
  bus.on<ConversationUpdated>([track](const auto& e) { track(e.conv); });
  bus.on<SignalDetected>([track](const auto& e) { track(e.conv); });
  // Recorded here or by another node: a visitor already on this node is back at once.
  bus.on<VisitorLeft>([track](const auto& e) { track(e.conv); });
  bus.on<MessageStored>([this](const auto& e) { lifecycle_.message(e.msg.conv_id, e.msg.at); });
  bus.on<VisitorPresence>([this](const auto& e) { lifecycle_.visitor_present(e.visitor, e.present, jobs_.now()); });
}

// --------------------------------------------------------------------------- visitors

namespace {

// An inbox conversation's customer wrote: unless an answer is already due, it is due by the
// tenant's target for the channel, counted from now (docs/channels.md).
Status mark_due(Store& st, Recorder& rec, Id conv_id) {
  auto c = TRY(st.conversation(conv_id));
  if (!origin::is_inbox(c.origin) || c.due_at || c.status == conv_status::kClosed) return {};
  auto t = TRY(st.tenant_by_id(c.tenant_id));
  auto due = due_at(stored_targets(t.response_targets), t.hours, c.origin, rec.now());
  if (!due) return {};
  TRY_OK(rec.add(events::ConversationUpdated{TRY(st.set_due(c.id, due, 0, 0))}));
  return {};
}

using Sent = Conversations::Sent;
using VisitorMessage = Conversations::VisitorMessage;

// A message the visitor wrote: in the chat, or in the leave-a-message form.
Message visitor_line(Id conv, Id visitor, const std::string& body, const std::string& cid, Millis at) {
  Message m;
  m.conv_id = conv;
  m.author = "visitor";
  m.author_id = visitor;
  m.body = body;
  m.cid = cid;
  m.at = at;
  return m;
}

// The message into an open conversation (a re-sent cid finds the original).
Result<Sent> append_visitor(Store& st, Recorder& rec, const VisitorMessage& in, Id conv, const attachments::Files* fs) {
  auto line = visitor_line(conv, in.visitor, in.body, in.cid, rec.now());
  line.quoted = in.quoted;
  auto a = TRY(conversations::append_with_files(st, fs, line, in.files, false, in.strict_files, rec.now()));
  Sent r;
  r.msg = a.msg;
  r.duplicate = a.duplicate;
  if (!a.duplicate) TRY_OK(rec.add(events::MessageStored{a.msg, in.visitor, in.session}));
  return r;
}

// A new conversation: the greeting the widget showed (the site's in the visitor's language, or
// the invitation's) becomes its first message, so the agent reads exactly what the visitor saw —
// the only automated message — and the visitor's words the second.
Result<Sent> open_with(Store& st, Recorder& rec, const VisitorMessage& in, const Conversation& conv,
                       const attachments::Files* fs) {
  if (in.rule) {
    if (auto a = st.accept_invitation(in.visitor, in.rule, conv.id); !a && a.error().code != Errc::kNotFound)
      return a.error();
  }
  std::optional<Message> greeting;
  if (!in.greeting.empty())
    greeting = TRY(st.append_message(conversations::system_line(conv.id, in.greeting, conv.created_at))).msg;
  auto line = visitor_line(conv.id, in.visitor, in.body, in.cid, rec.now());
  line.quoted = in.quoted;
  auto a = TRY(conversations::append_with_files(st, fs, line, in.files, false, in.strict_files, rec.now()));
  Sent r;
  r.msg = a.msg;
  r.greeting = greeting;
  r.created = TRY(st.conversation(conv.id));  // with last_seq and preview
  TRY_OK(rec.add(events::ConversationCreated{*r.created, std::nullopt}));
  if (in.rule) TRY_OK(rec.add(events::InvitationAccepted{*r.created, in.rule}));
  if (greeting) TRY_OK(rec.add(events::MessageStored{*greeting, in.visitor, 0}));
  TRY_OK(rec.add(events::MessageStored{a.msg, in.visitor, in.session}));
  return r;
}

Result<Sent> store_visitor_message(Store& st, Recorder& rec, const VisitorMessage& in, const attachments::Files* fs) {
  // Fast path: append straight to the conversation the session knows is open. The append
  // itself checks that it still is (conflict if it was closed meanwhile).
  if (in.known != 0) {
    auto r = append_visitor(st, rec, in, in.known, fs);
    if (r || (r.error().code != Errc::kConflict && r.error().code != Errc::kNotFound)) return r;
  }
  if (auto open = TRY(st.open_conversation_of(in.visitor))) return append_visitor(st, rec, in, open->id, fs);
  std::string_view kind = !in.origin.empty() ? std::string_view(in.origin)
                          : in.rule          ? origin::kProactive
                                             : origin::kReactive;
  auto created = st.create_conversation(in.visitor, kind, rec.now(),
                                        in.rule ? std::optional<std::int64_t>(in.rule) : std::nullopt);
  if (!created && created.error().code == Errc::kConflict) {
    // Another node opened one between our read and our insert (one open conversation per
    // visitor is a unique index): write there.
    if (auto open = TRY(st.open_conversation_of(in.visitor))) return append_visitor(st, rec, in, open->id, fs);
  }
  return open_with(st, rec, in, TRY(std::move(created)), fs);
}

}  // namespace

void Conversations::visitor_message(VisitorMessage in, Done<Sent> done) {
  auto staged = in.files;
  jobs_.run<Sent>(
      [in = std::move(in), fs = files_](Store& st, Recorder& rec) { return store_visitor_message(st, rec, in, fs); },
      sweeping(std::move(staged), std::move(done)));
}

namespace {

// The site an inbound channel writes to: the one named (the tenant's), or the tenant's first.
Result<Site> inbox_site(Store& st, Id tenant, const std::string& key) {
  if (!key.empty()) {
    auto site = st.site_by_key(key);
    if (!site || site->tenant_id != tenant) return Error::bad_request("'site' is not a site of this tenant");
    return site;
  }
  auto sites = TRY(st.sites_of(tenant));
  if (sites.empty()) return Error::conflict("the tenant has no site yet: create one first");
  return sites.front();
}

// A channel's message stored: what the caller answers with. `name`/`email`: the conversation's
// contact details when they differ (the inbox shows the name; replies go to the email).
Result<Conversations::ChannelSent> channel_sent(Store& st, Recorder& rec, const Sent& sent, Id contact,
                                                const std::string& name, const std::string& email) {
  Conversations::ChannelSent r{TRY(st.conversation(sent.msg.conv_id)), sent.msg, sent.duplicate, contact};
  bool rename = !name.empty() && r.conv.contact_name.empty();
  if (rename || r.conv.contact_email != email) {
    r.conv = TRY(st.set_contact(r.conv.id, rename ? name : r.conv.contact_name, email));
    TRY_OK(rec.add(events::ConversationContact{r.conv}));
  }
  return r;
}

// The thread's visitor: made on first use, verified (the tenant's own token vouches for it).
Result<Visitor> thread_visitor(Store& st, const Site& site, const Conversations::ChannelMessage& in, Millis now) {
  std::string external = "api:" + in.thread;
  if (auto v = TRY(st.verified_visitor(site.id, external))) return *std::move(v);
  auto v = TRY(st.create_visitor(site.id, in.lang, now));
  v.identity = VisitorIdentity{external, in.name, "", true};
  TRY_OK(st.set_visitor_identity(v.id, v.identity));
  return v;
}

Result<Conversations::ChannelSent> store_channel(Store& st, Recorder& rec, const Conversations::ChannelMessage& in) {
  auto site = TRY(inbox_site(st, in.tenant, in.site_key));
  auto v = TRY(thread_visitor(st, site, in, rec.now()));
  std::vector<ContactKey> keys{contacts::identity_key(site.key, v.identity.external_id)};
  keys.insert(keys.end(), in.keys.begin(), in.keys.end());
  Id contact = TRY(contacts::attach(st, v, keys, in.name, rec.now()));
  VisitorMessage m{v.id, 0, in.cid, in.body, 0, "", 0, std::string(origin::kApi)};
  auto sent = TRY(store_visitor_message(st, rec, m, nullptr));
  if (!sent.duplicate) TRY_OK(mark_due(st, rec, sent.msg.conv_id));
  return channel_sent(st, rec, sent, contact, in.name, "");
}

// An email's message at most: its text (the parser keeps 32,000 bytes) and a subject line.
constexpr std::size_t kMaxEmailBodyBytes = 34'000;

// The sender's email visitor on the site: the contact of the address's visitor made for email.
Result<Visitor> email_visitor(Store& st, const Site& site, const Conversations::EmailMessage& in, const ContactKey& key,
                              Millis now) {
  std::string external = "email:" + in.from;
  if (auto owners = TRY(st.contacts_with_keys(in.tenant, {key})); !owners.empty()) {
    for (auto& v : TRY(st.contact_visitors(in.tenant, owners.front(), 50))) {
      if (v.site_id == site.id && v.identity.external_id == external) return std::move(v);
    }
  }
  auto v = TRY(st.create_visitor(site.id, "fi", now));
  v.identity = VisitorIdentity{external, in.name, in.from, false};
  TRY_OK(st.set_visitor_identity(v.id, v.identity));
  return v;
}

Result<Conversations::ChannelSent> store_email(Store& st, Recorder& rec, const Conversations::EmailMessage& in,
                                               const attachments::Files* fs) {
  Id visitor = 0;
  Id known = 0;
  if (in.thread) {  // one of our replies, of this tenant: its visitor writes
    if (auto c = st.conversation(*in.thread); c && c->tenant_id == in.tenant) {
      visitor = c->visitor_id;
      if (c->status != conv_status::kClosed) known = c->id;
    }
  }
  auto key = TRY(contacts::make_key(contacts::kEmail, in.from));
  auto v = visitor ? TRY(st.visitor_by_id(visitor))
                   : TRY(email_visitor(st, TRY(inbox_site(st, in.tenant, in.site_key)), in, key, rec.now()));
  Id contact = TRY(contacts::attach(st, v, {key}, in.name, rec.now()));
  // An email that opens a conversation has its subject as the first line (the answer's subject is
  // "Re: " it: chat/outbox); one into an open conversation is that thread's.
  std::string body = known || in.subject.empty() ? in.body : in.subject + "\n\n" + in.body;
  std::string cid =
      "mail:" + crypto::sha256_hex(in.message_id.empty() ? in.from + "\n" + body : in.message_id).substr(0, 40);
  VisitorMessage m{v.id,
                   known,
                   cid,
                   clip(body, kMaxEmailBodyBytes),
                   0,
                   "",
                   0,
                   std::string(origin::kEmail),
                   clip(in.quoted, mail::kMaxInboundTextBytes)};
  m.files = in.files;
  m.strict_files = false;  // a file the tenant does not take is named, the email kept
  auto sent = TRY(store_visitor_message(st, rec, m, fs));
  if (!sent.duplicate) TRY_OK(mark_due(st, rec, sent.msg.conv_id));
  return channel_sent(st, rec, sent, contact, in.name, in.from);  // answers go back to this address
}

}  // namespace

Conversations::EmailMessage Conversations::email_of(const mail::InboundMail& m, const mail::Identity& identity,
                                                    Id tenant, std::string site_key) {
  EmailMessage e;
  e.tenant = tenant;
  e.site_key = std::move(site_key);
  for (const auto& ref : m.references) {
    if (auto conv = mail::thread_of(identity, ref)) {
      e.thread = *conv;
      break;
    }
  }
  e.from = m.from;
  e.name = m.from_name;
  e.subject = m.subject;
  e.message_id = m.message_id;
  e.body = m.text;
  e.quoted = m.quoted;
  // An email of attachments alone is its files (email_message keeps them); one of nothing says so.
  if (e.body.empty() && m.attachments.empty()) e.body = "[—]";
  return e;
}

void Conversations::email_message(EmailMessage in, Done<ChannelSent> done) {
  auto staged = in.files;
  jobs_.run<ChannelSent>(
      [in = std::move(in), fs = files_](Store& st, Recorder& rec) { return store_email(st, rec, in, fs); },
      sweeping(std::move(staged), std::move(done)));
}

void Conversations::channel_message(ChannelMessage in, Done<ChannelSent> done) {
  jobs_.run<ChannelSent>([in = std::move(in)](Store& st, Recorder& rec) { return store_channel(st, rec, in); },
                         std::move(done));
}

void Conversations::leave_message(LeftMessage in, Done<Left> done) {
  jobs_.run<Left>(
      [in = std::move(in)](Store& st, Recorder& rec) -> Result<Left> {
        Left r;
        auto open = TRY(st.open_conversation_of(in.visitor));
        Id conv = 0;
        if (open) {
          conv = open->id;
        } else {
          if (in.body.empty()) return Error::bad_request("write a message");
          auto c = TRY(st.create_conversation(in.visitor, origin::kOffline, rec.now()));
          conv = c.id;
          TRY_OK(rec.add(events::ConversationCreated{c, std::nullopt}));
        }
        auto withc = TRY(st.set_contact(conv, in.name, in.email));
        TRY_OK(rec.add(events::ConversationContact{withc}));
        // The email typed joins the visitor to the person who has it (docs/contacts.md).
        if (auto key = contacts::make_key(contacts::kEmail, in.email)) {
          TRY(contacts::attach(st, TRY(st.visitor_by_id(in.visitor)), {*key}, in.name, rec.now()));
        }
        if (!in.body.empty()) {
          auto a = TRY(st.append_message(visitor_line(conv, in.visitor, in.body, in.cid, rec.now())));
          r.msg = a.msg;
          r.duplicate = a.duplicate;
          if (!a.duplicate) TRY_OK(rec.add(events::MessageStored{a.msg, in.visitor, in.session}));
          if (!a.duplicate) TRY_OK(mark_due(st, rec, conv));
        }
        r.conv = TRY(st.conversation(conv));
        return r;
      },
      std::move(done));
}

void Conversations::close_by_visitor(Id visitor, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [visitor](Store& st, Recorder& rec) -> Result<Conversation> {
        auto open = TRY(st.open_conversation_of(visitor));
        if (!open) return Error::conflict("there is no open conversation");
        auto c = TRY(st.close(open->id, rec.now()));
        TRY_OK(rec.add(events::ConversationClosed{c, "visitor", std::nullopt, "", 0}));
        return c;
      },
      std::move(done));
}

// ---------------------------------------------------------------------------- routing

void Conversations::assign(Id conv, Id agent, std::function<void(bool ok)> done) {
  jobs_.run<Conversation>(
      [conv, agent](Store& st, Recorder& rec) -> Result<Conversation> {
        auto a = TRY(st.assign(conv, agent, rec.now()));
        TRY_OK(rec.add(events::ConversationAssigned{a, agent, events::By::kAuto}));
        return a;
      },
      [conv, agent, done](const Result<Conversation>& r) {
        // A conflict is the expected race (someone took it by hand, or it closed); anything
        // else is a failure the operator must see. Routing retries either way.
        if (!r && r.error().code != Errc::kConflict) {
          log::error("assigning a chat failed", {{"conv", conv}, {"agent", agent}, {"error", r.error().message}});
        }
        done(r.ok());
      });
}

void Conversations::release(Id conv, Id agent, std::string reason, std::function<void(bool ok)> done) {
  jobs_.run<Conversation>(
      [conv, agent, reason](Store& st, Recorder& rec) -> Result<Conversation> {
        auto r = TRY(st.release_assignment(conv, agent));
        TRY_OK(rec.add(events::ConversationReassigned{r, agent, reason}));
        return r;
      },
      [conv, reason, done](const Result<Conversation>& r) {
        if (r) log::info("unanswered chat back in the queue", {{"conv", conv}, {"reason", reason}});
        if (!r && r.error().code != Errc::kConflict) {
          log::error("returning a chat to the queue failed", {{"conv", conv}, {"error", r.error().message}});
        }
        done(r.ok());  // a conflict: answered or closed meanwhile
      });
}

void Conversations::add_signals(Id conv, const std::vector<std::string>& found) {
  if (found.empty() || !lifecycle_.is_open(conv)) return;
  auto& known = signals_[conv];
  std::vector<std::string> fresh;
  for (auto& sig : found) {
    if (std::find(known.begin(), known.end(), sig) == known.end()) fresh.push_back(sig);
  }
  if (fresh.empty()) return;
  known.insert(known.end(), fresh.begin(), fresh.end());  // no second job for the same ones
  jobs_.run<bool>(
      [conv, fresh](Store& st, Recorder& rec) -> Result<bool> {
        auto r = TRY(st.add_signals(conv, fresh));
        if (r.second) TRY_OK(rec.add(events::SignalDetected{r.first, fresh}));
        return r.second;
      },
      [conv](const Result<bool>& r) {
        if (!r) log::warn("buying signals not recorded", {{"conv", conv}, {"error", r.error().message}});
      });
}

// -------------------------------------------------------------------------- lifecycle

void Conversations::tick() {
  if (jobs_.shutting_down()) return;
  for (const auto& due : lifecycle_.due(jobs_.now())) {
    if (due.reason == Lifecycle::Reason::kIdle && owners_ && !owners_->owns(due.tenant)) continue;
    close_stale(due);
  }
  for (const auto& change : lifecycle_.presence_changes(jobs_.now())) record_presence(change);
}

// The visitor of an open chat left or came back: recorded for the reports (missed and
// abandoned chats are measured against it) and on the conversation (the console shows it).
void Conversations::record_presence(const Lifecycle::PresenceChange& change) {
  jobs_.run<bool>(
      [change](Store& st, Recorder& rec) -> Result<bool> {
        auto c = TRY(st.conversation(change.conv));
        if (c.status == conv_status::kClosed) return false;
        // The store has it already (another node, a return seen twice): nothing to record.
        if (change.present ? !c.visitor_left_at : c.visitor_left_at.has_value()) return false;
        c = TRY(st.set_visitor_left(change.conv, change.present ? std::nullopt : std::optional<Millis>(change.at)));
        if (change.present) {
          TRY_OK(rec.add(events::VisitorReturned{c}));
        } else {
          TRY_OK(rec.add(events::VisitorLeft{c, change.at}));
        }
        return true;
      },
      [this, change](const Result<bool>& r) {
        if (r) return;
        log::warn("a visitor's leaving was not recorded", {{"conv", change.conv}, {"error", r.error().message}});
        lifecycle_.again(change);  // a return left unrecorded would keep the chat from every agent
      });
}

// Closes a chat the lifecycle says nobody will continue; the store re-checks that it still
// qualifies (a message or an agent may have arrived while the job waited).
void Conversations::close_stale(const Lifecycle::Due& due) {
  if (!closing_.insert(due.conv).second) return;
  bool missed = due.reason == Lifecycle::Reason::kMissed;
  Millis idle_ms = jobs_.now() - due.since;
  jobs_.run<Conversation>(
      [conv = due.conv, missed, since = due.since, idle_ms](Store& st, Recorder& rec) -> Result<Conversation> {
        auto c = TRY(st.conversation(conv));
        if (c.status == conv_status::kClosed) return c;
        if (missed ? c.status != conv_status::kWaiting : c.last_at > since) {
          TRY_OK(rec.add(events::ConversationUpdated{c}));  // no longer due: the lifecycle re-arms
          return c;
        }
        if (!missed) {
          auto visitor = TRY(st.visitor_by_id(c.visitor_id));
          auto line = conversations::system_line(
              conv,
              i18n::text("closed.idle", visitor.lang,
                         {{"minutes", std::to_string(std::max<Millis>(1, idle_ms / 60'000))}}),
              rec.now());
          auto a = TRY(st.append_message(line));
          TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, 0}));
        }
        auto closed = TRY(st.close(conv, rec.now()));
        TRY_OK(
            rec.add(events::ConversationClosed{closed, "system", std::nullopt, missed ? "missed" : "idle", idle_ms}));
        return closed;
      },
      [this, conv = due.conv, missed](Result<Conversation> r) {
        closing_.erase(conv);
        if (!r) return log::warn("closing a stale chat failed", {{"conv", conv}, {"error", r.error().message}});
        if (r->status == conv_status::kClosed)
          log::info(missed ? "missed chat closed" : "idle chat closed", {{"conv", conv}});
      });
}

}  // namespace tiski
