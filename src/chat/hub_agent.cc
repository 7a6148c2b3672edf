// The agent channel: the snapshot and the conversation lists, watching a conversation and
// paging its history, replying, taking, transferring and closing.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "chat/hub.h"
#include "chat/hub_internal.h"
#include "mail/mailer.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

using namespace hub_detail;
using proto::AgentClient;

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

}  // namespace

// ---------------------------------------------------------------------- snapshot, lists

std::shared_ptr<AgentSession> Hub::agent_connected(Transport& t, AgentIdentity identity, std::string address) {
  metrics_.ws_agents.add(1);
  auto s = std::make_shared<AgentSession>(t, std::move(identity), std::move(address));
  agents_online_.insert(s.get());
  const auto& who = s->identity_;
  for (const auto& m : who.memberships) {
    tenant_names_[m.tenant_id] = m.tenant_name;
    subscribe(*s, topic_tenant(m.tenant_id));
  }
  router_.connected(who.agent.id, profile_of(who.agent, who.memberships, who.teams), now_ms());
  // Everything the snapshot says is in memory on this thread: it cannot miss a change.
  send_snapshot(*s);
  s->ready_ = true;
  return s;
}

void Hub::send_snapshot(AgentSession& s) {
  const auto& who = s.identity_;
  boost::json::object agent{{"id", who.agent.id}, {"name", who.agent.name}, {"email", who.agent.email}};
  boost::json::array tenants, presence, teams, counts;
  std::unordered_set<Id> seen;
  for (const auto& m : who.memberships) {
    tenants.push_back(boost::json::object{{"id", m.tenant_id}, {"name", m.tenant_name}, {"role", role_name(m.role)}});
    for (const auto& p : router_.presence_of(m.tenant_id)) {
      if (seen.insert(p.agent).second) presence.push_back(presence_json(p));
    }
    if (auto it = teams_.find(m.tenant_id); it != teams_.end()) {
      for (const auto& team : it->second) {
        boost::json::array members;
        for (Id id : team.members) members.push_back(id);
        teams.push_back(boost::json::object{{"id", team.id}, {"tenant", team.tenant_id}, {"name", team.name}, {"members", std::move(members)}});
      }
    }
    auto c = directory_.counts(m.tenant_id);
    counts.push_back(boost::json::object{{"tenant", m.tenant_id}, {"waiting", c.waiting}, {"inbox", c.inbox}, {"active", c.active}});
  }
  s.send(proto::frame("snapshot", {{"agent", std::move(agent)}, {"tenants", std::move(tenants)}, {"presence", std::move(presence)},
                                   {"teams", std::move(teams)}, {"counts", std::move(counts)}}));
  for (auto which : {ConvDirectory::List::kMine, ConvDirectory::List::kWaiting, ConvDirectory::List::kInbox,
                     ConvDirectory::List::kOthers}) {
    send_list(s, which, "");
  }
  for (const auto& m : who.memberships) {
    s.send(proto::frame("live_count", {{"tenant", m.tenant_id}, {"n", live_count(m.tenant_id)}}));
  }
}

void Hub::send_list(AgentSession& s, ConvDirectory::List which, std::string_view after) {
  auto page = directory_.page(which, tenant_ids(s.identity_), s.identity_.agent.id, after, limits::kListPage);
  if (!page) return reject(s, page.error());
  std::vector<std::string> convs;
  convs.reserve(page->convs.size());
  for (const auto* j : page->convs) convs.push_back(*j);
  s.send(list_frame(list_name(which), convs, after, page->next));
}

void Hub::agent_list(AgentSession& s, const boost::json::object& f) {
  std::string_view which = proto::str(f, "which");
  std::string_view after = proto::str(f, "after");
  if (after.size() > 64) return reject(s, Error::bad_request("'after' is not a cursor this server gave"));
  if (which == "closed") return agent_closed_list(s, after);
  auto list = ConvDirectory::parse_list(which);
  if (!list) return reject(s, Error::bad_request("which must be waiting, inbox, mine, others or closed"));
  send_list(s, *list, after);
}

// Closed conversations of the last week, newest first, read from the store a page at a time.
void Hub::agent_closed_list(AgentSession& s, std::string_view after) {
  std::optional<Store::ClosedCursor> cursor;
  if (!after.empty()) {
    auto dot = after.find('.');
    Store::ClosedCursor c;
    bool ok = dot != std::string_view::npos;
    if (ok) {
      auto [p1, e1] = std::from_chars(after.data(), after.data() + dot, c.closed_at);
      auto [p2, e2] = std::from_chars(after.data() + dot + 1, after.data() + after.size(), c.id);
      ok = e1 == std::errc() && e2 == std::errc() && p1 == after.data() + dot && p2 == after.data() + after.size();
    }
    if (!ok) return reject(s, Error::bad_request("'after' is not a cursor this server gave"));
    cursor = c;
  }
  auto tenants = tenant_ids(s.identity_);
  Millis since = now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(limits::kClosedListAge).count();
  run<std::vector<Conversation>>(
      s, [tenants, since, cursor](Store& st) { return st.closed_conversations(tenants, since, cursor, limits::kListPage + 1); },
      [after = std::string(after)](AgentSession* s, Result<std::vector<Conversation>> r) {
        if (!s) return;
        if (!r) return s->send(proto::error_frame(r.error()));
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

// ------------------------------------------------------------------------------- frames

void Hub::on_text(AgentSession& s, std::string_view text) {
  auto parsed = proto::parse_client_frame(text, proto::kAgentClientFrames);
  if (!admit(s)) return;
  if (!parsed) return reject(s, parsed.error());
  auto type = static_cast<AgentClient>(parsed->index);
  const auto& f = parsed->body;
  if (type == AgentClient::kPing) return s.send(proto::frame("pong"));
  if (s.ended_) return;
  router_.activity(s.identity_.agent.id, now_ms());
  Id conv = proto::int_or(f, "conv", 0);
  if ((type == AgentClient::kSend || type == AgentClient::kStart) && !s.messages_.take(now_ms())) {
    return reject(s, Error::rate_limited("too many messages; slow down"), proto::str(f, "cid"), conv);
  }
  switch (type) {
    case AgentClient::kWatch: return agent_watch(s, f);
    case AgentClient::kUnwatch:
      s.watching_.erase(conv);
      if (!s.pending_watch_.contains(conv)) unsubscribe(s, topic_conv(conv));
      return;
    case AgentClient::kOlder: return agent_older(s, f);
    case AgentClient::kList: return agent_list(s, f);
    case AgentClient::kTake: return agent_take(s, conv);
    case AgentClient::kSend: return agent_send(s, f);
    case AgentClient::kTyping: return agent_typing(s, f);
    case AgentClient::kClose: return agent_close(s, conv);
    case AgentClient::kStatus: return agent_status(s, f);
    case AgentClient::kTransfer: return agent_transfer(s, f);
    case AgentClient::kVisitors: return agent_visitors(s, f.at("on").as_bool());
    case AgentClient::kStart: return agent_start(s, f);
    default: return;
  }
}

namespace {
struct History {
  Conversation conv;
  HistoryPage page;
  std::vector<OutMail> mail;
  Visitor visitor;
  std::vector<PageView> path;
  std::vector<Conversation> earlier;
};

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
}  // namespace

void Hub::agent_watch(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  std::int64_t after = std::max<std::int64_t>(0, proto::int_or(f, "after", 0));
  if (s.pending_watch_.contains(conv)) return reject(s, Error::conflict("already loading this conversation"), {}, conv);
  s.watching_.erase(conv);
  s.pending_watch_.insert(conv);
  subscribe(s, topic_conv(conv));  // before reading; frames for it are dropped until history
  const AgentIdentity& who = s.identity_;
  run<History>(
      s,
      [who, conv, after](Store& st) -> Result<History> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        auto page = history_page(st, conv, after, INT64_MAX, true);
        if (!page) return page.error();
        auto mail = mail_of_page(st, conv, page->msgs);
        if (!mail) return mail.error();
        auto visitor = st.visitor_by_id(c->visitor_id);
        if (!visitor) return visitor.error();
        auto path = st.page_path(c->visitor_id, limits::kContextPath);
        if (!path) return path.error();
        auto earlier = st.conversations_of_visitor(c->visitor_id, limits::kContextEarlier + 1);
        if (!earlier) return earlier.error();
        std::erase_if(*earlier, [&](const Conversation& e) { return e.id == conv; });
        if (earlier->size() > limits::kContextEarlier) earlier->resize(limits::kContextEarlier);
        return History{std::move(c).value(), std::move(page).value(), std::move(mail).value(), std::move(visitor).value(),
                       std::move(path).value(), std::move(earlier).value()};
      },
      [this, conv](AgentSession* s, Result<History> r) {
        if (!s) return;
        s->pending_watch_.erase(conv);
        if (!r) {
          unsubscribe(*s, topic_conv(conv));
          return reject(*s, r.error(), {}, conv);
        }
        s->watching_[conv] = r->conv.visitor_id;
        // The visitor's context beside the chat.
        boost::json::object ctx{{"visitor", r->visitor.id},
                                {"lang", r->visitor.lang},
                                {"returning", !r->earlier.empty() || (!r->path.empty() && r->visitor.created_at < r->path.front().at - 1000)},
                                {"path", path_json(r->path)}};
        if (r->visitor.cart) ctx["cart"] = cart_json(*r->visitor.cart);
        boost::json::array earlier;
        for (const auto& e : r->earlier) {
          boost::json::object o{{"id", e.id}, {"origin", e.origin}, {"status", e.status}, {"created_at", e.created_at}};
          if (!e.preview.empty()) o["preview"] = e.preview;
          earlier.push_back(std::move(o));
        }
        ctx["earlier"] = std::move(earlier);
        s->send(proto::frame("history", {{"conv", conv}, {"msgs", messages_array(r->page.msgs)}, {"more", r->page.more},
                                         {"mail", mail_array(r->mail)}, {"context", std::move(ctx)}}));
      },
      {}, conv);
}

void Hub::agent_older(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  std::int64_t before = proto::int_or(f, "before", 0);
  const AgentIdentity& who = s.identity_;
  struct Older {
    HistoryPage page;
    std::vector<OutMail> mail;
  };
  run<Older>(
      s,
      [who, conv, before](Store& st) -> Result<Older> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        auto page = history_page(st, conv, 0, before, true);
        if (!page) return page.error();
        auto mail = mail_of_page(st, conv, page->msgs);
        if (!mail) return mail.error();
        return Older{std::move(page).value(), std::move(mail).value()};
      },
      [this, conv](AgentSession* s, Result<Older> r) {
        if (!s) return;
        if (!r) return reject(*s, r.error(), {}, conv);
        s->send(proto::frame("older", {{"conv", conv}, {"msgs", messages_array(r->page.msgs)}, {"mail", mail_array(r->mail)},
                                       {"more", r->page.more}}));
      },
      {}, conv);
}

// The completion of an agent's job that changed a conversation: an error goes back to the
// agent, the new state to everyone concerned.
std::function<void(AgentSession*, Result<Conversation>)> Hub::conv_done(Id conv) {
  return [this, conv](AgentSession* s, Result<Conversation> r) {
    if (!r) {
      if (s) reject(*s, r.error(), {}, conv);
      return;
    }
    conv_changed(*r);
  };
}

void Hub::agent_take(AgentSession& s, Id conv) {
  const AgentIdentity& who = s.identity_;
  run<Conversation>(
      s,
      [who, conv](Store& st) -> Result<Conversation> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        auto a = st.assign(conv, who.agent.id, now_ms());
        if (!a) return a.error();
        if (c->assignee_id != who.agent.id) {
          if (auto e = event(st, *a, "conversation.assigned", {{"agent", who.agent.id}, {"by", "take"}}); !e) {
            return e.error();
          }
        }
        return a;
      },
      conv_done(conv), {}, conv);
}

namespace {
struct AgentSendResult {
  Appended appended;
  Id visitor = 0;
  std::optional<Conversation> assigned;  // set when this reply assigned the conversation
  std::optional<OutMail> mail;           // set when the reply also goes out by email
};

constexpr std::string_view kNoRelay = "no SMTP relay is configured ([smtp] url); the reply waits in the outbox";

// Queues the email copy of an agent reply, rendered now and sent as is on every attempt.
Result<OutMail> queue_reply_mail(Store& st, const mail::Identity& id, bool configured, const Conversation& c,
                                 const Message& reply) {
  auto visitor = st.visitor_by_id(c.visitor_id);
  if (!visitor) return visitor.error();
  // The visitor's latest message before this reply is quoted: it is among the last few.
  auto recent = st.messages_page(c.id, 0, reply.seq, 20, false);
  if (!recent) return recent.error();
  mail::ReplyInput in;
  in.conv = c.id;
  in.seq = reply.seq;
  in.lang = visitor->lang;
  in.tenant_name = c.tenant_name;
  in.agent_name = reply.author_name;
  in.to = c.contact_email;
  in.to_name = c.contact_name;
  in.body = reply.body;
  in.date = reply.at;
  for (const auto& m : *recent) {
    if (m.author == "visitor") {
      in.original = m.body;
      in.original_at = m.at;
    }
  }
  auto rendered = mail::render_reply(id, in);
  OutMail out;
  out.tenant_id = c.tenant_id;
  out.conv_id = c.id;
  out.seq = reply.seq;
  out.to = c.contact_email;
  out.message_id = rendered.message_id;
  out.mime = std::move(rendered.mime);
  out.next_at = reply.at;
  out.created_at = reply.at;
  if (!configured) out.error = std::string(kNoRelay);
  return st.enqueue_mail(out);
}
}  // namespace

void Hub::agent_send(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  std::string cid(proto::str(f, "cid"));
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid, conv);
  std::string body = body_of(f);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid, conv);
  const auto* internal_v = f.if_contains("internal");
  bool internal = internal_v && internal_v->is_bool() && internal_v->as_bool();
  const AgentIdentity& who = s.identity_;
  run<AgentSendResult>(
      s,
      [who, conv, cid, body, internal, mail_id = mail_.identity, mail_on = mail_.configured](Store& st) -> Result<AgentSendResult> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        if (c->status == conv_status::kClosed) return Error::conflict("the conversation is closed");
        if (internal) {  // any agent of the tenant may leave a note; it assigns nothing
          auto a = st.append_message(by_agent(who, conv, "note", body, cid));
          if (!a) return a.error();
          return AgentSendResult{std::move(a).value(), c->visitor_id, std::nullopt, std::nullopt};
        }
        if (c->assignee_id && *c->assignee_id != who.agent.id) {
          return Error::forbidden("the conversation is assigned to " + c->assignee_name);
        }
        AgentSendResult r;
        r.visitor = c->visitor_id;
        if (!c->assignee_id) {  // replying to a waiting chat takes it
          auto a = st.assign(conv, who.agent.id, now_ms());
          if (!a) return a.error();
          if (auto e = event(st, *a, "conversation.assigned", {{"agent", who.agent.id}, {"by", "reply"}}); !e) {
            return e.error();
          }
        }
        auto a = st.append_message(by_agent(who, conv, "agent", body, cid));
        if (!a) return a.error();
        r.appended = std::move(a).value();
        if (!c->assignee_id) {
          auto fresh = st.conversation(conv);
          if (!fresh) return fresh.error();
          r.assigned = std::move(fresh).value();
        }
        // A visitor who left their address gets every reply by email too, queued in the
        // same transaction as the reply: acknowledged means on its way.
        if (!c->contact_email.empty() && !r.appended.duplicate) {
          auto m = queue_reply_mail(st, mail_id, mail_on, *c, r.appended.msg);
          if (!m) return m.error();
          r.mail = std::move(m).value();
        }
        return r;
      },
      [this, cid, conv](AgentSession* s, Result<AgentSendResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid, conv);
          return;
        }
        const Message& m = r->appended.msg;
        if (r->assigned) conv_changed(*r->assigned);
        if (r->appended.duplicate) {
          metrics_.messages_duplicate_total.inc();
        } else {
          publish_message(m, r->visitor, s);
        }
        if (s) s->send(proto::frame("ack", {{"cid", cid}, {"conv", m.conv_id}, {"seq", m.seq}, {"at", m.at}}));
        if (r->mail) {
          mail_changed(*r->mail);
          if (mailer_) mailer_->kick();
        }
      },
      cid, conv);
}

namespace {
struct TransferResult {
  Conversation conv;
  Message line;                 // the system line the visitor sees
  std::optional<Message> note;  // the internal note for the agents
};

std::string transfer_line(std::string_view lang, const std::string& to) {
  if (lang == "sv") return "Chatten överfördes till " + to + ".";
  if (lang == "en") return "The chat was transferred to " + to + ".";
  return "Keskustelu siirrettiin asiakaspalvelijalle " + to + ".";
}

std::string team_line(std::string_view lang, const std::string& team) {
  if (lang == "sv") return "Chatten överfördes till teamet " + team + ". Nästa lediga person svarar dig.";
  if (lang == "en") return "The chat was transferred to the " + team + " team. The next free agent will answer you.";
  return "Keskustelu siirrettiin tiimille " + team + ". Seuraava vapaa asiakaspalvelija vastaa sinulle.";
}

// The one answer for an agent who is unknown or serves only other tenants: walking ids must
// not tell other tenants' agents from nobody.
Error no_such_agent() { return Error::bad_request("no such agent in this conversation's tenant"); }
}  // namespace

void Hub::agent_transfer(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  Id to = proto::int_or(f, "to", 0);
  Id team = proto::int_or(f, "team", 0);
  std::string note = body_of(f, "note");
  if (note.size() > limits::kMaxMessageBytes) return reject(s, Error::too_large("the note is too long"), {}, conv);
  const AgentIdentity& who = s.identity_;
  if ((to == 0) == (team == 0)) return reject(s, Error::bad_request("give either to (an agent) or team"), {}, conv);
  // What memory can tell, checked in the same order as the store will: the conversation
  // first, so another tenant's id is not_found whatever else is wrong.
  if (auto tenant = router_.tenant_of(conv)) {
    if (!who.member_of(*tenant)) return reject(s, Error::not_found("no such conversation"), {}, conv);
    if (to != 0) {
      if (to == who.agent.id) return reject(s, Error::bad_request("the conversation is already yours"), {}, conv);
      auto ids = router_.agents_of(*tenant);
      if (!std::binary_search(ids.begin(), ids.end(), to)) return reject(s, no_such_agent(), {}, conv);
      if (auto p = router_.presence(to); p && p->status == routing::Presence::kOffline) {
        return reject(s, Error::conflict(p->name + " is offline: transfer to a colleague who is online or away, or to a team"), {},
                      conv);
      }
    }
  }
  run<TransferResult>(
      s,
      [who, conv, to, team, note](Store& st) -> Result<TransferResult> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        if (to == who.agent.id) return Error::bad_request("the conversation is already yours");
        if (c->status != conv_status::kActive || c->assignee_id != who.agent.id) {
          return Error::forbidden("only the agent handling an active conversation can transfer it");
        }
        // To a team (it waits for the team's next free agent) or to a colleague of the tenant.
        boost::json::object data{{"from", who.agent.id}, {"note", note}};
        std::string to_name;
        Result<Conversation> moved = Error::internal("unreachable");
        if (team != 0) {
          moved = st.transfer_to_team(conv, who.agent.id, team, now_ms());
          data["team"] = team;
        } else {
          auto target = st.agent_by_id(to);
          if (!target) return no_such_agent();
          auto ms = st.memberships_of(to);
          if (!ms) return ms.error();
          bool serves = std::any_of(ms->begin(), ms->end(), [&](const Membership& m) { return m.tenant_id == c->tenant_id; });
          if (!serves) return no_such_agent();
          moved = st.transfer(conv, who.agent.id, to, now_ms());
          data["to"] = to;
          to_name = target->name;
        }
        if (!moved) return moved.error();
        if (auto e = event(st, *moved, "conversation.transferred", std::move(data)); !e) return e.error();
        TransferResult r{std::move(moved).value(), {}, std::nullopt};
        if (!note.empty()) {
          auto a = st.append_message(by_agent(who, conv, "note", note));
          if (!a) return a.error();
          r.note = a->msg;
        }
        auto visitor = st.visitor_by_id(c->visitor_id);
        if (!visitor) return visitor.error();
        auto line = system_line(conv, team != 0 ? team_line(visitor->lang, r.conv.team_name) : transfer_line(visitor->lang, to_name));
        auto a = st.append_message(line);
        if (!a) return a.error();
        r.line = a->msg;
        auto fresh = st.conversation(conv);
        if (!fresh) return fresh.error();
        r.conv = std::move(fresh).value();
        return r;
      },
      [this, conv, to](AgentSession* s, Result<TransferResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), {}, conv);
          return;
        }
        if (to != 0) {  // the new owner has not answered yet: it times out like an automatic assignment
          Millis now = now_ms();
          router_.update(r->conv, now);
          router_.assigned_as(conv, Assignment::kTransfer, now);
        }
        conv_changed(r->conv);
        if (r->note) publish_message(*r->note, r->conv.visitor_id, nullptr);
        publish_message(r->line, r->conv.visitor_id, nullptr);
      },
      {}, conv);
}

void Hub::agent_typing(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  auto it = s.watching_.find(conv);
  if (it == s.watching_.end()) {
    auto tenant = router_.tenant_of(conv);
    if (tenant && s.identity_.member_of(*tenant)) return reject(s, Error::conflict("watch the conversation first"), {}, conv);
    return reject(s, Error::not_found("no such conversation"), {}, conv);
  }
  bool on = f.at("on").as_bool();
  auto now = std::chrono::steady_clock::now();
  if (on && now - s.last_typing_ < limits::kTypingInterval) return;
  s.last_typing_ = on ? now : std::chrono::steady_clock::time_point{};
  pubsub_.publish(topic_visitor(it->second),
                  Envelope{proto::frame("typing", {{"conv", conv}, {"on", on}, {"name", s.identity_.agent.name}}), conv});
}

void Hub::agent_close(AgentSession& s, Id conv) {
  const AgentIdentity& who = s.identity_;
  run<Conversation>(
      s,
      [who, conv](Store& st) -> Result<Conversation> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
        auto closed = st.close(conv, now_ms());
        if (!closed) return closed.error();
        if (auto e = event(st, *closed, "conversation.closed", {{"by", "agent"}, {"agent", who.agent.id}}); !e) {
          return e.error();
        }
        return closed;
      },
      conv_done(conv), {}, conv);
}

void Hub::agent_status(AgentSession& s, const boost::json::object& f) {
  if (auto st = set_status(s.identity_.agent.id, proto::str(f, "status")); !st) reject(s, st.error());
}

namespace {
struct StartResult {
  Conversation conv;
  Message msg;
};
}  // namespace

// An agent starts a chat with a visitor from the live list (origin agent), assigned to them.
void Hub::agent_start(AgentSession& s, const boost::json::object& f) {
  Id visitor = proto::int_or(f, "visitor", 0);
  std::string cid(proto::str(f, "cid"));
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string body = body_of(f);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  auto it = live_.find(visitor);
  if (it == live_.end() || !s.identity_.member_of(it->second.tenant)) return reject(s, Error::not_found("no such visitor"), cid);
  if (it->second.sessions == 0) return reject(s, Error::conflict("the visitor has left"), cid);
  const AgentIdentity& who = s.identity_;
  run<StartResult>(
      s,
      [who, visitor, cid, body](Store& st) -> Result<StartResult> {
        auto open = st.open_conversation_of(visitor);
        if (!open) return open.error();
        if (*open) return Error::conflict("the visitor already has an open conversation (#" + std::to_string((*open)->id) + ")");
        auto c = st.create_conversation(visitor, origin::kAgent, now_ms());
        if (!c) return c.error();
        auto a = st.assign(c->id, who.agent.id, now_ms());
        if (!a) return a.error();
        if (auto e = event(st, *a, "conversation.created", {{"origin", a->origin}, {"site", a->site_id}, {"agent", who.agent.id}}); !e) {
          return e.error();
        }
        if (auto e = event(st, *a, "conversation.assigned", {{"agent", who.agent.id}, {"by", "start"}}); !e) return e.error();
        auto m = st.append_message(by_agent(who, c->id, "agent", body, cid));
        if (!m) return m.error();
        auto fresh = st.conversation(c->id);
        if (!fresh) return fresh.error();
        return StartResult{std::move(fresh).value(), m->msg};
      },
      [this, cid](AgentSession* s, Result<StartResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid);
          return;
        }
        auto& res = r.value();
        conv_changed(res.conv);
        publish_message(res.msg, res.conv.visitor_id, s);
        if (s) s->send(proto::frame("ack", {{"cid", cid}, {"conv", res.conv.id}, {"seq", res.msg.seq}, {"at", res.msg.at}}));
      },
      cid);
}

// Records buying signals not seen before in the conversation, and shows them to the agents.
void Hub::note_signals(Id conv, const std::vector<std::string>& found) {
  if (found.empty() || !router_.is_open(conv)) return;
  auto& known = signals_[conv];
  std::vector<std::string> fresh;
  for (const auto& sig : found) {
    if (std::find(known.begin(), known.end(), sig) == known.end()) fresh.push_back(sig);
  }
  if (fresh.empty()) return;
  known.insert(known.end(), fresh.begin(), fresh.end());  // no second job for the same ones
  run_background<std::pair<Conversation, bool>>(
      [conv, fresh](Store& st) -> Result<std::pair<Conversation, bool>> {
        auto r = st.add_signals(conv, fresh);
        if (!r) return r.error();
        if (r->second) {
          boost::json::array a;
          for (const auto& sig : fresh) a.push_back(boost::json::string(sig));
          if (auto e = event(st, r->first, "signal.detected", {{"signals", std::move(a)}}); !e) return e.error();
        }
        return r;
      },
      [this](Result<std::pair<Conversation, bool>> r) {
        if (!r || !r->second) return;
        conv_changed(r->first, false);  // agents only: the visitor's view does not change
      });
}

}  // namespace tiski
