// EventBus: the one in-process channel from the code that changed something to everyone who
// reacts to it. Typed: a subscriber names the event type it wants; publish() calls the
// subscribers of that type in the order they subscribed, synchronously.
//
// Several nodes (chat/cluster/): a job's events are also forwarded to the other nodes, which
// replay them on their bus with remote() true. State kept in memory (queues, loads, the
// consoles' lists, fan-out to this node's sockets) follows every event; a subscriber that acts
// in the world (sends an email, records a row) checks remote() and leaves that to the node
// where the change was made.
//
// Threading: the domain thread only (published after the store committed, from the job's
// completion). Subscribe during start-up; a subscriber must not unsubscribe.
#pragma once

#include <functional>
#include <typeindex>
#include <unordered_map>
#include <variant>
#include <vector>

#include "chat/core/events.h"

namespace tiski {

class EventBus {
 public:
  template <class E>
  void on(std::function<void(const E&)> fn) {
    subs_[std::type_index(typeid(E))].push_back([fn = std::move(fn)](const void* e) { fn(*static_cast<const E*>(e)); });
  }

  template <class E>
  void publish(const E& e) {
    auto it = subs_.find(std::type_index(typeid(E)));
    if (it == subs_.end()) return;
    for (const auto& fn : it->second) fn(&e);
  }

  // Every event of a job, in order; then to the other nodes, if any.
  void publish_all(const std::vector<events::Event>& list) {
    for (const auto& e : list) std::visit([this](const auto& x) { publish(x); }, e);
    if (forward_ && !list.empty()) forward_(list);
  }

  // Another node's events, in its commit order: published here with remote() true.
  void replay(const std::vector<events::Event>& list) {
    remote_ = true;
    for (const auto& e : list) std::visit([this](const auto& x) { publish(x); }, e);
    remote_ = false;
  }
  // True while another node's events are being published.
  bool remote() const { return remote_; }
  // Where a job's events go after they were published here (the cluster link).
  void set_forward(std::function<void(const std::vector<events::Event>&)> f) { forward_ = std::move(f); }

 private:
  std::unordered_map<std::type_index, std::vector<std::function<void(const void*)>>> subs_;
  std::function<void(const std::vector<events::Event>&)> forward_;
  bool remote_ = false;
};

}  // namespace tiski
