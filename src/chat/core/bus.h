// EventBus: the one in-process channel from the code that changed something to everyone who
// reacts to it. Typed: a subscriber names the event type it wants; publish() calls the
// subscribers of that type in the order they subscribed, synchronously.
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

  // Every event of a job, in order.
  void publish_all(const std::vector<events::Event>& list) {
    for (const auto& e : list) std::visit([this](const auto& x) { publish(x); }, e);
  }

 private:
  std::unordered_map<std::type_index, std::vector<std::function<void(const void*)>>> subs_;
};

}  // namespace tiski
