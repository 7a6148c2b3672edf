// Files into messages (docs/attachments.md). A file is first staged — checked (any type, at most
// kMaxFileBytes, a picture decoded) and its bytes kept on disk — off the domain thread; then the
// store job that stores the message keeps a row per file under the tenant's policy (size, types)
// and names the files in the message. Bytes a message did not end up naming are marked to be
// swept (store: files_to_sweep), never removed while a row might still refer to them.
//
// Threading: stage_file on any thread (it reads and writes files); keep_files and sweep in store
// jobs; Stager posts its work to a thread of its own and completes through `post`.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "chat/attachments/files.h"
#include "chat/attachments/policy.h"
#include "store/store.h"

namespace tiski::attachments {

// A file checked, its bytes kept (sha256 set), or refused (`error` says why; nothing kept).
struct Staged {
  Id tenant = 0;
  std::string sha256;
  Checked file;
  std::int64_t size = 0;
  bool body = false;           // an email's HTML body: kept whatever the tenant's types and size
  std::optional<Error> error;  // the refusal: an upload's answer, an email's named reason
};
Staged stage_file(const Files& files, Id tenant, std::string_view name, std::string_view bytes);

// The staged files as a message of conversation `conv` names them, a row kept for each under
// the tenant's policy. `strict` (an upload): a file refused (by the check or the policy) is the
// error; otherwise (an email) it is named with its reason and nothing kept. The rows made go to
// `rows`. unavailable when a file's bytes are gone (swept meanwhile: send again).
Result<std::vector<FileRef>> keep_files(Store& st, const Files& files, const Conversation& conv, bool internal,
                                        const std::vector<Staged>& staged, bool strict, Millis now,
                                        std::vector<Id>& rows);
// Marks the staged files' bytes to be swept (a message that was refused: nothing names them).
Status sweep_later(Store& st, const std::vector<Staged>& staged, Millis now);
// Removes the bytes no row has referred to for a while (kSweepAfterMs); the number removed.
inline constexpr Millis kSweepAfterMs = 60'000;
Result<std::size_t> sweep(Store& st, const Files& files, std::size_t limit, Millis now);

// Stages files on a thread of its own, for the domain thread.
class Stager {
 public:
  using Post = std::function<void(std::function<void()>)>;
  struct Upload {
    std::string name;
    std::string bytes;
  };
  Stager(const Files& files, Post to_domain) : files_(files), to_domain_(std::move(to_domain)) {}
  ~Stager() { pool_.join(); }
  void stage(Id tenant, std::vector<Upload> uploads, std::function<void(std::vector<Staged>)> done);
  // Reads a kept file's bytes there; `done` on the domain thread.
  void read(Id tenant, std::string sha256, std::function<void(Result<std::string>)> done);
  const Files& files() const { return files_; }

 private:
  const Files& files_;
  Post to_domain_;
  boost::asio::thread_pool pool_{1};
};

}  // namespace tiski::attachments
