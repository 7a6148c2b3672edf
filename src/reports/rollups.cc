#include "reports/rollups.h"

#include <set>

#include "util/limits.h"

namespace tiski::reports {

namespace {

constexpr Millis kHour = 3'600'000;
constexpr std::size_t kMaxChanges = 1'000'000;  // a tenant's hours: 8,760 a year
constexpr Millis kSettleMs = 60'000;

// The local days an UTC hour overlaps (two when the zone's offset is not whole hours).
void days_of_hour(const TenantSettings& s, std::int64_t hour, std::set<analytics::DayNo>& out) {
  out.insert(analytics::local_day(s.zone, hour * kHour));
  out.insert(analytics::local_day(s.zone, (hour + 1) * kHour - 1));
}

// The first and last day of the local month a day is in.
std::pair<analytics::DayNo, analytics::DayNo> month_of(analytics::DayNo day) {
  date::year_month_day ymd{analytics::day_of(day)};
  auto first = date::local_days{ymd.year() / ymd.month() / 1};
  auto next = date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
  return {analytics::day_no(first), analytics::day_no(next) - 1};
}

}  // namespace

analytics::RollSettings TenantSettings::roll() const {
  return {zone, hours ? &*hours : nullptr, thresholds, attribution_days * 86'400'000LL};
}

std::string TenantSettings::fingerprint() const {
  const auto& t = thresholds;
  return "v" + std::to_string(analytics::Partial::kVersion) + "|" + std::string(zone->name()) + "|" + hours_text + "|" +
         std::to_string(attribution_days) + "|" + std::to_string(t.slow_ms) + "," + std::to_string(t.visitor_gap_ms) +
         "," + std::to_string(t.agent_gap_ms) + "," + std::to_string(t.service_level_ms);
}

Millis TenantSettings::start_of(analytics::DayNo day) const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             zone->to_sys(analytics::day_of(day), date::choose::earliest).time_since_epoch())
      .count();
}

Result<TenantSettings> settings_of(Store& st, Id tenant_id) {
  auto tenant = TRY(st.tenant_by_id(tenant_id));
  TenantSettings s;
  s.tenant = tenant_id;
  s.attribution_days = tenant.attribution_days;
  if (!tenant.hours.empty()) {
    if (auto h = parse_hours(tenant.hours)) {
      s.hours = std::move(h).value();
      s.hours_text = s.hours->text();
    }
  }
  s.zone = date::locate_zone(s.hours ? s.hours->tz : "UTC");
  return s;
}

Result<analytics::Rolled> Rollups::roll(Store& st, const TenantSettings& s, analytics::DayNo day) {
  Millis from = s.start_of(day), to = s.start_of(day + 1);
  auto facts = TRY(st.report_day_facts(s.tenant, from, to, s.attribution_days * 86'400'000LL));
  return analytics::roll_day(facts, day, s.roll());
}

Result<int> Rollups::upkeep(Store& st, int max_days, Millis now) {
  int rolled = 0;
  for (const auto& tenant : TRY(st.tenants())) {
    if (rolled >= max_days) break;
    auto s = TRY(settings_of(st, tenant.id));
    auto state = TRY(db_->state(tenant.id));
    const auto fp = s.fingerprint();
    const bool fresh = state.fingerprint != fp;
    auto changes = TRY(st.report_changes(tenant.id, fresh ? 0 : state.mark, kMaxChanges));
    // A page cut at the limit may end inside a mark: leave that mark to the next round (unless
    // it is the only one, which must then be rolled in parts rather than never).
    if (changes.size() == kMaxChanges && changes.front().mark != changes.back().mark) {
      const auto cut = changes.back().mark;
      while (changes.back().mark == cut) changes.pop_back();
    }
    if (changes.empty() && !fresh) continue;
    // A tenant whose only changes are in a day or two (today's chats) was rolled less than a
    // minute ago: leave it for now. Reports roll such days from raw anyway; rolling a busy
    // day again every 2 s would cost the report worker O(day) each time.
    if (auto last = rolled_at_.find(tenant.id); !fresh && last != rolled_at_.end() && now - last->second < kSettleMs) {
      std::set<analytics::DayNo> pending;
      for (const auto& c : changes) days_of_hour(s, c.hour, pending);
      if (pending.size() <= 2) continue;
    }
    // The changes in mark order, as many as the budget's days cover: the mark then says
    // "everything up to here is rolled". The changes of one mark (one transaction's, on
    // PostgreSQL) are taken all or none: a mark half taken would leave the rest behind it.
    std::set<analytics::DayNo> days;
    std::int64_t upto = fresh ? 0 : state.mark;
    for (std::size_t i = 0, next = 0; i < changes.size(); i = next) {
      std::set<analytics::DayNo> more = days;
      for (next = i; next < changes.size() && changes[next].mark == changes[i].mark; ++next)
        days_of_hour(s, changes[next].hour, more);
      if (static_cast<int>(more.size()) + rolled > max_days && !days.empty()) break;
      days = std::move(more);
      upto = changes[i].mark;
    }
    TRY_OK(db_->begin());
    auto wrote = [&]() -> Status {
      if (fresh) TRY_OK(db_->clear(tenant.id));
      std::set<analytics::DayNo> months;
      for (auto day : days) {
        TRY_OK(db_->put(tenant.id, Level::kDay, day, TRY(roll(st, s, day))));
        months.insert(month_of(day).first);
      }
      for (auto first : months) TRY_OK(sum_month(tenant.id, first));
      return db_->set_state(tenant.id, TenantState{fp, upto});
    }();
    if (!wrote) {
      (void)db_->rollback();
      return wrote.error();
    }
    TRY_OK(db_->commit());
    rolled_at_[tenant.id] = now;
    rolled += static_cast<int>(days.size());
  }
  return rolled;
}

Status Rollups::sum_month(Id tenant, analytics::DayNo first) {
  analytics::Rolled sum;
  for (const auto& row : TRY(db_->days(tenant, first, month_of(first).second))) {
    if (!analytics::Partial::decode_into(row.data, sum[row.combo]))
      return Error::internal("a report rollup of day " + std::to_string(row.day) + " does not decode");
  }
  return db_->put(tenant, Level::kMonth, first, sum);
}

Result<std::vector<analytics::DayNo>> Rollups::stale_days(Store& st, const TenantSettings& s) {
  auto state = TRY(db_->state(s.tenant));
  bool fresh = state.fingerprint != s.fingerprint();
  std::set<analytics::DayNo> days;
  for (const auto& c : TRY(st.report_changes(s.tenant, fresh ? 0 : state.mark, kMaxChanges)))
    days_of_hour(s, c.hour, days);
  return std::vector<analytics::DayNo>(days.begin(), days.end());
}

Result<analytics::Period> Rollups::period(Store& st, const TenantSettings& s, analytics::DayNo from,
                                          analytics::DayNo to, const analytics::Filter& f, Millis now, int max_raw_days,
                                          bool per_agent) {
  auto state = TRY(db_->state(s.tenant));
  const bool usable = state.fingerprint == s.fingerprint();
  std::set<analytics::DayNo> raw;
  for (auto d : TRY(stale_days(st, s)))
    if (d >= from && d <= to) raw.insert(d);
  if (static_cast<int>(raw.size()) > max_raw_days)
    return Error::unavailable("the reports of this period are still being prepared (" + std::to_string(raw.size()) +
                              " days to go); try again in a minute");
  analytics::Period out;
  auto add = [&](const StoredRow& row) -> Status {
    if (!f.matches(row.combo)) return {};
    bool ok = analytics::Partial::decode_into(row.data, out.total);
    if (ok && row.combo.agent && per_agent)
      ok = analytics::Partial::decode_into(row.data, out.by_agent[row.combo.agent], false);
    if (!ok) return Error::internal("a report rollup of day " + std::to_string(row.day) + " does not decode");
    return {};
  };
  // Whole months without a changed day are read as one row per bucket; the rest by day.
  for (auto first = month_of(from).first; usable && first <= to; first = month_of(first).second + 1) {
    auto last = month_of(first).second;
    bool whole = first >= from && last <= to;
    bool changed = raw.lower_bound(first) != raw.end() && *raw.lower_bound(first) <= last;
    if (whole && !changed) {
      for (const auto& row : TRY(db_->rows(s.tenant, Level::kMonth, first, first))) TRY_OK(add(row));
      continue;
    }
    for (const auto& row : TRY(db_->days(s.tenant, std::max(first, from), std::min(last, to))))
      if (!raw.contains(row.day)) TRY_OK(add(row));
  }
  for (auto day : raw) {
    for (const auto& [combo, p] : TRY(roll(st, s, day)))
      if (f.matches(combo)) out.add(combo, p, per_agent);
  }
  // Open conversations are measured now (an unanswered wait grows until someone answers).
  ReportQuery q;
  q.tenant_id = s.tenant;
  q.from = s.start_of(from);
  q.to = s.start_of(to + 1);
  q.open_only = true;
  q.limit = limits::kMaxReportConversations;
  auto open = TRY(st.report_conversations(q));
  if (open.size() > q.limit)
    return Error::too_large("the period holds more than " + std::to_string(q.limit) + " open conversations");
  const auto roll = s.roll();
  for (const auto& c : open) {
    analytics::Combo combo{c.conv.site_id, c.conv.assignee_id.value_or(0), c.conv.origin, c.conv.team_id.value_or(0)};
    if (!f.matches(combo)) continue;
    analytics::Partial p;
    analytics::add_conversation(p, c, roll, now);
    out.add(combo, p, per_agent);
  }
  return out;
}

}  // namespace tiski::reports
