#include "util/memory.h"

#include <malloc.h>

#include <algorithm>

namespace tiski {

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
