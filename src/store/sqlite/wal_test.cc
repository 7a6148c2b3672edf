// The SQLite store's write-ahead log stays bounded while writes never pause.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/conformance.h"
#include "store/sqlite/sqlite_engine.h"

namespace tiski {
namespace {

// Commits back to back, as the store thread does under a steady load, each a few dozen pages;
// the background checkpointer runs meanwhile. Before the writer checkpointed past
// kWalRestartPages, the WAL only grew (to 70 MB in 400 such commits; 285 MB in a 20 s benchmark).
TEST(SqliteStore, TheWriteAheadLogStaysBoundedUnderSteadyWrites) {
  auto dir = std::filesystem::temp_directory_path() / ("tiski-wal-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = (dir / "t.db").string();
  {
    auto st = std::move(SqliteStore::open(path)).value();
    auto site = conformance::second_tenant(*st).second.value();
    std::vector<Id> convs;
    for (int i = 0; i < 4; ++i) {  // a conversation holds 5,000 lines
      auto v = st->create_visitor(site.id, "fi", 2).value();
      convs.push_back(st->create_conversation(v.id, "reactive", 3).value().id);
    }
    std::uintmax_t largest = 0;
    const int commits = 800, lines = 25;  // ~24,000 frames: 98 MB if the WAL never restarted
    for (int c = 0; c < commits; ++c) {
      ASSERT_TRUE(st->begin().ok());
      for (int i = 0; i < lines; ++i) {
        Message m;
        m.conv_id = convs[static_cast<std::size_t>(c % 4)];
        m.author = "visitor";
        m.body = std::string(3900, static_cast<char>('a' + (c + i) % 26));
        m.at = 10 + c;
        ASSERT_TRUE(st->append_message(m).ok());
      }
      ASSERT_TRUE(st->commit().ok());
      largest = std::max(largest, std::filesystem::file_size(path + "-wal"));
    }
    // A commit here writes ~30 frames of 4,120 bytes; the writer checkpoints at the first
    // commit past the limit, or, while the background checkpointer holds the checkpoint, at the
    // first commit after it finished: as many commits late as fit in one background checkpoint
    // of ~16 MB, which on a busy machine is dozens (the WAL reached 19.5 MB here once).
    const std::uintmax_t frame = 4096 + 24;
    EXPECT_LT(largest, 2 * SqliteStore::kWalRestartPages * frame);
    EXPECT_GT(largest, SqliteStore::kWalRestartPages * frame / 2);  // it did fill before restarting
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tiski
