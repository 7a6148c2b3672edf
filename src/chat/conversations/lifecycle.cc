#include "chat/conversations/lifecycle.h"

#include <algorithm>

#include "util/limits.h"

namespace tiski {

void Lifecycle::set_tenant(Id tenant, LifecycleSettings s) {
  tenants_[tenant] = s;
  for (auto& [id, c] : convs_) {
    if (c.tenant == tenant) rearm(id, c);
  }
}

LifecycleSettings Lifecycle::settings(Id tenant) const {
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? LifecycleSettings{} : it->second;
}

void Lifecycle::update(const Conversation& conv, Millis now) {
  if (conv.status == conv_status::kClosed) {
    auto it = convs_.find(conv.id);
    if (it == convs_.end()) return;
    if (it->second.deadline) deadlines_.erase({*it->second.deadline, conv.id});
    if (auto v = by_visitor_.find(it->second.visitor); v != by_visitor_.end() && v->second == conv.id) {
      by_visitor_.erase(v);
      gone_since_.erase(it->second.visitor);
      departed_.erase(it->second.visitor);
      recorded_gone_.erase(it->second.visitor);
    }
    convs_.erase(it);
    return;
  }
  auto [it, fresh] = convs_.try_emplace(conv.id);
  auto& c = it->second;
  if (fresh) {
    c.tenant = conv.tenant_id;
    c.visitor = conv.visitor_id;
    c.last_message = std::max(conv.last_at, conv.created_at);
    by_visitor_[conv.visitor_id] = conv.id;
    // A visitor without a tab open (at start-up: until their tab says hello) counts as gone.
    if (!present_.contains(conv.visitor_id)) gone_since_.try_emplace(conv.visitor_id, now);
  }
  // The store's word on the visitor's leaving (recorded here, by another node whose tab closed, or
  // before a restart). Stored and they are on this node: a return, once until the store has it.
  // Not stored: no return is owed (one still on its way finds the store as it wants it).
  if (conv.visitor_left_at) {
    recorded_gone_.insert(conv.visitor_id);
    if (present_.contains(conv.visitor_id) && healing_.insert(conv.visitor_id).second)
      returns_.push_back({conv.id, now, true});
  } else {
    recorded_gone_.erase(conv.visitor_id);
    healing_.erase(conv.visitor_id);
  }
  // Answered by email (an inbox item, or a chat continued by email): never closed as missed or idle.
  c.inbox = conv.by_email();
  bool waiting = conv.status == conv_status::kWaiting;
  // An agent who just got a chat that waited long has not let it idle: count from now.
  if (c.waiting && !waiting && !fresh) c.last_message = std::max(c.last_message, now);
  c.waiting = waiting;
  rearm(conv.id, c);
}

void Lifecycle::message(Id conv, Millis at) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  it->second.last_message = std::max(it->second.last_message, at);
  rearm(conv, it->second);
}

void Lifecycle::visitor_present(Id visitor, bool present, Millis now) {
  auto v = by_visitor_.find(visitor);
  if (present) {
    present_.insert(visitor);
    gone_since_.erase(visitor);
    departed_.erase(visitor);
    if (recorded_gone_.erase(visitor) && v != by_visitor_.end()) {
      healing_.insert(visitor);
      returns_.push_back({v->second, now, true});
    }
  } else {
    present_.erase(visitor);
    if (v != by_visitor_.end()) {
      gone_since_.try_emplace(visitor, now);
      if (!recorded_gone_.contains(visitor)) departed_.try_emplace(visitor, now);
    }
  }
  if (v != by_visitor_.end()) rearm(v->second, convs_.at(v->second));
}

void Lifecycle::rearm(Id id, Conv& c) {
  if (c.deadline) deadlines_.erase({*c.deadline, id});
  c.deadline.reset();
  if (c.inbox) return;
  auto s = settings(c.tenant);
  if (c.waiting) {
    auto gone = gone_since_.find(c.visitor);
    if (s.missed_after_ms > 0 && gone != gone_since_.end()) {
      c.deadline = gone->second + s.missed_after_ms;
      c.reason = Reason::kMissed;
    }
  } else if (s.idle_close_ms > 0) {
    c.deadline = c.last_message + s.idle_close_ms;
    c.reason = Reason::kIdle;
  }
  if (c.deadline) deadlines_.insert({*c.deadline, id});
}

std::vector<Lifecycle::Due> Lifecycle::due(Millis now) {
  std::vector<Due> out;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    auto [when, id] = *deadlines_.begin();
    deadlines_.erase(deadlines_.begin());
    auto& c = convs_.at(id);
    c.deadline.reset();
    Millis since = c.reason == Reason::kMissed ? gone_since_.at(c.visitor) : c.last_message;
    out.push_back({id, c.tenant, c.reason, since});
  }
  return out;
}

std::vector<Lifecycle::PresenceChange> Lifecycle::presence_changes(Millis now) {
  std::vector<PresenceChange> out = std::move(returns_);
  returns_.clear();
  for (auto it = departed_.begin(); it != departed_.end();) {
    auto v = by_visitor_.find(it->first);
    if (v == by_visitor_.end()) {
      it = departed_.erase(it);
    } else if (now - it->second >= limits::kVisitorGoneMs) {
      out.push_back({v->second, it->second, false});
      recorded_gone_.insert(it->first);
      it = departed_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

void Lifecycle::again(const PresenceChange& change) {
  if (change.present && convs_.contains(change.conv)) returns_.push_back(change);
}

std::optional<Millis> Lifecycle::deadline(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return std::nullopt;
  return it->second.deadline;
}

}  // namespace tiski
