#include "util/memory.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

#include "util/limits.h"

namespace tiski {

int arenas_for(int io_threads) { return 1 + limits::io_threads_for(io_threads) / 4; }

int limit_arenas(int io_threads) {
  if (std::getenv("MALLOC_ARENA_MAX") != nullptr) return 0;
  int n = arenas_for(io_threads);
  mallopt(M_ARENA_MAX, n);
  return n;
}

bool MemoryTrimmer::should_trim(std::size_t free_bytes) {
  low_ = std::min(low_, free_bytes);
  if (free_bytes - low_ <= slack_) return false;
  low_ = free_bytes;  // what stays free after the trim is the new floor
  return true;
}

bool MemoryTrimmer::check() {
  if (!should_trim(mallinfo2().fordblks)) return false;
  malloc_trim(0);
  return true;
}

}  // namespace tiski
