#include "chat/analytics/earnings.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <unordered_map>
#include <unordered_set>

#include "chat/analytics/stats.h"

namespace tiski::analytics {

namespace {

bool is_order(const Conversion& c) { return c.kind == "order"; }

boost::json::value share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return nullptr;
  return static_cast<double>(part) / static_cast<double>(whole);
}

boost::json::value per(std::int64_t money, std::int64_t n) {
  if (n <= 0) return nullptr;
  return money / n;
}

boost::json::value interval(const Interval& i) { return boost::json::array{i.lo, i.hi}; }

bool answered(const ReportConversation& c) {
  return std::any_of(c.lines.begin(), c.lines.end(), [](const ReportLine& l) { return l.author == "agent"; });
}

struct Group {
  std::int64_t visitors = 0, converted = 0, orders = 0, revenue = 0, priced = 0;
  boost::json::object json() const {
    return {{"visitors", visitors}, {"converted", converted},   {"rate", share(converted, visitors)},
            {"orders", orders},     {"revenue_cents", revenue}, {"aov_cents", per(revenue, priced)}};
  }
};

}  // namespace

std::string main_currency(const std::vector<Conversion>& cs) {
  std::map<std::string, std::int64_t> n;
  for (const auto& c : cs)
    if (is_order(c) && !c.currency.empty()) ++n[c.currency];
  std::string best;
  std::int64_t most = 0;
  for (const auto& [cur, k] : n) {
    if (k > most) best = cur, most = k;
  }
  return best;
}

boost::json::object sales_json(const std::vector<Conversion>& cs, const std::string& currency) {
  std::int64_t orders = 0, revenue = 0, chat_orders = 0, chat_revenue = 0, leads = 0, chat_leads = 0, other = 0;
  for (const auto& c : cs) {
    bool credited = c.conv_id.has_value();
    if (!is_order(c)) {
      ++leads;
      if (credited) ++chat_leads;
      continue;
    }
    ++orders;
    if (credited) ++chat_orders;
    if (c.currency != currency) {
      ++other;
      continue;
    }
    revenue += c.value_cents;
    if (credited) chat_revenue += c.value_cents;
  }
  return {{"currency", currency.empty() ? boost::json::value(nullptr) : boost::json::value(currency)},
          {"orders", orders},
          {"revenue_cents", revenue},
          {"chat_orders", chat_orders},
          {"chat_revenue_cents", chat_revenue},
          {"chat_share", share(chat_revenue, revenue)},
          {"leads", leads},
          {"chat_leads", chat_leads},
          {"other_currency_orders", other}};
}

boost::json::object chat_vs_nonchat(const std::vector<ReportConversation>& convs, const ReportSales& s,
                                    const std::string& currency) {
  std::unordered_set<Id> chatters;
  for (const auto& c : convs)
    if (answered(c)) chatters.insert(c.conv.visitor_id);
  std::unordered_set<Id> seen(s.visitors.begin(), s.visitors.end());
  seen.insert(chatters.begin(), chatters.end());
  // Chatters' orders that a chat earned (credited) vs every order of the other visitors.
  std::unordered_map<Id, Group> per_visitor;
  for (const auto& c : s.conversions) {
    if (!is_order(c) || !c.visitor_id) continue;
    bool chatter = chatters.contains(*c.visitor_id);
    if (chatter && !c.conv_id) continue;
    auto& g = per_visitor[*c.visitor_id];
    ++g.orders;
    if (c.currency == currency) g.revenue += c.value_cents, ++g.priced;
  }
  Group chat, other;
  for (Id v : seen) {
    auto& g = chatters.contains(v) ? chat : other;
    ++g.visitors;
    auto it = per_visitor.find(v);
    if (it == per_visitor.end()) continue;
    ++g.converted;
    g.orders += it->second.orders;
    g.revenue += it->second.revenue;
    g.priced += it->second.priced;
  }
  return {{"chatters", chat.json()}, {"non_chatters", other.json()}};
}

boost::json::object funnel(const ReportSales& s) {
  std::unordered_set<Id> sold;
  for (const auto& c : s.conversions)
    if (c.conv_id) sold.insert(*c.conv_id);
  std::int64_t shown = 0, accepted = 0, converted = 0, held = 0;
  for (const auto& inv : s.invitations) {
    if (inv.held_out) {
      ++held;
      continue;
    }
    ++shown;
    if (!inv.conv_id) continue;
    ++accepted;
    if (sold.contains(*inv.conv_id)) ++converted;
  }
  return {{"shown", shown},
          {"accepted", accepted},
          {"converted", converted},
          {"held_out", held},
          {"accept_rate", share(accepted, shown)},
          {"convert_rate", share(converted, accepted)}};
}

boost::json::value holdout(const ReportSales& s, Millis window_ms, const std::string& currency) {
  // One unit per visit: its first (would-be) invitation decides the arm and the start.
  struct Unit {
    Millis at = 0;
    Id visitor = 0;
    bool held_out = false;
  };
  std::map<std::pair<Id, std::string>, Unit> units;
  for (const auto& inv : s.invitations)
    units.try_emplace({inv.visitor_id, inv.visit}, Unit{inv.shown_at, inv.visitor_id, inv.held_out});
  std::unordered_map<Id, std::vector<const Conversion*>> orders;
  for (const auto& c : s.conversions)
    if (is_order(c) && c.visitor_id) orders[*c.visitor_id].push_back(&c);

  struct Arm {
    std::int64_t converted = 0, revenue = 0, priced = 0;
    std::vector<double> per_visit;  // revenue per visit, zeros included
  } arms[2];                        // 0 invited, 1 held out
  for (const auto& [key, u] : units) {
    auto& arm = arms[u.held_out ? 1 : 0];
    double money = 0;
    bool bought = false;
    if (auto it = orders.find(u.visitor); it != orders.end()) {
      for (const auto* c : it->second) {
        if (c->at < u.at || c->at > u.at + window_ms) continue;
        bought = true;
        if (c->currency == currency)
          money += static_cast<double>(c->value_cents), arm.revenue += c->value_cents, ++arm.priced;
      }
    }
    arm.converted += bought ? 1 : 0;
    arm.per_visit.push_back(money);
  }
  const auto n0 = static_cast<std::int64_t>(arms[0].per_visit.size());
  const auto n1 = static_cast<std::int64_t>(arms[1].per_visit.size());
  if (n0 == 0 || n1 == 0) return nullptr;
  auto arm_json = [](const Arm& a) {
    auto n = static_cast<std::int64_t>(a.per_visit.size());
    auto m = moments(a.per_visit);
    return boost::json::object{{"visits", n},
                               {"converted", a.converted},
                               {"rate", share(a.converted, n)},
                               {"rate_ci", interval(wilson(a.converted, n))},
                               {"revenue_cents", a.revenue},
                               {"revenue_per_visit_cents", m.mean},
                               {"aov_cents", per(a.revenue, a.priced)}};
  };
  const auto m0 = moments(arms[0].per_visit), m1 = moments(arms[1].per_visit);
  const double rate = static_cast<double>(arms[0].converted) / static_cast<double>(n0) -
                      static_cast<double>(arms[1].converted) / static_cast<double>(n1);
  boost::json::object uplift{{"rate", rate},
                             {"rate_ci", interval(newcombe_difference(arms[0].converted, n0, arms[1].converted, n1))},
                             {"revenue_per_1000_cents", (m0.mean - m1.mean) * 1000}};
  if (n0 >= 2 && n1 >= 2) {
    auto ci = welch_difference(m0, m1);
    uplift["revenue_per_1000_ci"] = boost::json::array{ci.lo * 1000, ci.hi * 1000};
  } else {
    uplift["revenue_per_1000_ci"] = nullptr;
  }
  return boost::json::object{{"invited", arm_json(arms[0])}, {"held_out", arm_json(arms[1])}, {"uplift", uplift}};
}

std::map<Id, AgentSales> by_agent(const std::vector<Conversion>& cs, const std::string& currency) {
  std::map<Id, AgentSales> out;
  for (const auto& c : cs) {
    if (!c.agent_id) continue;
    auto& a = out[*c.agent_id];
    if (!is_order(c)) {
      ++a.leads;
      continue;
    }
    ++a.orders;
    if (c.currency == currency) a.revenue_cents += c.value_cents;
  }
  return out;
}

}  // namespace tiski::analytics
