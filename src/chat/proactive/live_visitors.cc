// The live visitor list (docs/proactive.md): who is on the tenants' sites now, for the consoles
// that follow it, and the number of them for every console.
#include <boost/describe.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <algorithm>

#include "chat/proactive/proactive.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

using proactive::cart_json;

void Proactive::live_from_session(VisitorSession& s, bool new_page) {
  if (s.visitor == 0) return;
  const auto& p = s.prospect;
  auto& lv = live_[s.visitor];
  lv.tenant = s.tenant;
  lv.site = s.site;
  lv.number = s.number;
  lv.lang = p.facts.lang;
  lv.since = p.facts.visit_start;
  lv.pages = p.facts.pages;
  lv.returning = p.facts.returning;
  lv.cart = p.facts.cart;
  lv.conv = s.conv;
  lv.url = p.facts.url;
  lv.title = p.title;
  lv.category = p.facts.category;
  lv.active_at = jobs_.now();
  if (new_page) {
    lv.path.push_back({lv.url, lv.title, lv.category, lv.active_at});
    if (lv.path.size() > limits::kMaxLivePath) lv.path.erase(lv.path.begin());
  }
  publish_live(s.visitor);
}

// One entry of the list: its latest page views only, so that a frame of 50 stays bounded
// (the whole path is in the context beside a chat).
boost::json::object Proactive::live_json(Id id, const LiveVisitor& v) const {
  boost::json::object page{{"url", v.url.view()}};
  if (!v.title.empty()) page["title"] = v.title.view();
  if (!v.category.empty()) page["category"] = v.category.view();
  boost::json::array path;
  std::size_t from = v.path.size() > limits::kLivePathInList ? v.path.size() - limits::kLivePathInList : 0;
  for (std::size_t i = from; i < v.path.size(); ++i) {
    const auto& p = v.path[i];
    boost::json::object o{{"url", p.url.view()}, {"at", p.at}};
    if (!p.title.empty()) o["title"] = p.title.view();
    if (!p.category.empty()) o["category"] = p.category.view();
    path.push_back(std::move(o));
  }
  const auto* site = sites_.by_id(v.site);
  boost::json::object o{{"id", id},
                        {"tenant", v.tenant},
                        {"site", v.site},
                        {"site_name", site ? site->site.name : ""},
                        {"lang", v.lang.view()},
                        {"page", std::move(page)},
                        {"path", std::move(path)},
                        {"since", v.since},
                        {"pages", v.pages},
                        {"returning", v.returning},
                        {"no", v.number}};
  if (v.cart) o["cart"] = cart_json(*v.cart);
  if (v.conv != 0) o["conv"] = v.conv;
  return o;
}

void Proactive::publish_live(Id visitor) {
  auto it = live_.find(visitor);
  if (it == live_.end() || it->second.tenant == 0) return;
  pubsub_.publish(topic_live(it->second.tenant),
                  Envelope{proto::frame("visitor", {{"v", live_json(visitor, it->second)}}), 0});
  if (it->second.node.empty()) tell_live(visitor, &it->second);
}

void Proactive::forget_live(std::unordered_map<Id, LiveVisitor>::iterator it) {
  if (it->second.tenant != 0) {
    pubsub_.publish(topic_live(it->second.tenant),
                    Envelope{proto::frame(proto::agent_server::VisitorGone{it->first}), 0});
  }
  live_.erase(it);
}

// ---------------------------------------------------------------------- several nodes

// An interned string goes over the wire as the string it is.
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& jv, const Interned& s) {
  jv = boost::json::string(s.view());
}
Interned tag_invoke(const boost::json::value_to_tag<Interned>&, const boost::json::value& jv) {
  return Interned(std::string_view(jv.as_string()));
}

// The wire form of an entry for the other nodes: every field, by name (Boost.Describe, as the
// events in chat/cluster/wire.cc). A field added to LiveVisitor must be listed here too.
static_assert(sizeof(Proactive::LiveVisitor) == 152, "LiveVisitor changed: list its fields below");
BOOST_DESCRIBE_STRUCT(Cart, (), (cents, currency, items))

// A shared cart goes over the wire as its value, null for none (as the optional it was).
void tag_invoke(const boost::json::value_from_tag&, boost::json::value& jv, const std::shared_ptr<const Cart>& c) {
  if (c) {
    jv = boost::json::value_from(*c);
  } else {
    jv = nullptr;
  }
}
std::shared_ptr<const Cart> tag_invoke(const boost::json::value_to_tag<std::shared_ptr<const Cart>>&,
                                       const boost::json::value& jv) {
  if (jv.is_null()) return nullptr;
  return std::make_shared<const Cart>(boost::json::value_to<Cart>(jv));
}
BOOST_DESCRIBE_STRUCT(Proactive::PathStep, (), (url, title, category, at))
BOOST_DESCRIBE_STRUCT(Proactive::LiveVisitor, (),
                      (tenant, site, number, lang, url, title, category, path, since, active_at, pages, returning, cart,
                       conv, sessions, gone_at, node))

namespace {

// {"id": visitor, "v": the entry}; {"id": visitor, "gone": true} when it left for good.
boost::json::object wire_of(Id id, const Proactive::LiveVisitor& v) {
  return {{"id", id}, {"v", boost::json::value_from(v)}};
}

std::optional<Proactive::LiveVisitor> live_of_wire(const boost::json::value& entry) {
  try {
    auto v = boost::json::value_to<Proactive::LiveVisitor>(entry);
    if (v.path.size() > limits::kMaxLivePath) v.path.resize(limits::kMaxLivePath);
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

void Proactive::tell_live(Id visitor, const LiveVisitor* v) {
  if (!live_out_) return;
  if (!v) return live_out_(boost::json::object{{"id", visitor}, {"gone", true}});
  live_out_(wire_of(visitor, *v));
}

std::vector<boost::json::object> Proactive::local_live() const {
  std::vector<boost::json::object> out;
  for (const auto& [id, v] : live_) {
    if (v.node.empty()) out.push_back(wire_of(id, v));
  }
  return out;
}

void Proactive::remote_live(const std::string& node, const boost::json::object& entry) {
  const auto* idv = entry.if_contains("id");
  if (!idv || !idv->is_int64()) return;
  Id id = idv->get_int64();
  const auto* gone = entry.if_contains("gone");
  std::optional<LiveVisitor> v;
  if (!gone || !gone->is_bool() || !gone->get_bool()) {
    const auto* body = entry.if_contains("v");
    v = body ? live_of_wire(*body) : std::nullopt;
    if (!v) {
      log::warn("cluster: a live visitor entry that does not decode was dropped", {{"node", node}});
      return;
    }
  }
  bool before = anywhere(id);
  remote_tabs(id, node, v && v->sessions > 0);
  auto it = live_.find(id);
  bool ours = it != live_.end() && it->second.node.empty() && it->second.sessions > 0;
  // The list shows one node's word: this node's tabs, else the latest that has any.
  bool shown_elsewhere =
      it != live_.end() && !it->second.node.empty() && it->second.node != node && it->second.sessions > 0;
  if (!v) {
    if (it != live_.end() && it->second.node == node) forget_live(it);
  } else if (!ours && !(v->sessions == 0 && shown_elsewhere)) {
    v->node = Interned(node);  // whose they are, here (the sender's own word is "")
    v->sessions = v->sessions > 0 ? 1 : 0;
    if (v->sessions == 0) v->gone_at = jobs_.now();
    auto& slot = live_[id];
    slot = std::move(*v);
    if (slot.sessions == 0) held_elsewhere(id, slot);
    if (slot.sessions > 0) {
      pubsub_.publish(topic_live(slot.tenant), Envelope{proto::frame("visitor", {{"v", live_json(id, slot)}}), 0});
    }
  }
  tell_presence(id, before);
}

void Proactive::node_gone(const std::string& node) {
  std::vector<Id> had;  // visitors with a tab there
  for (const auto& [id, n] : remote_tabs_) {
    if (n.view() == node) had.push_back(id);
  }
  for (Id id : had) remote_tabs(id, node, false);
  for (auto it = live_.begin(); it != live_.end();) {
    auto next = std::next(it);
    if (it->second.node == node) forget_live(it);
    it = next;
  }
  for (Id id : had) tell_presence(id, true);
}

// Each other node's word on a visitor's tabs, kept apart from the list's entry (which shows one
// node's): a tab opened on one node while the old page's closes on another counts as staying.
void Proactive::remote_tabs(Id visitor, const std::string& node, bool open) {
  auto [from, to] = remote_tabs_.equal_range(visitor);
  auto at = std::find_if(from, to, [&](const auto& e) { return e.second.view() == node; });
  if (open && at == to) remote_tabs_.emplace(visitor, Interned(node));
  if (!open && at != to) remote_tabs_.erase(at);
}

// The entry's node has no tab of the visitor's left, but another node has: the entry shows as that
// node's (its next word brings its page) instead of leaving the list.
bool Proactive::held_elsewhere(Id visitor, LiveVisitor& v) {
  auto it = remote_tabs_.find(visitor);
  if (it == remote_tabs_.end()) return false;
  v.node = it->second;
  v.sessions = 1;
  v.gone_at = 0;
  return true;
}

bool Proactive::anywhere(Id visitor) const {
  auto it = live_.find(visitor);
  if (it != live_.end() && it->second.node.empty() && it->second.sessions > 0) return true;
  return remote_tabs_.contains(visitor);
}

void Proactive::tell_presence(Id visitor, bool before) {
  bool now = anywhere(visitor);
  if (now != before) bus_.publish(events::VisitorPresence{visitor, now});
}

// A visitor's open conversation is shown in the list.
void Proactive::conversation(const Conversation& c) {
  auto it = live_.find(c.visitor_id);
  if (it == live_.end()) return;
  Id now_conv = c.status == conv_status::kClosed ? 0 : c.id;
  if (it->second.conv == now_conv || (now_conv == 0 && it->second.conv != c.id)) return;
  it->second.conv = now_conv;
  publish_live(c.visitor_id);
}

// The list now: at most 200, most recently active first, in frames of kLiveVisitorsPerFrame
// (`more` says another one continues it).
std::vector<proto::SharedFrame> Proactive::list_frames(const AgentIdentity& who) const {
  std::vector<std::pair<Id, const LiveVisitor*>> list;
  for (const auto& [id, v] : live_) {
    if (v.sessions > 0 && who.member_of(v.tenant)) list.emplace_back(id, &v);
  }
  std::size_t total = list.size();
  std::size_t shown = std::min(total, limits::kMaxLiveVisitors);
  std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(shown), list.end(),
                    [](const auto& a, const auto& b) { return a.second->active_at > b.second->active_at; });
  std::vector<proto::SharedFrame> frames;
  std::size_t i = 0;
  do {
    boost::json::array out;
    for (std::size_t end = std::min(shown, i + limits::kLiveVisitorsPerFrame); i < end; ++i) {
      out.push_back(live_json(list[i].first, *list[i].second));
    }
    frames.push_back(proto::frame("visitors", {{"list", std::move(out)}, {"total", total}, {"more", i < shown}}));
  } while (i < shown);
  return frames;
}

int Proactive::live_count(Id tenant) const {
  auto it = live_counts_.find(tenant);
  return it == live_counts_.end() ? 0 : it->second;
}

const Proactive::LiveVisitor* Proactive::live(Id visitor) const {
  auto it = live_.find(visitor);
  return it == live_.end() ? nullptr : &it->second;
}

// Every agent sees how many visitors are on their tenants' sites without following the list
// itself (which is only sent to consoles that show it).
void Proactive::publish_live_counts() {
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
    pubsub_.publish(topic_tenant(tenant),
                    Envelope{proto::frame(proto::agent_server::LiveCount{tenant, static_cast<std::int64_t>(n)}), 0});
  }
}

}  // namespace tiski
