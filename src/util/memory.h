// Giving freed memory back to the system. glibc's malloc keeps what was freed in its arenas
// (one per thread that allocates: the I/O threads, the domain, the store), so after 19,000
// visitors leave the process would stay near its peak (docs/performance.md, "Memory
// returned"). malloc_trim releases the free pages of every arena; it costs a walk over the free
// chunks (3-10 ms after 19,000 connections closed), so it runs only when much was freed since
// the last look: the free bytes inside the arenas rose by more than a slack over their lowest
// point since the last trim. (They stay high after a trim — released pages still count as free
// — so "much free" alone would trim again and again.)
#pragma once

#include <cstddef>
#include <limits>

namespace tiski {

// How many malloc arenas the server keeps for `io_threads` network threads (-1: one per core):
// one, and one more for every four I/O threads. glibc's default, up to eight per core with one
// per thread that allocates, left ~0.2 KiB a connection of free memory in pages the other arenas
// still used (19,000 idle visitors: 2.25 KiB of RSS each against 1.96 KiB of heap; with one arena
// 2.05 KiB) and cost no measurable CPU at 2,500 or 16,000 messages a second on two cores, each
// thread's tcache serving most allocations without the arena's lock (docs/performance.md).
int arenas_for(int io_threads);
// Sets the limit (mallopt M_ARENA_MAX) before the server's threads start, unless the environment
// chose one (MALLOC_ARENA_MAX); returns the limit set, or 0 when the environment's stands.
int limit_arenas(int io_threads);

class MemoryTrimmer {
 public:
  explicit MemoryTrimmer(std::size_t slack) : slack_(slack) {}
  // Looks at `free_bytes` (mallinfo2().fordblks); true when it is time to trim.
  bool should_trim(std::size_t free_bytes);
  // Looks at the allocator now and trims if should_trim says so; true if it trimmed.
  bool check();

 private:
  std::size_t slack_;
  std::size_t low_ = std::numeric_limits<std::size_t>::max();  // lowest free bytes since the last trim
};

}  // namespace tiski
