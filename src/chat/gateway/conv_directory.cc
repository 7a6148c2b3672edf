#include "chat/gateway/conv_directory.h"

#include <algorithm>
#include <charconv>

namespace tiski {
namespace {

std::optional<std::pair<Millis, Id>> parse_cursor(std::string_view s) {
  auto dot = s.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  Millis at = 0;
  Id id = 0;
  auto [p1, e1] = std::from_chars(s.data(), s.data() + dot, at);
  auto [p2, e2] = std::from_chars(s.data() + dot + 1, s.data() + s.size(), id);
  if (e1 != std::errc() || e2 != std::errc() || p1 != s.data() + dot || p2 != s.data() + s.size()) return std::nullopt;
  return std::make_pair(at, id);
}

}  // namespace

std::optional<ConvDirectory::List> ConvDirectory::parse_list(std::string_view name) {
  if (name == "waiting") return List::kWaiting;
  if (name == "inbox") return List::kInbox;
  if (name == "mine") return List::kMine;
  if (name == "others") return List::kOthers;
  return std::nullopt;
}

void ConvDirectory::remove(Id conv) {
  auto it = entries_.find(conv);
  if (it == entries_.end()) return;
  auto& e = it->second;
  tenants_[e.tenant].of(e.kind).erase(e.key);
  if (e.assignee) {
    auto m = mine_.find(*e.assignee);
    if (m != mine_.end()) {
      m->second.erase(e.key);
      if (m->second.empty()) mine_.erase(m);
    }
  }
  changed_.insert(e.tenant);
  entries_.erase(it);
}

void ConvDirectory::update(const Conversation& c, std::string json) {
  auto it = entries_.find(c.id);
  if (c.status == conv_status::kClosed) {
    remove(c.id);
    return;
  }
  Kind kind = c.status == conv_status::kActive ? Kind::kActive
              : origin::is_inbox(c.origin)     ? Kind::kInbox
                                               : Kind::kWaiting;
  // The inbox is ordered by when answers are due (those without a due time last, oldest
  // first); the other lists by arrival.
  constexpr Millis kNoDue = INT64_MAX / 2;
  Key key = kind == Kind::kInbox ? Key{c.due_at.value_or(kNoDue + c.created_at / 2), c.id} : Key{c.created_at, c.id};
  if (it != entries_.end() && it->second.kind == kind && it->second.assignee == c.assignee_id &&
      it->second.key == key) {
    it->second.json = std::move(json);  // same place in every list
    it->second.stale = false;
    it->second.conv = c;
    return;
  }
  remove(c.id);
  Entry e{c.tenant_id, c.assignee_id, kind, key, std::move(json), false, c};
  tenants_[e.tenant].of(kind).insert(e.key);
  if (e.assignee) mine_[*e.assignee].insert(e.key);
  changed_.insert(e.tenant);
  entries_.emplace(c.id, std::move(e));
}

const std::string* ConvDirectory::json(Id conv) const {
  auto it = entries_.find(conv);
  return it == entries_.end() ? nullptr : &fresh_json(it->second);
}

bool ConvDirectory::touch(Id conv, std::int64_t seq, Millis at, std::string preview) {
  auto it = entries_.find(conv);
  if (it == entries_.end() || seq <= it->second.conv.last_seq) return false;
  auto& c = it->second.conv;
  c.last_seq = seq;
  c.last_at = at;
  c.preview = std::move(preview);
  it->second.stale = true;
  return true;
}

const std::string& ConvDirectory::fresh_json(const Entry& e) const {
  if (e.stale && to_json_) {
    e.json = to_json_(e.conv);
    e.stale = false;
  }
  return e.json;
}

const Conversation* ConvDirectory::find(Id conv) const {
  auto it = entries_.find(conv);
  return it == entries_.end() ? nullptr : &it->second.conv;
}

Result<ConvDirectory::Page> ConvDirectory::page(List which, const std::vector<Id>& tenants, Id me,
                                                std::string_view after, std::size_t limit) const {
  Key from{INT64_MIN, INT64_MIN};
  if (!after.empty()) {
    auto c = parse_cursor(after);
    if (!c) return Error::bad_request("'after' is not a cursor this server gave");
    from = *c;
  }
  // A merge of the tenants' ordered sets (or the agent's own), strictly after the cursor.
  struct Run {
    std::set<Key>::const_iterator at, end;
  };
  std::vector<Run> runs;
  auto add = [&](const std::set<Key>& s) { runs.push_back({s.upper_bound(from), s.end()}); };
  if (which == List::kMine) {
    if (auto m = mine_.find(me); m != mine_.end()) add(m->second);
  } else {
    for (Id t : tenants) {
      auto ti = tenants_.find(t);
      if (ti == tenants_.end()) continue;
      const auto& idx = ti->second;
      add(which == List::kWaiting ? idx.waiting : which == List::kInbox ? idx.inbox : idx.active);
    }
  }
  auto wanted = [&](Id conv) {
    const auto& e = entries_.at(conv);
    if (which == List::kOthers) return e.assignee != me;
    if (which == List::kMine) return std::find(tenants.begin(), tenants.end(), e.tenant) != tenants.end();
    return true;
  };
  Page page;
  Key last{};
  for (;;) {
    Run* next = nullptr;
    for (auto& r : runs) {
      if (r.at != r.end && (!next || *r.at < *next->at)) next = &r;
    }
    if (!next) break;
    Key k = *next->at++;
    if (!wanted(k.second)) continue;
    if (page.convs.size() == limit) {  // one more exists: there is a next page
      page.next = std::to_string(last.first) + "." + std::to_string(last.second);
      break;
    }
    page.convs.push_back(&fresh_json(entries_.at(k.second)));
    last = k;
  }
  return page;
}

ConvDirectory::Counts ConvDirectory::counts(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return {};
  return {static_cast<int>(it->second.waiting.size()), static_cast<int>(it->second.inbox.size()),
          static_cast<int>(it->second.active.size())};
}

std::vector<Id> ConvDirectory::take_changed() {
  std::vector<Id> out(changed_.begin(), changed_.end());
  changed_.clear();
  return out;
}

}  // namespace tiski
