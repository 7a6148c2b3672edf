// The live visitor list (docs/proactive.md): who is on the tenants' sites now, for the consoles
// that follow it, and the number of them for every console.
#include <boost/json/array.hpp>

#include <algorithm>

#include "chat/hub.h"
#include "chat/hub_internal.h"
#include "util/limits.h"
#include "util/time.h"

namespace tiski {

using namespace hub_detail;

void Hub::live_from_session(VisitorSession& s, bool new_page) {
  if (s.visitor_ == 0) return;
  auto& lv = live_[s.visitor_];
  lv.tenant = s.tenant_;
  lv.site = s.site_;
  lv.number = s.number_;
  lv.lang = s.facts_.lang;
  lv.since = s.facts_.visit_start;
  lv.pages = s.facts_.pages;
  lv.returning = s.facts_.returning;
  lv.cart = s.cart_;
  lv.conv = s.conv_;
  lv.url = s.facts_.url;
  lv.title = s.title_;
  lv.category = s.facts_.category;
  lv.active_at = now_ms();
  if (new_page) {
    lv.path.push_back({lv.url, lv.title, lv.category, lv.active_at});
    if (lv.path.size() > limits::kMaxLivePath) lv.path.erase(lv.path.begin());
  }
  publish_live(s.visitor_);
}

// One entry of the list: its latest page views only, so that a frame of 50 stays bounded
// (the whole path is in the context beside a chat).
boost::json::object Hub::live_json(Id id, const LiveVisitor& v) const {
  boost::json::object page{{"url", v.url}};
  if (!v.title.empty()) page["title"] = v.title;
  if (!v.category.empty()) page["category"] = v.category;
  boost::json::array path;
  std::size_t from = v.path.size() > limits::kLivePathInList ? v.path.size() - limits::kLivePathInList : 0;
  for (std::size_t i = from; i < v.path.size(); ++i) {
    const auto& p = v.path[i];
    boost::json::object o{{"url", p.url}, {"at", p.at}};
    if (!p.title.empty()) o["title"] = p.title;
    if (!p.category.empty()) o["category"] = p.category;
    path.push_back(std::move(o));
  }
  boost::json::object o{{"id", id},       {"tenant", v.tenant}, {"site", v.site},         {"site_name", v.site_name},
                        {"lang", v.lang}, {"page", std::move(page)}, {"path", std::move(path)}, {"since", v.since},
                        {"pages", v.pages}, {"returning", v.returning}, {"no", v.number}};
  if (v.cart) o["cart"] = cart_json(*v.cart);
  if (v.conv != 0) o["conv"] = v.conv;
  return o;
}

void Hub::publish_live(Id visitor) {
  auto it = live_.find(visitor);
  if (it == live_.end() || it->second.tenant == 0) return;
  pubsub_.publish(topic_live(it->second.tenant), Envelope{proto::frame("visitor", {{"v", live_json(visitor, it->second)}}), 0});
}

void Hub::agent_visitors(AgentSession& s, bool on) {
  for (const auto& m : s.identity_.memberships) {
    std::string topic = topic_live(m.tenant_id);
    bool subscribed = std::find(s.topics_.begin(), s.topics_.end(), topic) != s.topics_.end();
    if (on && !subscribed) subscribe(s, topic);
    if (!on && subscribed) unsubscribe(s, topic);
  }
  if (!on) return;
  // Same thread as every change: the list and the updates after it neither gap nor overlap.
  std::vector<std::pair<Id, const LiveVisitor*>> list;
  for (const auto& [id, v] : live_) {
    if (v.sessions > 0 && s.identity_.member_of(v.tenant)) list.emplace_back(id, &v);
  }
  std::size_t total = list.size();
  std::size_t shown = std::min(total, limits::kMaxLiveVisitors);
  std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(shown), list.end(),
                    [](const auto& a, const auto& b) { return a.second->active_at > b.second->active_at; });
  // In frames of kLiveVisitorsPerFrame; `more` says another one continues the list.
  std::size_t i = 0;
  do {
    boost::json::array out;
    for (std::size_t end = std::min(shown, i + limits::kLiveVisitorsPerFrame); i < end; ++i) {
      out.push_back(live_json(list[i].first, *list[i].second));
    }
    s.send(proto::frame("visitors", {{"list", std::move(out)}, {"total", total}, {"more", i < shown}}));
  } while (i < shown);
}

int Hub::live_count(Id tenant) const {
  auto it = live_counts_.find(tenant);
  return it == live_counts_.end() ? 0 : it->second;
}

// Once a second: every agent sees how many visitors are on their tenants' sites without
// following the list itself (which is only sent to consoles that show it).
void Hub::publish_live_counts() {
  std::unordered_map<Id, int> counts;
  for (const auto& [id, v] : live_) {
    if (v.sessions > 0 && v.tenant != 0) ++counts[v.tenant];
  }
  for (const auto& [tenant, n] : live_counts_) counts.try_emplace(tenant, 0);
  for (const auto& [tenant, n] : counts) {
    if (live_count(tenant) == n) continue;
    if (n == 0) {
      live_counts_.erase(tenant);
    } else {
      live_counts_[tenant] = n;
    }
    pubsub_.publish(topic_tenant(tenant), Envelope{proto::frame("live_count", {{"tenant", tenant}, {"n", n}}), 0});
  }
}

}  // namespace tiski
