// Lifecycle: which open chats nobody will continue, so that they do not pile up forever.
//
//   * missed: a waiting live chat whose visitor has had no tab open for the tenant's
//     `missed_after_seconds` (default 10 minutes) is closed as missed;
//   * idle: an active live chat without any message for `idle_close_seconds` (default 30
//     minutes) is closed with a line saying why.
//
// Offline (leave-a-message) conversations wait for an answer by email and are never closed
// here. Either setting 0 turns that rule off for the tenant.
//
// Pure bookkeeping: the conversations module reports changes with their times and asks due(now) once a second
// for the chats to close; it closes them (a store job) and reports the closed state back with
// update(). Cost per change O(log n): deadlines sit in one ordered set.
//
// Threading: the domain thread only.
#pragma once

#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/store.h"

namespace tiski {

struct LifecycleSettings {
  Millis missed_after_ms = 10 * 60'000;  // 0 = never
  Millis idle_close_ms = 30 * 60'000;    // 0 = never
};

class Lifecycle {
 public:
  enum class Reason { kMissed, kIdle };
  struct Due {
    Id conv = 0;
    Id tenant = 0;
    Reason reason = Reason::kMissed;
    Millis since = 0;  // the visitor left / the last message
  };

  void set_tenant(Id tenant, LifecycleSettings s);
  LifecycleSettings settings(Id tenant) const;
  // Every stored change of a conversation (closed ones are forgotten). `now` starts the clock of
  // a conversation first seen (at start-up its visitor counts as gone from then on).
  void update(const Conversation& c, Millis now);
  // A message was stored at `at` (agents' internal notes too: someone is working on it).
  void message(Id conv, Millis at);
  // The visitor has a tab open (present) or has just closed the last one. Called for every
  // visitor, with or without a conversation.
  void visitor_present(Id visitor, bool present, Millis now);
  // Chats whose time is up; each is returned once (update() re-arms it if it stays open).
  std::vector<Due> due(Millis now);
  // For the record (docs/metrics.md): a visitor with an open chat left (their last tab gone
  // for limits::kVisitorGoneMs; `at` is when it went) or came back after such a departure
  // (recorded here or, as update() learns from the conversation, elsewhere). Each change is
  // returned once. A visitor merely moving to the next page is neither.
  struct PresenceChange {
    Id conv = 0;
    Millis at = 0;
    bool present = false;
  };
  std::vector<PresenceChange> presence_changes(Millis now);
  // A return the store could not take: handed out again with the next presence_changes().
  void again(const PresenceChange& change);
  std::optional<Millis> deadline(Id conv) const;
  bool is_open(Id conv) const { return convs_.contains(conv); }

 private:
  struct Conv {
    Id tenant = 0;
    Id visitor = 0;
    bool inbox = false;
    bool waiting = false;  // no agent
    Millis last_message = 0;
    std::optional<Millis> deadline;
    Reason reason = Reason::kMissed;
  };
  void rearm(Id id, Conv& c);

  std::unordered_map<Id, LifecycleSettings> tenants_;
  std::unordered_map<Id, Conv> convs_;
  std::unordered_map<Id, Id> by_visitor_;      // visitor -> their open conversation
  std::unordered_set<Id> present_;             // visitors with a tab open
  std::unordered_map<Id, Millis> gone_since_;  // visitors with an open chat and no tab
  std::set<std::pair<Millis, Id>> deadlines_;  // (when, conv)
  std::unordered_map<Id, Millis> departed_;    // visitor -> when their last tab went (not yet recorded)
  std::unordered_set<Id> recorded_gone_;       // visitors whose departure is recorded
  std::unordered_set<Id> healing_;             // ...and whose return is on its way to the store
  std::vector<PresenceChange> returns_;        // not yet handed out
};

}  // namespace tiski
