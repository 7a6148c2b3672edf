// What the console reads: the snapshot and the conversation lists (from memory, ConvDirectory),
// the closed list and a conversation's history with the visitor's context (from the store).
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "chat/conversations/records.h"
#include "chat/gateway/frames.h"
#include "chat/gateway/gateway.h"
#include "chat/gateway/run.h"
#include "chat/proactive/facts.h"
#include "util/limits.h"

namespace tiski {

using frames::messages_array;

namespace {

std::string_view list_name(ConvDirectory::List l) {
  switch (l) {
    case ConvDirectory::List::kWaiting: return "waiting";
    case ConvDirectory::List::kInbox: return "inbox";
    case ConvDirectory::List::kMine: return "mine";
    case ConvDirectory::List::kOthers: return "others";
  }
  return "";
}

std::string_view status_name(Availability p) {
  return p == Availability::kOnline ? "online" : p == Availability::kAway ? "away" : "offline";
}

// {"t":"list",...} from conversations already serialised (the directory keeps them so).
proto::SharedFrame list_frame(std::string_view which, const std::vector<std::string>& convs, std::string_view after,
                              std::string_view next) {
  std::string out = R"({"t":"list","which":)" + boost::json::serialize(boost::json::string(which)) + R"(,"convs":[)";
  for (std::size_t i = 0; i < convs.size(); ++i) {
    if (i) out += ',';
    out += convs[i];
  }
  out += ']';
  if (!after.empty()) out += R"(,"after":)" + boost::json::serialize(boost::json::string(after));
  if (!next.empty()) out += R"(,"next":)" + boost::json::serialize(boost::json::string(next));
  out += '}';
  return std::make_shared<const std::string>(std::move(out));
}

std::vector<Id> tenant_ids(const AgentIdentity& who) {
  std::vector<Id> ids;
  for (const auto& m : who.memberships) ids.push_back(m.tenant_id);
  return ids;
}

boost::json::array mail_array(const std::vector<OutMail>& mail) {
  boost::json::array a;
  for (const auto& m : mail) a.push_back(proto::mail_json(m));
  return a;
}

boost::json::array path_json(const std::vector<PageView>& path) {
  boost::json::array a;
  for (const auto& p : path) {
    boost::json::object o{{"url", p.url}, {"at", p.at}};
    if (!p.title.empty()) o["title"] = p.title;
    if (!p.category.empty()) o["category"] = p.category;
    a.push_back(std::move(o));
  }
  return a;
}

// The email delivery of the replies within a page of messages.
Result<std::vector<OutMail>> mail_of_page(Store& st, Id conv, const std::vector<Message>& msgs) {
  if (msgs.empty()) return std::vector<OutMail>();
  return st.mail_of_conversation(conv, msgs.front().seq, msgs.back().seq);
}

// A conversation as the console opens it: the newest page, its emails, the visitor's context.
struct History {
  Conversation conv;
  conversations::HistoryPage page;
  std::vector<OutMail> mail;
  Visitor visitor;
  std::vector<PageView> path;
  std::vector<Conversation> earlier;
  std::optional<Contact> contact;
};

Result<History> read_history(Store& st, const AgentIdentity& who, Id conv, std::int64_t after) {
  History h;
  h.conv = TRY(conversations::visible_conversation(st, who, conv));
  h.page = TRY(conversations::history_page(st, conv, after, INT64_MAX, true));
  h.mail = TRY(mail_of_page(st, conv, h.page.msgs));
  h.visitor = TRY(st.visitor_by_id(h.conv.visitor_id));
  h.path = TRY(st.page_path(h.conv.visitor_id, limits::kContextPath));
  if (Id contact = h.visitor.contact_id) {  // the person's, over every channel and site
    h.contact = TRY(st.contact(h.conv.tenant_id, contact));
    h.earlier = TRY(st.contact_conversations(h.conv.tenant_id, contact, 0, limits::kContextEarlier + 1));
  } else {
    h.earlier = TRY(st.conversations_of_visitor(h.conv.visitor_id, limits::kContextEarlier + 1));
  }
  std::erase_if(h.earlier, [&](const Conversation& e) { return e.id == conv; });
  if (h.earlier.size() > limits::kContextEarlier) h.earlier.resize(limits::kContextEarlier);
  return h;
}

// The visitor's context beside the chat.
boost::json::object context_json(const History& h) {
  bool returning = !h.earlier.empty() || (!h.path.empty() && h.visitor.created_at < h.path.front().at - 1000);
  boost::json::object ctx{
      {"visitor", h.visitor.id}, {"lang", h.visitor.lang}, {"returning", returning}, {"path", path_json(h.path)}};
  if (h.visitor.cart) ctx["cart"] = proactive::cart_json(*h.visitor.cart);
  if (const auto& who = h.visitor.identity; !who.external_id.empty()) {
    boost::json::object id{{"id", who.external_id}, {"verified", who.verified}};
    if (!who.name.empty()) id["name"] = who.name;
    if (!who.email.empty()) id["email"] = who.email;
    ctx["identity"] = std::move(id);
  }
  boost::json::array earlier;
  for (const auto& e : h.earlier) {
    boost::json::object o{
        {"id", e.id}, {"origin", e.origin}, {"status", e.status}, {"created_at", e.created_at}, {"site", e.site_name}};
    if (!e.preview.empty()) o["preview"] = e.preview;
    earlier.push_back(std::move(o));
  }
  ctx["earlier"] = std::move(earlier);
  if (h.contact) {
    boost::json::array keys;
    for (const auto& k : h.contact->keys) keys.push_back({{"kind", k.kind}, {"value", k.value}});
    ctx["contact"] = {
        {"id", h.contact->id}, {"name", h.contact->name}, {"keys", std::move(keys)}, {"visitors", h.contact->visitors}};
  }
  return ctx;
}

std::optional<Store::ClosedCursor> parse_closed_cursor(std::string_view after, bool& ok) {
  ok = true;
  if (after.empty()) return std::nullopt;
  auto dot = after.find('.');
  Store::ClosedCursor c;
  ok = dot != std::string_view::npos;
  if (ok) {
    auto [p1, e1] = std::from_chars(after.data(), after.data() + dot, c.closed_at);
    auto [p2, e2] = std::from_chars(after.data() + dot + 1, after.data() + after.size(), c.id);
    ok = e1 == std::errc() && e2 == std::errc() && p1 == after.data() + dot && p2 == after.data() + after.size();
  }
  return c;
}

}  // namespace

boost::json::object Gateway::presence_json(Id agent, const std::vector<Id>& tenants) const {
  const auto* a = d_.presence.agent(agent);
  if (!a) return {};
  boost::json::array serves;
  for (Id t : tenants) serves.push_back(t);
  return {{"agent", agent},
          {"name", a->profile.name},
          {"status", status_name(a->status)},
          {"active", d_.router.active(agent)},
          {"capacity", a->profile.capacity},
          {"tenants", std::move(serves)}};
}

void Gateway::send_snapshot(AgentSession& s) {
  const auto& who = s.identity();
  boost::json::object agent{{"id", who.agent.id}, {"name", who.agent.name}, {"email", who.agent.email}};
  boost::json::array tenants, presence, teams, counts;
  std::unordered_set<Id> seen;
  for (const auto& m : who.memberships) {
    boost::json::array tags;
    for (const auto& t : d_.outcomes.tags(m.tenant_id)) tags.push_back(boost::json::string(t));
    tenants.push_back(boost::json::object{{"id", m.tenant_id},
                                          {"name", m.tenant_name},
                                          {"role", role_name(m.role)},
                                          {"tags", std::move(tags)},
                                          {"outcome_required", d_.outcomes.outcome_required(m.tenant_id)}});
    for (Id a : d_.presence.agents_of(m.tenant_id)) {
      if (!seen.insert(a).second) continue;
      std::vector<Id> shared;  // the tenants of mine this colleague serves
      if (const auto* p = d_.presence.agent(a)) {
        for (Id t : p->profile.tenants)
          if (who.member_of(t)) shared.push_back(t);
      }
      presence.push_back(presence_json(a, shared));
    }
    if (auto it = teams_.find(m.tenant_id); it != teams_.end()) {
      for (const auto& team : it->second) {
        boost::json::array members;
        for (Id id : team.members) members.push_back(id);
        teams.push_back(boost::json::object{
            {"id", team.id}, {"tenant", team.tenant_id}, {"name", team.name}, {"members", std::move(members)}});
      }
    }
    auto c = directory_.counts(m.tenant_id);
    counts.push_back(
        boost::json::object{{"tenant", m.tenant_id}, {"waiting", c.waiting}, {"inbox", c.inbox}, {"active", c.active}});
  }
  s.send(proto::frame("snapshot", {{"agent", std::move(agent)},
                                   {"tenants", std::move(tenants)},
                                   {"presence", std::move(presence)},
                                   {"teams", std::move(teams)},
                                   {"counts", std::move(counts)},
                                   {"email", d_.email}}));
  for (auto which : {ConvDirectory::List::kMine, ConvDirectory::List::kWaiting, ConvDirectory::List::kInbox,
                     ConvDirectory::List::kOthers}) {
    send_list(s, which, "");
  }
  for (const auto& m : who.memberships) {
    s.send(proto::frame(
        proto::agent_server::LiveCount{m.tenant_id, static_cast<std::int64_t>(d_.proactive.live_count(m.tenant_id))}));
  }
}

void Gateway::send_list(AgentSession& s, ConvDirectory::List which, std::string_view after) {
  auto page = directory_.page(which, tenant_ids(s.identity()), s.agent(), after, limits::kListPage);
  if (!page) return reject(s, page.error());
  std::vector<std::string> convs;
  convs.reserve(page->convs.size());
  for (const auto* j : page->convs) convs.push_back(*j);
  s.send(list_frame(list_name(which), convs, after, page->next));
}

void Gateway::agent_list(AgentSession& s, const ac::List& f) {
  std::string_view after = f.after ? std::string_view(*f.after) : std::string_view();
  if (after.size() > 64) return reject(s, Error::bad_request("'after' is not a cursor this server gave"));
  if (f.which == proto::ListName::kClosed) return agent_closed_list(s, after);
  auto list = ConvDirectory::parse_list(proto::to_string(f.which));
  if (!list)
    return reject(s, Error::internal("list '" + std::string(proto::to_string(f.which)) + "' has no directory"));
  send_list(s, *list, after);
}

// Closed conversations of the last week, newest first, read from the store a page at a time.
void Gateway::agent_closed_list(AgentSession& s, std::string_view after) {
  bool ok = true;
  auto cursor = parse_closed_cursor(after, ok);
  if (!ok) return reject(s, Error::bad_request("'after' is not a cursor this server gave"));
  auto tenants = tenant_ids(s.identity());
  Millis since = d_.jobs.now() - std::chrono::duration_cast<std::chrono::milliseconds>(limits::kClosedListAge).count();
  run<std::vector<Conversation>>(
      s,
      [tenants, since, cursor](Store& st, events::Recorder&) {
        return st.closed_conversations(tenants, since, cursor, limits::kListPage + 1);
      },
      [this, after = std::string(after)](AgentSession* s, Result<std::vector<Conversation>> r) {
        if (!s) return;
        if (!r) return reject(*s, r.error());
        std::string next;
        if (r->size() > limits::kListPage) {
          r->resize(limits::kListPage);
          next = std::to_string(r->back().closed_at.value_or(0)) + "." + std::to_string(r->back().id);
        }
        std::vector<std::string> convs;
        for (const auto& c : *r) convs.push_back(boost::json::serialize(proto::conversation_json(c)));
        s->send(list_frame("closed", convs, after, next));
      });
}

void Gateway::agent_watch(AgentSession& s, const ac::Watch& f) {
  Id conv = f.conv;
  std::int64_t after = std::max<std::int64_t>(0, f.after);
  if (s.pending_watch.contains(conv)) return reject(s, Error::conflict("already loading this conversation"), {}, conv);
  s.watching.erase(conv);
  s.pending_watch.insert(conv);
  subscribe(s, topic_conv(conv));  // before reading; frames for it are dropped until history
  run<History>(
      s, [who = s.identity(), conv, after](Store& st, events::Recorder&) { return read_history(st, who, conv, after); },
      [this, conv](AgentSession* s, Result<History> r) {
        if (!s) return;
        s->pending_watch.erase(conv);
        if (!r) {
          unsubscribe(*s, topic_conv(conv));
          return reject(*s, r.error(), {}, conv);
        }
        s->watching[conv] = r->conv.visitor_id;
        s->send(proto::frame("history", {{"conv", conv},
                                         {"conversation", proto::conversation_json(r->conv)},
                                         {"msgs", messages_array(r->page.msgs)},
                                         {"more", r->page.more},
                                         {"mail", mail_array(r->mail)},
                                         {"context", context_json(*r)}}));
      });
}

void Gateway::agent_older(AgentSession& s, const ac::Older& f) {
  Id conv = f.conv;
  std::int64_t before = f.before;
  struct Older {
    conversations::HistoryPage page;
    std::vector<OutMail> mail;
  };
  run<Older>(
      s,
      [who = s.identity(), conv, before](Store& st, events::Recorder&) -> Result<Older> {
        TRY_OK(conversations::visible_conversation(st, who, conv));
        auto page = TRY(conversations::history_page(st, conv, 0, before, true));
        auto mail = TRY(mail_of_page(st, conv, page.msgs));
        return Older{std::move(page), std::move(mail)};
      },
      [this, conv](AgentSession* s, Result<Older> r) {
        if (!s) return;
        if (!r) return reject(*s, r.error(), {}, conv);
        s->send(proto::frame("older", {{"conv", conv},
                                       {"msgs", messages_array(r->page.msgs)},
                                       {"mail", mail_array(r->mail)},
                                       {"more", r->page.more}}));
      });
}

}  // namespace tiski
