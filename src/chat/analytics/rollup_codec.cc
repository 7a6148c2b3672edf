// The rollups' encoding: a Partial as the bytes reports.db keeps (rollup.h), and back.
#include <bit>
#include <cstdint>
#include <string>

#include "chat/analytics/rollup.h"

namespace tiski::analytics {

// Version byte, then every field in declaration order as zigzag varints; maps and histograms
// as a count and their non-zero entries. Decoding checks every length: a damaged row is
// refused (the report rolls that day from raw again).

namespace {

constexpr std::uint8_t kVersion = Partial::kVersion;

struct Writer {
  std::string out;
  void i(std::int64_t v) {
    auto u = (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
    while (u >= 0x80) {
      out.push_back(static_cast<char>((u & 0x7f) | 0x80));
      u >>= 7;
    }
    out.push_back(static_cast<char>(u));
  }
  void s(const std::string& v) {
    i(static_cast<std::int64_t>(v.size()));
    out += v;
  }
  template <std::size_t N>
  void a(const std::array<std::int64_t, N>& v) {
    std::int64_t nz = std::count_if(v.begin(), v.end(), [](auto x) { return x != 0; });
    i(nz);
    for (std::size_t k = 0; k < N; ++k)
      if (v[k]) i(static_cast<std::int64_t>(k)), i(v[k]);
  }
  void h(const Hist& v) {
    i(v.n());
    i(v.sum());
    std::int64_t nz = 0;
    v.each([&](int, std::int64_t) { ++nz; });
    i(nz);
    v.each([&](int b, std::int64_t c) { i(b), i(c); });
  }
  void money(const Money& m) { i(m.orders), i(m.revenue), i(m.chat_orders), i(m.chat_revenue); }
  void g(const Group& v) {
    i(v.units), i(v.converted), i(v.orders);
    i(static_cast<std::int64_t>(v.money.size()));
    for (const auto& [cur, m] : v.money) s(cur), i(m[0]), i(m[1]), i(m[2]);
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  std::int64_t i() {
    std::uint64_t u = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (in.empty()) return ok = false, 0;
      auto b = static_cast<std::uint8_t>(in.front());
      in.remove_prefix(1);
      u |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1);
    }
    return ok = false, 0;
  }
  std::int64_t count(std::int64_t max) {
    auto n = i();
    if (n < 0 || n > max) ok = false, n = 0;
    return n;
  }
  std::string s() {
    auto n = static_cast<std::size_t>(count(static_cast<std::int64_t>(in.size())));
    std::string v(in.substr(0, n));
    in.remove_prefix(n);
    return v;
  }
  template <std::size_t N>
  void a(std::array<std::int64_t, N>& v) {
    for (auto k = count(N); ok && k > 0; --k) {
      auto at = i();
      if (at < 0 || at >= static_cast<std::int64_t>(N)) return void(ok = false);
      v[static_cast<std::size_t>(at)] += i();
    }
  }
  void h(Hist& v) {
    auto n = i(), sum = i();
    Millis added = 0;
    std::int64_t counted = 0;
    for (auto k = count(Hist::kBuckets); ok && k > 0; --k) {
      auto b = i(), c = i();
      if (b < 0 || b >= Hist::kBuckets) return void(ok = false);
      v.add_bucket(static_cast<int>(b), c, 0);
      counted += c;
    }
    if (counted != n) ok = false;
    if (sum != added) v.add_bucket(0, 0, sum);
  }
  void money(Money& m) {
    m.orders += i();
    m.revenue += i();
    m.chat_orders += i();
    m.chat_revenue += i();
  }
  void g(Group& v) {
    v.units += i();
    v.converted += i();
    v.orders += i();
    for (auto k = count(1000); ok && k > 0; --k) {
      auto cur = s();
      auto& m = v.money[cur];
      m[0] += i();
      m[1] += i();
      m[2] += i();
    }
  }
};

}  // namespace

std::string Partial::encode() const {
  Writer w;
  w.out.push_back(static_cast<char>(kVersion));
  for (auto v : {conversations, chats, awaited, answered, missed, abandoned, slow, transferred, within_sl}) w.i(v);
  for (const Hist* h : {&wait, &first, &first_business, &reply, &handling}) w.h(*h);
  w.a(first_buckets);
  w.a(outcomes);
  w.i(static_cast<std::int64_t>(tags.size()));
  for (const auto& [t, n] : tags) w.s(t), w.i(n);
  for (auto v : {csat_shown, csat_answers, csat_positive, csat_sum}) w.i(v);
  w.a(csat_by);
  w.i(static_cast<std::int64_t>(series.size()));
  for (const auto& [d, x] : series)
    w.i(d), w.i(x.conversations), w.i(x.chats), w.i(x.answered), w.i(x.missed), w.i(x.awaited), w.i(x.within);
  w.a(arrivals);
  w.a(waited);
  w.a(wait_sum);
  std::int64_t waits = 0;
  awaited_waits.each([&](int, std::int64_t) { ++waits; });
  w.i(waits);
  awaited_waits.each([&](int k, std::int64_t n) { w.i(k), w.i(n); });
  for (auto v : {wall_sum, walls, load_ms, busy_ms, gave_up, gave_up_ms}) w.i(v);
  w.i(static_cast<std::int64_t>(sales.size()));
  for (const auto& [cur, m] : sales) w.s(cur), w.money(m);
  w.i(static_cast<std::int64_t>(sales_by_day.size()));
  for (const auto& [k, m] : sales_by_day) w.i(k.first), w.s(k.second), w.money(m);
  w.i(leads), w.i(chat_leads);
  w.g(chat_days), w.g(other_days);
  for (auto v : {shown, accepted, converted, held_out}) w.i(v);
  w.g(invited), w.g(held);
  return std::move(w.out);
}

bool Partial::decode_into(std::string_view bytes, Partial& into, bool whole) {
  Partial scratch;  // what a partial decode reads and drops
  Partial& p = into;
  Partial& w = whole ? into : scratch;
  if (bytes.empty() || static_cast<std::uint8_t>(bytes[0]) != kVersion) return false;
  Reader r{bytes.substr(1)};
  for (auto* v : {&p.conversations, &p.chats, &p.awaited, &p.answered, &p.missed, &p.abandoned, &p.slow, &p.transferred,
                  &p.within_sl})
    *v += r.i();
  for (Hist* h : {&p.wait, &p.first, &p.first_business, &p.reply, &p.handling}) r.h(*h);
  r.a(p.first_buckets);
  r.a(p.outcomes);
  for (auto k = r.count(1 << 20); r.ok && k > 0; --k) {
    auto t = r.s();
    p.tags[t] += r.i();
  }
  for (auto* v : {&p.csat_shown, &p.csat_answers, &p.csat_positive, &p.csat_sum}) *v += r.i();
  r.a(p.csat_by);
  for (auto k = r.count(1 << 20); r.ok && k > 0; --k) {
    auto d = static_cast<DayNo>(r.i());
    SeriesDay dropped;
    auto& x = whole ? p.series[d] : dropped;
    x.conversations += r.i();
    x.chats += r.i();
    x.answered += r.i();
    x.missed += r.i();
    x.awaited += r.i();
    x.within += r.i();
  }
  r.a(w.arrivals);
  r.a(w.waited);
  r.a(w.wait_sum);
  for (auto k = r.count(p.awaited_waits.size()); r.ok && k > 0; --k) {
    auto key = r.i();
    auto n = r.i();
    if (key < 0 || key >= p.awaited_waits.size()) return false;
    if (whole) p.awaited_waits.add(static_cast<int>(key), n);
  }
  for (auto* v : {&w.wall_sum, &w.walls, &w.load_ms, &w.busy_ms, &w.gave_up, &w.gave_up_ms}) *v += r.i();
  for (auto k = r.count(1000); r.ok && k > 0; --k) {
    auto cur = r.s();
    r.money(p.sales[cur]);
  }
  for (auto k = r.count(1 << 20); r.ok && k > 0; --k) {
    auto d = static_cast<DayNo>(r.i());
    auto cur = r.s();
    Money dropped;
    r.money(whole ? p.sales_by_day[{d, cur}] : dropped);
  }
  p.leads += r.i();
  p.chat_leads += r.i();
  r.g(p.chat_days), r.g(p.other_days);
  for (auto* v : {&p.shown, &p.accepted, &p.converted, &p.held_out}) *v += r.i();
  r.g(p.invited), r.g(p.held);
  return r.ok && r.in.empty();
}

std::optional<Partial> Partial::decode(std::string_view bytes) {
  Partial p;
  if (!decode_into(bytes, p)) return std::nullopt;
  return p;
}

}  // namespace tiski::analytics
