#include "chat/routing/router.h"

#include <algorithm>

#include "util/limits.h"

namespace tiski {
namespace {

constexpr int kNearFront = limits::kQueueNearFront;
constexpr Millis kDeepQueueAnnounce = limits::kQueueDeepAnnounceMs;

template <class V>
bool contains_value(const std::vector<V>& v, const V& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

Router::Router(RouterOptions options, EventBus& bus, const Clock& clock, Presence& presence, Assigner& assigner)
    : options_(options),
      bus_(bus),
      clock_(clock),
      presence_(presence),
      assigner_(assigner),
      avg_handle_ms_(static_cast<double>(options.default_handle_ms)) {
  using namespace events;
  bus.on<ConversationCreated>([this](const auto& e) { update(e.conv); });
  bus.on<ConversationAssigned>([this](const auto& e) { update(e.conv, e.by == By::kAuto ? How::kAuto : How::kHand); });
  bus.on<ConversationReassigned>([this](const auto& e) { update(e.conv); });
  bus.on<ConversationTransferred>([this](const auto& e) {
    // The new owner has not answered until they write: it times out like an automatic assignment
    // (not a supervisor's take-over: they chose the chat, as one taken by hand).
    // Its sender passed it on: should the new owner not answer, or a team's chat be routed at once
    // (within update), it goes to someone else first (a probe's chat went back and forth between
    // the two while the visitor waited).
    auto passed_on = [this, &e] {
      if (auto it = convs_.find(e.conv.id);
          it != convs_.end() && e.from && !e.taken_over && !contains_value(it->second.passed, e.from))
        it->second.passed.push_back(e.from);
    };
    passed_on();
    update(e.conv, e.to ? std::optional<How>(e.taken_over ? How::kHand : How::kTransfer) : std::nullopt);
    passed_on();  // a conversation this router first meets here
  });
  bus.on<ConversationClosed>([this](const auto& e) { update(e.conv); });
  bus.on<ConversationContact>([this](const auto& e) { update(e.conv); });
  bus.on<ConversationUpdated>([this](const auto& e) { update(e.conv); });
  bus.on<MessageStored>([this](const auto& e) {
    if (e.msg.author == "agent") answered(e.msg.conv_id);
  });
  bus.on<AgentStatusChanged>([this](const auto& e) { agent_changed(e.agent); });
  bus.on<VisitorLeft>([this](const auto& e) { update(e.conv); });  // visitor_left_at set
  bus.on<VisitorReturned>([this](const auto& e) { update(e.conv); });
}

// ----------------------------------------------------------------------- conversations

void Router::load(const Conversation& c) {
  update(c);
  if (c.assignee_id) answered(c.id);  // assigned before a restart: never yanked from its agent
}

void Router::enqueue(Id conv, ConvState& c) {
  if (c.queued) return;
  auto& t = tenants_[c.tenant];
  t.queues[c.team.value_or(0)].insert({c.since, conv});
  c.queued = true;
  t.dirty = true;
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
  t.dirty = true;
}

void Router::set_assignee(Id conv, ConvState& c, std::optional<Id> to, Millis assigned_at) {
  std::optional<Id> before = c.assignee;
  if (before && holds_seat(c)) loads_[*before].active--;
  c.assignee = to;
  unanswered_.erase(conv);
  if (to) {
    c.assigned_at = c.countdown_from = assigned_at;
    c.answered = false;  // a new owner has not answered until they write
    c.how = How::kHand;
    if (holds_seat(c)) loads_[*to].active++;
    if (!c.inbox) unanswered_.insert(conv);
  }
  if (before) bus_.publish(events::AgentLoadChanged{*before});
  if (to) bus_.publish(events::AgentLoadChanged{*to});
}

void Router::update(const Conversation& conv, std::optional<How> how) {
  Millis now = clock_.now();
  if (conv.status == conv_status::kClosed) {
    auto it = convs_.find(conv.id);
    if (it == convs_.end()) return;
    auto& c = it->second;
    if (c.assignee && c.assigned_at > 0 && conv.closed_at) {
      double handled = static_cast<double>(*conv.closed_at - c.assigned_at);
      avg_handle_ms_ = 0.9 * avg_handle_ms_ + 0.1 * std::max(0.0, handled);
    }
    dequeue(conv.id, c);
    set_assignee(conv.id, c, std::nullopt, now);
    Id tenant = c.tenant;
    convs_.erase(it);
    route(tenant);  // a seat may have freed
    return;
  }
  auto [it, fresh] = convs_.try_emplace(conv.id);
  auto& c = it->second;
  if (fresh) {
    c.since = conv.created_at;
    c.tenant = conv.tenant_id;
    c.visitor = conv.visitor_id;
    c.inbox = origin::is_inbox(conv.origin);
  }
  if (c.queued && c.team != conv.team_id) dequeue(conv.id, c);
  c.team = conv.team_id;
  bool back = c.gone && !conv.visitor_gone();
  bool left = !c.gone && conv.visitor_gone();
  // A chat whose visitor left holds no seat of its agent's (a new visitor is not queued behind
  // it); back, it takes one again, even above the agent's limit (as a transfer may).
  if ((back || left) && c.assignee && !c.inbox) {
    loads_[*c.assignee].active += back ? 1 : -1;
    bus_.publish(events::AgentLoadChanged{*c.assignee});
  }
  c.gone = conv.visitor_gone();  // offered to nobody (back: it waits again in its old place)
  if (back && c.assignee && !c.answered) c.countdown_from = now;  // and its agent has the whole time again
  if (left && c.assignee) route(c.tenant);                        // a seat freed
  if (c.assignee != conv.assignee_id) {
    bool released = c.assignee && !conv.assignee_id;
    set_assignee(conv.id, c, conv.assignee_id, conv.assigned_at.value_or(now));
    if (released) c.since = now;  // waits again, at the back of the queue
  }
  if (how && c.assignee) c.how = *how;
  bool waiting =
      conv.status == conv_status::kWaiting && !conv.assignee_id && !c.inbox && !c.gone && !offers_.contains(conv.id);
  if (waiting && !c.queued) {
    enqueue(conv.id, c);
    route(c.tenant);
  } else if (!waiting && c.queued) {
    dequeue(conv.id, c);
  }
}

void Router::answered(Id conv) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  it->second.answered = true;
  unanswered_.erase(conv);
}

void Router::assign_done(Id conv, bool ok) {
  auto offer = offers_.find(conv);
  if (offer != offers_.end()) {
    loads_[offer->second].pending--;
    offers_.erase(offer);
  }
  auto it = convs_.find(conv);
  if (it == convs_.end()) return;
  auto& c = it->second;
  if (!ok && !c.assignee && !c.inbox && !c.gone) enqueue(conv, c);  // nobody took it meanwhile: it waits where it was
  route(c.tenant);
}

void Router::release(Id conv, ConvState& c, const char* reason) {
  if (c.releasing || !c.assignee) return;
  c.releasing = true;
  Id agent = *c.assignee;
  if (std::string_view(reason) == "no answer" && !contains_value(c.passed, agent)) c.passed.push_back(agent);
  assigner_.release(conv, agent, reason, [this, conv](bool) {
    auto it = convs_.find(conv);
    if (it == convs_.end()) return;
    it->second.releasing = false;  // failed: answered or closed meanwhile
    route(it->second.tenant);
  });
}

// ------------------------------------------------------------------------------ agents

void Router::agent_changed(Id agent) {
  const auto* a = presence_.agent(agent);
  if (!a) return;
  if (a->status == Availability::kOffline) {
    // Their unanswered chats, however they got them, go back to the queue at once.
    std::vector<Id> theirs;
    for (Id conv : unanswered_) {
      const auto& c = convs_.at(conv);
      if (c.assignee == agent && owns(c.tenant)) theirs.push_back(conv);
    }
    for (Id conv : theirs) release(conv, convs_.at(conv), "agent offline");
  }
  for (Id t : a->profile.tenants) route(t);  // a seat may be free (or fewer: nothing to do)
}

bool Router::serves_queue(Id agent, Id team) const {
  if (team == 0) return true;
  const auto* a = presence_.agent(agent);
  return a && contains_value(a->profile.teams, team);
}

std::vector<routing::AgentLoad> Router::loads(Id tenant) const {
  std::vector<routing::AgentLoad> out;
  for (Id id : presence_.agents_of(tenant)) {
    const auto* a = presence_.agent(id);
    auto l = loads_.find(id);
    Load load = l == loads_.end() ? Load{} : l->second;
    out.push_back({id, a->status, load.active + load.pending, a->profile.capacity, load.last_assigned_at});
  }
  return out;
}

void Router::route_all() {
  std::vector<Id> waiting;
  for (const auto& [id, t] : tenants_) {
    if (!t.queues.empty()) waiting.push_back(id);
  }
  for (Id t : waiting) route(t);
}

void Router::route(Id tenant) {
  if (!owns(tenant)) return;  // its owner offers its chats
  auto tit = tenants_.find(tenant);
  if (tit == tenants_.end() || tit->second.queues.empty()) return;
  auto& t = tit->second;
  Millis now = clock_.now();
  auto loads_now = loads(tenant);
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
        if (serves_queue(l.agent, team)) candidates.push_back(l);
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
    dequeue(conv, convs_.at(conv));
    offers_[conv] = best_agent;
    auto& load = loads_[best_agent];
    load.pending++;
    load.last_assigned_at = now;
    for (auto& l : loads_now) {
      if (l.agent == best_agent) {
        l.active++;
        l.last_assigned_at = now;
      }
    }
    assigner_.assign(conv, best_agent, [this, conv](bool ok) { assign_done(conv, ok); });
  }
}

// -------------------------------------------------------------------------------- clock

void Router::tick() {
  Millis now = clock_.now();
  std::vector<Id> expired;
  for (Id conv : unanswered_) {
    const auto& c = convs_.at(conv);
    if (!c.releasing && !c.gone && c.how != How::kHand && now - c.countdown_from > options_.assign_timeout_ms &&
        owns(c.tenant) && (someone_else_free(c) || !online(*c.assignee)))
      expired.push_back(conv);
  }
  for (Id conv : expired) release(conv, convs_.at(conv), "no answer");
  for (auto& [id, t] : tenants_) {
    if (t.dirty) announce_queue(id, t, now);
  }
}

// Whether another online agent who serves the chat's queue has a free seat: without one, an
// unanswered chat stays with its online agent past its time (it came straight back to them, its
// countdown restarting for ever) and moves as soon as somebody is free. An agent who went away
// does not keep it: it waits in the queue, where anyone may take it.
bool Router::online(Id agent) const {
  const auto* a = presence_.agent(agent);
  return a && a->status == Availability::kOnline;
}

bool Router::someone_else_free(const ConvState& c) const {
  for (Id id : presence_.agents_of(c.tenant)) {
    const auto* a = presence_.agent(id);
    if (id == c.assignee || a->status != Availability::kOnline || !serves_queue(id, c.team.value_or(0))) continue;
    auto l = loads_.find(id);
    int busy = l == loads_.end() ? 0 : l->second.active + l->second.pending;
    if (busy < a->profile.capacity) return true;
  }
  return false;
}

int Router::queue_capacity(Id tenant, Id team) const {
  int seats = 0;
  for (Id id : presence_.agents_of(tenant)) {
    const auto* a = presence_.agent(id);
    if (a->status == Availability::kOnline && serves_queue(id, team)) seats += a->profile.capacity;
  }
  return seats;
}

void Router::announce_queue(Id tenant, TenantQueues& t, Millis now) {
  bool deferred = false;
  for (auto& [team, q] : t.queues) {
    int capacity = queue_capacity(tenant, team);
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
      bus_.publish(events::QueuePositionChanged{
          key.second, c.visitor, pos, routing::estimate_wait(pos, capacity, static_cast<Millis>(avg_handle_ms_))});
    }
  }
  t.dirty = deferred;
}

// -------------------------------------------------------------------------------- reads

int Router::active(Id agent) const {
  auto it = loads_.find(agent);
  return it == loads_.end() ? 0 : it->second.active;
}

std::size_t Router::queue_length(Id tenant) const {
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return 0;
  std::size_t n = 0;
  for (const auto& [team, q] : it->second.queues) n += q.size();
  return n;
}

std::vector<Router::Queued> Router::queue(Id tenant, std::size_t offset, std::size_t limit) const {
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
      int capacity = queue_capacity(tenant, next->team);
      out.push_back({next->at->second, next->pos, next->at->first,
                     routing::estimate_wait(next->pos, capacity, static_cast<Millis>(avg_handle_ms_))});
    }
    ++next->at;
  }
  return out;
}

std::optional<Router::Queued> Router::position(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end() || !it->second.queued) return std::nullopt;
  const auto& c = it->second;
  const auto& q = tenants_.at(c.tenant).queues.at(c.team.value_or(0));
  int pos = static_cast<int>(q.order_of_key({c.since, conv})) + 1;
  return Queued{
      conv, pos, c.since,
      routing::estimate_wait(pos, queue_capacity(c.tenant, c.team.value_or(0)), static_cast<Millis>(avg_handle_ms_))};
}

int Router::free_seats(Id tenant) const {
  int free = 0;
  for (const auto& l : loads(tenant)) {
    if (l.presence == Availability::kOnline) free += std::max(0, l.capacity - l.active);
  }
  return free;
}

bool Router::engaged(Id conv, Id agent) {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return false;
  auto& c = it->second;
  if (c.answered || c.gone || c.inbox || c.releasing || c.how == How::kHand || c.assignee != agent) return false;
  Millis now = clock_.now();
  if (c.countdown_from + options_.assign_timeout_ms - now >= kTypingGraceMs) return false;
  c.countdown_from = now + kTypingGraceMs - options_.assign_timeout_ms;
  return true;
}

std::optional<Millis> Router::answer_by(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return std::nullopt;
  const auto& c = it->second;
  if (!c.assignee || c.answered || c.inbox || c.gone || c.how == How::kHand) return std::nullopt;
  return c.countdown_from + options_.assign_timeout_ms;
}

std::vector<Id> Router::open_ids() const {
  std::vector<Id> out;
  out.reserve(convs_.size());
  for (const auto& [id, c] : convs_) out.push_back(id);
  return out;
}

std::optional<Id> Router::tenant_of(Id conv) const {
  auto it = convs_.find(conv);
  if (it == convs_.end()) return std::nullopt;
  return it->second.tenant;
}

}  // namespace tiski
