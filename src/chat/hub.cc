#include "chat/hub.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "mail/address.h"
#include "mail/mailer.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

using proto::AgentClient;
using proto::VisitorClient;

namespace {

constexpr std::uint16_t kClosePolicy = 1008;

std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Cuts at a UTF-8 character boundary.
std::string clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return std::string(s.substr(0, max));
}

Status check_body(std::string_view body) {
  if (body.empty()) return Error::bad_request("the message is empty");
  if (body.size() > limits::kMaxMessageBytes) {
    return Error::too_large("the message is longer than " + std::to_string(limits::kMaxMessageBytes) + " bytes");
  }
  return {};
}

Status check_cid(std::string_view cid) {
  if (cid.empty() || cid.size() > limits::kMaxCidBytes) {
    return Error::bad_request("cid must be 1 to " + std::to_string(limits::kMaxCidBytes) + " characters");
  }
  return {};
}

Status event(Store& st, const Conversation& c, std::string_view kind, boost::json::object data) {
  return st.append_event(Event{0, c.tenant_id, c.id, std::string(kind), boost::json::serialize(data), now_ms()});
}

boost::json::array messages_array(const std::vector<Message>& msgs) {
  boost::json::array a;
  a.reserve(msgs.size());
  for (const auto& m : msgs) a.push_back(proto::message_json(m));
  return a;
}

// A message written by an agent: a reply (author "agent") or an internal note ("note").
Message by_agent(const AgentIdentity& who, Id conv, std::string_view author, std::string body, std::string cid = {}) {
  Message m;
  m.conv_id = conv;
  m.author = std::string(author);
  m.author_id = who.agent.id;
  m.author_name = who.agent.name;
  m.body = std::move(body);
  m.cid = std::move(cid);
  m.at = now_ms();
  return m;
}

// A conversation the agent may touch: it exists and belongs to one of the agent's tenants.
// Anything else is not_found, so other tenants' ids cannot even be probed.
Result<Conversation> visible_conversation(Store& st, const AgentIdentity& who, Id conv) {
  auto c = st.conversation(conv);
  if (!c && c.error().code == Errc::kNotFound) return Error::not_found("no such conversation");
  if (!c) return c.error();
  if (!who.member_of(c->tenant_id)) return Error::not_found("no such conversation");
  return c;
}

}  // namespace

bool TokenBucket::take(std::chrono::steady_clock::time_point now) {
  if (last_ != std::chrono::steady_clock::time_point{}) {
    tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  }
  last_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

ClientSession::ClientSession(Transport& t, double frames_per_second, double frame_burst)
    : transport_(&t), messages_(limits::kMessagesPerSecond, limits::kMessageBurst), frames_(frames_per_second, frame_burst) {}

VisitorSession::VisitorSession(Transport& t) : ClientSession(t, limits::kFramesPerSecond, limits::kFrameBurst) {}

AgentSession::AgentSession(Transport& t, AgentIdentity id)
    : ClientSession(t, limits::kAgentFramesPerSecond, limits::kAgentFrameBurst), identity_(std::move(id)) {}

void ClientSession::send(const proto::SharedFrame& f) {
  if (transport_) transport_->send(f);
}

void ClientSession::close(std::uint16_t code, std::string_view reason) {
  if (transport_) transport_->close(code, reason);
}

void VisitorSession::deliver(const Envelope& e) {
  if (!ready_) return;  // the welcome will carry it
  if (e.conv != 0) conv_ = e.conv;
  send(e.frame);
}

void AgentSession::deliver(const Envelope& e) {
  if (!ready_) return;                                      // the snapshot will carry it
  if (e.conv != 0 && pending_watch_.contains(e.conv)) return;  // the history will carry it
  send(e.frame);
}

Hub::Hub(StoreWorker& store, PubSub& pubsub, Metrics& metrics, std::string token_secret, RoutingOptions routing,
         HubMail mail)
    : routing_(routing),
      avg_handle_ms_(static_cast<double>(routing.default_handle_ms)),
      mail_(std::move(mail)),
      store_(store),
      pubsub_(pubsub),
      metrics_(metrics),
      secret_(std::move(token_secret)) {}

template <class T, class S, class Fn, class Done>
void Hub::run(S& s, Fn fn, Done done, std::string cid, std::optional<Id> conv) {
  if (shutting_down_) return reject(s, Error::unavailable("the server is shutting down; retry"), cid, conv);
  std::weak_ptr<ClientSession> weak = s.shared_from_this();
  ++in_flight_;
  bool queued = store_.submit<T>(std::function<Result<T>(Store&)>(std::move(fn)),
                                 [this, weak, done = std::move(done)](Result<T> r) mutable {
                                   --in_flight_;
                                   auto sp = weak.lock();
                                   S* live = sp && sp->attached() ? static_cast<S*>(sp.get()) : nullptr;
                                   done(live, std::move(r));
                                 });
  if (!queued) {
    --in_flight_;
    reject(s, Error::unavailable("the server is overloaded; retry"), cid, conv);
  }
}

void Hub::subscribe(ClientSession& s, const std::string& topic) {
  pubsub_.subscribe(topic, &s);
  s.topics_.push_back(topic);
}

void Hub::unsubscribe(ClientSession& s, const std::string& topic) {
  pubsub_.unsubscribe(topic, &s);
  std::erase(s.topics_, topic);
}

void Hub::disconnected(ClientSession& s) {
  if (!s.attached()) return;
  auto* agent = dynamic_cast<AgentSession*>(&s);
  (agent ? metrics_.ws_agents : metrics_.ws_visitors).add(-1);
  if (!agent) {
    auto* v = static_cast<VisitorSession*>(&s);
    prospects_.erase(v);
    if (auto it = live_.find(v->visitor_); v->visitor_ != 0 && it != live_.end() && --it->second.sessions <= 0) {
      it->second.sessions = 0;
      it->second.gone_at = now_ms();  // gone unless another tab (or the next page) connects soon
    }
  }
  if (agent) {
    auto& a = agents_[agent->identity_.agent.id];
    if (--a.sockets <= 0) {
      a.sockets = 0;
      a.offline_at = now_ms() + routing_.offline_grace_ms;
    }
  }
  for (const auto& t : s.topics_) pubsub_.unsubscribe(t, &s);
  s.topics_.clear();
  s.detach();
}

void Hub::reject(ClientSession& s, const Error& e, std::string_view cid, std::optional<Id> conv) {
  metrics_.frames_rejected_total.inc();
  s.send(proto::error_frame(e, cid, conv));
}

// Applies the frame rate limit to every frame and the message rate limit to sends. A client
// that floods frames is disconnected; one that sends messages too fast gets errors.
bool Hub::admit(ClientSession& s, bool is_message, std::string_view cid) {
  if (!s.frames_.take()) {
    reject(s, Error::rate_limited("too many frames; closing"));
    s.close(kClosePolicy, "rate limit");
    return false;
  }
  if (is_message && !s.messages_.take()) {
    reject(s, Error::rate_limited("too many messages; slow down"), cid);
    return false;
  }
  return true;
}

void Hub::publish_conv(const Conversation& c) {
  note_conv(c);
  if (auto it = live_.find(c.visitor_id); it != live_.end()) {
    Id now_conv = c.status == conv_status::kClosed ? 0 : c.id;
    if (it->second.conv != now_conv && (now_conv != 0 || it->second.conv == c.id)) {
      it->second.conv = now_conv;
      publish_live(c.visitor_id);
    }
  }
  pubsub_.publish(topic_tenant(c.tenant_id),
                  Envelope{proto::frame("conv", {{"conv", proto::conversation_json(c)}}), 0});
  pubsub_.publish(topic_visitor(c.visitor_id),
                  Envelope{proto::frame("conv", {{"conv", proto::visitor_conv_json(c)}}), c.id});
}

void Hub::publish_message(const Message& m, Id visitor, const ClientSession* sender) {
  auto f = proto::frame("msg", {{"m", proto::message_json(m)}});
  metrics_.messages_total.inc();
  if (m.author == "agent") {
    if (auto it = open_.find(m.conv_id); it != open_.end()) it->second.answered = true;
  }
  pubsub_.publish(topic_conv(m.conv_id), Envelope{f, m.conv_id}, sender);
  if (m.author != "note") pubsub_.publish(topic_visitor(visitor), Envelope{f, m.conv_id}, sender);  // notes: agents only
}

// ---------------------------------------------------------------------------------- visitor

std::shared_ptr<VisitorSession> Hub::visitor_connected(Transport& t) {
  metrics_.ws_visitors.add(1);
  return std::make_shared<VisitorSession>(t);
}

void Hub::on_text(VisitorSession& s, std::string_view text) {
  auto parsed = proto::parse_client_frame(text, proto::kVisitorClientFrames);
  if (!parsed) {
    if (!admit(s, false, {})) return;
    return reject(s, parsed.error());
  }
  auto type = static_cast<VisitorClient>(parsed->index);
  const auto& f = parsed->body;
  if (!admit(s, type == VisitorClient::kSend || type == VisitorClient::kLeave, proto::str(f, "cid"))) return;
  if (type == VisitorClient::kPing) return s.send(proto::frame("pong"));
  if (type == VisitorClient::kHello) return visitor_hello(s, f);
  if (!s.ready_) return reject(s, Error::bad_request("send hello first"), proto::str(f, "cid"));
  switch (type) {
    case VisitorClient::kSend: return visitor_send(s, f);
    case VisitorClient::kTyping: return visitor_typing(s, f);
    case VisitorClient::kPage: return visitor_page(s, f);
    case VisitorClient::kClose: return visitor_close(s);
    case VisitorClient::kLeave: return visitor_leave(s, f);
    case VisitorClient::kTrack: return visitor_track(s, f);
    case VisitorClient::kDismiss: return visitor_dismiss(s, f);
    default: return;
  }
}

namespace {
struct HelloResult {
  Site site;
  Visitor visitor;
  std::optional<Conversation> conv;
  std::vector<Message> msgs;
  std::vector<Invitation> invitations;  // the last year's, for the caps
  std::vector<PageView> path;           // the visit's latest page views
};

struct PageIn {
  std::string url;
  std::string title;
  std::string category;
};

std::optional<PageIn> page_of(const boost::json::object& f, std::string_view key) {
  const auto* p = f.if_contains(key);
  if (!p || !p->is_object()) return std::nullopt;
  return PageIn{clip(proto::str(p->as_object(), "url"), limits::kMaxUrlBytes),
                clip(proto::str(p->as_object(), "title"), limits::kMaxTitleBytes),
                clip(proto::str(p->as_object(), "category"), limits::kMaxCategoryBytes)};
}

// A cart as the page reported it, if present and sane.
std::optional<Cart> cart_of(const boost::json::object& f) {
  const auto* c = f.if_contains("cart");
  if (!c || !c->is_object()) return std::nullopt;
  const auto& o = c->as_object();
  std::int64_t cents = proto::int_or(o, "cents", -1);
  std::int64_t items = proto::int_or(o, "items", -1);
  std::string currency = clip(proto::str(o, "currency"), 3);
  if (cents < 0 || cents > 100'000'000'000 || items < 0 || items > 100'000) return std::nullopt;
  return Cart{cents, currency, static_cast<int>(items)};
}
std::int64_t cents_of(const std::optional<Cart>& c) { return c ? c->cents : -1; }
boost::json::object cart_json(const Cart& c) { return {{"cents", c.cents}, {"currency", c.currency}, {"items", c.items}}; }


// The visit the widget reports in hello: its start (server clock) and where it came from.
void read_visit(const boost::json::object& f, Millis now, rules::Facts& facts, std::string& visit) {
  const auto* v = f.if_contains("visit");
  if (!v || !v->is_object()) {
    facts.visit_start = now;
    return;
  }
  const auto& o = v->as_object();
  visit = clip(proto::str(o, "id"), limits::kMaxCidBytes);
  std::int64_t age = std::clamp<std::int64_t>(proto::int_or(o, "age_s", 0), 0, 86'400);
  facts.visit_start = now - age * 1000;
  facts.pages = static_cast<int>(std::clamp<std::int64_t>(proto::int_or(o, "pages", 1), 1, 100'000));
  facts.referrer = clip(proto::str(o, "ref"), limits::kMaxUrlBytes);
  facts.utm_source = clip(proto::str(o, "utm_source"), limits::kMaxCategoryBytes);
  facts.utm_medium = clip(proto::str(o, "utm_medium"), limits::kMaxCategoryBytes);
  facts.utm_campaign = clip(proto::str(o, "utm_campaign"), limits::kMaxCategoryBytes);
}
}  // namespace

void Hub::visitor_hello(VisitorSession& s, const boost::json::object& f) {
  if (s.hello_started_) return reject(s, Error::bad_request("hello was already sent"));
  s.hello_started_ = true;
  std::string key(proto::str(f, "site"));
  std::string lang = clip(proto::str(f, "lang"), 8);
  if (lang.empty()) lang = "fi";
  auto page = page_of(f, "page");
  std::int64_t last_seq = proto::int_or(f, "last_seq", 0);
  std::optional<VisitorClaim> claim;
  if (auto token = proto::str(f, "token"); !token.empty()) claim = check_visitor_token(secret_, token);
  // A returning visitor: listen before reading, so nothing falls between welcome and live.
  if (claim) subscribe(s, topic_visitor(claim->visitor));
  Millis now = now_ms();
  s.facts_.page_since = now;
  read_visit(f, now, s.facts_, s.visit_);
  s.facts_.lang = lang;
  s.cart_ = cart_of(f);
  s.facts_.cart_cents = cents_of(s.cart_);
  if (const auto* idle = f.if_contains("idle"); idle && idle->is_bool() && idle->as_bool()) s.facts_.idle_since = now;
  if (page) {
    s.facts_.url = page->url;
    s.facts_.category = page->category;
    s.title_ = page->title;
  }
  std::string visit = s.visit_;
  std::optional<Cart> cart = s.cart_;

  run<HelloResult>(
      s,
      [key, lang, page, last_seq, claim, visit, cart](Store& st) -> Result<HelloResult> {
        auto site = st.site_by_key(key);
        if (!site) return site.error().code == Errc::kNotFound ? Error::not_found("unknown site key") : site.error();
        std::optional<Visitor> visitor;
        if (claim && claim->site == site->id) {
          if (auto v = st.visitor_by_id(claim->visitor); v) visitor = std::move(v).value();
        }
        if (!visitor) {
          auto v = st.create_visitor(site->id, lang, now_ms());
          if (!v) return v.error();
          visitor = std::move(v).value();
        }
        if (page) {
          if (auto u = st.update_visitor_page(visitor->id, page->url, page->title, now_ms()); !u) return u.error();
          if (auto pv = st.record_page_view({visitor->id, visit, page->url, page->title, page->category, now_ms()}); !pv) {
            return pv.error();
          }
        }
        if (cart) {
          if (auto c = st.set_visitor_cart(visitor->id, cart); !c) return c.error();
        }
        auto conv = st.open_conversation_of(visitor->id);
        if (!conv) return conv.error();
        auto invitations = st.invitations_of(visitor->id, now_ms() - 366LL * 86'400'000);
        if (!invitations) return invitations.error();
        auto path = st.page_path(visitor->id, limits::kMaxLivePath);
        if (!path) return path.error();
        HelloResult r{std::move(site).value(), std::move(*visitor), std::move(conv).value(), {},
                      std::move(invitations).value(), std::move(path).value()};
        if (r.conv) {
          auto msgs = st.messages_after(r.conv->id, last_seq, static_cast<std::size_t>(limits::kMaxMessagesPerConversation));
          if (!msgs) return msgs.error();
          r.msgs = std::move(msgs).value();
          std::erase_if(r.msgs, [](const Message& m) { return m.author == "note"; });  // agents only
        }
        return r;
      },
      [this, claim, page](VisitorSession* s, Result<HelloResult> r) {
        if (!s) return;
        if (!r) {
          reject(*s, r.error());
          return s->close(kClosePolicy, "hello refused");
        }
        auto& h = r.value();
        s->visitor_ = h.visitor.id;
        s->site_ = h.site.id;
        s->tenant_ = h.site.tenant_id;
        s->conv_ = h.conv ? h.conv->id : 0;
        // Returning: the browser was known before this visit began.
        s->facts_.returning = h.visitor.created_at < s->facts_.visit_start - 1000;
        for (const auto& inv : h.invitations) {
          if (!s->visit_.empty() && inv.visit == s->visit_) s->history_.shown_this_visit.insert(inv.rule_id);
          if (inv.dismissed_at) s->history_.dismissed_at[inv.rule_id] = *inv.dismissed_at;
        }
        prospects_.insert(s);
        // The live visitor list: this tab, with the visit's path so far.
        auto& lv = live_[h.visitor.id];
        lv.sessions++;
        lv.gone_at = 0;
        lv.site_name = h.site.name;
        lv.path.clear();
        for (const auto& pv : h.path) lv.path.push_back({pv.url, pv.title, pv.category, pv.at});
        live_from_session(*s, false);
        if (!claim || claim->visitor != h.visitor.id) {
          if (claim) unsubscribe(*s, topic_visitor(claim->visitor));
          subscribe(*s, topic_visitor(h.visitor.id));
        }
        boost::json::object site;
        site["name"] = h.site.name;
        site["greeting"] = h.site.greeting;
        boost::json::array langs;
        for (const auto& l : h.site.langs) langs.push_back(boost::json::string(l));
        site["langs"] = std::move(langs);
        boost::json::object w;
        w["token"] = make_visitor_token(secret_, h.visitor.id, h.site.id);
        w["visitor"] = h.visitor.id;
        w["site"] = std::move(site);
        if (h.conv) w["conv"] = proto::visitor_conv_json(*h.conv);
        w["msgs"] = messages_array(h.msgs);
        w["open"] = live_open(h.site.tenant_id, now_ms());
        subscribe(*s, topic_avail(h.site.tenant_id));  // same thread: no avail can fall in between
        s->send(proto::frame("welcome", std::move(w)));
        s->ready_ = true;
        if (h.conv) send_queue_position(h.conv->id, *s);
        // Agents see where a visitor with an open chat is now.
        if (h.conv && page) {
          pubsub_.publish(topic_tenant(h.conv->tenant_id),
                          Envelope{proto::frame("conv", {{"conv", proto::conversation_json(*h.conv)}}), 0});
        }
      });
}

namespace {
struct SendResult {
  Appended appended;
  std::optional<Conversation> created;  // set when this send opened the conversation
  Message greeting;                     // stored with a new conversation
};
}  // namespace

void Hub::visitor_send(VisitorSession& s, const boost::json::object& f) {
  std::string cid(proto::str(f, "cid"));
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string body(trim(proto::str(f, "body")));
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  Id visitor = s.visitor_;
  Id site = s.site_;
  Id known = s.conv_;  // the open conversation as this connection last knew it, 0 if none
  std::int64_t rule = s.invited_rule_;  // answering an invitation makes the chat proactive
  std::string rule_text = s.invited_text_;
  run<SendResult>(
      s,
      [visitor, site, known, cid, body, rule, rule_text](Store& st) -> Result<SendResult> {
        SendResult r;
        Message m;
        m.author = "visitor";
        m.author_id = visitor;
        m.body = body;
        m.cid = cid;
        m.at = now_ms();
        // Fast path: append straight to the conversation we know is open. The append itself
        // checks that it still is (conflict if it was closed meanwhile).
        if (known != 0) {
          m.conv_id = known;
          auto a = st.append_message(m);
          if (a) {
            r.appended = std::move(a).value();
            return r;
          }
          if (a.error().code != Errc::kConflict && a.error().code != Errc::kNotFound) return a.error();
        }
        auto open = st.open_conversation_of(visitor);
        if (!open) return open.error();
        Conversation conv;
        if (*open) {
          conv = std::move(**open);
        } else {
          auto c = st.create_conversation(visitor, rule ? origin::kProactive : origin::kReactive, now_ms(),
                                          rule ? std::optional<std::int64_t>(rule) : std::nullopt);
          if (!c) return c.error();
          conv = *c;
          auto site_r = st.site_by_id(site);
          if (!site_r) return site_r.error();
          if (rule) {
            if (auto a = st.accept_invitation(visitor, rule, conv.id); !a && a.error().code != Errc::kNotFound) {
              return a.error();
            }
            if (auto e = event(st, conv, "invitation.accepted", {{"rule", rule}, {"visitor", visitor}}); !e) return e.error();
          }
          // The greeting the widget showed (the site's, or the invitation's) becomes the
          // conversation's first message, so the agent reads exactly what the visitor saw.
          // It is the only automated message.
          Message g;
          g.conv_id = conv.id;
          g.author = "system";
          g.body = rule ? rule_text : site_r->greeting;
          g.at = conv.created_at;
          if (!g.body.empty()) {
            auto a = st.append_message(g);
            if (!a) return a.error();
            r.greeting = a->msg;
          }
          boost::json::object created{{"origin", conv.origin}, {"site", conv.site_id}};
          if (rule) created["rule"] = rule;
          if (auto e = event(st, conv, "conversation.created", std::move(created)); !e) return e.error();
        }
        m.conv_id = conv.id;
        auto a = st.append_message(m);
        if (!a) return a.error();
        r.appended = std::move(a).value();
        if (!*open) {
          auto fresh = st.conversation(conv.id);  // with last_seq and preview
          if (!fresh) return fresh.error();
          r.created = std::move(fresh).value();
        }
        return r;
      },
      [this, cid, visitor](VisitorSession* s, Result<SendResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid);
          return;
        }
        auto& res = r.value();
        const Message& m = res.appended.msg;
        if (res.created) {
          if (s) {
            s->conv_ = res.created->id;
            s->invited_rule_ = 0;
          }
          publish_conv(*res.created);
          if (res.greeting.seq > 0) {
            // Everyone, the sender included, gets the stored greeting (seq 1).
            pubsub_.publish(topic_visitor(visitor),
                            Envelope{proto::frame("msg", {{"m", proto::message_json(res.greeting)}}), m.conv_id});
          }
        }
        if (res.appended.duplicate) {
          metrics_.messages_duplicate_total.inc();
        } else {
          publish_message(m, visitor, s);
          note_signals(m.conv_id, signals::detect(phrases_, m.body, s ? s->facts_.cart_cents : -1,
                                                  s ? std::string_view(s->facts_.category) : std::string_view()));
        }
        if (s) s->send(proto::frame("ack", {{"cid", cid}, {"conv", m.conv_id}, {"seq", m.seq}, {"at", m.at}}));
        if (res.created) route(res.created->tenant_id);
      },
      cid);
}

void Hub::visitor_typing(VisitorSession& s, const boost::json::object& f) {
  if (s.conv_ == 0) return;
  bool on = f.at("on").as_bool();
  auto now = std::chrono::steady_clock::now();
  if (on && now - s.last_typing_ < limits::kTypingInterval) return;
  s.last_typing_ = on ? now : std::chrono::steady_clock::time_point{};
  pubsub_.publish(topic_conv(s.conv_),
                  Envelope{proto::frame("typing", {{"conv", s.conv_}, {"on", on}}), s.conv_});
}

void Hub::visitor_page(VisitorSession& s, const boost::json::object& f) {
  auto page = page_of(f, "page");
  Id visitor = s.visitor_;
  metrics_.track_frames_total.inc();
  s.facts_.url = page->url;
  s.facts_.category = page->category;
  s.facts_.page_since = now_ms();
  s.facts_.idle_since.reset();
  s.facts_.pages = static_cast<int>(std::clamp<std::int64_t>(proto::int_or(f, "pages", s.facts_.pages + 1), 1, 100'000));
  s.invited_this_page_ = false;  // a new page may bring an invitation; an unanswered one lapses
  s.invited_rule_ = 0;
  s.title_ = page->title;
  live_from_session(s, true);
  std::string visit = s.visit_;
  run<std::optional<Conversation>>(
      s,
      [visitor, visit, page = *page](Store& st) -> Result<std::optional<Conversation>> {
        if (auto u = st.update_visitor_page(visitor, page.url, page.title, now_ms()); !u) return u.error();
        if (auto pv = st.record_page_view({visitor, visit, page.url, page.title, page.category, now_ms()}); !pv) {
          return pv.error();
        }
        return st.open_conversation_of(visitor);
      },
      [this](VisitorSession* s, Result<std::optional<Conversation>> r) {
        if (!r) {
          if (s) reject(*s, r.error());
          return;
        }
        if (*r) {
          pubsub_.publish(topic_tenant((*r)->tenant_id),
                          Envelope{proto::frame("conv", {{"conv", proto::conversation_json(**r)}}), 0});
        }
      });
}

void Hub::visitor_close(VisitorSession& s) {
  Id visitor = s.visitor_;
  run<Conversation>(
      s,
      [visitor](Store& st) -> Result<Conversation> {
        auto open = st.open_conversation_of(visitor);
        if (!open) return open.error();
        if (!*open) return Error::conflict("there is no open conversation");
        auto c = st.close((*open)->id, now_ms());
        if (!c) return c.error();
        if (auto e = event(st, *c, "conversation.closed", {{"by", "visitor"}}); !e) return e.error();
        return c;
      },
      [this](VisitorSession* s, Result<Conversation> r) {
        if (!r) {
          if (s) reject(*s, r.error());
          return;
        }
        if (s) s->conv_ = 0;
        publish_conv(*r);
        route(r->tenant_id);
      });
}

namespace {
struct LeaveResult {
  Conversation conv;
  std::optional<Appended> appended;
  bool created = false;
};

// A name as typed in a form: trimmed, control characters (line breaks too) made spaces.
std::string clean_name(std::string_view in) {
  std::string out(trim(in));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 32 || c == 127) c = ' ';
  }
  return out;
}
}  // namespace

// The leave-a-message form. Without an open conversation it starts one with origin offline
// (an inbox item, answered by email); with one — a visitor left waiting when live chat
// closed — it adds the contact so that the answer reaches them by email too.
void Hub::visitor_leave(VisitorSession& s, const boost::json::object& f) {
  std::string cid(proto::str(f, "cid"));
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string email(trim(proto::str(f, "email")));
  if (auto e = mail::check_address(email); !e) return reject(s, e.error(), cid);
  std::string name = clean_name(proto::str(f, "name"));
  if (name.size() > limits::kMaxNameBytes) {
    return reject(s, Error::too_large("the name is longer than " + std::to_string(limits::kMaxNameBytes) + " bytes"), cid);
  }
  std::string body(trim(proto::str(f, "body")));
  if (!body.empty()) {
    if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  }
  if (!f.at("consent").as_bool()) {
    return reject(s, Error::bad_request("consent is required: the address is used only to answer this message"), cid);
  }
  Id visitor = s.visitor_;
  run<LeaveResult>(
      s,
      [visitor, cid, email, name, body](Store& st) -> Result<LeaveResult> {
        LeaveResult r;
        auto open = st.open_conversation_of(visitor);
        if (!open) return open.error();
        Id conv = 0;
        if (*open) {
          conv = (*open)->id;
        } else {
          if (body.empty()) return Error::bad_request("write a message");
          auto c = st.create_conversation(visitor, origin::kOffline, now_ms());
          if (!c) return c.error();
          conv = c->id;
          r.created = true;
          if (auto e = event(st, *c, "conversation.created", {{"origin", c->origin}, {"site", c->site_id}}); !e) {
            return e.error();
          }
        }
        auto withc = st.set_contact(conv, name, email);
        if (!withc) return withc.error();
        if (auto e = event(st, *withc, "conversation.contact", {{"by", "form"}}); !e) return e.error();
        if (!body.empty()) {
          Message m;
          m.conv_id = conv;
          m.author = "visitor";
          m.author_id = visitor;
          m.body = body;
          m.cid = cid;
          m.at = now_ms();
          auto a = st.append_message(m);
          if (!a) return a.error();
          r.appended = std::move(a).value();
        }
        auto fresh = st.conversation(conv);
        if (!fresh) return fresh.error();
        r.conv = std::move(fresh).value();
        return r;
      },
      [this, cid, visitor](VisitorSession* s, Result<LeaveResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid);
          return;
        }
        if (s) s->conv_ = r->conv.id;
        publish_conv(r->conv);
        std::int64_t seq = r->conv.last_seq;
        Millis at = r->conv.last_at;
        if (r->appended) {
          seq = r->appended->msg.seq;
          at = r->appended->msg.at;
          if (r->appended->duplicate) {
            metrics_.messages_duplicate_total.inc();
          } else {
            publish_message(r->appended->msg, visitor, s);
          }
        }
        if (s) s->send(proto::frame("ack", {{"cid", cid}, {"conv", r->conv.id}, {"seq", seq}, {"at", at}}));
      },
      cid);
}

void Hub::visitor_track(VisitorSession& s, const boost::json::object& f) {
  metrics_.track_frames_total.inc();
  if (const auto* idle = f.if_contains("idle"); idle && idle->is_bool()) {
    if (!idle->as_bool()) {
      s.facts_.idle_since.reset();
    } else if (!s.facts_.idle_since) {
      s.facts_.idle_since = now_ms();
    }
  }
  if (f.contains("cart")) {
    s.cart_ = cart_of(f);
    s.facts_.cart_cents = cents_of(s.cart_);
    live_from_session(s, false);
    Id visitor = s.visitor_;
    run_background<bool>(
        [visitor, cart = s.cart_](Store& st) -> Result<bool> {
          if (auto c = st.set_visitor_cart(visitor, cart); !c) return c.error();
          return true;
        },
        [](Result<bool>) {});
  }
}

void Hub::visitor_dismiss(VisitorSession& s, const boost::json::object& f) {
  std::int64_t rule = proto::int_or(f, "rule", 0);
  if (rule == 0 || rule != s.invited_rule_) return reject(s, Error::conflict("no such invitation is open"));
  s.invited_rule_ = 0;
  Millis now = now_ms();
  s.history_.dismissed_at[rule] = now;
  Id visitor = s.visitor_;
  run_background<Invitation>(
      [visitor, rule, now](Store& st) -> Result<Invitation> {
        auto inv = st.dismiss_invitation(visitor, rule, now);
        if (!inv) return inv.error();
        if (auto e = st.append_event(Event{0, inv->tenant_id, std::nullopt, "invitation.dismissed",
                                           boost::json::serialize(boost::json::object{{"rule", rule}, {"visitor", visitor}}),
                                           now});
            !e) {
          return e.error();
        }
        return inv;
      },
      [](Result<Invitation>) {});
}

void Hub::load_sites(const std::vector<Site>& sites) {
  for (const auto& site : sites) {
    auto rs = rules::parse(site.rules);
    if (!rs) {
      log::error("stored rules do not parse; the site invites nobody", {{"site", site.id}, {"error", rs.error().message}});
      continue;
    }
    set_site_rules(site.id, std::move(rs).value());
  }
}

void Hub::set_site_rules(Id site, rules::RuleSet rs) {
  if (rs.rules.empty()) {
    site_rules_.erase(site);
  } else {
    site_rules_[site] = std::make_shared<const rules::RuleSet>(std::move(rs));
  }
}

// Once a second: offers an invitation to each visitor whose site's rules say so — only while
// live chat is open (business hours, an agent online) and an agent has a free seat, and no
// more invitations per round than free seats.
void Hub::invite_round(Millis now) {
  if (site_rules_.empty() || shutting_down_) return;
  std::unordered_map<Id, int> seats;  // tenant -> free seats of online agents (computed lazily)
  auto free_seats = [&](Id tenant) -> int& {
    auto [it, fresh] = seats.try_emplace(tenant, 0);
    if (fresh) {
      for (const auto& l : loads_for(tenant)) {
        if (l.presence == routing::Presence::kOnline) it->second += std::max(0, l.capacity - l.active);
      }
    }
    return it->second;
  };
  for (VisitorSession* s : prospects_) {
    if (!s->ready_ || s->conv_ != 0 || s->invited_this_page_) continue;
    auto rules_it = site_rules_.find(s->site_);
    if (rules_it == site_rules_.end()) continue;
    int& free = free_seats(s->tenant_);
    if (free <= 0) continue;
    if (!tenants_[s->tenant_].open) continue;  // outside business hours nobody can answer either
    rules::Facts f = s->facts_;
    f.now = now;
    if (auto t = tenants_.find(s->tenant_); t != tenants_.end() && t->second.hours) {
      f.in_hours = is_open(*t->second.hours, std::chrono::system_clock::time_point(std::chrono::milliseconds(now)));
    }
    const rules::Rule* r = rules::choose(*rules_it->second, f, s->history_);
    if (!r) continue;
    --free;
    s->invited_this_page_ = true;
    s->invited_rule_ = r->id;
    s->invited_text_ = r->text_for(s->facts_.lang);
    s->history_.shown_this_visit.insert(r->id);
    s->send(proto::frame("invite", {{"rule", r->id}, {"text", s->invited_text_}, {"mode", r->mode}}));
    metrics_.invitations_total.inc();
    Invitation inv{0, s->tenant_, s->site_, s->visitor_, r->id, s->visit_, now, std::nullopt, std::nullopt};
    run_background<Invitation>(
        [inv](Store& st) -> Result<Invitation> {
          auto stored = st.record_invitation(inv);
          if (!stored) return stored.error();
          boost::json::object data{{"rule", inv.rule_id}, {"visitor", inv.visitor_id}, {"site", inv.site_id}};
          if (auto e = st.append_event(Event{0, inv.tenant_id, std::nullopt, "invitation.shown", boost::json::serialize(data), inv.shown_at});
              !e) {
            return e.error();
          }
          return stored;
        },
        [](Result<Invitation>) {});
  }
}

// ------------------------------------------------------------------------- live visitors

void Hub::live_from_session(VisitorSession& s, bool new_page) {
  if (s.visitor_ == 0) return;
  auto& lv = live_[s.visitor_];
  lv.tenant = s.tenant_;
  lv.site = s.site_;
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

boost::json::object Hub::live_json(Id id, const LiveVisitor& v) const {
  boost::json::object page{{"url", v.url}};
  if (!v.title.empty()) page["title"] = v.title;
  if (!v.category.empty()) page["category"] = v.category;
  boost::json::array path;
  for (const auto& p : v.path) {
    boost::json::object o{{"url", p.url}, {"at", p.at}};
    if (!p.title.empty()) o["title"] = p.title;
    if (!p.category.empty()) o["category"] = p.category;
    path.push_back(std::move(o));
  }
  boost::json::object o{{"id", id},       {"tenant", v.tenant}, {"site", v.site},         {"site_name", v.site_name},
                        {"lang", v.lang}, {"page", std::move(page)}, {"path", std::move(path)}, {"since", v.since},
                        {"pages", v.pages}, {"returning", v.returning}};
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
  std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.second->active_at > b.second->active_at; });
  std::size_t total = list.size();
  if (list.size() > limits::kMaxLiveVisitors) list.resize(limits::kMaxLiveVisitors);
  boost::json::array out;
  for (const auto& [id, v] : list) out.push_back(live_json(id, *v));
  s.send(proto::frame("visitors", {{"list", std::move(out)}, {"total", total}}));
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
    if (n == 0) live_counts_.erase(tenant);
    else live_counts_[tenant] = n;
    pubsub_.publish(topic_tenant(tenant), Envelope{proto::frame("live_count", {{"tenant", tenant}, {"n", n}}), 0});
  }
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
  std::string body(trim(proto::str(f, "body")));
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
        publish_conv(res.conv);
        if (auto it = open_.find(res.conv.id); it != open_.end()) it->second.answered = true;
        publish_message(res.msg, res.conv.visitor_id, s);
        if (s) s->send(proto::frame("ack", {{"cid", cid}, {"conv", res.conv.id}, {"seq", res.msg.seq}, {"at", res.msg.at}}));
      },
      cid);
}

// Records buying signals not seen before in the conversation, and shows them to the agents.
void Hub::note_signals(Id conv, const std::vector<std::string>& found) {
  auto it = open_.find(conv);
  if (it == open_.end() || found.empty()) return;
  std::vector<std::string> fresh;
  for (const auto& sig : found) {
    if (std::find(it->second.signals.begin(), it->second.signals.end(), sig) == it->second.signals.end()) fresh.push_back(sig);
  }
  if (fresh.empty()) return;
  it->second.signals.insert(it->second.signals.end(), fresh.begin(), fresh.end());  // no second job for the same ones
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
        note_conv(r->first);  // agents only: the visitor's view does not change
        pubsub_.publish(topic_tenant(r->first.tenant_id),
                        Envelope{proto::frame("conv", {{"conv", proto::conversation_json(r->first)}}), 0});
      });
}

// ------------------------------------------------------------------------------------ agent

std::shared_ptr<AgentSession> Hub::agent_connected(Transport& t, AgentIdentity identity) {
  metrics_.ws_agents.add(1);
  auto s = std::make_shared<AgentSession>(t, std::move(identity));
  Id me = s->identity_.agent.id;
  auto& a = agents_[me];
  a.name = s->identity_.agent.name;
  // The agent's own capacity, else the smallest default among their tenants.
  a.capacity = s->identity_.agent.max_chats;
  if (a.capacity <= 0) {
    for (const auto& m : s->identity_.memberships) {
      a.capacity = a.capacity <= 0 ? m.tenant_default_max_chats : std::min(a.capacity, m.tenant_default_max_chats);
    }
    if (a.capacity <= 0) a.capacity = 3;
  }
  a.tenants.clear();
  for (const auto& m : s->identity_.memberships) a.tenants.push_back(m.tenant_id);
  a.teams = s->identity_.teams;
  a.sockets++;
  a.last_activity = now_ms();
  if (a.status == routing::Presence::kOffline) a.status = routing::Presence::kOnline;
  std::vector<Id> tenants;
  for (const auto& m : s->identity_.memberships) {
    tenants.push_back(m.tenant_id);
    subscribe(*s, topic_tenant(m.tenant_id));  // before the snapshot is read
  }
  struct Snapshot {
    std::vector<Conversation> convs;
    std::vector<Team> teams;
  };
  run<Snapshot>(
      *s,
      [tenants](Store& st) -> Result<Snapshot> {
        auto convs = st.open_conversations(tenants);
        if (!convs) return convs.error();
        auto teams = st.teams_of_tenants(tenants);
        if (!teams) return teams.error();
        return Snapshot{std::move(convs).value(), std::move(teams).value()};
      },
      [this](AgentSession* s, Result<Snapshot> r) {
        if (!s) return;
        if (!r) {
          s->send(proto::error_frame(r.error()));
          return s->close(1011, "snapshot failed");
        }
        boost::json::array presence;
        for (const auto& [id, other] : agents_) {
          bool shared = std::any_of(other.tenants.begin(), other.tenants.end(), [&](Id t) { return s->identity_.member_of(t); });
          if (shared) presence.push_back(presence_json(id, other));
        }
        boost::json::object agent{{"id", s->identity_.agent.id},
                                  {"name", s->identity_.agent.name},
                                  {"email", s->identity_.agent.email}};
        boost::json::array tenants;
        for (const auto& m : s->identity_.memberships) {
          tenants.push_back(boost::json::object{{"id", m.tenant_id}, {"name", m.tenant_name}, {"role", role_name(m.role)}});
        }
        boost::json::array convs;
        for (const auto& c : r->convs) convs.push_back(proto::conversation_json(c));
        boost::json::array teams;
        for (const auto& t : r->teams) {
          boost::json::array members;
          for (Id m : t.members) members.push_back(m);
          teams.push_back(boost::json::object{{"id", t.id}, {"tenant", t.tenant_id}, {"name", t.name}, {"members", std::move(members)}});
        }
        s->send(proto::frame("snapshot", {{"agent", std::move(agent)}, {"tenants", std::move(tenants)},
                                          {"convs", std::move(convs)}, {"teams", std::move(teams)},
                                          {"presence", std::move(presence)}}));
        for (const auto& m : s->identity_.memberships) {
          s->send(proto::frame("live_count", {{"tenant", m.tenant_id}, {"n", live_count(m.tenant_id)}}));
        }
        s->ready_ = true;
        Id me = s->identity_.agent.id;
        publish_presence(me);
        route_agent_tenants(me);  // a new seat may be free
      });
  return s;
}

void Hub::on_text(AgentSession& s, std::string_view text) {
  auto parsed = proto::parse_client_frame(text, proto::kAgentClientFrames);
  if (!parsed) {
    if (!admit(s, false, {})) return;
    return reject(s, parsed.error());
  }
  auto type = static_cast<AgentClient>(parsed->index);
  const auto& f = parsed->body;
  if (!admit(s, type == AgentClient::kSend || type == AgentClient::kStart, proto::str(f, "cid"))) return;
  if (type == AgentClient::kPing) return s.send(proto::frame("pong"));
  touch(s);
  Id conv = proto::int_or(f, "conv", 0);
  if (!s.ready_) return reject(s, Error::conflict("wait for the snapshot"), proto::str(f, "cid"), conv);
  switch (type) {
    case AgentClient::kWatch: return agent_watch(s, f);
    case AgentClient::kUnwatch:
      s.watching_.erase(conv);
      if (!s.pending_watch_.contains(conv)) unsubscribe(s, topic_conv(conv));
      return;
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
  std::vector<Message> msgs;
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
        auto msgs = st.messages_after(conv, after, static_cast<std::size_t>(limits::kMaxMessagesPerConversation));
        if (!msgs) return msgs.error();
        auto mail = st.mail_of_conversation(conv);
        if (!mail) return mail.error();
        auto visitor = st.visitor_by_id(c->visitor_id);
        if (!visitor) return visitor.error();
        auto path = st.page_path(c->visitor_id, limits::kContextPath);
        if (!path) return path.error();
        auto earlier = st.conversations_of_visitor(c->visitor_id, limits::kContextEarlier + 1);
        if (!earlier) return earlier.error();
        std::erase_if(*earlier, [&](const Conversation& e) { return e.id == conv; });
        if (earlier->size() > limits::kContextEarlier) earlier->resize(limits::kContextEarlier);
        return History{std::move(c).value(), std::move(msgs).value(), std::move(mail).value(), std::move(visitor).value(),
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
        boost::json::array mail;
        for (const auto& m : r->mail) mail.push_back(proto::mail_json(m));
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
        s->send(proto::frame("history", {{"conv", conv}, {"msgs", messages_array(r->msgs)}, {"mail", std::move(mail)},
                                         {"context", std::move(ctx)}}));
      },
      {}, conv);
}

// The completion of an agent's job that changed a conversation: an error goes back to the
// agent, the new state to everyone concerned; `reroute` when a seat may have freed up.
std::function<void(AgentSession*, Result<Conversation>)> Hub::conv_changed(Id conv, bool reroute) {
  return [this, conv, reroute](AgentSession* s, Result<Conversation> r) {
    if (!r) {
      if (s) reject(*s, r.error(), {}, conv);
      return;
    }
    publish_conv(*r);
    if (reroute) route(r->tenant_id);
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
      conv_changed(conv, false), {}, conv);
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
  auto msgs = st.messages_after(c.id, 0, static_cast<std::size_t>(limits::kMaxMessagesPerConversation));
  if (!msgs) return msgs.error();
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
  for (const auto& m : *msgs) {  // the visitor's latest message before this reply
    if (m.author == "visitor" && m.seq < reply.seq) {
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
  std::string body(trim(proto::str(f, "body")));
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
        if (r->assigned) publish_conv(*r->assigned);
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

void Hub::mail_changed(const OutMail& m) {
  pubsub_.publish(topic_conv(m.conv_id), Envelope{proto::frame("mail", {{"mail", proto::mail_json(m)}}), m.conv_id});
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
}  // namespace

void Hub::agent_transfer(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  Id to = proto::int_or(f, "to", 0);
  Id team = proto::int_or(f, "team", 0);
  std::string note(trim(proto::str(f, "note")));
  if (note.size() > limits::kMaxMessageBytes) return reject(s, Error::too_large("the note is too long"), {}, conv);
  const AgentIdentity& who = s.identity_;
  if ((to == 0) == (team == 0)) return reject(s, Error::bad_request("give either to (an agent) or team"), {}, conv);
  if (to == who.agent.id) return reject(s, Error::bad_request("the conversation is already yours"), {}, conv);
  run<TransferResult>(
      s,
      [who, conv, to, team, note](Store& st) -> Result<TransferResult> {
        auto c = visible_conversation(st, who, conv);
        if (!c) return c.error();
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
          if (!target) return Error::bad_request("no such agent");
          auto ms = st.memberships_of(to);
          if (!ms) return ms.error();
          bool serves = std::any_of(ms->begin(), ms->end(), [&](const Membership& m) { return m.tenant_id == c->tenant_id; });
          if (!serves) return Error::bad_request(target->name + " does not serve " + c->tenant_name);
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
        Message line;
        line.conv_id = conv;
        line.author = "system";
        line.body = team != 0 ? team_line(visitor->lang, r.conv.team_name) : transfer_line(visitor->lang, to_name);
        line.at = now_ms();
        auto a = st.append_message(line);
        if (!a) return a.error();
        r.line = a->msg;
        auto fresh = st.conversation(conv);
        if (!fresh) return fresh.error();
        r.conv = std::move(fresh).value();
        return r;
      },
      [this, conv](AgentSession* s, Result<TransferResult> r) {
        if (!r) {
          if (s) reject(*s, r.error(), {}, conv);
          return;
        }
        publish_conv(r->conv);
        if (r->note) publish_message(*r->note, r->conv.visitor_id, nullptr);
        publish_message(r->line, r->conv.visitor_id, nullptr);
        if (!r->conv.assignee_id) route(r->conv.tenant_id);  // handed to a team: its next free agent
      },
      {}, conv);
}

void Hub::agent_typing(AgentSession& s, const boost::json::object& f) {
  Id conv = proto::int_or(f, "conv", 0);
  auto it = s.watching_.find(conv);
  if (it == s.watching_.end()) return reject(s, Error::conflict("watch the conversation first"), {}, conv);
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
      conv_changed(conv, true), {}, conv);
}

// ---------------------------------------------------------------------------------- routing

template <class T, class Fn, class Done>
void Hub::run_background(Fn fn, Done done) {
  ++in_flight_;
  bool queued = store_.submit<T>(std::function<Result<T>(Store&)>(std::move(fn)), [this, done = std::move(done)](Result<T> r) mutable {
    --in_flight_;
    done(std::move(r));
  });
  if (!queued) {
    --in_flight_;
    log::warn("routing job refused by a full or stopping store");
  }
}

void Hub::load_open(const std::vector<Conversation>& open) {
  for (const auto& c : open) note_conv(c);
  // Chats assigned before a restart count as answered: never yanked from their agent.
  for (auto& [id, oc] : open_) oc.answered = oc.answered || oc.assignee.has_value();
}

void Hub::note_conv(const Conversation& c) {
  if (c.status == conv_status::kClosed) {
    auto it = open_.find(c.id);
    if (it != open_.end() && it->second.assigned_at > 0 && c.closed_at) {
      double handled = static_cast<double>(*c.closed_at - it->second.assigned_at);
      avg_handle_ms_ = 0.9 * avg_handle_ms_ + 0.1 * std::max(0.0, handled);
    }
    if (it != open_.end()) open_.erase(it);
    if (c.assignee_id) publish_presence(*c.assignee_id);
    return;
  }
  auto [it, fresh] = open_.try_emplace(c.id);
  OpenConv& oc = it->second;
  std::optional<Id> before = fresh ? std::nullopt : oc.assignee;
  oc.tenant = c.tenant_id;
  oc.visitor = c.visitor_id;
  oc.assignee = c.assignee_id;
  oc.inbox = c.origin == origin::kOffline;
  oc.team = c.team_id;
  oc.signals = c.signals;
  if (fresh) oc.waiting_since = c.created_at;
  if (oc.assignee && oc.assignee != before) {
    oc.assigned_at = c.assigned_at.value_or(now_ms());
    oc.queue_pos = 0;
    publish_presence(*oc.assignee);
    if (before) publish_presence(*before);  // transferred away: one chat fewer
  }
  if (!oc.assignee && before) {  // released: waits again, at the back of the queue
    oc.waiting_since = now_ms();
    oc.auto_assigned = false;
    publish_presence(*before);
  }
}

int Hub::active_of(Id agent) const {
  int n = 0;
  for (const auto& [id, oc] : open_) n += oc.assignee == agent && !oc.inbox ? 1 : 0;
  return n;
}

std::vector<routing::AgentLoad> Hub::loads_for(Id tenant) const {
  std::unordered_map<Id, int> active;
  for (const auto& [id, oc] : open_) {
    if (oc.assignee && !oc.inbox) active[*oc.assignee]++;
  }
  std::vector<routing::AgentLoad> loads;
  for (const auto& [id, a] : agents_) {
    if (std::find(a.tenants.begin(), a.tenants.end(), tenant) == a.tenants.end()) continue;
    loads.push_back({id, a.status, active[id], a.capacity, a.last_assigned_at});
  }
  return loads;
}

// Offers the tenant's waiting chats, oldest first, to agents with free capacity, then tells
// those still waiting where they stand.
void Hub::route(Id tenant) {
  if (shutting_down_) return;
  std::vector<routing::Waiting> waiting;
  for (const auto& [id, oc] : open_) {
    if (oc.tenant == tenant && !oc.assignee && !oc.busy && !oc.inbox) waiting.push_back({id, oc.waiting_since});
  }
  auto loads = loads_for(tenant);
  for (const auto& w : routing::queue_order(std::move(waiting))) {
    OpenConv& oc = open_[w.conv];
    std::vector<routing::AgentLoad> team_loads;
    if (oc.team) {  // only the team's agents
      for (const auto& l : loads) {
        const auto& teams = agents_[l.agent].teams;
        if (std::find(teams.begin(), teams.end(), *oc.team) != teams.end()) team_loads.push_back(l);
      }
    }
    const auto& candidates = oc.team ? team_loads : loads;
    auto pick = routing::pick_agent(candidates, oc.passed);
    // Everyone free already let it time out: better one of them again than nobody.
    if (!pick && !oc.passed.empty()) pick = routing::pick_agent(candidates);
    if (!pick) continue;  // nobody for this one (its team is full); a later one may still go
    Id agent = *pick;
    Millis now = now_ms();
    for (auto& l : loads) {
      if (l.agent == agent) {
        l.active++;
        l.last_assigned_at = now;
      }
    }
    agents_[agent].last_assigned_at = now;
    oc.busy = true;
    Id conv = w.conv;
    run_background<Conversation>(
        [conv, agent](Store& st) -> Result<Conversation> {
          auto a = st.assign(conv, agent, now_ms());
          if (!a) return a.error();
          if (auto e = event(st, *a, "conversation.assigned", {{"agent", agent}, {"by", "auto"}}); !e) return e.error();
          return a;
        },
        [this, conv, tenant](Result<Conversation> r) {
          auto it = open_.find(conv);
          if (it != open_.end()) it->second.busy = false;
          if (r) {
            if (it != open_.end()) it->second.auto_assigned = true;
            publish_conv(*r);
            if (auto again = open_.find(conv); again != open_.end()) again->second.auto_assigned = true;
          }
          route(tenant);  // on conflict someone took it by hand; either way look again
        });
  }
  publish_queue(tenant);
}

void Hub::route_agent_tenants(Id agent) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  for (Id t : std::vector<Id>(it->second.tenants)) route(t);
}

// The tenant's waiting chats in service order, and the estimate inputs.
Hub::QueueView Hub::queue_view(Id tenant) const {
  QueueView q;
  std::vector<routing::Waiting> waiting;
  for (const auto& [id, oc] : open_) {
    if (oc.tenant == tenant && !oc.assignee && !oc.inbox) waiting.push_back({id, oc.waiting_since});
  }
  q.order = routing::queue_order(std::move(waiting));
  for (const auto& l : loads_for(tenant)) q.capacity += l.presence == routing::Presence::kOnline ? l.capacity : 0;
  return q;
}

proto::SharedFrame Hub::queue_frame(const QueueView& q, std::size_t index) const {
  int position = static_cast<int>(index) + 1;
  Millis eta = routing::estimate_wait(position, q.capacity, static_cast<Millis>(avg_handle_ms_));
  return proto::frame("queue", {{"conv", q.order[index].conv}, {"position", position}, {"eta", eta / 1000}});
}

void Hub::send_queue_position(Id conv, ClientSession& to) {
  auto it = open_.find(conv);
  if (it == open_.end() || it->second.assignee) return;
  auto q = queue_view(it->second.tenant);
  for (std::size_t i = 0; i < q.order.size(); ++i) {
    if (q.order[i].conv == conv) to.send(queue_frame(q, i));
  }
}

// Tells every waiting visitor of the tenant whose position changed where they now stand.
void Hub::publish_queue(Id tenant) {
  auto q = queue_view(tenant);
  for (std::size_t i = 0; i < q.order.size(); ++i) {
    OpenConv& oc = open_[q.order[i].conv];
    if (oc.queue_pos == static_cast<int>(i) + 1) continue;
    oc.queue_pos = static_cast<int>(i) + 1;
    pubsub_.publish(topic_visitor(oc.visitor), Envelope{queue_frame(q, i), q.order[i].conv});
  }
}

boost::json::object Hub::presence_json(Id agent, const AgentState& a) const {
  std::string_view status = a.status == routing::Presence::kOnline ? "online"
                            : a.status == routing::Presence::kAway ? "away"
                                                                   : "offline";
  return {{"agent", agent}, {"name", a.name}, {"status", status}, {"active", active_of(agent)}, {"capacity", a.capacity}};
}

void Hub::publish_presence(Id agent) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;  // never connected since start: nobody is watching it
  auto f = proto::frame("presence", {{"presence", presence_json(agent, it->second)}});
  Millis now = now_ms();
  for (Id t : it->second.tenants) {
    pubsub_.publish(topic_tenant(t), Envelope{f, 0});
    refresh_avail(t, now);
  }
}

// ----------------------------------------------------------------------------- availability

void Hub::load_tenants(const std::vector<Tenant>& tenants) {
  for (const auto& t : tenants) set_tenant_hours(t.id, t.hours);
}

void Hub::set_tenant_hours(Id tenant, const std::string& hours) {
  auto& ts = tenants_[tenant];
  ts.hours.reset();
  if (!hours.empty()) {
    auto h = parse_hours(hours);
    if (h) {
      ts.hours = std::move(h).value();
    } else {  // stored hours are validated on the way in; a bad row means "closed", loudly
      log::error("stored business hours do not parse; live chat stays closed",
                 {{"tenant", tenant}, {"error", h.error().message}});
      ts.hours = BusinessHours{"UTC", {}, {}};
    }
  }
  refresh_avail(tenant, now_ms());
}

bool Hub::live_open(Id tenant, Millis now) const {
  if (auto it = tenants_.find(tenant); it != tenants_.end() && it->second.hours) {
    auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(now));
    if (!is_open(*it->second.hours, t)) return false;
  }
  for (const auto& [id, a] : agents_) {
    if (a.status == routing::Presence::kOnline && std::find(a.tenants.begin(), a.tenants.end(), tenant) != a.tenants.end()) {
      return true;
    }
  }
  return false;
}

// Tells the tenant's visitors when live chat opens or closes.
void Hub::refresh_avail(Id tenant, Millis now) {
  bool open = live_open(tenant, now);
  auto& ts = tenants_[tenant];
  if (ts.open == open) return;
  ts.open = open;
  log::info(open ? "live chat opened" : "live chat closed", {{"tenant", tenant}});
  pubsub_.publish(topic_avail(tenant), Envelope{proto::frame("avail", {{"open", open}}), 0});
}

boost::json::array Hub::presence_of(Id tenant) const {
  boost::json::array out;
  std::vector<std::pair<Id, const AgentState*>> list;
  for (const auto& [id, a] : agents_) {
    if (std::find(a.tenants.begin(), a.tenants.end(), tenant) != a.tenants.end()) list.emplace_back(id, &a);
  }
  std::sort(list.begin(), list.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (const auto& [id, a] : list) out.push_back(presence_json(id, *a));
  return out;
}

boost::json::array Hub::queue_of(Id tenant, Millis now) const {
  auto q = queue_view(tenant);
  boost::json::array out;
  for (std::size_t i = 0; i < q.order.size(); ++i) {
    int position = static_cast<int>(i) + 1;
    Millis eta = routing::estimate_wait(position, q.capacity, static_cast<Millis>(avg_handle_ms_));
    out.push_back(boost::json::object{{"conv", q.order[i].conv},
                                      {"position", position},
                                      {"waiting_ms", now - q.order[i].since},
                                      {"eta_seconds", eta / 1000}});
  }
  return out;
}

Status Hub::set_status(Id agent, std::string_view status) {
  if (status != "online" && status != "away") return Error::bad_request("status must be online or away");
  auto it = agents_.find(agent);
  if (it == agents_.end() || it->second.sockets == 0) {
    return Error::conflict("open the console first: presence follows its connection");
  }
  auto& a = it->second;
  a.status = status == "online" ? routing::Presence::kOnline : routing::Presence::kAway;
  a.auto_away = false;
  a.last_activity = now_ms();
  publish_presence(agent);
  if (a.status == routing::Presence::kOnline) route_agent_tenants(agent);
  return {};
}

void Hub::touch(AgentSession& s) {
  auto& a = agents_[s.identity_.agent.id];
  a.last_activity = now_ms();
  if (a.status == routing::Presence::kAway && a.auto_away) {
    a.status = routing::Presence::kOnline;
    a.auto_away = false;
    publish_presence(s.identity_.agent.id);
    route_agent_tenants(s.identity_.agent.id);
  }
}

void Hub::agent_status(AgentSession& s, const boost::json::object& f) {
  if (auto st = set_status(s.identity_.agent.id, proto::str(f, "status")); !st) reject(s, st.error());
}

void Hub::tick(Millis now) {
  std::vector<Id> went_offline;
  for (auto& [id, a] : agents_) {
    if (a.sockets == 0 && a.status != routing::Presence::kOffline && now >= a.offline_at) {
      a.status = routing::Presence::kOffline;
      went_offline.push_back(id);
      publish_presence(id);
    } else if (a.status == routing::Presence::kOnline && now - a.last_activity > routing_.auto_away_ms) {
      a.status = routing::Presence::kAway;
      a.auto_away = true;
      publish_presence(id);
    }
  }
  // A live chat nobody has answered goes back to the queue when its agent lets it time out
  // (automatic assignment only) or goes offline (however it was assigned).
  std::vector<std::tuple<Id, Id, std::string_view>> expired;
  for (auto& [id, oc] : open_) {
    if (!oc.assignee || oc.answered || oc.busy || oc.inbox) continue;
    bool gone = std::find(went_offline.begin(), went_offline.end(), *oc.assignee) != went_offline.end();
    if (gone) {
      expired.emplace_back(id, *oc.assignee, "agent offline");
    } else if (oc.auto_assigned && now - oc.assigned_at > routing_.assign_timeout_ms) {
      expired.emplace_back(id, *oc.assignee, "no answer");
    }
  }
  for (auto [conv, agent, reason] : expired) release_unanswered(conv, agent, reason);
  // Business hours begin and end with the clock.
  for (auto& [tenant, ts] : tenants_) refresh_avail(tenant, now);
  if (mailer_) mailer_->tick(now);
  invite_round(now);
  for (auto it = live_.begin(); it != live_.end();) {
    if (it->second.sessions == 0 && now - it->second.gone_at > limits::kVisitorGoneMs) {
      pubsub_.publish(topic_live(it->second.tenant), Envelope{proto::frame("visitor_gone", {{"id", it->first}}), 0});
      it = live_.erase(it);
    } else {
      ++it;
    }
  }
  publish_live_counts();
}

void Hub::release_unanswered(Id conv, Id agent, std::string_view reason) {
  OpenConv& oc = open_[conv];
  oc.busy = true;
  if (reason == "no answer") oc.passed.push_back(agent);
  run_background<Conversation>(
      [conv, agent, reason](Store& st) -> Result<Conversation> {
        auto r = st.release_assignment(conv, agent);
        if (!r) return r.error();
        if (auto e = event(st, *r, "conversation.reassigned", {{"from", agent}, {"reason", reason}}); !e) {
          return e.error();
        }
        return r;
      },
      [this, conv, reason](Result<Conversation> r) {
        if (auto it = open_.find(conv); it != open_.end()) it->second.busy = false;
        if (!r) return;  // answered or closed meanwhile
        log::info("unanswered chat back in the queue", {{"conv", conv}, {"reason", reason}});
        publish_conv(*r);
        route(r->tenant_id);
      });
}

}  // namespace tiski
