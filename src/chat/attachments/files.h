// Attachments' bytes on disk, by content: <root>/<tenant>/<first two hex>/<sha256 hex>. The same
// file sent twice in a tenant is kept once; tenants never share a file (nor learn whether
// another has it). A file is written to a temporary name, fsync'd and renamed, the directory
// fsync'd, before anything that refers to it is stored — so an acknowledged message never names
// a file a crash lost. Which rows refer to a file is the store's business (AttachmentRepo);
// remove() is called once none does.
//
// Threading: any thread; each call is a few system calls on its own (a file is written once
// under its final name, atomically).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "store/records.h"
#include "util/error.h"

namespace tiski::attachments {

class Files {
 public:
  explicit Files(std::filesystem::path root) : root_(std::move(root)) {}

  // Keeps the bytes; their SHA-256 in hex (unavailable when the disk refuses).
  Result<std::string> put(Id tenant, std::string_view bytes) const;
  Result<std::string> read(Id tenant, std::string_view sha) const;  // not_found when gone
  bool exists(Id tenant, std::string_view sha) const;
  void remove(Id tenant, std::string_view sha) const;  // gone already is fine
  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path path_of(Id tenant, std::string_view sha) const;
  std::filesystem::path root_;
};

}  // namespace tiski::attachments
