// The data directory on disk (docs/operations.md): tiski.db (everything), reports.db (the
// reports' cache, rebuilt from tiski.db), backups/ (copies taken before schema upgrades and
// before a restore), and tiski.lock, held by `tiski serve` and `tiski restore` so that neither
// runs while the other does.
#pragma once

#include <string>

#include "util/error.h"

namespace tiski::cli {

// An exclusive lock on the data directory for this process's lifetime (released when it
// exits); conflict if another process holds it.
Result<int> lock_data_dir(const std::string& dir);

// A copy of tiski.db into backups/<prefix>-<UTC time>.db; the path of the copy.
Result<std::string> backup_into_dir(const std::string& dir, const std::string& prefix);

}  // namespace tiski::cli
