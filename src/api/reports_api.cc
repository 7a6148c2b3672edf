// GET /api/tenants/{id}/reports/staffing: the staffing planner (supervisors and admins):
// Erlang C agents per hour of the week against those who were online (docs/metrics.md).
//
// GET /api/tenants/{id}/reports/summary: the KPIs of docs/metrics.md for a period of the
// tenant's local days, with the same figures for the period before (the tiles' change) and per
// agent. Supervisors and admins see the whole tenant; an agent sees only their own figures
// (agent=<their id> or nothing; another agent's id answers 403). Other tenants answer 404.
//
// Query: from, to (YYYY-MM-DD, both included, at most two years; default the last 7 days),
// site, agent (ids), origin. Anything else is a 400 naming it. The work (one read of the
// conversations, their lines and events, and the metrics) runs on the report worker's own
// read-only connection and thread: a report never delays a message's acknowledgement.
#include <date/tz.h>

#include <charconv>
#include <chrono>

#include "api/api.h"
#include "chat/analytics/breakdown.h"
#include "chat/analytics/earnings.h"
#include "chat/analytics/report.h"
#include "chat/analytics/staffing.h"
#include "chat/presence/hours.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

constexpr std::string_view kFilters[] = {"from", "to", "site", "agent", "origin", "team", "channel"};
constexpr std::string_view kChannels[] = {"chat", "form", "email", "api"};
constexpr std::string_view kStaffingParams[] = {"from", "to", "target", "within_s", "hourly_cost"};
constexpr std::string_view kOrigins[] = {"reactive", "proactive", "agent", "offline", "email", "api"};

std::optional<Id> number(std::string_view text) {
  Id v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

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
      *out = number(*v);
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
  if (require_role(*c.who, tenant, Role::kSupervisor)) {
    if (a.q.agent_id && *a.q.agent_id != c.who->agent.id) return Error::forbidden("agents see only their own figures");
    a.q.agent_id = c.who->agent.id;
  }
  return a;
}

// The tenant's time zone (its business hours', else UTC) and the period in its local days.
struct Period {
  std::optional<BusinessHours> hours;
  const date::time_zone* zone = nullptr;
  date::local_days from, to;  // both included
  int attribution_days = 7;
  Millis millis(date::local_days d) const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               zone->to_sys(d, date::choose::earliest).time_since_epoch())
        .count();
  }
  boost::json::object json(Id tenant) const {
    return {{"tenant", tenant},
            {"from", date_text(from)},
            {"to", date_text(to)},
            {"tz", zone->name()},
            {"days", (to - from + date::days{1}).count()}};
  }
};

Result<Period> resolve(Store& st, Id tenant_id, std::optional<date::local_days> from,
                       std::optional<date::local_days> to, int default_days, Millis now) {
  std::optional<Tenant> tenant;
  for (auto& t : TRY(st.tenants())) {
    if (t.id == tenant_id) tenant = std::move(t);
  }
  if (!tenant) return Error::not_found("no such tenant");
  Period p;
  p.attribution_days = tenant->attribution_days;
  if (!tenant->hours.empty()) {
    if (auto h = parse_hours(tenant->hours)) p.hours = std::move(h).value();
  }
  p.zone = date::locate_zone(p.hours ? p.hours->tz : "UTC");
  auto today =
      date::floor<date::days>(p.zone->to_local(std::chrono::system_clock::time_point(std::chrono::milliseconds(now))));
  p.to = to.value_or(from ? *from + date::days{default_days - 1} : today);
  p.from = from.value_or(p.to - date::days{default_days - 1});
  return p;
}

// What the chat earned in the period (docs/metrics.md "Sales"): the orders and leads, chat vs
// non-chat, the funnel and the holdout. A report of one agent (a plain agent's own) or one team
// has only the sales credited to them; the comparisons are the tenant's (or a site's).
Result<analytics::Earned> earned(Store& st, const Ask& a, const Period& p, Millis from, Millis to,
                                 const std::vector<ReportConversation>& convs) {
  auto sales = TRY(st.report_sales(a.tenant, from, to, a.q.site_id, limits::kMaxReportRows));
  if (sales.conversions.size() > limits::kMaxReportRows || sales.visitors.size() > limits::kMaxReportRows ||
      sales.invitations.size() > limits::kMaxReportRows)
    return Error::too_large("the period holds too many visitors or orders for one report; choose a shorter one");
  if (a.q.team_id) {  // credited to the team's agents (another tenant's team id: no one)
    std::vector<Id> members;
    for (const auto& t : TRY(st.teams_of_tenants({a.tenant})))
      if (t.id == *a.q.team_id) members = t.members;
    std::erase_if(sales.conversions, [&](const Conversion& c) {
      return !c.agent_id || std::find(members.begin(), members.end(), *c.agent_id) == members.end();
    });
  }
  if (a.q.agent_id) {
    std::erase_if(sales.conversions, [&](const Conversion& c) { return c.agent_id != a.q.agent_id; });
  }
  const bool narrowed = a.q.agent_id || a.q.team_id;
  analytics::Earned e;
  e.currency = analytics::main_currency(sales.conversions);
  e.json["sales"] = analytics::sales_json(sales.conversions, e.currency);
  if (narrowed) {
    e.json["chat_vs_nonchat"] = nullptr;
    e.json["funnel"] = nullptr;
    e.json["holdout"] = nullptr;
  } else {
    e.json["chat_vs_nonchat"] = analytics::chat_vs_nonchat(convs, sales, e.currency);
    e.json["funnel"] = analytics::funnel(sales);
    e.json["holdout"] = analytics::holdout(sales, p.attribution_days * 86'400'000LL, e.currency);
  }
  e.agents = analytics::by_agent(sales.conversions, e.currency);
  e.conversions = std::move(sales.conversions);
  return e;
}

Result<boost::json::object> run_report(Store& st, const Ask& a, Millis now) {
  auto p = TRY(resolve(st, a.tenant, a.from, a.to, 7, now));
  const auto* hours = p.hours ? &*p.hours : nullptr;
  auto from = p.from, to = p.to;
  auto days = to - from + date::days{1};
  auto out = p.json(a.tenant);
  auto millis = [&](date::local_days d) { return p.millis(d); };
  analytics::Thresholds th;
  for (bool previous : {false, true}) {
    ReportQuery q = a.q;
    q.tenant_id = a.tenant;
    q.from = millis(previous ? from - days : from);
    q.to = millis(previous ? from : to + date::days{1});
    q.limit = limits::kMaxReportConversations;
    auto convs = TRY(st.report_conversations(q));
    if (convs.size() > q.limit)
      return Error::too_large("the period holds more than " + std::to_string(q.limit) +
                              " conversations; choose a shorter one");
    auto r = analytics::summarize(convs, th, hours, now);
    auto e = TRY(earned(st, a, p, q.from, q.to, convs));
    auto summary = analytics::to_json(r.total);
    for (auto& [k, v] : e.json) summary[k] = v;
    out[previous ? "previous" : "summary"] = std::move(summary);
    if (previous) continue;
    boost::json::array agents;
    for (const auto& [agent, sold] : e.agents) r.by_agent.try_emplace(agent);
    for (const auto& [agent, s] : r.by_agent) {
      auto row = analytics::to_json(s);
      row["agent"] = agent;
      auto sold = e.agents.find(agent);
      auto got = sold == e.agents.end() ? analytics::AgentSales{} : sold->second;
      row["orders"] = got.orders;
      row["revenue_cents"] = got.revenue_cents;
      row["leads"] = got.leads;
      agents.push_back(std::move(row));
    }
    out["agents"] = std::move(agents);
    out["breakdown"] = analytics::breakdown(convs, r.measured, e.conversions, e.currency, p.zone, from, to);
  }
  out["thresholds"] = {{"slow_ms", th.slow_ms}, {"service_level_ms", th.service_level_ms}};
  out["attribution_days"] = p.attribution_days;
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
  if (auto e = unknown_param(c, kStaffingParams, "from, to, target, within_s, hourly_cost")) return *e;
  if (require_role(*c.who, tenant, Role::kSupervisor))
    return Error::forbidden("staffing is for supervisors and admins");
  TRY_OK(parse_period(c, a.from, a.to));
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

Result<boost::json::object> run_staffing(Store& st, const StaffingCall& a, Millis now) {
  auto p = TRY(resolve(st, a.tenant, a.from, a.to, 28, now));
  ReportQuery q;
  q.tenant_id = a.tenant;
  q.from = p.millis(p.from);
  q.to = p.millis(p.to + date::days{1});
  q.limit = limits::kMaxReportConversations;
  auto convs = TRY(st.report_conversations(q));
  if (convs.size() > q.limit)
    return Error::too_large("the period holds more than " + std::to_string(q.limit) +
                            " conversations; choose a shorter one");
  // Who was online when the period began: the status changes of the month before count too.
  auto status = TRY(
      st.tenant_events(a.tenant, "agent.status", q.from - 30LL * 86'400'000, q.to, limits::kMaxReportConversations));
  auto plan = analytics::plan(convs, status, q.from, q.to, p.zone->name(), a.ask, {}, now);
  auto out = p.json(a.tenant);
  for (auto& [k, v] : analytics::to_json(plan, a.ask)) out[k] = v;
  return out;
}

// The tenant of the path (404 unless the agent serves it), the request parsed by `parse`, and
// `run` on the report worker's read-only connection.
template <class Parse, class Run>
void serve_report(Services& s, const Call& c, Parse parse, Run run) {
  auto tenant = number(c.req.param("id"));
  if (!tenant || !c.who->member_of(*tenant)) return c.fail(Error::not_found("no such tenant"));
  auto ask = parse(c, *tenant);
  if (!ask) return c.fail(ask.error());
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  store_job<boost::json::object>(
      s.reports, [a = std::move(ask).value(), now, run](Store& st) { return run(st, a, now); },
      [c](Result<boost::json::object> r) {
        if (!r) return c.fail(r.error());
        c.ok(*r);
      });
}

}  // namespace

void add_report_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/reports/summary", Access::kSession,
             [&s](const Call& c) { serve_report(s, c, parse_ask, run_report); });
  routes.add(Method::kGet, "/api/tenants/{id}/reports/staffing", Access::kSession,
             [&s](const Call& c) { serve_report(s, c, parse_staffing, run_staffing); });
}

}  // namespace tiski::api
