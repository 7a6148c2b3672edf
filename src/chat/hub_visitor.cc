// The visitor channel: hello and welcome, messages, the leave-a-message form, tracking and
// proactive invitations. The limits per visitor and per address (abuse.h) are applied here.
#include <boost/json/array.hpp>

#include <algorithm>

#include "chat/hub.h"
#include "chat/hub_internal.h"
#include "mail/address.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

using namespace hub_detail;
using proto::VisitorClient;

namespace {

struct HelloResult {
  Visitor visitor;
  std::optional<Conversation> conv;
  HistoryPage page;
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
  return PageIn{clip(proto::clean_text(proto::str(p->as_object(), "url")), limits::kMaxUrlBytes),
                clip(proto::clean_text(proto::str(p->as_object(), "title")), limits::kMaxTitleBytes),
                clip(proto::clean_text(proto::str(p->as_object(), "category")), limits::kMaxCategoryBytes)};
}

std::int64_t cents_of(const std::optional<Cart>& c) { return c ? c->cents : -1; }

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

// Idle since when: the widget says idle (true) and for how long already (idle_ms), so that a
// rule's "idle 10 s" means ten seconds after the last activity, not after the report.
void read_idle(const boost::json::object& f, Millis now, rules::Facts& facts) {
  const auto* idle = f.if_contains("idle");
  if (!idle || !idle->is_bool()) return;
  if (!idle->as_bool()) {
    facts.idle_since.reset();
    return;
  }
  Millis already = std::clamp<std::int64_t>(proto::int_or(f, "idle_ms", 0), 0, 3'600'000);
  Millis since = now - already;
  if (!facts.idle_since || since < *facts.idle_since) facts.idle_since = since;
}

}  // namespace

std::shared_ptr<VisitorSession> Hub::visitor_connected(Transport& t, std::string address) {
  metrics_.ws_visitors.add(1);
  return std::make_shared<VisitorSession>(t, std::move(address));
}

void Hub::on_text(VisitorSession& s, std::string_view text) {
  auto parsed = proto::parse_client_frame(text, proto::kVisitorClientFrames);
  if (!admit(s)) return;
  if (!parsed) return reject(s, parsed.error());
  auto type = static_cast<VisitorClient>(parsed->index);
  const auto& f = parsed->body;
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
    case VisitorClient::kOlder: return visitor_older(s, f);
    default: return;
  }
}

void Hub::visitor_hello(VisitorSession& s, const boost::json::object& f) {
  if (s.hello_started_) return reject(s, Error::bad_request("hello was already sent"));
  s.hello_started_ = true;
  if (!abuse_.allow(s.address_, AbuseLimits::Action::kHello, now_ms())) {
    reject(s, Error::rate_limited("too many connections from your address; try again in a minute"));
    return s.close(kClosePolicy, "rate limit");
  }
  std::string key(proto::str(f, "site"));
  if (auto it = sites_.find(key); it != sites_.end()) return hello_with_site(s, it->second.site, f);
  // A site created since start-up (tiski site create): look it up once, then remember it.
  run<Site>(
      s, [key](Store& st) -> Result<Site> {
        auto site = st.site_by_key(key);
        if (!site && site.error().code == Errc::kNotFound) return Error::not_found("unknown site key");
        return site;
      },
      [this, f](VisitorSession* s, Result<Site> r) {
        if (!s) return;
        if (!r) {
          reject(*s, r.error());
          return s->close(kClosePolicy, "hello refused");
        }
        set_site(*r);
        hello_with_site(*s, *r, f);
      });
}

void Hub::hello_with_site(VisitorSession& s, const Site& site, const boost::json::object& f) {
  std::string lang = clip(proto::str(f, "lang"), 8);
  if (lang.empty()) lang = "fi";
  auto page = page_of(f, "page");
  std::int64_t last_seq = std::max<std::int64_t>(0, proto::int_or(f, "last_seq", 0));
  std::optional<VisitorClaim> claim;
  if (auto token = proto::str(f, "token"); !token.empty()) claim = check_visitor_token(secret_, token);
  if (claim && claim->site != site.id) claim.reset();  // another site's visitor is a new one here
  Millis now = now_ms();
  // Every hello without a valid token stores a visitor: that is limited per address.
  if (!claim && !abuse_.allow(s.address_, AbuseLimits::Action::kNewVisitor, now)) {
    reject(s, Error::rate_limited("too many new visitors from your address; try again later"));
    return s.close(kClosePolicy, "rate limit");
  }
  auto cart = cart_of(f);
  if (!cart) reject(s, cart.error());  // the hello goes on without the cart
  // A returning visitor: listen before reading, so nothing falls between welcome and live.
  if (claim) subscribe(s, topic_visitor(claim->visitor));
  s.site_ = site.id;
  s.tenant_ = site.tenant_id;
  s.facts_.page_since = now;
  read_visit(f, now, s.facts_, s.visit_);
  s.facts_.lang = lang;
  s.cart_ = cart ? *cart : std::nullopt;
  s.facts_.cart_cents = cents_of(s.cart_);
  read_idle(f, now, s.facts_);
  if (page) {
    s.facts_.url = page->url;
    s.facts_.category = page->category;
    s.title_ = page->title;
  }
  std::string visit = s.visit_;
  std::optional<Cart> cart_now = s.cart_;
  Id site_id = site.id;

  run<HelloResult>(
      s,
      [site_id, lang, page, last_seq, claim, visit, cart_now](Store& st) -> Result<HelloResult> {
        std::optional<Visitor> visitor;
        if (claim) {
          if (auto v = st.visitor_by_id(claim->visitor); v && v->site_id == site_id) visitor = std::move(v).value();
        }
        if (!visitor) {
          auto v = st.create_visitor(site_id, lang, now_ms());
          if (!v) return v.error();
          visitor = std::move(v).value();
        }
        if (page) {
          if (auto u = st.update_visitor_page(visitor->id, page->url, page->title, now_ms()); !u) return u.error();
          if (auto pv = st.record_page_view({visitor->id, visit, page->url, page->title, page->category, now_ms()}); !pv) {
            return pv.error();
          }
        }
        if (cart_now) {
          if (auto c = st.set_visitor_cart(visitor->id, cart_now); !c) return c.error();
        }
        auto conv = st.open_conversation_of(visitor->id);
        if (!conv) return conv.error();
        auto invitations = st.invitations_of(visitor->id, now_ms() - 366LL * 86'400'000);
        if (!invitations) return invitations.error();
        auto path = st.page_path(visitor->id, limits::kMaxLivePath);
        if (!path) return path.error();
        HelloResult r{std::move(*visitor), std::move(conv).value(), {}, std::move(invitations).value(), std::move(path).value()};
        if (r.conv) {
          auto p = history_page(st, r.conv->id, last_seq, INT64_MAX, false);  // notes are for agents only
          if (!p) return p.error();
          r.page = std::move(p).value();
        }
        return r;
      },
      [this, claim, page, lang, site](VisitorSession* s, Result<HelloResult> r) {
        if (!s) return;
        if (!r) {
          reject(*s, r.error());
          return s->close(kClosePolicy, "hello refused");
        }
        auto& h = r.value();
        Millis now = now_ms();
        s->visitor_ = h.visitor.id;
        s->number_ = h.visitor.number;
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
        lv.site_name = site.name;
        lv.number = h.visitor.number;
        lv.path.clear();
        for (const auto& pv : h.path) lv.path.push_back({pv.url, pv.title, pv.category, pv.at});
        live_from_session(*s, false);
        lifecycle_.visitor_present(h.visitor.id, true, now);
        if (!claim || claim->visitor != h.visitor.id) {
          if (claim) unsubscribe(*s, topic_visitor(claim->visitor));
          subscribe(*s, topic_visitor(h.visitor.id));
        }
        boost::json::object info;
        info["name"] = site.name;
        info["greeting"] = site.greeting_for(lang);
        boost::json::array langs;
        for (const auto& l : site.langs) langs.push_back(boost::json::string(l));
        info["langs"] = std::move(langs);
        boost::json::object w = avail_json(site.tenant_id, now);
        w["token"] = make_visitor_token(secret_, h.visitor.id, site.id);
        w["visitor"] = h.visitor.id;
        w["site"] = std::move(info);
        if (h.conv) w["conv"] = proto::visitor_conv_json(*h.conv);
        w["msgs"] = messages_array(h.page.msgs);
        w["more"] = h.page.more;
        subscribe(*s, topic_avail(site.tenant_id));  // same thread: no avail can fall in between
        s->send(proto::frame("welcome", std::move(w)));
        s->ready_ = true;
        if (h.conv) {
          if (auto q = router_.position(h.conv->id)) {
            s->send(proto::frame("queue", {{"conv", q->conv}, {"position", q->position}, {"eta", q->eta_ms / 1000}}));
          }
          // Agents see where a visitor with an open chat is now.
          if (page) conv_changed(*h.conv, false);
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

// A new conversation may start: limited per visitor (across tabs) and per address.
bool Hub::allow_new_conversation(VisitorSession& s, std::string_view cid) {
  Millis now = now_ms();
  if (!abuse_.allow_visitor(s.visitor_, AbuseLimits::Action::kConversation, now) ||
      !abuse_.allow(s.address_, AbuseLimits::Action::kConversation, now)) {
    reject(s, Error::rate_limited("too many new conversations; wait a moment"), cid);
    return false;
  }
  return true;
}

void Hub::visitor_send(VisitorSession& s, const boost::json::object& f) {
  std::string cid(proto::str(f, "cid"));
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string body = body_of(f);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  Millis now = now_ms();
  if (!abuse_.allow_visitor(s.visitor_, AbuseLimits::Action::kMessage, now) ||
      !abuse_.allow(s.address_, AbuseLimits::Action::kMessage, now)) {
    return reject(s, Error::rate_limited("too many messages; slow down"), cid);
  }
  Id visitor = s.visitor_;
  Id site = s.site_;
  Id known = s.conv_;  // the open conversation as this connection last knew it, 0 if none
  if (known == 0 && !allow_new_conversation(s, cid)) return;
  std::int64_t rule = s.invited_rule_;  // answering an invitation makes the chat proactive
  std::string rule_text = s.invited_text_;
  std::string greeting;
  if (auto key = site_keys_.find(site); key != site_keys_.end()) greeting = sites_.at(key->second).site.greeting_for(s.facts_.lang);
  run<SendResult>(
      s,
      [visitor, known, cid, body, rule, rule_text, greeting](Store& st) -> Result<SendResult> {
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
          if (rule) {
            if (auto a = st.accept_invitation(visitor, rule, conv.id); !a && a.error().code != Errc::kNotFound) {
              return a.error();
            }
            if (auto e = event(st, conv, "invitation.accepted", {{"rule", rule}, {"visitor", visitor}}); !e) return e.error();
          }
          // The greeting the widget showed (the site's in the visitor's language, or the
          // invitation's) becomes the conversation's first message, so the agent reads exactly
          // what the visitor saw. It is the only automated message.
          Message g = system_line(conv.id, rule ? rule_text : greeting);
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
          conv_changed(*res.created);
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
      },
      cid);
}

void Hub::visitor_typing(VisitorSession& s, const boost::json::object& f) {
  if (s.conv_ == 0) return;
  bool on = f.at("on").as_bool();
  auto now = std::chrono::steady_clock::now();
  if (on && now - s.last_typing_ < limits::kTypingInterval) return;
  s.last_typing_ = on ? now : std::chrono::steady_clock::time_point{};
  pubsub_.publish(topic_conv(s.conv_), Envelope{proto::frame("typing", {{"conv", s.conv_}, {"on", on}}), s.conv_});
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
        if (*r) conv_changed(**r, false);  // agents see the new page
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
        conv_changed(*r);
      });
}

namespace {
struct LeaveResult {
  Conversation conv;
  std::optional<Appended> appended;
  bool created = false;
};

// A name as typed in a form: control characters (line breaks too) made spaces, trimmed.
std::string clean_name(std::string_view in) {
  std::string out = proto::clean_text(in);
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return std::string(trim(out));
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
  std::string body = body_of(f);
  if (!body.empty()) {
    if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  }
  if (!f.at("consent").as_bool()) {
    return reject(s, Error::bad_request("consent is required: the address is used only to answer this message"), cid);
  }
  Millis now = now_ms();
  if (!abuse_.allow_visitor(s.visitor_, AbuseLimits::Action::kMessage, now) ||
      !abuse_.allow(s.address_, AbuseLimits::Action::kMessage, now)) {
    return reject(s, Error::rate_limited("too many messages; slow down"), cid);
  }
  if (s.conv_ == 0 && !allow_new_conversation(s, cid)) return;
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
        conv_changed(r->conv);
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
  read_idle(f, now_ms(), s.facts_);
  if (f.contains("cart")) {
    auto cart = cart_of(f);
    if (!cart) return reject(s, cart.error());
    s.cart_ = *cart;
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

// Earlier messages of the visitor's open conversation, a page at a time.
void Hub::visitor_older(VisitorSession& s, const boost::json::object& f) {
  std::int64_t before = proto::int_or(f, "before", 0);
  Id conv = s.conv_;
  if (conv == 0) return reject(s, Error::conflict("there is no open conversation"));
  run<HistoryPage>(
      s, [conv, before](Store& st) { return history_page(st, conv, 0, before, false); },
      [conv](VisitorSession* s, Result<HistoryPage> r) {
        if (!s) return;
        if (!r) return s->send(proto::error_frame(r.error()));
        s->send(proto::frame("older", {{"conv", conv}, {"msgs", messages_array(r->msgs)}, {"more", r->more}}));
      });
}

// Once a second: offers an invitation to each visitor whose site's rules say so — only while
// live chat is open (business hours, an agent online) and an agent has a free seat, and no
// more invitations per round than free seats.
void Hub::invite_round(Millis now) {
  if (shutting_down_) return;
  std::unordered_map<Id, int> seats;  // tenant -> free seats of online agents (computed lazily)
  auto free_seats = [&](Id tenant) -> int& {
    auto [it, fresh] = seats.try_emplace(tenant, 0);
    if (fresh) it->second = router_.live_open(tenant, now) ? router_.free_seats(tenant) : 0;
    return it->second;
  };
  for (VisitorSession* s : prospects_) {
    if (!s->ready_ || s->conv_ != 0 || s->invited_this_page_) continue;
    auto key = site_keys_.find(s->site_);
    if (key == site_keys_.end()) continue;
    const auto& rules = sites_.at(key->second).rules;
    if (!rules) continue;
    int& free = free_seats(s->tenant_);
    if (free <= 0) continue;  // nobody could answer (closed, or every seat taken)
    rules::Facts f = s->facts_;
    f.now = now;
    if (auto h = hours_.find(s->tenant_); h != hours_.end() && h->second) {
      f.in_hours = is_open(*h->second, std::chrono::system_clock::time_point(std::chrono::milliseconds(now)));
    }
    const rules::Rule* r = rules::choose(*rules, f, s->history_);
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

}  // namespace tiski
