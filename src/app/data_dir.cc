#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "store/sqlite/backup.h"

namespace tiski::cli {

namespace fs = std::filesystem;

Result<int> lock_data_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error::internal("cannot create data directory " + dir + ": " + ec.message());
  std::string path = (fs::path(dir) / "tiski.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Error::internal("cannot open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Error::conflict("the data directory " + dir + " is in use by a running `tiski serve` (or restore)");
  }
  return fd;
}

Result<std::string> backup_into_dir(const std::string& dir, const std::string& prefix) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "backups", ec);
  if (ec) return Error::internal("cannot create " + dir + "/backups: " + ec.message());
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  auto to = (fs::path(dir) / "backups" / (prefix + "-" + stamp + ".db")).string();
  for (int n = 2; fs::exists(to); ++n)
    to = (fs::path(dir) / "backups" / (prefix + "-" + stamp + "-" + std::to_string(n) + ".db")).string();
  TRY_OK(sqlite::backup((fs::path(dir) / "tiski.db").string(), to));
  return to;
}

}  // namespace tiski::cli
