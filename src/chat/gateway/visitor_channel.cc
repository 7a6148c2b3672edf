// The visitor channel: hello and welcome, messages, the leave-a-message form, earlier pages,
// and the tracking frames the proactive module takes. The limits per visitor and per address
// (abuse.h) are applied here.
#include <boost/json/array.hpp>

#include <algorithm>

#include "chat/contacts/contacts.h"
#include "chat/conversations/records.h"
#include "chat/gateway/frames.h"
#include "chat/gateway/gateway.h"
#include "chat/gateway/identity.h"
#include "chat/gateway/run.h"
#include "mail/address.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/web_origin.h"

namespace tiski {

using frames::body_of;
using frames::check_body;
using frames::check_cid;
using frames::messages_array;

namespace {

// A name as typed in a form: control characters (line breaks too) made spaces, trimmed.
std::string name_of(const vc::Leave& f) {
  std::string out = proto::clean_text(f.name.value_or(""));
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return std::string(trim(out));
}

struct HelloResult {
  Visitor visitor;
  std::optional<Conversation> conv;
  conversations::HistoryPage page;      // conv's (or ended's) newest messages
  std::vector<Invitation> invitations;  // the last year's, for the caps
  std::vector<PageView> path;           // the visit's latest page views
  std::optional<Conversation> ended;    // no conv: the one that closed within limits::kEndedShownMs
};

// The welcome frame's body but for availability (open, opens_at), which the presence module knows.
boost::json::object welcome_body(const Site& site, const HelloResult& h, const std::string& lang,
                                 const std::string& token) {
  boost::json::array langs;
  for (const auto& l : site.langs) langs.push_back(boost::json::string(l));
  boost::json::object w;
  w["token"] = token;
  w["visitor"] = h.visitor.id;
  boost::json::object info{{"name", site.name}, {"greeting", site.greeting_for(lang)}, {"langs", std::move(langs)}};
  if (!site.color.empty()) info["color"] = site.color;
  if (site.position != "right") info["position"] = site.position;
  if (site.lift) info["lift"] = site.lift;
  if (auto launcher = site.launcher_for(lang); !launcher.empty()) info["launcher"] = launcher;
  w["site"] = std::move(info);
  if (h.conv) w["conv"] = proto::visitor_conv_json(*h.conv);
  if (h.ended) w["ended"] = proto::visitor_conv_json(*h.ended);
  w["msgs"] = messages_array(h.page.msgs);
  w["more"] = h.page.more;
  return w;
}

// The visitor's latest conversation if it closed within limits::kEndedShownMs: their next page
// shows it again, ended (a reload right after the chat would otherwise show only the greeting).
Result<std::optional<Conversation>> recently_ended(Store& st, Id visitor, Millis now) {
  auto last = TRY(st.conversations_of_visitor(visitor, 1));
  if (last.empty() || last[0].status != conv_status::kClosed || !last[0].closed_at ||
      now - *last[0].closed_at > limits::kEndedShownMs)
    return std::optional<Conversation>{};
  return std::optional<Conversation>{std::move(last[0])};
}

// The visitor an identified hello continues as. Verified: the customer's own visitor (the
// site's oldest with the id), whose history this device joins, unless this device's visitor
// has a chat open (it goes on here, marked with the identity; the switch waits for a later
// hello). A visitor identified as someone else is never continued: a new one (nullopt) is made.
// Unverified: this device's visitor, marked unless it is verified. Name and email follow the
// page's latest word.
Result<std::optional<Visitor>> identified_visitor(Store& st, Id site_id, std::optional<Visitor> here,
                                                  const VisitorIdentity& who) {
  if (here && here->identity.verified && here->identity.external_id != who.external_id) here.reset();
  if (!who.verified) {
    if (here && !here->identity.verified && here->identity.external_id.empty()) {
      TRY_OK(st.set_visitor_identity(here->id, who));
      here->identity = who;
    }
    return here;
  }
  auto own = TRY(st.verified_visitor(site_id, who.external_id));
  std::optional<Visitor> out = own;
  if (own && here && here->id != own->id && TRY(st.open_conversation_of(here->id))) out = here;
  if (!own) out = here;
  if (out && (out->identity.external_id != who.external_id || !out->identity.verified ||
              out->identity.name != who.name || out->identity.email != who.email)) {
    TRY_OK(st.set_visitor_identity(out->id, who));
    out->identity = who;
  }
  return out;
}

// A verified customer is a contact by their id on this site and by their email, if valid
// (docs/contacts.md); an unverified identity joins nobody.
Result<Id> join_contact(Store& st, const Visitor& v, std::string_view site_key, Millis now) {
  std::vector<ContactKey> keys{contacts::identity_key(site_key, v.identity.external_id)};
  if (auto mail = contacts::make_key(contacts::kEmail, v.identity.email)) keys.push_back(*std::move(mail));
  return contacts::attach(st, v, keys, v.identity.name, now);
}

}  // namespace

void Gateway::on_frame(VisitorSession& s, const Result<vc::Frame>& frame) {
  if (!admit(s)) return;
  if (!frame) return reject(s, frame.error());
  if (std::holds_alternative<vc::Ping>(*frame)) return s.send(proto::frame(proto::visitor_server::Pong{}));
  if (const auto* hello = std::get_if<vc::Hello>(&*frame)) return visitor_hello(s, *hello);
  if (!s.ready) {
    auto cid = std::visit([](const auto& f) { return frames::cid_of(f); }, *frame);
    return reject(s, Error::bad_request("send hello first"), cid);
  }
  std::visit(frames::Overloaded{
                 [&](const vc::Send& f) { visitor_send(s, f); },
                 [&](const vc::Typing& f) { visitor_typing(s, f); },
                 [&](const vc::Page& f) {
                   // Over the rate: not recorded, and not answered either (a shop whose search box
                   // rewrites the URL per keystroke is no attack; the widget would show an error).
                   if (!d_.abuse.allow_page(s.address(), s.visitor, d_.jobs.now())) return;
                   d_.proactive.page(s, proactive::page_of(f.page),
                                     static_cast<int>(f.pages.value_or(s.prospect.facts.pages + 1)));
                 },
                 [&](const vc::Close&) { visitor_close(s); },
                 [&](const vc::Leave& f) { visitor_leave(s, f); },
                 [&](const vc::Track& f) {
                   if (auto st = d_.proactive.track(s, f); !st) reject(s, st.error());
                 },
                 [&](const vc::Dismiss& f) {
                   if (auto st = d_.proactive.dismiss(s, f.rule); !st) reject(s, st.error());
                 },
                 [&](const vc::Window& f) { s.prospect.panel_open = f.open; },
                 [&](const vc::Older& f) { visitor_older(s, f); },
                 [&](const vc::Convert& f) { visitor_convert(s, f); },
                 [&](const vc::Survey& f) { d_.outcomes.survey_shown(s.visitor, f.conv); },
                 [&](const vc::Csat& f) { visitor_csat(s, f); },
                 [](const vc::Hello&) {},
                 [](const vc::Ping&) {},
             },
             *frame);
}

void Gateway::visitor_hello(VisitorSession& s, const vc::Hello& f) {
  if (s.hello_started) return reject(s, Error::bad_request("hello was already sent"));
  s.hello_started = true;
  if (!d_.abuse.allow(s.address(), AbuseLimits::Action::kHello, d_.jobs.now())) {
    reject(s, Error::rate_limited("too many connections from your address; try again in a minute"));
    return s.close(kClosePolicy, "rate limit");
  }
  std::string key = f.site;
  if (const auto* info = d_.sites.by_key(key)) return hello_with_site(s, info->site, f);
  // A site created since start-up (tiski site create): look it up once, then remember it.
  run<Site>(
      s,
      [key](Store& st, events::Recorder&) -> Result<Site> {
        auto site = st.site_by_key(key);
        if (!site && site.error().code == Errc::kNotFound) return Error::not_found("unknown site key");
        return site;
      },
      [this, f](VisitorSession* s, Result<Site> r) {
        if (!s) return;
        if (!r) {  // an unknown key: no chat on this page (the widget goes away); else try later
          reject(*s, r.error());
          bool unknown = r.error().code == Errc::kNotFound;
          return s->close(unknown ? kCloseNotHere : kClosePolicy, unknown ? "unknown site key" : "hello refused");
        }
        d_.sites.put(*r);
        hello_with_site(*s, *r, f);
      });
}

void Gateway::hello_with_site(VisitorSession& s, const Site& site, const vc::Hello& f) {
  if (!origin_allowed(site.origins, s.origin())) {  // a copied snippet on a page not the shop's
    reject(s, Error::forbidden("chat is not available on this page"));
    return s.close(kCloseNotHere, "origin not allowed");
  }
  std::string lang = clip(f.lang.value_or(""), 8);
  s.prospect.facts.lang = Interned(lang.empty() ? "fi" : lang);
  std::int64_t last_seq = std::max<std::int64_t>(0, f.last_seq.value_or(0));
  std::optional<VisitorClaim> claim;
  if (f.token && !f.token->empty()) claim = check_visitor_token(d_.token_secret, *f.token);
  if (claim && claim->site != site.id) claim.reset();  // another site's visitor is a new one here
  if (blocks_.blocked(site.tenant_id, claim ? claim->visitor : 0, s.address(), d_.jobs.now())) return refuse_blocked(s);
  // Every hello without a valid token stores a visitor: that is limited per address.
  if (!claim && !d_.abuse.allow(s.address(), AbuseLimits::Action::kNewVisitor, d_.jobs.now())) {
    reject(s, Error::rate_limited("too many new visitors from your address; try again later"));
    return s.close(kClosePolicy, "rate limit");
  }
  s.site = site.id;
  s.tenant = site.tenant_id;
  if (auto st = d_.proactive.begin(s, f); !st) reject(s, st.error());  // the hello goes on without the cart
  std::optional<VisitorIdentity> who;                                  // refused: the hello goes on anonymous
  if (f.identity) {
    auto checked = check_identity(site, *f.identity);
    if (checked)
      who = std::move(checked).value();
    else
      reject(s, checked.error());
  }
  // A returning visitor: listen before reading, so nothing falls between welcome and live.
  if (claim) subscribe(s, topic_visitor(claim->visitor));
  std::optional<proactive::PageIn> page;
  if (f.page) page = proactive::page_of(*f.page);
  run<HelloResult>(
      s,
      [site_id = site.id, site_key = site.key, lang = s.lang(), page, last_seq, claim, who,
       visit = s.prospect.visit.str(),
       cart = s.prospect.facts.cart](Store& st, events::Recorder& rec) -> Result<HelloResult> {
        std::optional<Visitor> visitor;
        if (claim) {
          if (auto v = st.visitor_by_id(claim->visitor); v && v->site_id == site_id) visitor = std::move(v).value();
        }
        // The contact is joined once per verified identity, not on every page load.
        bool joined = visitor && visitor->contact_id != 0 && who && visitor->identity.verified &&
                      visitor->identity.external_id == who->external_id && visitor->identity.email == who->email;
        Id had = visitor ? visitor->id : 0;
        if (who) visitor = TRY(identified_visitor(st, site_id, std::move(visitor), *who));
        if (!visitor) visitor = TRY(st.create_visitor(site_id, lang, rec.now()));
        if (who && visitor->identity.external_id.empty()) {
          TRY_OK(st.set_visitor_identity(visitor->id, *who));
          visitor->identity = *who;
        }
        if (who && who->verified && !(joined && visitor->id == had))
          visitor->contact_id = TRY(join_contact(st, *visitor, site_key, rec.now()));
        if (page) {
          TRY_OK(st.update_visitor_page(visitor->id, page->url, page->title, rec.now()));
          TRY_OK(st.record_page_view({visitor->id, visit, page->url, page->title, page->category, rec.now()}));
        }
        if (cart) TRY_OK(st.set_visitor_cart(visitor->id, *cart));
        HelloResult r{std::move(*visitor),
                      TRY(st.open_conversation_of(visitor->id)),
                      {},
                      TRY(st.invitations_of(visitor->id, rec.now() - 366LL * 86'400'000)),
                      {},
                      {}};
        r.path = TRY(st.page_path(r.visitor.id, limits::kMaxLivePath));
        if (r.conv) {
          r.page = TRY(conversations::history_page(st, r.conv->id, last_seq, INT64_MAX, false));  // notes: agents only
          if (page) TRY_OK(rec.add(events::ConversationUpdated{*r.conv}));  // agents see where they are now
        } else if (claim && r.visitor.id == claim->visitor) {
          r.ended = TRY(recently_ended(st, r.visitor.id, rec.now()));
          if (r.ended) r.page = TRY(conversations::history_page(st, r.ended->id, 0, INT64_MAX, false));
        }
        return r;
      },
      [this, claim, site](VisitorSession* s, Result<HelloResult> r) {
        if (!s) return;
        if (!r) {
          reject(*s, r.error());
          return s->close(kClosePolicy, "hello refused");
        }
        auto& h = r.value();
        s->visitor = h.visitor.id;
        s->number = h.visitor.number;
        s->conv = h.conv ? h.conv->id : 0;
        d_.proactive.welcomed(*s, h.visitor, h.invitations, h.path);
        if (!claim || claim->visitor != h.visitor.id) {
          if (claim) unsubscribe(*s, topic_visitor(claim->visitor));
          subscribe(*s, topic_visitor(h.visitor.id));
        }
        auto w = welcome_body(site, h, s->lang(), make_visitor_token(d_.token_secret, h.visitor.id, site.id));
        w["open"] = d_.presence.live_open(site.tenant_id);
        if (auto at = d_.presence.opens_at(site.tenant_id)) w["opens_at"] = *at;
        subscribe(*s, topic_avail(site.tenant_id));  // same thread: no avail can fall in between
        s->send(proto::frame("welcome", std::move(w)));
        s->ready = true;
        if (h.conv) {
          if (auto q = d_.router.position(h.conv->id)) {
            s->send(proto::frame(proto::visitor_server::Queue{q->conv, q->position, q->eta_ms / 1000}));
          }
        }
      });
}

// A message (or a form) costs the visitor's and the address's message budget.
bool Gateway::allow_message(VisitorSession& s, std::string_view cid) {
  Millis now = d_.jobs.now();
  if (!d_.abuse.allow_visitor(s.visitor, AbuseLimits::Action::kMessage, now) ||
      !d_.abuse.allow(s.address(), AbuseLimits::Action::kMessage, now)) {
    reject(s, Error::rate_limited("too many messages; slow down"), cid);
    return false;
  }
  return true;
}

// A new conversation may start: limited per visitor (across tabs) and per address.
bool Gateway::allow_new_conversation(VisitorSession& s, std::string_view cid) {
  Millis now = d_.jobs.now();
  if (!d_.abuse.allow_visitor(s.visitor, AbuseLimits::Action::kConversation, now) ||
      !d_.abuse.allow(s.address(), AbuseLimits::Action::kConversation, now)) {
    reject(s, Error::rate_limited("too many new conversations; wait a moment"), cid);
    return false;
  }
  return true;
}

void Gateway::visitor_send(VisitorSession& s, const vc::Send& f) {
  const std::string& cid = f.cid;
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string body = body_of(f.body);
  if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  if (!allow_message(s, cid)) return;
  bool opens = s.conv == 0;
  if (opens && s.opening == 0 && !allow_new_conversation(s, cid)) return;
  if (opens) ++s.opening;
  const auto& p = s.prospect;
  Conversations::VisitorMessage in{s.visitor, s.conv, cid, body, p.open_rule(), "", s.id()};
  // The greeting the widget showed: the invitation's, or the site's in the visitor's language.
  if (p.open_rule())
    in.greeting = p.invites->text;
  else if (const auto* site = d_.sites.by_id(s.site))
    in.greeting = site->site.greeting_for(s.lang());
  d_.conversations.visitor_message(std::move(in),
                                   bound<Conversations::Sent, VisitorSession>(
                                       s, [this, cid, opens](VisitorSession* s, Result<Conversations::Sent> r) {
                                         if (s && opens) --s->opening;
                                         if (!r) {
                                           if (s) reject(*s, r.error(), cid);
                                           return;
                                         }
                                         if (r->duplicate) d_.metrics.messages_duplicate_total.inc();
                                         if (!s) return;
                                         if (r->created) {
                                           s->conv = r->created->id;
                                           if (s->prospect.invites) s->prospect.invites->rule = 0;
                                         }
                                         ack(s, cid, r->msg);
                                       }));
}

void Gateway::visitor_leave(VisitorSession& s, const vc::Leave& f) {
  const std::string& cid = f.cid;
  if (auto c = check_cid(cid); !c) return reject(s, c.error(), cid);
  std::string email(trim(f.email));
  if (auto e = mail::check_address(email); !e) return reject(s, e.error(), cid);
  std::string name = name_of(f);
  if (name.size() > limits::kMaxNameBytes) {
    return reject(s, Error::too_large("the name is longer than " + std::to_string(limits::kMaxNameBytes) + " bytes"),
                  cid);
  }
  std::string body = body_of(f.body.value_or(""));
  if (!body.empty()) {
    if (auto b = check_body(body); !b) return reject(s, b.error(), cid);
  }
  if (!f.consent) {
    return reject(s, Error::bad_request("consent is required: the address is used only to answer this message"), cid);
  }
  if (!allow_message(s, cid)) return;
  if (s.conv == 0 && !allow_new_conversation(s, cid)) return;
  d_.conversations.leave_message(
      {s.visitor, cid, name, email, body, s.id()},
      bound<Conversations::Left, VisitorSession>(s, [this, cid](VisitorSession* s, Result<Conversations::Left> r) {
        if (!r) {
          if (s) reject(*s, r.error(), cid);
          return;
        }
        if (r->duplicate) d_.metrics.messages_duplicate_total.inc();
        if (!s) return;
        s->conv = r->conv.id;
        if (r->msg) return ack(s, cid, *r->msg);
        s->send(proto::frame(proto::visitor_server::Ack{cid, r->conv.id, r->conv.last_seq, r->conv.last_at}));
      }));
}

void Gateway::visitor_close(VisitorSession& s) {
  d_.conversations.close_by_visitor(
      s.visitor, bound<Conversation, VisitorSession>(s, [this](VisitorSession* s, const Result<Conversation>& r) {
        if (!s) return;
        if (!r) return reject(*s, r.error());
        s->conv = 0;
      }));
}

void Gateway::visitor_typing(VisitorSession& s, const vc::Typing& f) {
  if (s.conv == 0) return;
  bool on = f.on;
  auto now = std::chrono::steady_clock::now();
  if (on && now - s.last_typing < limits::kTypingInterval) return;
  s.last_typing = on ? now : std::chrono::steady_clock::time_point{};
  d_.pubsub.publish(topic_conv(s.conv), Envelope{proto::frame(proto::agent_server::Typing{s.conv, on}), s.conv, true});
}

// Earlier messages of the visitor's open conversation, a page at a time.
void Gateway::visitor_older(VisitorSession& s, const vc::Older& f) {
  std::int64_t before = f.before;
  Id conv = s.conv;
  if (conv == 0) return reject(s, Error::conflict("there is no open conversation"));
  run<conversations::HistoryPage>(
      s,
      [conv, before](Store& st, events::Recorder&) { return conversations::history_page(st, conv, 0, before, false); },
      [this, conv](VisitorSession* s, Result<conversations::HistoryPage> r) {
        if (!s) return;
        if (!r) return reject(*s, r.error());
        s->send(proto::frame("older", {{"conv", conv}, {"msgs", messages_array(r->msgs)}, {"more", r->more}}));
      });
}

// The shop reports an order or a lead from the page (tiski('track', ...)). It costs the
// visitor's message budget: a page cannot flood the conversions table.
void Gateway::visitor_convert(VisitorSession& s, const vc::Convert& f) {
  conversions::Report r{std::string(proto::to_string(f.kind)), f.id, f.cents.value_or(0), f.currency.value_or("")};
  if (auto st = conversions::check(r); !st) return reject(s, st.error());
  if (!allow_message(s, {})) return;
  auto kind = f.kind;
  auto id = f.id;
  d_.conversions.record(s.tenant, s.site, s.visitor, std::move(r), "widget",
                        bound<Recorded, VisitorSession>(s, [this, kind, id](VisitorSession* s, Result<Recorded> r) {
                          if (!s) return;
                          if (!r) return reject(*s, r.error());
                          s->send(proto::frame(proto::visitor_server::Converted{kind, id, r->duplicate}));
                        }));
}

void Gateway::visitor_csat(VisitorSession& s, const vc::Csat& f) {
  auto comment = Outcomes::check_answer(static_cast<int>(f.score), f.comment.value_or(""));
  if (!comment) return reject(s, comment.error(), {}, f.conv);
  if (!allow_message(s, {})) return;
  Id conv = f.conv;
  d_.outcomes.answer(
      s.visitor, conv, static_cast<int>(f.score), std::move(comment).value(),
      bound<Conversation, VisitorSession>(s, [this, conv](VisitorSession* s, const Result<Conversation>& r) {
        if (s && !r) reject(*s, r.error(), {}, conv);
      }));
}

}  // namespace tiski
