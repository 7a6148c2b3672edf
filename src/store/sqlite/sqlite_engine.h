// The SQLite engine under SqlStore: one database file in WAL mode with synchronous=FULL, so a
// committed batch survives power loss and kill -9. Schema changes are numbered migrations
// applied at open (PRAGMA user_version). Prepared statements are cached per SQL literal.
// For a file database a background thread with its own connection runs PASSIVE checkpoints
// every 100 ms, concurrently with writers, so commits rarely copy pages themselves. The WAL
// file is bounded: past kWalRestartPages frames the writer checkpoints after its commit (only
// what the background thread has not copied yet), and its next transaction restarts the WAL
// from the top, writing over the file's blocks instead of growing it.
#pragma once

#include <memory>
#include <string>

#include "store/sql/sql_store.h"

namespace tiski {

// Process-wide SQLite settings, made before SQLite initialises (any connection, or finding a
// VFS, initialises it; after that the settings are refused): no memory statistics — with them
// every allocation SQLite makes takes one process-wide mutex (6 % of the store thread's time
// under load, perf). Idempotent; main() calls it first, every way in here calls it again.
void configure_sqlite();

// The SQLite store's two ways in.
struct SqliteStore {
  // The WAL frames (pages) past which the writer checkpoints itself: 16 MiB of 4 KiB pages.
  static constexpr int kWalRestartPages = 4096;
  // Opens (creating if needed) and migrates the database at `path` (":memory:" for tests).
  static Result<std::unique_ptr<SqlStore>> open(const std::string& path);
  // A second connection to a database open() has already migrated, for reading only (the
  // report worker's): query_only, no migrations, no checkpointer of its own.
  static Result<std::unique_ptr<SqlStore>> open_reader(const std::string& path);
};

}  // namespace tiski
