#include "chat/router.h"

#include <algorithm>

namespace tiski {
namespace {

// Visitors this near the front hear every change of their position; those further back at
// most this often (their position changes with every assignment ahead of them).
constexpr int kNearFront = 10;
constexpr Millis kDeepQueueAnnounce = 10'000;

template <class V>
void erase_value(std::vector<V>& v, const V& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}
template <class V>
bool has(const std::vector<V>& v, const V& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

Router::Router(RoutingOptions options, Sink& sink)
    : options_(options), sink_(sink), avg_handle_ms_(static_cast<double>(options.default_handle_ms)) {}

Router::AgentState& Router::agent(Id id) { return agents_[id]; }

// ------------------------------------------------------------------------------ agents

void Router::know_agent(Id id, AgentProfile profile) {
  auto& a = agent(id);
  for (Id t : a.tenants) {
    if (!has(profile.tenants, t)) erase_value(tenants_[t].agents, id);
  }
  for (Id t : profile.tenants) {
    auto& list = tenants_[t].agents;
    if (!has(list, id)) list.push_back(id);
  }
  a.name = std::move(profile.name);
  a.capacity = profile.capacity;
  a.tenants = std::move(profile.tenants);
  a.teams = std::move(profile.teams);
}

void Router::connected(Id id, AgentProfile profile, Millis now) {
  know_agent(id, std::move(profile));
  auto& a = agent(id);
  a.sockets++;
  a.last_activity = now;
  if (a.status == routing::Presence::kOffline) a.status = routing::Presence::kOnline;
  presence_changed(id, now);
  for (Id t : std::vector<Id>(a.tenants)) route(t, now);  // a new seat may be free
}

void Router::disconnected(Id id, Millis now) {
  auto& a = agent(id);
  if (--a.sockets <= 0) {
    a.sockets = 0;
    a.offline_at = now + options_.offline_grace_ms;
  }
}

void Router::logged_out(Id id, Millis now) {
  auto& a = agent(id);
  if (a.sockets > 0 || a.status == routing::Presence::kOffline) return;
  a.offline_at = now;  // no grace: the agent said goodbye
  tick(now);
}

Status Router::set_status(Id id, routing::Presence status, Millis now) {
  auto it = agents_.find(id);
  if (it == agents_.end() || it->second.sockets == 0) {
    return Error::conflict("open the console first: presence follows its connection");
  }
  auto& a = it->second;
  a.status = status;
  a.auto_away = false;
  a.last_activity = now;
  presence_changed(id, now);
  if (status == routing::Presence::kOnline) {
    for (Id t : std::vector<Id>(a.tenants)) route(t, now);
  }
  return {};
}

void Router::activity(Id id, Millis now) {
  auto& a = agent(id);
  a.last_activity = now;
  if (a.status == routing::Presence::kAway && a.auto_away) {
    a.status = routing::Presence::kOnline;
    a.auto_away = false;
    presence_changed(id, now);
    for (Id t : std::vector<Id>(a.tenants)) route(t, now);
  }
}

void Router::presence_changed(Id id, Millis now) {
  sink_.presence_changed(id);
  for (Id t : agent(id).tenants) refresh_avail(t, now);
}

// ----------------------------------------------------------------------------- tenants

void Router::set_hours(Id tenant, std::optional<BusinessHours> hours, Millis now) {
  tenants_[tenant].hours = std::move(hours);
  refresh_avail(tenant, now);
}

bool Router::live_open(Id tenant, Millis now) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return false;
  const auto& t = it->second;
  if (t.hours && !tiski::is_open(*t.hours, std::chrono::system_clock::time_point(std::chrono::milliseconds(now)))) {
    return false;
  }
  return std::any_of(t.agents.begin(), t.agents.end(), [&](Id a) {
    auto ag = agents_.find(a);
    return ag != agents_.end() && ag->second.status == routing::Presence::kOnline;
  });
}

void Router::refresh_avail(Id tenant, Millis now) {
  bool open = live_open(tenant, now);
  auto& t = tenants_[tenant];
  if (t.open == open) return;
  t.open = open;
  sink_.availability_changed(tenant, open);
}

// ----------------------------------------------------------------------- conversations

void Router::enqueue(Id conv, ConvState& c) {
  if (c.queued) return;
  tenants_[c.tenant].queues[c.team.value_or(0)].insert({c.since, conv});
  c.queued = true;
  tenants_[c.tenant].queue_dirty = true;
}

void Router::dequeue(Id conv, ConvState& c) {
  if (!c.queued) return;
  auto& t = tenants_[c.tenant];
  auto q = t.queues.find(c.team.value_or(0));
  if (q != t.queues.end()) {
    q->second.erase({c.since, conv});
    if (q->second.empty()) t.queues.erase(q);
  }
  c.queued = false;
  c.pos_sent = 0;
  t.queue_dirty = true;
}

void Router::set_assignee(Id conv, ConvState& c, std::optional<Id> to, Millis assigned_at, Millis now) {
  std::optional<Id> before = c.assignee;
  if (before && !c.inbox) agent(*before).active--;
  c.assignee = to;
  unanswered_.erase(conv);
  if (to) {
    c.assigned_at = assigned_at;
    c.answered = false;  // a new owner has not answered until they write
    c.how = Assignment::kHand;
    if (!c.inbox) {
      agent(*to).active++;
      unanswered_.insert(conv);
    }
  }
  if (before) presence_changed(*before, now);
  if (to) presence_changed(*to, now);
}

void Router::update(const Conversation& conv, Millis now) {
  if (conv.status == conv_status::kClosed) {
    auto it = convs_.find(conv.id);
    if (it == convs_.end()) return;
    auto& c = it->second;
    if (c.assignee && c.assigned_at > 0 && conv.closed_at) {
      double handled = static_cast<double>(*conv.closed_at - c.assigned_at);
      avg_handle_ms_ = 0.9 * avg_handle_ms_ + 0.1 * std::max(0.0, handled);
    }
    dequeue(conv.id, c);
    set_assignee(conv.id, c, std::nullopt, now, now);
    Id tenant = c.tenant;
    convs_.erase(it);
    route(tenant, now);  // a seat may have freed
    return;
  }
  auto [it, fresh] = convs_.try_emplace(conv.id);
  auto& c = it->second;
  if (fresh) {
    c.since = conv.created_at;
    c.tenant = conv.tenant_id;
    c.visitor = conv.visitor_id;
    c.inbox = conv.origin == origin::kOffline;
  }
  if (c.queued && c.team != conv.team_id) dequeue(conv.id, c);
  c.team = conv.team_id;
  if (c.assignee != conv.assignee_id) {
    bool released = c.assignee && !conv.assignee_id;
    set_assignee(conv.id, c, conv.assignee_id, conv.assigned_at.value_or(now), now);
    if (released) c.since = now;  // waits again, at the back of the queue
  }
  bool waiting = conv.status == conv_status::kWaiting && !conv.assignee_id && !c.inbox && !offers_.contains(conv.id);
  if (waiting && !c.queued) {
    enqueue(conv.id, c);
    route(c.tenant, now);
  } else if (!waiting && c.queued) {
    dequeue(conv.id, c);
  }
}

void Router::assigned_as(Id conv, Assignment how, Millis now) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  it->second.how = how;
}

void Router::answered(Id conv) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  it->second.answered = true;
  unanswered_.erase(conv);
}

void Router::assign_done(Id conv, bool ok, Millis now) {
  auto offer = offers_.find(conv);
  if (offer != offers_.end()) {
    if (auto a = agents_.find(offer->second); a != agents_.end()) a->second.pending--;
    offers_.erase(offer);
  }
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  auto& c = it->second;
  if (ok) {
    c.how = Assignment::kAuto;
  } else if (!c.assignee && !c.inbox) {
    enqueue(conv, c);  // the job failed and nobody took it meanwhile: it waits where it was
  }
  route(c.tenant, now);
}

void Router::release_done(Id conv, bool ok, Millis now) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  it->second.releasing = false;
  route(it->second.tenant, now);
}

bool Router::serves_queue(const AgentState& a, Id team) const { return team == 0 || has(a.teams, team); }

std::vector<routing::AgentLoad> Router::loads(const TenantState& t) const {
  std::vector<routing::AgentLoad> out;
  out.reserve(t.agents.size());
  for (Id id : t.agents) {
    auto it = agents_.find(id);
    if (it == agents_.end()) continue;
    const auto& a = it->second;
    out.push_back({id, a.status, a.active + a.pending, a.capacity, a.last_assigned_at});
  }
  return out;
}

void Router::route(Id tenant, Millis now) {
  auto tit = tenants_.find(tenant);
  if (tit == tenants_.end() || tit->second.queues.empty()) return;
  auto& t = tit->second;
  auto loads_now = loads(t);
  std::vector<routing::AgentLoad> candidates;
  for (;;) {
    // The oldest head among the queues that someone free may serve.
    std::optional<Key> best;
    Id best_agent = 0;
    for (const auto& [team, q] : t.queues) {
      if (q.empty()) continue;
      Key head = *q.begin();
      if (best && !(head < *best)) continue;
      candidates.clear();
      for (const auto& l : loads_now) {
        if (serves_queue(agents_.at(l.agent), team)) candidates.push_back(l);
      }
      const auto& passed = convs_.at(head.second).passed;
      auto pick = routing::pick_agent(candidates, passed);
      // Everyone free already let it time out: better one of them again than nobody.
      if (!pick && !passed.empty()) pick = routing::pick_agent(candidates);
      if (!pick) continue;
      best = head;
      best_agent = *pick;
    }
    if (!best) break;
    Id conv = best->second;
    auto& c = convs_.at(conv);
    dequeue(conv, c);
    offers_[conv] = best_agent;
    auto& a = agent(best_agent);
    a.pending++;
    a.last_assigned_at = now;
    for (auto& l : loads_now) {
      if (l.agent == best_agent) {
        l.active++;
        l.last_assigned_at = now;
      }
    }
    sink_.assign(conv, best_agent);
  }
}

// -------------------------------------------------------------------------------- clock

void Router::tick(Millis now) {
  std::vector<Id> changed;
  for (auto& [id, a] : agents_) {
    if (a.sockets == 0 && a.status != routing::Presence::kOffline && now >= a.offline_at) {
      a.status = routing::Presence::kOffline;
      a.auto_away = false;
      changed.push_back(id);
    } else if (a.status == routing::Presence::kOnline && now - a.last_activity > options_.auto_away_ms) {
      a.status = routing::Presence::kAway;
      a.auto_away = true;
      changed.push_back(id);
    }
  }
  for (Id id : changed) presence_changed(id, now);
  // A live chat nobody has answered goes to the next agent when its agent lets an automatic
  // assignment or a transfer time out, or goes offline (however they got it).
  std::vector<std::pair<Id, std::string_view>> release;
  for (Id conv : unanswered_) {
    auto& c = convs_.at(conv);
    if (c.releasing || !c.assignee) continue;
    const auto& a = agent(*c.assignee);
    if (a.status == routing::Presence::kOffline) {
      release.emplace_back(conv, "agent offline");
    } else if (c.how != Assignment::kHand && now - c.assigned_at > options_.assign_timeout_ms) {
      release.emplace_back(conv, "no answer");
    }
  }
  for (auto [conv, reason] : release) {
    auto& c = convs_.at(conv);
    c.releasing = true;
    if (reason == "no answer" && !has(c.passed, *c.assignee)) c.passed.push_back(*c.assignee);
    sink_.release(conv, *c.assignee, reason);
  }
  for (auto& [id, t] : tenants_) {
    refresh_avail(id, now);
    if (t.queue_dirty) announce_queue(id, t, now);
  }
}

int Router::queue_capacity(const TenantState& t, Id team) const {
  int seats = 0;
  for (Id id : t.agents) {
    auto it = agents_.find(id);
    if (it != agents_.end() && it->second.status == routing::Presence::kOnline && serves_queue(it->second, team)) {
      seats += it->second.capacity;
    }
  }
  return seats;
}

void Router::announce_queue(Id tenant, TenantState& t, Millis now) {
  bool deferred = false;
  for (auto& [team, q] : t.queues) {
    int capacity = queue_capacity(t, team);
    int pos = 0;
    for (const auto& key : q) {
      ++pos;
      auto& c = convs_.at(key.second);
      if (c.pos_sent == pos) continue;
      if (pos > kNearFront && c.pos_sent != 0 && now - c.pos_sent_at < kDeepQueueAnnounce) {
        deferred = true;
        continue;
      }
      c.pos_sent = pos;
      c.pos_sent_at = now;
      sink_.queue_position(key.second, c.visitor, pos,
                           routing::estimate_wait(pos, capacity, static_cast<Millis>(avg_handle_ms_)));
    }
  }
  t.queue_dirty = deferred;
}

// -------------------------------------------------------------------------------- reads

std::optional<Router::Presence> Router::presence(Id id) const {
  auto it = agents_.find(id);
  if (it == agents_.end()) return std::nullopt;
  const auto& a = it->second;
  return Presence{id, a.name, a.status, a.active, a.capacity};
}

std::vector<Router::Presence> Router::presence_of(Id tenant) const {
  std::vector<Presence> out;
  for (Id id : agents_of(tenant)) out.push_back(*presence(id));
  return out;
}

std::vector<Id> Router::agents_of(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return {};
  std::vector<Id> ids = it->second.agents;
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<Id> Router::tenants_of(Id agent) const {
  auto it = agents_.find(agent);
  return it == agents_.end() ? std::vector<Id>() : it->second.tenants;
}

std::size_t Router::queue_length(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return 0;
  std::size_t n = 0;
  for (const auto& [team, q] : it->second.queues) n += q.size();
  return n;
}

std::vector<Router::Queued> Router::queue(Id tenant, std::size_t offset, std::size_t limit, Millis now) const {
  std::vector<Queued> out;
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return out;
  // A merge of the team queues in service order, skipping `offset`.
  struct Cursor {
    Queue::const_iterator at, end;
    Id team;
    int pos;
  };
  std::vector<Cursor> cursors;
  for (const auto& [team, q] : it->second.queues) cursors.push_back({q.begin(), q.end(), team, 0});
  std::size_t index = 0;
  while (out.size() < limit) {
    Cursor* next = nullptr;
    for (auto& c : cursors) {
      if (c.at != c.end && (!next || *c.at < *next->at)) next = &c;
    }
    if (!next) break;
    ++next->pos;
    if (index++ >= offset) {
      int capacity = queue_capacity(it->second, next->team);
      out.push_back({next->at->second, next->pos, next->at->first,
                     routing::estimate_wait(next->pos, capacity, static_cast<Millis>(avg_handle_ms_))});
    }
    ++next->at;
  }
  (void)now;
  return out;
}

std::optional<Router::Queued> Router::position(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end() || !it->second.queued) return std::nullopt;
  const auto& c = it->second;
  const auto& t = tenants_.at(c.tenant);
  const auto& q = t.queues.at(c.team.value_or(0));
  int pos = static_cast<int>(q.order_of_key({c.since, conv})) + 1;
  return Queued{conv, pos, c.since,
                routing::estimate_wait(pos, queue_capacity(t, c.team.value_or(0)), static_cast<Millis>(avg_handle_ms_))};
}

int Router::free_seats(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return 0;
  int free = 0;
  for (const auto& l : loads(it->second)) {
    if (l.presence == routing::Presence::kOnline) free += std::max(0, l.capacity - l.active);
  }
  return free;
}

std::optional<Millis> Router::answer_by(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return std::nullopt;
  const auto& c = it->second;
  if (!c.assignee || c.answered || c.inbox || c.how == Assignment::kHand) return std::nullopt;
  return c.assigned_at + options_.assign_timeout_ms;
}

std::optional<Id> Router::tenant_of(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return std::nullopt;
  return it->second.tenant;
}

}  // namespace tiski
