#include "chat/attachments/attach.h"

#include <boost/asio/post.hpp>

#include "util/log.h"

namespace tiski::attachments {
namespace {

// What every file must pass wherever it is sent; the tenant's policy is applied in keep_files.
const Policy& widest() {
  static const Policy p = [] {
    Policy w;
    w.max_bytes = kMaxFileBytes;
    w.types = {"*"};
    return w;
  }();
  return p;
}

}  // namespace

Staged stage_file(const Files& files, Id tenant, std::string_view name, std::string_view bytes) {
  Staged s;
  s.tenant = tenant;
  s.size = static_cast<std::int64_t>(bytes.size());
  auto checked = check(name, bytes, widest());
  if (!checked) {
    s.file.name = clean_name(name);
    s.error = checked.error();
    return s;
  }
  s.file = *std::move(checked);
  auto sha = files.put(tenant, bytes);
  if (!sha) {
    log::error("an attachment could not be kept", {{"tenant", tenant}, {"error", sha.error().message}});
    s.error = sha.error();
    return s;
  }
  s.sha256 = *std::move(sha);
  return s;
}

Result<std::vector<FileRef>> keep_files(Store& st, const Files& files, const Conversation& conv, bool internal,
                                        const std::vector<Staged>& staged, bool strict, Millis now,
                                        std::vector<Id>& rows) {
  auto policy = stored_policy(TRY(st.tenant_by_id(conv.tenant_id)).attachments);
  std::vector<FileRef> refs;
  for (std::size_t i = 0; i < staged.size(); ++i) {
    const auto& s = staged[i];
    FileRef ref{0, s.file.name, s.file.type, s.size, false, 0, 0, "", s.body};
    std::optional<Error> refusal = s.error;
    if (!refusal && i >= kMaxFilesPerMessage + (staged.front().body ? 1 : 0))  // an email's HTML is no file
      refusal = Error::too_large("at most " + std::to_string(kMaxFilesPerMessage) + " files in one message");
    if (!refusal && !s.body && s.size > policy.max_bytes)
      refusal = Error::too_large("the file '" + s.file.name + "' is larger than " +
                                 std::to_string(policy.max_bytes / 1'000'000) + " MB");
    if (!refusal && !s.body && !policy.allows(extension_of(s.file.name)))
      refusal = Error::bad_request("files of type '" + extension_of(s.file.name) + "' are not accepted here");
    if (!refusal && !files.exists(conv.tenant_id, s.sha256))
      refusal = Error::unavailable("the file was not kept: send it again");
    if (refusal) {
      if (strict) return *refusal;
      // Bytes staged but refused here (a type or size the tenant does not take, one file too
      // many): nothing will name them, so they go with the next sweep unless a row does.
      if (!s.sha256.empty()) TRY_OK(st.sweep_later(FileKey{s.tenant, s.sha256}, now));
      ref.refused = refusal->message;
      ref.type.clear();
      refs.push_back(std::move(ref));
      continue;
    }
    Attachment a;
    a.tenant_id = conv.tenant_id;
    a.conv_id = conv.id;
    a.internal = internal;
    a.sha256 = s.sha256;
    a.name = s.file.name;
    a.type = s.file.type;
    a.size = s.size;
    a.image = s.file.image;
    a.width = s.file.width;
    a.height = s.file.height;
    a.created_at = now;
    auto kept = TRY(st.add_attachment(a));
    rows.push_back(kept.id);
    ref.id = kept.id;
    ref.image = kept.image;
    ref.width = kept.width;
    ref.height = kept.height;
    refs.push_back(std::move(ref));
  }
  return refs;
}

Status sweep_later(Store& st, const std::vector<Staged>& staged, Millis now) {
  for (const auto& s : staged)
    if (!s.sha256.empty()) TRY_OK(st.sweep_later(FileKey{s.tenant, s.sha256}, now));
  return {};
}

Result<std::size_t> sweep(Store& st, const Files& files, std::size_t limit, Millis now) {
  auto gone = TRY(st.files_to_sweep(now - kSweepAfterMs, limit));
  for (const auto& k : gone) files.remove(k.tenant_id, k.sha256);
  return gone.size();
}

void Stager::stage(Id tenant, std::vector<Upload> uploads, std::function<void(std::vector<Staged>)> done) {
  boost::asio::post(pool_, [this, tenant, uploads = std::move(uploads), done = std::move(done)]() mutable {
    std::vector<Staged> out;
    for (const auto& u : uploads) out.push_back(stage_file(files_, tenant, u.name, u.bytes));
    to_domain_([done = std::move(done), out = std::move(out)]() mutable { done(std::move(out)); });
  });
}

void Stager::read(Id tenant, std::string sha256, std::function<void(Result<std::string>)> done) {
  boost::asio::post(pool_, [this, tenant, sha256 = std::move(sha256), done = std::move(done)]() mutable {
    auto bytes = files_.read(tenant, sha256);
    to_domain_([done = std::move(done), bytes = std::move(bytes)]() mutable { done(std::move(bytes)); });
  });
}

}  // namespace tiski::attachments
