#include "chat/outbox/outbox.h"

#include "chat/presence/hours.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {
namespace {

constexpr std::size_t kTranscriptLines = 40;  // the newest lines of a chat continued by email
constexpr std::string_view kNoRelay = "no SMTP relay is configured ([smtp] url); the reply waits in the outbox";

// The tenant's time zone: that of its business hours; none (always open) = UTC.
Result<std::string> time_zone_of(Store& st, Id tenant) {
  for (const auto& t : TRY(st.tenants())) {
    if (t.id != tenant || t.hours.empty()) continue;
    auto hours = parse_hours(t.hours);
    if (hours) return hours->tz;
  }
  return std::string();
}

// The email of reply `seq` of conversation `c`, rendered now and sent as is on every attempt.
// The reply's files as the email's attachments, as many as fit mail::kMaxMailAttachmentBytes
// together; the others are named in the text (the customer asks for them in another way).
Status attach_files(Store& st, const attachments::Files* files, const Message& reply, mail::ReplyInput& in) {
  std::size_t total = 0;
  for (const auto& f : reply.files) {
    if (f.id == 0) continue;
    auto a = st.attachment(f.id);
    if (!a && a.error().code == Errc::kNotFound) continue;  // erased meanwhile
    if (!a) return a.error();
    std::optional<std::string> bytes;
    if (files && total + static_cast<std::size_t>(a->size) <= mail::kMaxMailAttachmentBytes) {
      if (auto b = files->read(a->tenant_id, a->sha256)) bytes = std::move(b).value();
    }
    if (!bytes) {
      in.omitted.push_back(a->name);
      continue;
    }
    total += bytes->size();
    in.files.push_back({a->name, a->type, std::move(*bytes)});
  }
  return {};
}

Result<OutMail> render(Store& st, const mail::Identity& id, bool configured, const attachments::Files* files,
                       const Conversation& c, const Message& reply) {
  auto visitor = TRY(st.visitor_by_id(c.visitor_id));
  // The visitor's latest message before this reply is quoted: it is among the last few.
  auto recent = TRY(st.messages_page(c.id, 0, reply.seq, 20, false));
  mail::ReplyInput in;
  in.conv = c.id;
  in.seq = reply.seq;
  in.lang = visitor.lang;
  in.tenant_name = c.tenant_name;
  in.agent_name = reply.author_name;
  in.to = c.contact_email;
  in.to_name = c.contact_name;
  in.body = reply.body;
  if (c.origin == origin::kEmail) {
    // A new email's subject is its conversation's first line (conversations.cc): the reply's is
    // "Re: " it, as the customer's mail program expects.
    auto first = TRY(st.messages_after(c.id, 0, 1));
    if (!first.empty() && first[0].author == "visitor") {
      const auto& b = first[0].body;
      auto end = b.find("\n\n");
      if (end <= 300) in.subject = b.substr(0, end);  // npos: no subject line
    }
  }
  TRY_OK(attach_files(st, files, reply, in));
  in.date = reply.at;
  in.time_zone = TRY(time_zone_of(st, c.tenant_id));
  for (const auto& m : recent) {
    if (m.author == "visitor") {
      in.original = m.body;
      in.original_at = m.at;
    }
  }
  // A live chat continued by email (docs/channels.md): its first email carries the chat so far.
  if (!origin::is_inbox(c.origin) && TRY(st.mail_of_conversation(c.id, 0, reply.seq - 1)).empty()) {
    auto lines = TRY(st.messages_page(c.id, 0, reply.seq, kTranscriptLines, false));
    for (const auto& m : lines) {  // oldest first
      if (m.author != "visitor" && m.author != "agent") continue;
      in.transcript.push_back({m.author == "visitor", m.author_name, m.body, m.at});
    }
  }
  // Answers come back to the tenant's own mailbox when it has one with an address.
  auto identity = id;
  for (const auto& m : TRY(st.mailboxes(c.tenant_id))) {
    if (m.active && !m.address.empty()) {
      identity.reply_to = m.address;
      break;
    }
  }
  auto rendered = mail::render_reply(identity, in);
  OutMail out;
  out.tenant_id = c.tenant_id;
  out.conv_id = c.id;
  out.seq = reply.seq;
  out.to = c.contact_email;
  out.message_id = rendered.message_id;
  out.mime = std::move(rendered.mime);
  out.next_at = reply.at;
  out.created_at = reply.at;
  if (!configured) out.error = std::string(kNoRelay);
  return out;
}

}  // namespace

Outbox::Outbox(Jobs& jobs, EventBus& bus, mail::Identity identity, bool configured)
    : jobs_(jobs), identity_(std::move(identity)), configured_(configured) {
  bus.on<events::MessageStored>([this, &bus](const auto& e) {
    // Another node's reply is queued by that node.
    if (e.msg.author == "agent" && !bus.remote()) queue(e.msg.conv_id, e.msg.seq);
  });
}

void Outbox::queue(Id conv, std::int64_t seq) {
  jobs_.run<bool>(
      [conv, seq, id = identity_, configured = configured_, files = files_](Store& st,
                                                                            events::Recorder& rec) -> Result<bool> {
        auto c = TRY(st.conversation(conv));
        if (c.contact_email.empty()) return false;  // a live chat: no email
        auto page = TRY(st.messages_page(conv, seq - 1, seq + 1, 1, true));
        if (page.empty() || page[0].author != "agent") return false;
        auto out = TRY(render(st, id, configured, files, c, page[0]));
        auto queued = st.enqueue_mail(out);
        if (!queued && queued.error().code == Errc::kConflict) return false;  // queued before
        if (!queued) return queued.error();
        TRY_OK(rec.add(events::MailChanged{*queued}));
        return true;
      },
      [this, conv](Result<bool> r) {
        if (!r) return log::error("an email reply could not be queued", {{"conv", conv}, {"error", r.error().message}});
        if (*r && mailer_) mailer_->kick();
      });
}

void Outbox::recover(Millis since) {
  jobs_.run<std::vector<std::pair<Id, std::int64_t>>>(
      [since](Store& st, events::Recorder&) { return st.replies_without_mail(since, limits::kMailRecoverBatch); },
      [this](Result<std::vector<std::pair<Id, std::int64_t>>> r) {
        if (!r) return log::error("looking for replies without their email failed", {{"error", r.error().message}});
        if (!r->empty()) log::warn("queueing emails of replies stored before a stop", {{"replies", r->size()}});
        for (auto [conv, seq] : *r) queue(conv, seq);
      });
}

}  // namespace tiski
