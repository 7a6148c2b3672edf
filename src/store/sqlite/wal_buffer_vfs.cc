// The WAL write buffer (wal_buffer_vfs.h): a VFS whose xOpen wraps WAL files in a file object
// that gathers contiguous writes and flushes them in one write.
#include "store/sqlite/wal_buffer_vfs.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>

namespace tiski {
namespace {

// A WAL file: our methods first (SQLite sees this as its sqlite3_file), the buffer, and the
// base VFS's own file object in the memory after it (szOsFile covers both).
struct WalFile {
  sqlite3_file base;            // must be first: SQLite casts between the two
  sqlite3_file* real;           // the base VFS's file, just after this struct
  std::unique_ptr<char[]> buf;  // allocated at the first write
  std::size_t len = 0;          // bytes buffered
  sqlite3_int64 at = 0;         // the file offset of buf[0]
};

constexpr std::size_t kRealOffset = (sizeof(WalFile) + 15) & ~std::size_t{15};

WalFile* wal(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }

// On an error the bytes stay: every later flush (the commit's sync among them) tries them again,
// so no sync can succeed while a frame it covers is not in the file. (Dropping them would let a
// failure reported to a read, which SQLite may take as one statement's error, be followed by a
// commit whose sync finds nothing to write.)
int flush(WalFile* w) {
  if (w->len == 0) return SQLITE_OK;
  int rc = w->real->pMethods->xWrite(w->real, w->buf.get(), static_cast<int>(w->len), w->at);
  if (rc == SQLITE_OK) w->len = 0;
  return rc;
}

int wal_close(sqlite3_file* f) {
  WalFile* w = wal(f);
  int rc = flush(w);
  int closed = w->real->pMethods->xClose(w->real);
  w->~WalFile();
  return rc != SQLITE_OK ? rc : closed;
}

int wal_read(sqlite3_file* f, void* out, int n, sqlite3_int64 off) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xRead(w->real, out, n, off);
}

int wal_write(sqlite3_file* f, const void* data, int n, sqlite3_int64 off) {
  WalFile* w = wal(f);
  auto size = static_cast<std::size_t>(n);
  // The WAL starts over (its header at offset 0, at the start of a write transaction): whatever
  // is still buffered belongs to no commit (each commit's sync flushed its frames), so it is
  // dropped, not written after the restart (it could put back page images an erasure's
  // truncation had just removed).
  if (off == 0) w->len = 0;
  sqlite3_int64 end = w->at + static_cast<sqlite3_int64>(w->len);
  // Over bytes already buffered (SQLite rewrites a frame of the open transaction in place):
  // into the buffer, which may grow at its end.
  bool inside =
      w->len > 0 && off >= w->at && off <= end && off - w->at + n <= static_cast<sqlite3_int64>(kWalBufferBytes);
  if (!inside) {
    if (int rc = flush(w); rc != SQLITE_OK) return rc;
    if (size > kWalBufferBytes) return w->real->pMethods->xWrite(w->real, data, n, off);
    if (!w->buf) w->buf.reset(new (std::nothrow) char[kWalBufferBytes]);
    if (!w->buf) return w->real->pMethods->xWrite(w->real, data, n, off);
    w->at = off;
  }
  auto pos = static_cast<std::size_t>(off - w->at);
  std::memcpy(w->buf.get() + pos, data, size);
  w->len = std::max(w->len, pos + size);
  if (w->len == kWalBufferBytes) return flush(w);
  return SQLITE_OK;
}

int wal_truncate(sqlite3_file* f, sqlite3_int64 size) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xTruncate(w->real, size);
}

int wal_sync(sqlite3_file* f, int flags) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xSync(w->real, flags);
}

int wal_file_size(sqlite3_file* f, sqlite3_int64* size) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xFileSize(w->real, size);
}

// The rest go straight to the base file; a file control may act on the file, so the buffer
// goes first.
int wal_lock(sqlite3_file* f, int level) { return wal(f)->real->pMethods->xLock(wal(f)->real, level); }
int wal_unlock(sqlite3_file* f, int level) { return wal(f)->real->pMethods->xUnlock(wal(f)->real, level); }
int wal_check_reserved(sqlite3_file* f, int* out) {
  return wal(f)->real->pMethods->xCheckReservedLock(wal(f)->real, out);
}
int wal_file_control(sqlite3_file* f, int op, void* arg) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xFileControl(w->real, op, arg);
}
int wal_sector_size(sqlite3_file* f) { return wal(f)->real->pMethods->xSectorSize(wal(f)->real); }
int wal_device(sqlite3_file* f) { return wal(f)->real->pMethods->xDeviceCharacteristics(wal(f)->real); }
int wal_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return wal(f)->real->pMethods->xShmMap(wal(f)->real, region, size, extend, out);
}
int wal_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return wal(f)->real->pMethods->xShmLock(wal(f)->real, offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* f) { wal(f)->real->pMethods->xShmBarrier(wal(f)->real); }
int wal_shm_unmap(sqlite3_file* f, int del) { return wal(f)->real->pMethods->xShmUnmap(wal(f)->real, del); }
int wal_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  WalFile* w = wal(f);
  if (int rc = flush(w); rc != SQLITE_OK) return rc;
  return w->real->pMethods->xFetch(w->real, off, n, out);
}
int wal_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return wal(f)->real->pMethods->xUnfetch(wal(f)->real, off, p);
}

const sqlite3_io_methods kWalMethods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved,
    wal_file_control,
    wal_sector_size,
    wal_device,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

// A vfs with its base: pAppData points here.
struct Registered {
  sqlite3_vfs vfs;
  sqlite3_vfs* base;
  std::string name;
};

int vfs_open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* reg = static_cast<Registered*>(vfs->pAppData);
  sqlite3_vfs* base = reg->base;
  // Everything but a WAL is the base VFS's own file, in the same memory.
  if (!(flags & SQLITE_OPEN_WAL)) return base->xOpen(base, name, f, flags, out_flags);
  auto* real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(f) + kRealOffset);
  int rc = base->xOpen(base, name, real, flags, out_flags);
  if (rc != SQLITE_OK || real->pMethods == nullptr || real->pMethods->iVersion < 3) {
    if (rc == SQLITE_OK && real->pMethods) real->pMethods->xClose(real);
    f->pMethods = nullptr;
    return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
  }
  auto* w = new (f) WalFile();
  w->base.pMethods = &kWalMethods;
  w->real = real;
  return SQLITE_OK;
}

// The base VFS's other methods, called with the base VFS (its own functions may read their vfs).
sqlite3_vfs* base_of(sqlite3_vfs* v) { return static_cast<Registered*>(v->pAppData)->base; }
int vfs_delete(sqlite3_vfs* v, const char* n, int sync) { return base_of(v)->xDelete(base_of(v), n, sync); }
int vfs_access(sqlite3_vfs* v, const char* n, int flags, int* out) {
  return base_of(v)->xAccess(base_of(v), n, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* v, const char* n, int size, char* out) {
  return base_of(v)->xFullPathname(base_of(v), n, size, out);
}
int vfs_randomness(sqlite3_vfs* v, int n, char* out) { return base_of(v)->xRandomness(base_of(v), n, out); }
int vfs_sleep(sqlite3_vfs* v, int us) { return base_of(v)->xSleep(base_of(v), us); }
int vfs_current_time(sqlite3_vfs* v, double* out) { return base_of(v)->xCurrentTime(base_of(v), out); }
int vfs_last_error(sqlite3_vfs* v, int n, char* out) {
  auto* b = base_of(v);
  return b->xGetLastError ? b->xGetLastError(b, n, out) : 0;
}
int vfs_current_time64(sqlite3_vfs* v, sqlite3_int64* out) {
  auto* b = base_of(v);
  if (b->iVersion >= 2 && b->xCurrentTimeInt64) return b->xCurrentTimeInt64(b, out);
  double days = 0;
  int rc = b->xCurrentTime(b, &days);
  *out = static_cast<sqlite3_int64>(days * 86400000.0);
  return rc;
}

void* vfs_dl_open(sqlite3_vfs* v, const char* n) { return base_of(v)->xDlOpen(base_of(v), n); }
void vfs_dl_error(sqlite3_vfs* v, int n, char* out) { base_of(v)->xDlError(base_of(v), n, out); }
void (*vfs_dl_sym(sqlite3_vfs* v, void* h, const char* sym))(void) { return base_of(v)->xDlSym(base_of(v), h, sym); }
void vfs_dl_close(sqlite3_vfs* v, void* h) { base_of(v)->xDlClose(base_of(v), h); }

}  // namespace

sqlite3_vfs* register_wal_buffer_vfs(const char* name, sqlite3_vfs* base) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Registered>> registered;  // for the process's life
  std::lock_guard lock(mu);
  if (auto it = registered.find(name); it != registered.end()) return &it->second->vfs;
  if (!base) base = sqlite3_vfs_find(nullptr);
  if (!base) return nullptr;
  auto reg = std::make_unique<Registered>();
  reg->base = base;
  reg->name = name;
  reg->vfs = sqlite3_vfs{
      .iVersion = 2,  // no system-call overrides (version 3): those are the base VFS's business
      .szOsFile = static_cast<int>(kRealOffset) + base->szOsFile,
      .mxPathname = base->mxPathname,
      .pNext = nullptr,
      .zName = reg->name.c_str(),
      .pAppData = reg.get(),
      .xOpen = vfs_open,
      .xDelete = vfs_delete,
      .xAccess = vfs_access,
      .xFullPathname = vfs_full_pathname,
      .xDlOpen = vfs_dl_open,
      .xDlError = vfs_dl_error,
      .xDlSym = vfs_dl_sym,
      .xDlClose = vfs_dl_close,
      .xRandomness = vfs_randomness,
      .xSleep = vfs_sleep,
      .xCurrentTime = vfs_current_time,
      .xGetLastError = vfs_last_error,
      .xCurrentTimeInt64 = vfs_current_time64,
      .xSetSystemCall = nullptr,
      .xGetSystemCall = nullptr,
      .xNextSystemCall = nullptr,
  };
  sqlite3_vfs& v = reg->vfs;
  if (sqlite3_vfs_register(&v, 0) != SQLITE_OK) return nullptr;
  sqlite3_vfs* out = &v;
  registered.emplace(name, std::move(reg));
  return out;
}

const char* wal_buffer_vfs_name() {
  static const char* const kName = "tiski-wal";
  static sqlite3_vfs* const vfs = register_wal_buffer_vfs(kName);
  return vfs ? kName : nullptr;  // nullptr: SQLite opens with its default VFS
}

}  // namespace tiski
