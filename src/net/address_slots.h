// Open HTTP connections per client address: one address cannot take every descriptor of the
// process with idle connections (the 20,000 a process may hold here). A connection holds its
// slot from accept until it closes or becomes a WebSocket (those have their own limits: 100
// visitor sockets per address, agents need a session). Trusted proxies and the `[limits]
// unlimited` addresses take no slot: behind a proxy, the proxy limits its clients (nginx's
// limit_conn, docs/nginx.conf).
//
// Threading: any thread (the acceptor's takes, the I/O threads give back); one mutex.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace tiski::net {

class AddressSlots {
 public:
  // A connection's slot, given back when it is destroyed (moves with the connection).
  class Hold {
   public:
    Hold() = default;
    Hold(AddressSlots* slots, std::string key) : slots_(slots), key_(std::move(key)) {}
    Hold(Hold&& o) noexcept : slots_(std::exchange(o.slots_, nullptr)), key_(std::move(o.key_)) {}
    Hold& operator=(Hold&& o) noexcept {
      if (this != &o) {
        release();
        slots_ = std::exchange(o.slots_, nullptr);
        key_ = std::move(o.key_);
      }
      return *this;
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    ~Hold() { release(); }
    void release() {
      if (slots_) std::exchange(slots_, nullptr)->give_back(key_);
    }

   private:
    AddressSlots* slots_ = nullptr;
    std::string key_;
  };

  AddressSlots(std::size_t max, std::vector<std::string> exempt) : max_(max), exempt_(exempt.begin(), exempt.end()) {}

  // A slot for the address (its key: address_key), an empty hold for an exempt one; false
  // when the address holds `max` already.
  bool take(const std::string& key, Hold& out) {
    if (exempt_.contains(key)) {
      out = Hold();
      return true;
    }
    {
      std::lock_guard lock(mu_);
      auto& n = open_[key];
      if (n >= max_) return false;
      ++n;
    }
    out = Hold(this, key);  // outside the lock: a hold it replaces gives its slot back
    return true;
  }

  std::size_t open(const std::string& key) const {
    std::lock_guard lock(mu_);
    auto it = open_.find(key);
    return it == open_.end() ? 0 : it->second;
  }

 private:
  void give_back(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = open_.find(key);
    if (it != open_.end() && --it->second == 0) open_.erase(it);
  }

  const std::size_t max_;
  const std::unordered_set<std::string> exempt_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::size_t> open_;
};

}  // namespace tiski::net
