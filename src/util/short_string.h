// A string that keeps up to 23 bytes inside itself and longer ones on the heap: 24 bytes in all,
// against std::string's 32 and its heap block for anything past 15 bytes. For ids held once
// per connection, such as the widget's visit id (16 characters of base64url), where a heap
// block of their own would cost each of thousands of visitors 32 bytes more.
//
// The last byte says where the bytes are: 0..23 is how many of the 23 bytes inside are unused
// (so an empty string's is 23 and a full one's is 0); kOnHeap means the first eight bytes hold a
// pointer to them and the next eight their length. Not zero-terminated: read it as view().
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace tiski {

class ShortString {
 public:
  static constexpr std::size_t kInline = 23;

  ShortString() { set_inline_length(0); }
  explicit ShortString(std::string_view s) { assign(s); }
  ShortString(const ShortString& o) : ShortString(o.view()) {}
  ShortString(ShortString&& o) noexcept {
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    o.set_inline_length(0);
  }
  ShortString& operator=(const ShortString& o) {
    if (this != &o) {
      ShortString copy(o);
      swap(copy);
    }
    return *this;
  }
  ShortString& operator=(ShortString&& o) noexcept {
    if (this != &o) {
      free_heap();
      std::memcpy(bytes_, o.bytes_, sizeof bytes_);
      o.set_inline_length(0);
    }
    return *this;
  }
  ShortString& operator=(std::string_view s) {
    ShortString copy(s);
    swap(copy);
    return *this;
  }
  ~ShortString() { free_heap(); }

  std::string_view view() const {
    if (on_heap()) return {heap_pointer(), heap_length()};
    return {bytes_, inline_length()};
  }
  operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor): reads as a string
  std::string str() const { return std::string(view()); }
  bool empty() const { return view().empty(); }
  bool on_heap() const { return tag() == kOnHeap; }
  bool operator==(std::string_view s) const { return view() == s; }

  void swap(ShortString& o) noexcept {
    char t[sizeof bytes_];
    std::memcpy(t, bytes_, sizeof bytes_);
    std::memcpy(bytes_, o.bytes_, sizeof bytes_);
    std::memcpy(o.bytes_, t, sizeof bytes_);
  }

 private:
  static constexpr std::size_t kTag = 23;
  static constexpr unsigned char kOnHeap = 0xFF;

  unsigned char tag() const { return static_cast<unsigned char>(bytes_[kTag]); }
  std::size_t inline_length() const { return kInline - tag(); }
  void set_inline_length(std::size_t n) { bytes_[kTag] = static_cast<char>(kInline - n); }
  char* heap_pointer() const {
    char* p;
    std::memcpy(&p, bytes_, sizeof p);
    return p;
  }
  std::size_t heap_length() const {
    std::size_t n;
    std::memcpy(&n, bytes_ + sizeof(char*), sizeof n);
    return n;
  }
  void assign(std::string_view s) {
    if (s.size() <= kInline) {
      if (!s.empty()) std::memcpy(bytes_, s.data(), s.size());
      set_inline_length(s.size());
      return;
    }
    char* p = new char[s.size()];
    std::memcpy(p, s.data(), s.size());
    std::size_t n = s.size();
    std::memcpy(bytes_, &p, sizeof p);
    std::memcpy(bytes_ + sizeof p, &n, sizeof n);
    bytes_[kTag] = static_cast<char>(kOnHeap);
  }
  void free_heap() {
    if (on_heap()) delete[] heap_pointer();
  }

  alignas(8) char bytes_[24];
};

}  // namespace tiski
