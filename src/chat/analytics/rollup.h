// Report rollups (docs/metrics.md "How a report is computed"): everything a report shows, as
// sums that can be added up. A Partial holds one bucket's worth — one tenant-local day, one
// combination of site × agent × origin × team — and any number of Partials merge into the
// figures of a period. roll_day() builds a day's Partials from the raw facts; the stored
// rollups are exactly its output, and a report merges stored days with days rolled from raw
// on the spot, so a report always equals a recomputation from the raw data. Pure.
#pragma once

#include <date/tz.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "chat/analytics/metrics.h"
#include "store/records.h"

namespace tiski::analytics {

// Durations in a log-linear histogram: exact below 64 ms, then 32 buckets per doubling (a
// bucket is at most 3.2 % wide). The count and sum are exact, so the average is; percentiles
// are the lower edge of the nearest-rank value's bucket.
class Hist {
 public:
  static constexpr int kBuckets = 64 + 32 * 36;  // up to 2^42 ms (139 years)
  static int bucket_of(Millis v);
  static Millis lower_edge(int bucket);

  void add(Millis v, std::int64_t times = 1);
  void add_bucket(int bucket, std::int64_t times, Millis sum);
  void merge(const Hist& o);
  std::int64_t n() const { return n_; }
  Millis sum() const { return sum_; }
  Millis percentile(double p) const;  // n() > 0
  // Non-zero buckets in ascending order.
  template <class F>
  void each(F f) const {
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i]) f(static_cast<int>(i), counts_[i]);
  }
  bool operator==(const Hist& o) const;  // an empty histogram equals one of zeros

 private:
  std::int64_t n_ = 0;
  Millis sum_ = 0;
  std::vector<std::int64_t> counts_;  // kBuckets once anything was added
};

// Counts by a small integer key (the staffing waits): a sorted list while few keys are used
// (one day's bucket), an array once many are (a period's sum).
class Counts {
 public:
  explicit Counts(int size) : size_(size) {}
  void add(int key, std::int64_t n);
  int size() const { return size_; }
  template <class F>
  void each(F f) const {
    if (!dense_.empty()) {
      for (std::size_t i = 0; i < dense_.size(); ++i)
        if (dense_[i]) f(static_cast<int>(i), dense_[i]);
      return;
    }
    for (const auto& [k, n] : sparse_)
      if (n) f(k, n);
  }
  bool operator==(const Counts& o) const;

 private:
  static constexpr std::size_t kSparseMax = 1024;
  int size_;
  std::vector<std::pair<int, std::int64_t>> sparse_;  // sorted by key
  std::vector<std::int64_t> dense_;                   // size_ once in use
};

inline constexpr std::array<const char*, 7> kOutcomes = {"sale", "lead", "redirected", "resolved",
                                                         "none", "spam", "unset"};
inline constexpr int kHoursOfWeek = 168;
// Upper bounds (seconds) of the first-response distribution's buckets; the last is "more".
inline constexpr int kFirstResponseBuckets[] = {10, 20, 30, 60, 120, 300, 600};
inline constexpr int kStaffingMaxWaitS = 600;  // staffing's T is 1..600 s

// A local day as a number: days since 1970-01-01.
using DayNo = std::int32_t;
inline DayNo day_no(date::local_days d) { return static_cast<DayNo>(d.time_since_epoch().count()); }
inline date::local_days day_of(DayNo n) { return date::local_days{date::days{n}}; }

struct SeriesDay {
  std::int64_t conversations = 0, chats = 0, answered = 0, missed = 0, awaited = 0, within = 0;
  bool operator==(const SeriesDay&) const = default;
};
struct Money {
  std::int64_t orders = 0, revenue = 0, chat_orders = 0, chat_revenue = 0;
  bool operator==(const Money&) const = default;
};
// One side of chat vs non-chat (visitor-days) or one arm of the holdout (visits).
struct Group {
  std::int64_t units = 0, converted = 0, orders = 0;
  std::map<std::string, std::array<std::int64_t, 3>> money;  // currency -> {revenue, priced orders, sum of squares}
  bool operator==(const Group&) const = default;
};

struct Partial {
  // Conversations created in the bucket (closed ones: an open one is measured at report time).
  std::int64_t conversations = 0, chats = 0, awaited = 0, answered = 0, missed = 0, abandoned = 0, slow = 0,
               transferred = 0, within_sl = 0;
  Hist wait, first, first_business, reply, handling;
  std::array<std::int64_t, 8> first_buckets{};  // breakdown.h kFirstResponseBuckets and "more"
  std::array<std::int64_t, kOutcomes.size()> outcomes{};
  std::map<std::string, std::int64_t> tags;
  std::int64_t csat_shown = 0, csat_answers = 0, csat_positive = 0, csat_sum = 0;
  std::array<std::int64_t, 5> csat_by{};
  std::map<DayNo, SeriesDay> series;
  // Per local hour of the week (Monday 00 first): live chats, answered waits and their sum.
  std::array<std::int64_t, kHoursOfWeek> arrivals{}, waited{}, wait_sum{};
  // Staffing: awaited chats per hour of the week by their wait in whole seconds (601: over
  // 600 s or never answered); the wall time of answered, assigned chats; and each agent's
  // open-chat load and busy time (concurrency = load / busy).
  static constexpr int kWaitSlots = kStaffingMaxWaitS + 2;  // seconds 0..600, then "over"
  Counts awaited_waits{kHoursOfWeek * kWaitSlots};          // hour * kWaitSlots + seconds
  std::int64_t wall_sum = 0, walls = 0, load_ms = 0, busy_ms = 0;
  // Patience (Erlang A): awaited chats the visitor left unanswered and how long they had waited.
  std::int64_t gave_up = 0, gave_up_ms = 0;

  // Orders and leads made in the bucket, credited to this combination (uncredited: the site's).
  std::map<std::string, Money> sales;  // by currency
  std::map<std::pair<DayNo, std::string>, Money> sales_by_day;
  std::int64_t leads = 0, chat_leads = 0;

  // The site's own bucket only (agent 0, origin "", team 0): chat vs non-chat visitor-days,
  // the proactive funnel and the holdout arms.
  Group chat_days, other_days;
  std::int64_t shown = 0, accepted = 0, converted = 0, held_out = 0;
  Group invited, held;

  bool operator==(const Partial&) const = default;
  void merge(const Partial& o);
  // The encoding's version: a new one makes every tenant's rollups be rolled again.
  static constexpr std::uint8_t kVersion = 4;  // 4: answered counts live chats only
  std::string encode() const;
  static std::optional<Partial> decode(std::string_view bytes);
  // Adds an encoded Partial to `into`; false (and `into` partly added to) if it does not decode.
  // Without `whole`, only what an agent's row shows is added (no series, heat map, staffing).
  static bool decode_into(std::string_view bytes, Partial& into, bool whole = true);
};

// What a bucket is: a conversation's site, last assignee, origin and team (0 / "" for none).
struct Combo {
  Id site = 0, agent = 0;
  std::string origin;
  Id team = 0;
  bool operator<(const Combo& o) const {
    return std::tie(site, agent, origin, team) < std::tie(o.site, o.agent, o.origin, o.team);
  }
  bool operator==(const Combo& o) const = default;
};
using Rolled = std::map<Combo, Partial>;

using DayFacts = ReportDayFacts;

struct RollSettings {
  const date::time_zone* zone = nullptr;
  const BusinessHours* hours = nullptr;
  Thresholds thresholds;
  Millis window_ms = 7 * 86'400'000LL;  // the tenant's attribution window
};

// The local hour of the week (Monday 00 = 0) of an instant.
int hour_of_week(const date::time_zone* zone, Millis at);
DayNo local_day(const date::time_zone* zone, Millis at);

// One conversation's metrics into a Partial (`now` only matters while it is open).
void add_conversation(Partial& p, const ReportConversation& c, const RollSettings& s, Millis now);

// The day's buckets from its facts. Open conversations are left out (added at report time).
Rolled roll_day(const DayFacts& f, DayNo day, const RollSettings& s);

}  // namespace tiski::analytics
