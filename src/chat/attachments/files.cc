#include "chat/attachments/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/crypto.h"
#include "util/log.h"

namespace tiski::attachments {
namespace {

bool is_sha(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Error disk_error(std::string_view what) {
  return Error::unavailable("the file could not be kept (" + std::string(what) + ": " + std::strerror(errno) + ")");
}

// Writes all of `bytes` to the open descriptor and syncs it.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return ::fsync(fd) == 0;
}

bool sync_dir(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::filesystem::path Files::path_of(Id tenant, std::string_view sha) const {
  return root_ / std::to_string(tenant) / std::string(sha.substr(0, 2)) / std::string(sha);
}

Result<std::string> Files::put(Id tenant, std::string_view bytes) const {
  std::string sha = crypto::sha256_hex(bytes);
  auto path = path_of(tenant, sha);
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return sha;  // the same content is already kept
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return Error::unavailable("the file could not be kept (" + ec.message() + ")");
  auto tmp = path;
  tmp += ".tmp" + crypto::random_token(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return disk_error("open");
  bool ok = write_all(fd, bytes);
  ::close(fd);
  if (!ok) {
    auto e = disk_error("write");
    std::filesystem::remove(tmp, ec);
    return e;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = disk_error("rename");
    std::filesystem::remove(tmp, ec);
    return e;
  }
  if (!sync_dir(path.parent_path())) return disk_error("sync");
  return sha;
}

Result<std::string> Files::read(Id tenant, std::string_view sha) const {
  if (!is_sha(sha)) return Error::not_found("no such file");
  std::ifstream in(path_of(tenant, sha), std::ios::binary);
  if (!in) return Error::not_found("the file is no longer kept");
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Error::unavailable("the file could not be read");
  return std::move(out).str();
}

bool Files::exists(Id tenant, std::string_view sha) const {
  std::error_code ec;
  return is_sha(sha) && std::filesystem::exists(path_of(tenant, sha), ec);
}

void Files::remove(Id tenant, std::string_view sha) const {
  if (!is_sha(sha)) return;
  std::error_code ec;
  if (!std::filesystem::remove(path_of(tenant, sha), ec) && ec)
    log::warn("an attachment could not be removed", {{"tenant", tenant}, {"error", ec.message()}});
}

}  // namespace tiski::attachments
