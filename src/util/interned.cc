#include "util/interned.h"

#include <functional>
#include <mutex>
#include <unordered_map>

namespace tiski {

namespace {

// The nodes by their text. A node's text never changes while it is in the table.
struct Table {
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::mutex mu;
  std::unordered_map<std::string_view, void*, Hash, std::equal_to<>> nodes;
};

Table& table() {
  static auto* t = new Table;  // never destroyed: strings may be released during exit
  return *t;
}

}  // namespace

Interned::Interned(std::string_view s) {
  if (s.empty()) return;
  auto& t = table();
  std::lock_guard lock(t.mu);
  if (auto it = t.nodes.find(s); it != t.nodes.end()) {
    n_ = static_cast<Node*>(it->second);
    n_->refs.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  n_ = new Node;
  n_->text.assign(s);
  t.nodes.emplace(std::string_view(n_->text), n_);
}

Interned& Interned::operator=(const Interned& o) noexcept {
  if (this != &o && n_ != o.n_) {
    o.retain();
    release();
    n_ = o.n_;
  }
  return *this;
}

Interned& Interned::operator=(Interned&& o) noexcept {
  if (this != &o) {
    release();
    n_ = o.n_;
    o.n_ = nullptr;
  }
  return *this;
}

const std::string& Interned::str() const {
  static const std::string empty;
  return n_ ? n_->text : empty;
}

// Above one reference the count falls without the lock. The last one is let go under the lock,
// which interning also holds, so nobody can find the node between its count's fall and its end.
void Interned::release() {
  Node* n = n_;
  n_ = nullptr;
  if (!n) return;
  for (auto r = n->refs.load(std::memory_order_relaxed); r > 1;) {
    if (n->refs.compare_exchange_weak(r, r - 1, std::memory_order_acq_rel)) return;
  }
  drop(n);
}

void Interned::drop(Node* n) {
  auto& t = table();
  std::lock_guard lock(t.mu);
  if (n->refs.fetch_sub(1, std::memory_order_acq_rel) != 1) return;  // another holder came meanwhile
  t.nodes.erase(std::string_view(n->text));
  delete n;
}

std::size_t Interned::live_strings() {
  auto& t = table();
  std::lock_guard lock(t.mu);
  return t.nodes.size();
}

}  // namespace tiski
