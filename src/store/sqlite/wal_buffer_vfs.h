// A SQLite VFS that writes each commit's WAL frames with one system call instead of two per
// frame.
//
// SQLite appends a WAL frame as two writes (its 24-byte header, then the page), so a group
// commit of fourteen pages was 28 `pwrite`s, followed by one `fdatasync`: 3.6 system calls per
// persisted message, two thirds of the store thread's (docs/performance.md, stop 40). On a
// virtual machine every system call is an exit to the host. This VFS wraps the default one
// ("unix") and, for WAL files only, gathers writes that continue one another in a buffer; the
// buffer goes to the file in one `pwrite` before anything that needs it there: a sync, a read,
// the file's size, a truncate, a close, a write that does not continue it, or when it holds
// kBufferBytes. Every other file (the database, its shared memory) is the default VFS's own.
//
// Safe only where every commit syncs the WAL (PRAGMA synchronous=FULL or EXTRA): then every
// committed frame is in the file before SQLite publishes the commit to other connections (it
// syncs before it updates the WAL index), and a crash loses only frames no commit covers — as
// it would without the buffer. With synchronous=NORMAL a commit is published without a sync,
// and another connection could read a frame still in the buffer. SqliteStore::open sets FULL on
// the one connection opened with this VFS, the writer.
//
// A write error surfaces at whichever operation flushed, and the bytes stay buffered until a
// flush succeeds: the commit's sync cannot succeed while a frame it covers is not in the file,
// so the commit fails and SQLite rolls back, as it would had the write itself failed. Bytes
// still buffered when the WAL starts over (a write at offset 0) belong to no commit and are
// dropped.
//
// Thread-safety: as SQLite's own files, a file object is used by one connection at a time.
#pragma once

#include <sqlite3.h>

#include <cstddef>

namespace tiski {

// The buffer's size: a commit of more frames than fit is written in several pieces. The unix
// VFS writes at most 128 KiB - 1 bytes in one call (it masks the length), so this stays under.
inline constexpr std::size_t kWalBufferBytes = 120 * 1024;

// Registers (once; not as the default) a VFS named `name` over `base` (nullptr: the default
// VFS) and returns it, or nullptr if SQLite could not register it. Tests pass a base of their
// own that counts or fails writes.
sqlite3_vfs* register_wal_buffer_vfs(const char* name, sqlite3_vfs* base = nullptr);

// The VFS the store's writer opens its database with ("tiski-wal", over the default VFS).
const char* wal_buffer_vfs_name();

}  // namespace tiski
