// Chat's attachments (docs/attachments.md): files into messages from the REST doors, and files
// out to who may see them. The checks a WebSocket message gets in the gateway are made here for
// an upload too: blocks, the visitor's and the address's rates.
#include "chat/chat.h"

#include "util/web_origin.h"

namespace tiski {
namespace {

std::int64_t total_bytes(const std::vector<attachments::Stager::Upload>& uploads) {
  std::int64_t n = 0;
  for (const auto& u : uploads) n += static_cast<std::int64_t>(u.bytes.size());
  return n;
}

// The first staged file that failed, as the upload's answer.
std::optional<Error> refusal_of(const std::vector<attachments::Staged>& staged) {
  for (const auto& s : staged)
    if (s.error) return s.error;
  return std::nullopt;
}

Error no_such_file() { return Error::not_found("no such file"); }

// An email's attachments past what one message keeps: named as refused, their bytes never
// written (an email of thousands of parts wrote every one and kept them all), and the ones the
// parser only counted as one line more.
std::vector<attachments::Staged> not_staged(Id tenant, const std::vector<mail::InboundPart>& parts, std::size_t more) {
  std::vector<attachments::Staged> out;
  auto refusal =
      Error::too_large("at most " + std::to_string(attachments::kMaxFilesPerMessage) + " files in one message");
  for (const auto& a : parts) {
    attachments::Staged s;
    s.tenant = tenant;
    s.file.name = attachments::clean_name(a.filename.empty() ? "liite" : a.filename);
    s.size = static_cast<std::int64_t>(a.bytes);
    s.error = refusal;
    out.push_back(std::move(s));
  }
  if (more > 0) {
    attachments::Staged s;
    s.tenant = tenant;
    s.file.name = "+" + std::to_string(more);
    s.error = Error::too_large(std::to_string(more) + " more files not read");
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

void Chat::visitor_files(VisitorFiles in, std::function<void(Result<Conversations::Sent>)> done) {
  if (!stager_) return done(Error::unavailable("files cannot be kept on this server"));
  const auto* site = sites_.by_id(in.claim.site);
  if (!site) return done(Error::not_found("no such site"));
  Id tenant = site->site.tenant_id;
  Millis now = clock_.now();
  if (!origin_allowed(site->site.origins, in.origin.value_or("")))  // a browser's POST names its page
    return done(Error::forbidden("chat is not available on this page"));
  if (gateway_.visitor_blocked(tenant, in.claim.visitor, in.address))
    return done(Error::forbidden("chat is not available"));
  if (in.uploads.empty() || in.uploads.size() > attachments::kMaxFilesPerMessage)
    return done(Error::bad_request("send 1 to " + std::to_string(attachments::kMaxFilesPerMessage) + " files"));
  if (!abuse_.allow_visitor(in.claim.visitor, AbuseLimits::Action::kMessage, now) ||
      !abuse_.allow(in.address, AbuseLimits::Action::kMessage, now) ||
      !abuse_.allow_upload(in.address, in.claim.visitor, total_bytes(in.uploads), now))
    return done(Error::rate_limited("too many files; wait a moment"));
  auto uploads = std::move(in.uploads);  // before `in` moves into the completion
  stager_->stage(tenant, std::move(uploads),
                 [this, in = std::move(in), done = std::move(done)](std::vector<attachments::Staged> staged) mutable {
                   if (auto e = refusal_of(staged)) return done(*e);  // nothing of it was kept
                   Conversations::VisitorMessage m;
                   m.visitor = in.claim.visitor;
                   m.cid = in.cid;
                   m.body = in.body;
                   m.files = std::move(staged);
                   conversations_.visitor_message(std::move(m), std::move(done));
                 });
}

void Chat::agent_files(const AgentIdentity& who, Conversations::Reply in,
                       std::vector<attachments::Stager::Upload> uploads,
                       std::function<void(Result<Conversations::Sent>)> done) {
  if (!stager_) return done(Error::unavailable("files cannot be kept on this server"));
  if (uploads.empty() || uploads.size() > attachments::kMaxFilesPerMessage)
    return done(Error::bad_request("send 1 to " + std::to_string(attachments::kMaxFilesPerMessage) + " files"));
  auto tenant = router_.tenant_of(in.conv);
  if (!tenant) {
    // Not open (or not known here): the store decides; the files are staged under no tenant
    // the agent does not serve.
    Id conv = in.conv;  // read before `in` moves into the completion
    jobs_.run<Conversation>([conv](Store& st, events::Recorder&) { return st.conversation(conv); },
                            [this, who, in = std::move(in), uploads = std::move(uploads),
                             done = std::move(done)](Result<Conversation> c) mutable {
                              if (!c || !who.member_of(c->tenant_id))
                                return done(Error::not_found("no such conversation"));
                              agent_files_of(c->tenant_id, who, std::move(in), std::move(uploads), std::move(done));
                            });
    return;
  }
  if (!who.member_of(*tenant)) return done(Error::not_found("no such conversation"));
  agent_files_of(*tenant, who, std::move(in), std::move(uploads), std::move(done));
}

void Chat::agent_files_of(Id tenant, const AgentIdentity& who, Conversations::Reply in,
                          std::vector<attachments::Stager::Upload> uploads,
                          std::function<void(Result<Conversations::Sent>)> done) {
  stager_->stage(
      tenant, std::move(uploads),
      [this, who, in = std::move(in), done = std::move(done)](std::vector<attachments::Staged> staged) mutable {
        if (auto e = refusal_of(staged)) return done(*e);
        in.files = std::move(staged);
        conversations_.reply(who, std::move(in), std::move(done));
      });
}

void Chat::inbound_email(mail::InboundMail m, Id tenant, std::string site_key,
                         std::function<void(Result<Conversations::ChannelSent>)> done) {
  auto in = Conversations::email_of(m, mail_identity(), tenant, std::move(site_key));
  if ((m.attachments.empty() && m.html.empty()) || !stager_) return email_message(std::move(in), std::move(done));
  std::vector<attachments::Stager::Upload> uploads;
  bool html = !m.html.empty();  // its HTML first, shown sanitised (mail/html.h), never as a file
  if (html) uploads.push_back({"viesti.html", std::move(m.html)});
  std::size_t staged_parts = std::min(m.attachments.size(), attachments::kMaxFilesPerMessage);
  for (std::size_t i = 0; i < staged_parts; ++i) {
    auto& a = m.attachments[i];
    uploads.push_back({a.filename.empty() ? "liite" : a.filename, std::move(a.content)});
  }
  m.attachments.erase(m.attachments.begin(), m.attachments.begin() + static_cast<std::ptrdiff_t>(staged_parts));
  auto rest = not_staged(tenant, m.attachments, m.more_attachments);
  stager_->stage(tenant, std::move(uploads),
                 [this, html, rest = std::move(rest), in = std::move(in),
                  done = std::move(done)](std::vector<attachments::Staged> staged) mutable {
                   if (html && !staged.empty()) staged.front().body = true;
                   std::ranges::move(rest, std::back_inserter(staged));
                   in.files = std::move(staged);
                   email_message(std::move(in), std::move(done));
                 });
}

void Chat::read_file(Result<Attachment> a, std::function<void(Result<FileOut>)> done) {
  if (!a) return done(a.error());
  if (!stager_) return done(Error::unavailable("files cannot be read on this server"));
  Id tenant = a->tenant_id;
  std::string sha = a->sha256;
  stager_->read(tenant, std::move(sha),
                [file = *std::move(a), done = std::move(done)](Result<std::string> bytes) mutable {
                  if (!bytes) return done(bytes.error());
                  done(FileOut{std::move(file), std::move(bytes).value()});
                });
}

void Chat::visitor_file(VisitorClaim claim, Id file, const std::optional<std::string>& origin,
                        std::function<void(Result<FileOut>)> done) {
  // A same-origin GET has no Origin (the widget on the server's own pages): only a page named
  // and not on the site's list is refused.
  const auto* site = sites_.by_id(claim.site);
  if (site && origin && !origin_allowed(site->site.origins, *origin))
    return done(Error::forbidden("chat is not available on this page"));
  jobs_.run<Attachment>(
      [claim, file](Store& st, events::Recorder&) -> Result<Attachment> {
        auto a = st.attachment(file);
        if (!a) return a.error().code == Errc::kNotFound ? no_such_file() : a.error();
        auto c = TRY(st.conversation(a->conv_id));
        if (a->internal || c.visitor_id != claim.visitor || c.site_id != claim.site) return no_such_file();
        return a;
      },
      [this, done = std::move(done)](Result<Attachment> a) mutable { read_file(std::move(a), std::move(done)); });
}

void Chat::agent_file(const AgentIdentity& who, Id conv, Id file, std::function<void(Result<FileOut>)> done) {
  agent_file_if(who, conv, file, false, std::move(done));
}

void Chat::agent_email_body(const AgentIdentity& who, Id conv, Id file, std::function<void(Result<FileOut>)> done) {
  agent_file_if(who, conv, file, true, std::move(done));
}

void Chat::agent_file_if(const AgentIdentity& who, Id conv, Id file, bool email_body,
                         std::function<void(Result<FileOut>)> done) {
  jobs_.run<Attachment>(
      [who, conv, file, email_body](Store& st, events::Recorder&) -> Result<Attachment> {
        auto a = st.attachment(file);
        if (!a) return a.error().code == Errc::kNotFound ? no_such_file() : a.error();
        if (a->conv_id != conv || !who.member_of(a->tenant_id)) return no_such_file();
        if (email_body && !TRY(st.is_email_body(conv, file)))
          return Error::bad_request("only an HTML email can be viewed");
        return a;
      },
      [this, done = std::move(done)](Result<Attachment> a) mutable { read_file(std::move(a), std::move(done)); });
}

}  // namespace tiski
