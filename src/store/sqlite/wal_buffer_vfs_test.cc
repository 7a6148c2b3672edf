// The WAL write buffer: a commit's frames in one write, read back while buffered, a failed
// write failing its commit and nothing committed lost.
#include "store/sqlite/wal_buffer_vfs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

namespace tiski {
namespace {

namespace fs = std::filesystem;

// The unix VFS's own write calls, replaced (xSetSystemCall) to count and fail the writes that
// go to a WAL file. Only this file's tests use them, one at a time.
int wal_writes = 0;
bool fail_wal_writes = false;
sqlite3_syscall_ptr real_pwrite = nullptr;
sqlite3_syscall_ptr real_pwrite64 = nullptr;

bool is_wal(int fd) {
  std::error_code ec;
  auto target = fs::read_symlink("/proc/self/fd/" + std::to_string(fd), ec).string();
  return !ec && target.size() > 4 && target.compare(target.size() - 4, 4, "-wal") == 0;
}
// Counts a write and says whether to fail it.
bool refused(int fd) {
  if (!is_wal(fd)) return false;
  ++wal_writes;
  if (fail_wal_writes) errno = EIO;
  return fail_wal_writes;
}
ssize_t counting_pwrite(int fd, const void* buf, size_t n, off_t off) {
  if (refused(fd)) return -1;
  return reinterpret_cast<ssize_t (*)(int, const void*, size_t, off_t)>(real_pwrite)(fd, buf, n, off);
}
ssize_t counting_pwrite64(int fd, const void* buf, size_t n, off64_t off) {
  if (refused(fd)) return -1;
  return reinterpret_cast<ssize_t (*)(int, const void*, size_t, off64_t)>(real_pwrite64)(fd, buf, n, off);
}

class WalBuffer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tiski-walbuf-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    unix_ = sqlite3_vfs_find("unix");
    ASSERT_NE(unix_, nullptr);
    real_pwrite = unix_->xGetSystemCall(unix_, "pwrite");
    real_pwrite64 = unix_->xGetSystemCall(unix_, "pwrite64");
    // Debian's SQLite writes with one of the two; the other may be absent.
    ASSERT_TRUE(real_pwrite || real_pwrite64);
    if (real_pwrite) unix_->xSetSystemCall(unix_, "pwrite", reinterpret_cast<sqlite3_syscall_ptr>(counting_pwrite));
    if (real_pwrite64)
      unix_->xSetSystemCall(unix_, "pwrite64", reinterpret_cast<sqlite3_syscall_ptr>(counting_pwrite64));
    wal_writes = 0;
    fail_wal_writes = false;
  }
  void TearDown() override {
    unix_->xSetSystemCall(unix_, nullptr, nullptr);  // every system call back to its default
    fs::remove_all(dir_);
  }

  // A connection as the store's writer opens it (WAL, synchronous=FULL), with `vfs`.
  sqlite3* open(const char* vfs, const std::string& name = "t.db") {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((dir_ / name).c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL");
    return db;
  }
  static int exec(sqlite3* db, const std::string& sql) {
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  static std::int64_t number(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
  }
  static std::string text(sqlite3* db, const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    std::string v = sqlite3_step(st) == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(st, 0)) : "";
    sqlite3_finalize(st);
    return v;
  }
  // One transaction of `rows` rows of ~3 KB each (about a page each), in different places of
  // an index as a group commit of messages to different conversations is.
  static int insert(sqlite3* db, int from, int rows) {
    std::string sql = "BEGIN IMMEDIATE;";
    for (int i = from; i < from + rows; ++i)
      sql += "INSERT INTO t(k, body) VALUES(" + std::to_string((i * 7919) % 100003) + ", printf('%.3000c', 'x'));";
    sql += "COMMIT;";
    return exec(db, sql);
  }

  fs::path dir_;
  sqlite3_vfs* unix_ = nullptr;
};

TEST_F(WalBuffer, ACommitsFramesLeaveInOneWrite) {
  const char* vfs = wal_buffer_vfs_name();
  ASSERT_NE(vfs, nullptr);
  int with = 0, without = 0;
  for (const char* v : {vfs, static_cast<const char*>(nullptr)}) {
    sqlite3* db = open(v, v ? "buffered.db" : "plain.db");
    ASSERT_EQ(exec(db, "CREATE TABLE t(k INTEGER, body TEXT); CREATE INDEX t_k ON t(k)"), SQLITE_OK);
    wal_writes = 0;
    ASSERT_EQ(insert(db, 0, 20), SQLITE_OK);
    (v ? with : without) = wal_writes;
    EXPECT_EQ(number(db, "SELECT count(*) FROM t"), 20);
    sqlite3_close(db);
  }
  // Without the buffer: a header and a page per frame, twenty-odd frames.
  EXPECT_GE(without, 40);
  EXPECT_LE(with, 2) << "without the buffer: " << without;
}

TEST_F(WalBuffer, ACommitLargerThanTheBufferIsWrittenInPieces) {
  sqlite3* db = open(wal_buffer_vfs_name());
  ASSERT_EQ(exec(db, "CREATE TABLE t(k INTEGER, body TEXT)"), SQLITE_OK);
  wal_writes = 0;
  ASSERT_EQ(insert(db, 0, 400), SQLITE_OK);  // ~400 frames, ~1.6 MB
  EXPECT_GE(wal_writes, 12);                 // 120 KiB at a time (the unix VFS writes < 128 KiB in one call)
  EXPECT_LE(wal_writes, 20);
  EXPECT_EQ(number(db, "SELECT count(*) FROM t"), 400);
  sqlite3_close(db);
}

// A transaction larger than the page cache spills pages into the WAL before it commits and
// reads them back: they must come back from the buffer's bytes, not what the file held.
TEST_F(WalBuffer, PagesSpilledBeforeTheCommitAreReadBack) {
  sqlite3* db = open(wal_buffer_vfs_name());
  ASSERT_EQ(exec(db, "PRAGMA cache_size=10; CREATE TABLE t(k INTEGER, body TEXT); CREATE INDEX t_k ON t(k)"),
            SQLITE_OK);
  ASSERT_EQ(exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
  for (int round = 0; round < 3; ++round) {
    std::string sql;
    for (int i = 0; i < 200; ++i)
      sql += "INSERT INTO t(k, body) VALUES(" + std::to_string(round * 1000 + (i * 31) % 200) +
             ", printf('%.2000c', '" + static_cast<char>('a' + round) + "'));";
    ASSERT_EQ(exec(db, sql), SQLITE_OK);
    ASSERT_EQ(exec(db, "UPDATE t SET body = body || 'z' WHERE k % 3 = 0"), SQLITE_OK);
  }
  EXPECT_EQ(number(db, "SELECT count(*) FROM t"), 600);
  ASSERT_EQ(exec(db, "COMMIT"), SQLITE_OK);
  EXPECT_EQ(text(db, "PRAGMA integrity_check"), "ok");
  // Another connection, on the default VFS, reads what was committed.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open_v2((dir_ / "t.db").c_str(), &other, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(number(other, "SELECT count(*) FROM t"), 600);
  EXPECT_EQ(number(other, "SELECT count(*) FROM t WHERE body LIKE '%z'"),
            number(db, "SELECT count(*) FROM t WHERE k % 3 = 0"));
  EXPECT_EQ(text(other, "PRAGMA integrity_check"), "ok");
  sqlite3_close(other);
  sqlite3_close(db);
}

TEST_F(WalBuffer, AFailedWriteFailsItsCommitAndLosesNothingCommitted) {
  sqlite3* db = open(wal_buffer_vfs_name());
  ASSERT_EQ(exec(db, "CREATE TABLE t(k INTEGER, body TEXT)"), SQLITE_OK);
  ASSERT_EQ(insert(db, 0, 5), SQLITE_OK);
  fail_wal_writes = true;
  EXPECT_NE(insert(db, 100, 5), SQLITE_OK);  // the buffered frames' write fails at the sync
  fail_wal_writes = false;
  (void)exec(db, "ROLLBACK");
  EXPECT_EQ(number(db, "SELECT count(*) FROM t"), 5);
  ASSERT_EQ(insert(db, 200, 5), SQLITE_OK);  // and the connection goes on
  sqlite3_close(db);
  sqlite3* again = open(nullptr);
  EXPECT_EQ(number(again, "SELECT count(*) FROM t"), 10);
  EXPECT_EQ(number(again, "SELECT count(*) FROM t WHERE k >= 100 AND k < 200"), 0);
  EXPECT_EQ(text(again, "PRAGMA integrity_check"), "ok");
  sqlite3_close(again);
}

// A flush that fails before a read (pages spilled by a large transaction, read back): the
// transaction commits all or nothing. A review found the first version dropped the bytes, so
// that had SQLite ended only the statement, the commit's sync would have found nothing to write
// and published frames never written; the bytes now stay buffered. (SQLite 3.40 here rolls the
// whole transaction back after such an error, so the first version passed this too; it pins the
// outcome, whichever SQLite does.)
TEST_F(WalBuffer, AFailedFlushBeforeAReadLeavesNoCommitWithoutItsFrames) {
  sqlite3* db = open(wal_buffer_vfs_name());
  ASSERT_EQ(exec(db, "PRAGMA cache_size=10; CREATE TABLE t(k INTEGER, body TEXT); CREATE INDEX t_k ON t(k)"),
            SQLITE_OK);
  ASSERT_EQ(insert(db, 0, 5), SQLITE_OK);
  ASSERT_EQ(exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
  std::string sql;
  for (int i = 0; i < 200; ++i)
    sql += "INSERT INTO t(k, body) VALUES(" + std::to_string(1000 + (i * 37) % 200) + ", printf('%.2000c', 'y'));";
  ASSERT_EQ(exec(db, sql), SQLITE_OK);  // spills pages into the WAL (and the buffer)
  fail_wal_writes = true;
  (void)exec(db, "SELECT count(*), sum(length(body)) FROM t WHERE k >= 1000");  // reads spilled pages back
  (void)exec(db, "INSERT INTO t(k, body) VALUES(5000, 'z')");
  fail_wal_writes = false;
  int committed = exec(db, "COMMIT");
  if (committed != SQLITE_OK) (void)exec(db, "ROLLBACK");
  sqlite3_close(db);
  sqlite3* again = open(nullptr);
  EXPECT_EQ(text(again, "PRAGMA integrity_check"), "ok");
  auto rows = number(again, "SELECT count(*) FROM t WHERE body LIKE 'y%'");
  if (committed == SQLITE_OK) {
    EXPECT_EQ(rows, 200);
  } else {
    EXPECT_EQ(rows, 0);
  }
  EXPECT_EQ(number(again, "SELECT count(*) FROM t WHERE body LIKE 'x%'"), 5);
  sqlite3_close(again);
}

// A WAL left by a writer killed mid-run: what it committed is there when the file is opened
// again (the frames reached the file before each commit returned).
TEST_F(WalBuffer, WhatWasCommittedIsInTheFileWithoutAClose) {
  sqlite3* db = open(wal_buffer_vfs_name());
  ASSERT_EQ(exec(db, "PRAGMA wal_autocheckpoint=0; CREATE TABLE t(k INTEGER, body TEXT)"), SQLITE_OK);
  for (int c = 0; c < 10; ++c) ASSERT_EQ(insert(db, c * 10, 10), SQLITE_OK);
  // Copy the database and its WAL as a crash would leave them (the connection still open).
  fs::copy_file(dir_ / "t.db", dir_ / "copy.db");
  fs::copy_file(dir_ / "t.db-wal", dir_ / "copy.db-wal");
  sqlite3* copy = open(nullptr, "copy.db");
  EXPECT_EQ(number(copy, "SELECT count(*) FROM t"), 100);
  EXPECT_EQ(text(copy, "PRAGMA integrity_check"), "ok");
  sqlite3_close(copy);
  sqlite3_close(db);
}

}  // namespace
}  // namespace tiski
