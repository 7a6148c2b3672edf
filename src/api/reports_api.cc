// GET /api/tenants/{id}/reports/staffing: the staffing planner (supervisors and admins):
// Erlang C agents per hour of the week against those who were online (docs/metrics.md).
//
// GET /api/tenants/{id}/reports/summary: the KPIs of docs/metrics.md for a period of the
// tenant's local days, with the same figures for the period before (the tiles' change) and per
// agent. Supervisors and admins see the whole tenant; an agent sees only their own figures
// (agent=<their id> or nothing; another agent's id answers 403). Other tenants answer 404.
//
// Query: from, to (YYYY-MM-DD, both included, at most two years; default the last 7 days),
// site, agent, team (ids), origin, channel. Anything else is a 400 naming it. The work (the
// period's stored rollups, the days changed since rolled from raw, the open conversations)
// runs on the report worker's own read-only connection and thread (reports/rollups.h): a
// report never delays a message's acknowledgement.
#include <date/tz.h>

#include <charconv>
#include <chrono>

#include "api/api.h"
#include "chat/analytics/period.h"
#include "chat/analytics/staffing.h"
#include "chat/presence/response_targets.h"
#include "reports/rollups.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

constexpr std::string_view kFilters[] = {"from", "to", "site", "agent", "origin", "team", "channel"};
constexpr std::string_view kChannels[] = {"chat", "form", "email", "api"};
constexpr std::string_view kStaffingParams[] = {"from", "to", "target", "within_s", "hourly_cost", "model"};
constexpr std::string_view kOrigins[] = {"reactive", "proactive", "agent", "offline", "email", "api"};
// Days a report may roll from raw data on the spot (those changed since the last upkeep).
constexpr int kMaxRawDays = 62;

std::optional<date::local_days> local_date(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto part = [&](std::size_t at, std::size_t n, auto& out) {
    auto [p, ec] = std::from_chars(text.data() + at, text.data() + at + n, out);
    return ec == std::errc() && p == text.data() + at + n;
  };
  if (!part(0, 4, y) || !part(5, 2, m) || !part(8, 2, d)) return std::nullopt;
  date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

std::string date_text(date::local_days d) { return date::format("%F", d); }

// A query parameter the endpoint does not know, named in a bad_request.
template <std::size_t N>
std::optional<Error> unknown_param(const Call& c, const std::string_view (&known)[N], std::string_view list) {
  std::string_view query = c.req.query;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = pair.substr(0, pair.find('='));
    if (key.empty()) continue;
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      return Error::bad_request("unknown parameter '" + std::string(key.substr(0, 40)) + "' (" + std::string(list) +
                                ")");
  }
  return std::nullopt;
}

// from and to (both optional): dates, in order, at most limits::kMaxReportDays apart.
Status parse_period(const Call& c, std::optional<date::local_days>& from, std::optional<date::local_days>& to) {
  for (auto [name, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    if (auto v = c.req.query_param(name)) {
      *out = local_date(*v);
      if (!*out) return Error::bad_request(std::string(name) + " must be a date YYYY-MM-DD");
    }
  }
  if (from && to && *to < *from) return Error::bad_request("the range is reversed: 'to' is before 'from'");
  if (from && to && *to - *from >= date::days{limits::kMaxReportDays})
    return Error::bad_request("a report covers at most " + std::to_string(limits::kMaxReportDays) + " days");
  return {};
}

// What the request asks, checked; the period in the tenant's days is resolved on the worker.
struct Ask {
  Id tenant = 0;
  std::optional<date::local_days> from, to;
  ReportQuery q;
};

Result<Ask> parse_ask(const Call& c, Id tenant) {
  Ask a;
  a.tenant = tenant;
  if (auto e = unknown_param(c, kFilters, "from, to, site, agent, origin, team, channel")) return *e;
  TRY_OK(parse_period(c, a.from, a.to));
  for (auto [name, out] :
       {std::pair{"site", &a.q.site_id}, std::pair{"agent", &a.q.agent_id}, std::pair{"team", &a.q.team_id}}) {
    if (auto v = c.req.query_param(name)) {
      *out = positive_number(*v);
      if (!*out) return Error::bad_request(std::string(name) + " must be an id");
    }
  }
  if (auto v = c.req.query_param("origin")) {
    if (std::find(std::begin(kOrigins), std::end(kOrigins), *v) == std::end(kOrigins))
      return Error::bad_request("origin must be one of reactive, proactive, agent, offline, email, api");
    a.q.origin = std::string(*v);
  }
  if (auto v = c.req.query_param("channel")) {
    if (std::find(std::begin(kChannels), std::end(kChannels), *v) == std::end(kChannels))
      return Error::bad_request("channel must be one of chat, form, email, api");
    a.q.channel = std::string(*v);
  }
  // An agent sees their own figures only.
  if (!rights::allows("figures.others", c.who->role_in(tenant), c.who->agent.owner)) {
    if (a.q.agent_id && *a.q.agent_id != c.who->agent.id) return Error::forbidden("agents see only their own figures");
    a.q.agent_id = c.who->agent.id;
  }
  return a;
}

// The period in the tenant's local days (default: the `default_days` up to today).
struct Days {
  date::local_days from, to;  // both included
  boost::json::object json(const reports::TenantSettings& s) const {
    return {{"tenant", s.tenant},
            {"from", date_text(from)},
            {"to", date_text(to)},
            {"tz", s.zone->name()},
            {"days", (to - from + date::days{1}).count()}};
  }
};

Days days_of(const reports::TenantSettings& s, std::optional<date::local_days> from, std::optional<date::local_days> to,
             int default_days, Millis now) {
  auto today =
      date::floor<date::days>(s.zone->to_local(std::chrono::system_clock::time_point(std::chrono::milliseconds(now))));
  Days d;
  d.to = to.value_or(from ? *from + date::days{default_days - 1} : today);
  d.from = from.value_or(d.to - date::days{default_days - 1});
  return d;
}

analytics::Filter filter_of(const ReportQuery& q) { return {q.site_id, q.agent_id, q.team_id, q.origin, q.channel}; }

// The summary of docs/metrics.md from the period's rollups (reports/rollups.h): the tiles, the
// same for the period before, the agents' rows and the breakdowns.
Result<boost::json::object> run_report(Store& st, reports::Rollups& rollups, const Ask& a, Millis now) {
  auto s = TRY(reports::settings_of(st, a.tenant));
  auto d = days_of(s, a.from, a.to, 7, now);
  auto length = d.to - d.from + date::days{1};
  auto f = filter_of(a.q);
  auto out = d.json(s);
  for (bool previous : {false, true}) {
    auto from = previous ? d.from - length : d.from;
    auto to = previous ? d.from - date::days{1} : d.to;
    auto p = TRY(rollups.period(st, s, analytics::day_no(from), analytics::day_no(to), f, now, kMaxRawDays));
    auto currency = analytics::main_currency(p.total);
    out[previous ? "previous" : "summary"] = analytics::summary_json(p.total, currency, !f.narrowed());
    if (previous) continue;
    boost::json::array agents;
    for (const auto& [agent, part] : p.by_agent) agents.push_back(analytics::agent_json(agent, part, currency));
    out["agents"] = std::move(agents);
    out["breakdown"] = analytics::breakdown_json(p.total, currency, from, to);
  }
  out["thresholds"] = {{"slow_ms", s.thresholds.slow_ms}, {"service_level_ms", s.thresholds.service_level_ms}};
  out["attribution_days"] = s.attribution_days;
  // Answers against the expected response time of each inbox channel (docs/channels.md), for
  // the whole tenant: conversations created in the period.
  if (!f.narrowed()) {
    auto tenant = TRY(st.tenant_by_id(a.tenant));
    auto targets = stored_targets(tenant.response_targets);
    boost::json::array channels;
    for (const auto& n : TRY(st.target_counts(a.tenant, s.start_of(analytics::day_no(d.from)),
                                              s.start_of(analytics::day_no(d.to) + 1), now))) {
      auto t = target_for(targets, n.origin);
      channels.push_back({{"origin", n.origin},
                          {"target", t ? target_text(*t) : "0"},
                          {"on_time", n.on_time},
                          {"late", n.late},
                          {"overdue", n.overdue},
                          {"waiting", n.waiting},
                          {"unanswered", n.unanswered}});
    }
    out["response_targets"] = std::move(channels);
  }
  return out;
}

// ------------------------------------------------------------------------------- staffing

struct StaffingCall {
  Id tenant = 0;
  std::optional<date::local_days> from, to;
  analytics::StaffingAsk ask;
};

Result<StaffingCall> parse_staffing(const Call& c, Id tenant) {
  StaffingCall a;
  a.tenant = tenant;
  if (auto e = unknown_param(c, kStaffingParams, "from, to, target, within_s, hourly_cost, model")) return *e;
  TRY_OK(parse_period(c, a.from, a.to));
  if (auto m = c.req.query_param("model")) {
    auto model = analytics::model_of(*m);
    if (!model) return Error::bad_request("model must be auto, erlang_c or erlang_a");
    a.ask.model = *model;
  }
  struct Num {
    const char* name;
    double* out;
    double min, max;
  };
  for (auto n : {Num{"target", &a.ask.target, 0.5, 0.99}, Num{"within_s", &a.ask.within_s, 1, 600},
                 Num{"hourly_cost", &a.ask.hourly_cost, 0, 1000}}) {
    auto v = c.req.query_param(n.name);
    if (!v) continue;
    double d = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), d);
    if (ec != std::errc() || p != v->data() + v->size() || !(d >= n.min && d <= n.max)) {
      char range[64];
      std::snprintf(range, sizeof range, " must be a number from %g to %g", n.min, n.max);
      return Error::bad_request(std::string(n.name) + range);
    }
    *n.out = d;
  }
  return a;
}

Result<boost::json::object> run_staffing(Store& st, reports::Rollups& rollups, const StaffingCall& a, Millis now) {
  auto s = TRY(reports::settings_of(st, a.tenant));
  auto d = days_of(s, a.from, a.to, 28, now);
  auto p = TRY(rollups.period(st, s, analytics::day_no(d.from), analytics::day_no(d.to), {}, now, kMaxRawDays, false));
  Millis from = s.start_of(analytics::day_no(d.from)), to = s.start_of(analytics::day_no(d.to) + 1);
  // Who was online when the period began: the status changes of the month before count too.
  auto status =
      TRY(st.tenant_events(a.tenant, "agent.status", from - 30LL * 86'400'000, to, limits::kMaxReportConversations));
  // A tenant in its first weeks: averaged over the hours since its first chat, not over weeks
  // before it had any (a day of chats divided by four weeks read as a quarter of the load).
  if (auto first = TRY(st.first_conversation_at(a.tenant)); first && *first > from) {
    from = std::min(to, *first - *first % (3'600'000));
  }
  auto plan = analytics::plan(p.total, status, from, to, s.zone, a.ask, now);
  auto out = d.json(s);
  for (auto& [k, v] : analytics::to_json(plan, a.ask)) out[k] = v;
  return out;
}

// The tenant of the path (404 unless the agent serves it), the request parsed by `parse`, and
// `run` on the report worker's read-only connection.
template <class Parse, class Run>
void serve_report(Services& s, const Call& c, Parse parse, Run run) {
  auto tenant = path_tenant(c);
  if (!tenant) return c.fail(Error::not_found("no such tenant"));
  auto ask = parse(c, *tenant);
  if (!ask) return c.fail(ask.error());
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  store_job<boost::json::object>(
      s.reports, [a = std::move(ask).value(), now, run, &r = s.rollups](Store& st) { return run(st, r, a, now); },
      [c](Result<boost::json::object> r) {
        if (!r) return c.fail(r.error());
        c.ok(*r);
      });
}

}  // namespace

void add_report_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/reports/summary",
             [&s](const Call& c) { serve_report(s, c, parse_ask, run_report); });
  routes.add(Method::kGet, "/api/tenants/{id}/reports/staffing",
             [&s](const Call& c) { serve_report(s, c, parse_staffing, run_staffing); });
}

}  // namespace tiski::api
