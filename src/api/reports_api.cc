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
#include "chat/analytics/report.h"
#include "chat/presence/hours.h"
#include "util/limits.h"

namespace tiski::api {
namespace {

constexpr std::string_view kFilters[] = {"from", "to", "site", "agent", "origin"};
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

// What the request asks, checked; the period in the tenant's days is resolved on the worker.
struct Ask {
  Id tenant = 0;
  std::optional<date::local_days> from, to;
  ReportQuery q;
};

Result<Ask> parse_ask(const Call& c, Id tenant) {
  Ask a;
  a.tenant = tenant;
  std::string_view query = c.req.query;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::string_view key = pair.substr(0, pair.find('='));
    if (key.empty()) continue;
    if (std::find(std::begin(kFilters), std::end(kFilters), key) == std::end(kFilters))
      return Error::bad_request("unknown filter '" + std::string(key.substr(0, 40)) +
                                "' (from, to, site, agent, origin)");
  }
  for (auto [name, out] : {std::pair{"from", &a.from}, std::pair{"to", &a.to}}) {
    if (auto v = c.req.query_param(name)) {
      *out = local_date(*v);
      if (!*out) return Error::bad_request(std::string(name) + " must be a date YYYY-MM-DD");
    }
  }
  if (a.from && a.to && *a.to < *a.from) return Error::bad_request("the range is reversed: 'to' is before 'from'");
  if (a.from && a.to && *a.to - *a.from >= date::days{limits::kMaxReportDays})
    return Error::bad_request("a report covers at most " + std::to_string(limits::kMaxReportDays) + " days");
  for (auto [name, out] : {std::pair{"site", &a.q.site_id}, std::pair{"agent", &a.q.agent_id}}) {
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
  // An agent sees their own figures only.
  if (require_role(*c.who, tenant, Role::kSupervisor)) {
    if (a.q.agent_id && *a.q.agent_id != c.who->agent.id) return Error::forbidden("agents see only their own figures");
    a.q.agent_id = c.who->agent.id;
  }
  return a;
}

Result<boost::json::object> run_report(Store& st, Ask a, Millis now) {
  std::optional<Tenant> tenant;
  for (auto& t : TRY(st.tenants())) {
    if (t.id == a.tenant) tenant = std::move(t);
  }
  if (!tenant) return Error::not_found("no such tenant");
  std::optional<BusinessHours> hours;
  if (!tenant->hours.empty()) {
    if (auto h = parse_hours(tenant->hours)) hours = std::move(h).value();
  }
  const auto* zone = date::locate_zone(hours ? hours->tz : "UTC");
  auto today =
      date::floor<date::days>(zone->to_local(std::chrono::system_clock::time_point(std::chrono::milliseconds(now))));
  auto to = a.to.value_or(a.from ? *a.from + date::days{6} : today);
  auto from = a.from.value_or(to - date::days{6});
  auto millis = [&](date::local_days d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               zone->to_sys(d, date::choose::earliest).time_since_epoch())
        .count();
  };
  auto days = to - from + date::days{1};
  boost::json::object out{{"tenant", a.tenant},
                          {"from", date_text(from)},
                          {"to", date_text(to)},
                          {"tz", zone->name()},
                          {"days", days.count()}};
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
    auto r = analytics::summarize(convs, th, hours ? &*hours : nullptr, now);
    out[previous ? "previous" : "summary"] = analytics::to_json(r.total);
    if (previous) continue;
    boost::json::array agents;
    for (const auto& [agent, s] : r.by_agent) {
      auto row = analytics::to_json(s);
      row["agent"] = agent;
      agents.push_back(std::move(row));
    }
    out["agents"] = std::move(agents);
  }
  out["thresholds"] = {{"slow_ms", th.slow_ms}, {"service_level_ms", th.service_level_ms}};
  return out;
}

void get_summary(Services& s, const Call& c) {
  auto tenant = number(c.req.param("id"));
  if (!tenant || !c.who->member_of(*tenant)) return c.fail(Error::not_found("no such tenant"));
  auto ask = parse_ask(c, *tenant);
  if (!ask) return c.fail(ask.error());
  Millis now =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  store_job<boost::json::object>(
      s.reports, [a = std::move(ask).value(), now](Store& st) { return run_report(st, a, now); },
      [c](Result<boost::json::object> r) {
        if (!r) return c.fail(r.error());
        c.ok(*r);
      });
}

}  // namespace

void add_report_routes(Routes& routes, Services& s) {
  routes.add(Method::kGet, "/api/tenants/{id}/reports/summary", Access::kSession,
             [&s](const Call& c) { get_summary(s, c); });
}

}  // namespace tiski::api
