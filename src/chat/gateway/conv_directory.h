// ConvDirectory: the consoles' read model of the open conversations — each one's JSON as
// agents see it, and the lists a console pages through (waiting, inbox, mine, others) with
// their counts per tenant. Kept on the domain thread and updated with every change, so that a
// console's snapshot and the fan-out that follows it can neither gap nor overlap, and a
// snapshot costs one page per list however many chats are open.
//
// Lists, ordered by (created_at, id) — the inbox by (due_at, id) —, paged with an opaque cursor
// "<key>.<id>":
//   waiting  live chats without an agent;         inbox  leave-a-message items without an agent
//                                                         (email, form, API), soonest due first;
//   mine     open conversations assigned to me;    others open conversations of colleagues.
//
// Threading: the domain thread only.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/store.h"

namespace tiski {

class ConvDirectory {
 public:
  enum class List { kWaiting, kInbox, kMine, kOthers };
  static std::optional<List> parse_list(std::string_view name);
  using ToJson = std::function<std::string(const Conversation&)>;

  // `to_json` serialises a conversation as agents see it (used when an entry's JSON is stale).
  explicit ConvDirectory(ToJson to_json = {}) : to_json_(std::move(to_json)) {}

  // Records the conversation's state and its JSON; a closed one is forgotten.
  void update(const Conversation& c, std::string json);
  // A message `seq` was stored at `at`: the state learns it, and its JSON is made again only
  // when it is next read. False if the conversation is not open here or already knew it.
  bool touch(Id conv, std::int64_t seq, Millis at, std::string preview);
  // The JSON of an open conversation, or nullptr; and the state it was made from.
  const std::string* json(Id conv) const;
  const Conversation* find(Id conv) const;

  struct Page {
    std::vector<const std::string*> convs;
    std::string next;  // cursor of the next page; empty at the end
  };
  // Up to `limit` conversations of `tenants` after the cursor (empty = from the start);
  // bad_request for a malformed cursor.
  Result<Page> page(List which, const std::vector<Id>& tenants, Id me, std::string_view after, std::size_t limit) const;

  struct Counts {
    int waiting = 0;
    int inbox = 0;
    int active = 0;
  };
  Counts counts(Id tenant) const;
  // Tenants whose counts changed since the last call.
  std::vector<Id> take_changed();
  std::size_t size() const { return entries_.size(); }

 private:
  using Key = std::pair<Millis, Id>;
  enum class Kind { kWaiting, kInbox, kActive };
  struct Entry {
    Id tenant = 0;
    std::optional<Id> assignee;
    Kind kind = Kind::kWaiting;
    Key key;
    mutable std::string json;
    mutable bool stale = false;  // conv changed since json was made
    Conversation conv;
  };
  const std::string& fresh_json(const Entry& e) const;
  struct TenantIndex {
    std::set<Key> waiting, inbox, active;
    std::set<Key>& of(Kind k) { return k == Kind::kWaiting ? waiting : k == Kind::kInbox ? inbox : active; }
  };
  void remove(Id conv);

  std::unordered_map<Id, Entry> entries_;
  std::unordered_map<Id, TenantIndex> tenants_;
  std::unordered_map<Id, std::set<Key>> mine_;  // by agent
  std::unordered_set<Id> changed_;
  ToJson to_json_;
};

}  // namespace tiski
