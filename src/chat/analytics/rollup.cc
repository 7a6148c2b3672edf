#include "chat/analytics/rollup.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "chat/analytics/timeline.h"

namespace tiski::analytics {

// ------------------------------------------------------------------------------ Hist

int Hist::bucket_of(Millis v) {
  if (v < 64) return static_cast<int>(std::max<Millis>(v, 0));
  auto u = static_cast<std::uint64_t>(v);
  int octave = std::bit_width(u) - 7;  // 0 for [64, 128)
  int sub = static_cast<int>((u >> (octave + 1)) & 31);
  return std::min(kBuckets - 1, 64 + octave * 32 + sub);
}

Millis Hist::lower_edge(int b) {
  if (b < 64) return b;
  int octave = (b - 64) / 32, sub = (b - 64) % 32;
  return (Millis{64} << octave) + (Millis{sub} << (octave + 1));
}

void Hist::add(Millis v, std::int64_t times) { add_bucket(bucket_of(v), times, v * times); }

void Hist::add_bucket(int b, std::int64_t times, Millis sum) {
  if (counts_.empty()) counts_.assign(kBuckets, 0);
  counts_[static_cast<std::size_t>(std::clamp(b, 0, kBuckets - 1))] += times;
  n_ += times;
  sum_ += sum;
}

void Hist::merge(const Hist& o) {
  if (o.n_ == 0 && o.sum_ == 0) return;
  if (counts_.empty()) counts_.assign(kBuckets, 0);
  for (std::size_t i = 0; i < o.counts_.size(); ++i) counts_[i] += o.counts_[i];
  n_ += o.n_;
  sum_ += o.sum_;
}

void Counts::add(int key, std::int64_t n) {
  if (!dense_.empty()) {
    dense_[static_cast<std::size_t>(key)] += n;
    return;
  }
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), key, [](const auto& e, int k) { return e.first < k; });
  if (it != sparse_.end() && it->first == key) {
    it->second += n;
    return;
  }
  sparse_.insert(it, {key, n});
  if (sparse_.size() > kSparseMax) {
    dense_.assign(static_cast<std::size_t>(size_), 0);
    for (const auto& [k, c] : sparse_) dense_[static_cast<std::size_t>(k)] += c;
    sparse_.clear();
  }
}

bool Counts::operator==(const Counts& o) const {
  if (size_ != o.size_) return false;
  std::vector<std::pair<int, std::int64_t>> a, b;
  each([&](int k, std::int64_t n) { a.push_back({k, n}); });
  o.each([&](int k, std::int64_t n) { b.push_back({k, n}); });
  return a == b;
}

bool Hist::operator==(const Hist& o) const {
  if (n_ != o.n_ || sum_ != o.sum_) return false;
  for (int b = 0; b < kBuckets; ++b) {
    auto at = static_cast<std::size_t>(b);
    if ((at < counts_.size() ? counts_[at] : 0) != (at < o.counts_.size() ? o.counts_[at] : 0)) return false;
  }
  return true;
}

Millis Hist::percentile(double p) const {
  auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(n_)));
  rank = std::clamp<std::int64_t>(rank, 1, n_);
  std::int64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return lower_edge(static_cast<int>(i));
  }
  return 0;
}

// --------------------------------------------------------------------------- merging

namespace {

template <class T, std::size_t N>
void add_all(std::array<T, N>& a, const std::array<T, N>& b) {
  for (std::size_t i = 0; i < N; ++i) a[i] += b[i];
}

void add_money(Money& a, const Money& b) {
  a.orders += b.orders;
  a.revenue += b.revenue;
  a.chat_orders += b.chat_orders;
  a.chat_revenue += b.chat_revenue;
}

void add_group(Group& a, const Group& b) {
  a.units += b.units;
  a.converted += b.converted;
  a.orders += b.orders;
  for (const auto& [cur, m] : b.money) add_all(a.money[cur], m);
}

}  // namespace

void Partial::merge(const Partial& o) {
  conversations += o.conversations;
  chats += o.chats;
  awaited += o.awaited;
  answered += o.answered;
  missed += o.missed;
  abandoned += o.abandoned;
  slow += o.slow;
  transferred += o.transferred;
  within_sl += o.within_sl;
  wait.merge(o.wait);
  first.merge(o.first);
  first_business.merge(o.first_business);
  reply.merge(o.reply);
  handling.merge(o.handling);
  add_all(first_buckets, o.first_buckets);
  add_all(outcomes, o.outcomes);
  for (const auto& [t, n] : o.tags) tags[t] += n;
  csat_shown += o.csat_shown;
  csat_answers += o.csat_answers;
  csat_positive += o.csat_positive;
  csat_sum += o.csat_sum;
  add_all(csat_by, o.csat_by);
  for (const auto& [d, s] : o.series) {
    auto& x = series[d];
    x.conversations += s.conversations;
    x.chats += s.chats;
    x.answered += s.answered;
    x.missed += s.missed;
    x.awaited += s.awaited;
    x.within += s.within;
  }
  add_all(arrivals, o.arrivals);
  add_all(waited, o.waited);
  add_all(wait_sum, o.wait_sum);
  o.awaited_waits.each([&](int k, std::int64_t n) { awaited_waits.add(k, n); });
  wall_sum += o.wall_sum;
  walls += o.walls;
  load_ms += o.load_ms;
  busy_ms += o.busy_ms;
  gave_up += o.gave_up;
  gave_up_ms += o.gave_up_ms;
  for (const auto& [cur, m] : o.sales) add_money(sales[cur], m);
  for (const auto& [k, m] : o.sales_by_day) add_money(sales_by_day[k], m);
  leads += o.leads;
  chat_leads += o.chat_leads;
  add_group(chat_days, o.chat_days);
  add_group(other_days, o.other_days);
  shown += o.shown;
  accepted += o.accepted;
  converted += o.converted;
  held_out += o.held_out;
  add_group(invited, o.invited);
  add_group(held, o.held);
}

// --------------------------------------------------------------------------- rolling

int hour_of_week(const date::time_zone* zone, Millis at) {
  auto local = zone->to_local(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
  auto day = date::floor<date::days>(local);
  int weekday = static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
  int hour = static_cast<int>(std::chrono::duration_cast<std::chrono::hours>(local - day).count());
  return weekday * 24 + std::clamp(hour, 0, 23);
}

DayNo local_day(const date::time_zone* zone, Millis at) {
  auto local = zone->to_local(std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(at)));
  return day_no(date::floor<date::days>(local));
}

namespace {

bool answered(const ReportConversation& c) {
  return std::any_of(c.lines.begin(), c.lines.end(), [](const ReportLine& l) { return l.author == "agent"; });
}

void add_said(Partial& p, const Conversation& c) {
  std::string_view o = c.outcome.empty() ? "unset" : std::string_view(c.outcome);
  for (std::size_t i = 0; i < kOutcomes.size(); ++i)
    if (o == kOutcomes[i]) ++p.outcomes[i];
  for (const auto& t : c.tags) ++p.tags[t];
  if (c.csat_shown_at) ++p.csat_shown;
  if (c.csat && *c.csat >= 1 && *c.csat <= 5) {
    ++p.csat_answers;
    p.csat_sum += *c.csat;
    if (*c.csat >= 4) ++p.csat_positive;
    ++p.csat_by[static_cast<std::size_t>(*c.csat - 1)];
  }
}

Combo combo_of(const Conversation& c) {
  return {c.site_id, c.assignee_id.value_or(0), c.origin, c.team_id.value_or(0)};
}

// The concurrency of one agent's chats of the day: the load (open chats x time) and the busy
// time over their [first answer, close) spans.
std::pair<Millis, Millis> load_and_busy(const std::vector<std::pair<Millis, Millis>>& spans) {
  std::vector<std::pair<Millis, int>> edges;
  for (auto [a, b] : spans) {
    if (b <= a) continue;
    edges.push_back({a, +1});
    edges.push_back({b, -1});
  }
  std::sort(edges.begin(), edges.end());
  Millis load = 0, busy = 0, last = 0;
  int open = 0;
  for (auto [at, d] : edges) {
    if (open > 0) load += open * (at - last), busy += at - last;
    open += d;
    last = at;
  }
  return {load, busy};
}

void add_money(Group& g, const Conversion& c) {
  ++g.orders;
  auto& m = g.money[c.currency];
  m[0] += c.value_cents;
  m[1] += 1;
}

}  // namespace

void add_conversation(Partial& p, const ReportConversation& c, const RollSettings& s, Millis now) {
  auto m = measure(timeline_of(c.conv, c.lines, c.events), s.thresholds, s.hours, now);
  ++p.conversations;
  p.chats += m.live;
  // Answered live chats, the tile's "answered of N live chats" and the agents' table beside
  // their chats and missed ones (an answered email counted here made answered exceed chats:
  // found by a review). Inbox answers have their own table (responses within target).
  p.answered += m.live && m.answered;
  p.missed += m.missed;
  p.abandoned += m.abandoned;
  p.slow += m.slow;
  p.transferred += m.transferred;
  p.awaited += m.awaited;
  p.within_sl += m.within_service_level;
  if (m.wait_ms) p.wait.add(*m.wait_ms);
  if (m.first_response_ms) p.first.add(*m.first_response_ms);
  if (m.first_response_ms && m.live) {  // the chart of answered chats (an email's hours are not a chat's)
    std::size_t b = 0;
    while (b < std::size(kFirstResponseBuckets) && *m.first_response_ms > kFirstResponseBuckets[b] * 1000LL) ++b;
    ++p.first_buckets[b];
  }
  if (m.first_response_business_ms) p.first_business.add(*m.first_response_business_ms);
  for (auto r : m.reply_ms) p.reply.add(r);
  if (m.answered) p.handling.add(m.active_ms);
  add_said(p, c.conv);
  auto& day = p.series[local_day(s.zone, c.conv.created_at)];
  ++day.conversations;
  day.chats += m.live;
  day.answered += m.live && m.answered;
  day.missed += m.missed;
  day.awaited += m.awaited;
  day.within += m.within_service_level;
  int how = hour_of_week(s.zone, c.conv.created_at);
  auto h = static_cast<std::size_t>(how);
  if (m.live) ++p.arrivals[h];
  if (m.wait_ms) ++p.waited[h], p.wait_sum[h] += *m.wait_ms;
  if (m.awaited) {
    Millis secs = m.wait_ms ? *m.wait_ms / 1000 : kStaffingMaxWaitS + 1;
    p.awaited_waits.add(how * Partial::kWaitSlots + static_cast<int>(std::min<Millis>(secs, kStaffingMaxWaitS + 1)), 1);
    if (m.wall_ms && c.conv.assignee_id) p.wall_sum += *m.wall_ms, ++p.walls;
    if (m.gave_up_ms) ++p.gave_up, p.gave_up_ms += *m.gave_up_ms;
  }
}

namespace {

void roll_conversations(const DayFacts& f, const RollSettings& s, Rolled& out) {
  std::map<Id, std::pair<Combo, std::vector<std::pair<Millis, Millis>>>> spans;  // by agent
  for (const auto& c : f.convs) {
    if (c.conv.status != conv_status::kClosed || !c.conv.closed_at) continue;
    auto combo = combo_of(c.conv);
    auto& p = out[combo];
    add_conversation(p, c, s, *c.conv.closed_at);
    auto m = measure(timeline_of(c.conv, c.lines, c.events), s.thresholds, s.hours, *c.conv.closed_at);
    if (m.awaited && m.wall_ms && c.conv.assignee_id) {
      auto [it, fresh] = spans.try_emplace(*c.conv.assignee_id, combo, std::vector<std::pair<Millis, Millis>>{});
      it->second.second.push_back({*c.conv.closed_at - *m.wall_ms, *c.conv.closed_at});
    }
  }
  for (auto& [agent, cs] : spans) {
    auto [load, busy] = load_and_busy(cs.second);
    auto& p = out[cs.first];
    p.load_ms += load;
    p.busy_ms += busy;
  }
}

void roll_sales(const DayFacts& f, const RollSettings& s, Rolled& out) {
  for (const auto& sale : f.sales) {
    const auto& c = sale.c;
    bool credited = c.conv_id.has_value();
    Combo combo{c.site_id, credited ? c.agent_id.value_or(0) : 0, credited ? sale.origin : "",
                credited ? sale.team : 0};
    auto& p = out[combo];
    if (c.kind != "order") {
      ++p.leads;
      p.chat_leads += credited;
      continue;
    }
    auto& m = p.sales[c.currency];
    ++m.orders;
    m.revenue += c.value_cents;
    if (credited) {
      ++m.chat_orders;
      m.chat_revenue += c.value_cents;
      auto& d = p.sales_by_day[{local_day(s.zone, c.at), c.currency}];
      ++d.chat_orders;
      d.chat_revenue += c.value_cents;
    }
  }
}

// Chat vs non-chat by visitor-day (docs/metrics.md): a visitor's day is a chat day when they
// had an answered conversation created that day; it converted when an order was credited to
// one of those chats (whenever it was made). Any other day a visitor was seen converted when
// they placed an order not credited to a chat that day.
void roll_visitor_days(const DayFacts& f, Rolled& out) {
  std::map<Id, Id> chat_visitors;  // visitor -> site
  std::unordered_set<Id> day_chats;
  for (const auto& c : f.convs) {
    if (!answered(c)) continue;
    chat_visitors.emplace(c.conv.visitor_id, c.conv.site_id);
    day_chats.insert(c.conv.id);
  }
  std::map<Id, std::vector<const Conversion*>> credited, other;
  for (const auto& c : f.credited_to_day)
    if (c.kind == "order" && c.visitor_id && c.conv_id && day_chats.contains(*c.conv_id))
      credited[*c.visitor_id].push_back(&c);
  for (const auto& sale : f.sales)
    if (sale.c.kind == "order" && sale.c.visitor_id && !sale.c.conv_id) other[*sale.c.visitor_id].push_back(&sale.c);
  auto add = [](Group& g, const std::vector<const Conversion*>* orders) {
    ++g.units;
    if (!orders || orders->empty()) return;
    ++g.converted;
    for (const auto* c : *orders) add_money(g, *c);
  };
  for (const auto& [v, site] : chat_visitors) {
    auto it = credited.find(v);
    add(out[Combo{site, 0, "", 0}].chat_days, it == credited.end() ? nullptr : &it->second);
  }
  std::set<std::pair<Id, Id>> seen(f.seen.begin(), f.seen.end());
  for (const auto& [v, site] : seen) {
    if (chat_visitors.contains(v)) continue;
    auto it = other.find(v);
    add(out[Combo{site, 0, "", 0}].other_days, it == other.end() ? nullptr : &it->second);
  }
}

void roll_invitations(const DayFacts& f, const RollSettings& s, Rolled& out) {
  std::unordered_set<Id> sold(f.sold_convs.begin(), f.sold_convs.end());
  std::unordered_map<Id, std::vector<const Conversion*>> orders;
  for (const auto& c : f.unit_orders)
    if (c.kind == "order" && c.visitor_id) orders[*c.visitor_id].push_back(&c);
  std::set<std::pair<Id, std::string>> units;
  for (const auto& [inv, first] : f.invitations) {
    auto& p = out[Combo{inv.site_id, 0, "", 0}];
    if (inv.held_out) {
      ++p.held_out;
    } else {
      ++p.shown;
      if (inv.conv_id) {
        ++p.accepted;
        p.converted += sold.contains(*inv.conv_id);
      }
    }
    // The visit's first (would-be) invitation decides its arm and starts its window.
    if (!first || !units.insert({inv.visitor_id, inv.visit}).second) continue;
    auto& arm = inv.held_out ? p.held : p.invited;
    ++arm.units;
    std::map<std::string, std::int64_t> money;
    bool bought = false;
    if (auto it = orders.find(inv.visitor_id); it != orders.end()) {
      for (const auto* c : it->second) {
        if (c->at < inv.shown_at || c->at > inv.shown_at + s.window_ms) continue;
        bought = true;
        ++arm.orders;
        money[c->currency] += c->value_cents;
        arm.money[c->currency][1] += 1;
      }
    }
    arm.converted += bought;
    for (const auto& [cur, v] : money) {
      arm.money[cur][0] += v;
      arm.money[cur][2] += v * v;
    }
  }
}

}  // namespace

Rolled roll_day(const DayFacts& f, DayNo, const RollSettings& s) {
  Rolled out;
  roll_conversations(f, s, out);
  roll_sales(f, s, out);
  roll_visitor_days(f, out);
  roll_invitations(f, s, out);
  std::erase_if(out, [](const auto& kv) { return kv.second == Partial{}; });
  return out;
}

}  // namespace tiski::analytics
