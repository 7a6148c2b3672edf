// One copy of each distinct string, shared by everyone who holds it: the pages, titles and
// categories that thousands of visitors report are the same few hundred strings of a shop's
// catalogue, held in the session's facts, the live visitor list and each visitor's path.
// An Interned is one pointer (the empty string is null); copying it counts a reference.
//
// Threading: any thread. The count is atomic and the table has a mutex; the last reference
// removes the string from the table (a string interned again meanwhile is kept).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace tiski {

class Interned {
 public:
  Interned() = default;
  explicit Interned(std::string_view s);
  Interned(const Interned& o) noexcept : n_(o.n_) { retain(); }
  Interned(Interned&& o) noexcept : n_(o.n_) { o.n_ = nullptr; }
  Interned& operator=(const Interned& o) noexcept;
  Interned& operator=(Interned&& o) noexcept;
  ~Interned() { release(); }

  std::string_view view() const { return n_ ? std::string_view(n_->text) : std::string_view(); }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor): reads as a string
  const std::string& str() const;
  bool empty() const { return n_ == nullptr; }
  bool operator==(const Interned& o) const { return n_ == o.n_; }  // one node per distinct string
  bool operator==(std::string_view s) const { return view() == s; }

  static std::size_t live_strings();  // distinct strings held now (tests)

 private:
  struct Node {
    std::atomic<std::uint32_t> refs{1};
    std::string text;
  };
  void retain() const {
    if (n_) n_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release();
  static void drop(Node* n);

  Node* n_ = nullptr;
};

}  // namespace tiski
