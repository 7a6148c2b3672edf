// The hub's core: sessions, fan-out, the router's requests, the once-a-second tick and the
// chat lifecycle. Visitor frames are in hub_visitor.cc, agent frames in hub_agent.cc, the live
// visitor list in hub_live.cc.
#include "chat/hub.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "chat/hub_internal.h"
#include "mail/mailer.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

using namespace hub_detail;

namespace {

std::string_view status_name(routing::Presence p) {
  return p == routing::Presence::kOnline ? "online" : p == routing::Presence::kAway ? "away" : "offline";
}

// The line an idle chat closes with, in the visitor's language.
std::string idle_line(std::string_view lang, Millis idle_ms) {
  auto minutes = std::to_string(std::max<Millis>(1, idle_ms / 60'000));
  if (lang == "sv") return "Chatten avslutades efter " + minutes + " minuter utan nya meddelanden. Skriv gärna igen.";
  if (lang == "en") return "The chat was closed after " + minutes + " minutes without new messages. Feel free to write again.";
  return "Keskustelu suljettiin, koska siinä ei ollut uusia viestejä " + minutes + " minuuttiin. Voit kirjoittaa uudelleen.";
}

}  // namespace

namespace hub_detail {

bool valid_currency(std::string_view code) {
  static constexpr std::string_view kCodes =
      "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF "
      "CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD "
      "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR "
      "LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK "
      "PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
      "TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD XCG "
      "XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL";
  if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) return false;
  for (std::size_t i = 0; i + 3 <= kCodes.size(); i += 4) {
    if (kCodes.substr(i, 3) == code) return true;
  }
  return false;
}

Result<std::optional<Cart>> cart_of(const boost::json::object& f) {
  const auto* c = f.if_contains("cart");
  if (!c || !c->is_object()) return std::optional<Cart>();
  const auto& o = c->as_object();
  std::int64_t cents = proto::int_or(o, "cents", -1);
  std::int64_t items = proto::int_or(o, "items", -1);
  std::string_view currency = proto::str(o, "currency");
  if (cents < 0 || cents > 100'000'000'000 || items < 0 || items > 100'000) {
    return Error::bad_request("cart: cents must be 0 to 100000000000 and items 0 to 100000");
  }
  if (!valid_currency(currency)) return Error::bad_request("cart.currency must be an ISO 4217 code such as EUR");
  return std::optional<Cart>(Cart{cents, std::string(currency), static_cast<int>(items)});
}

}  // namespace hub_detail

// ------------------------------------------------------------------------------ sessions

ClientSession::ClientSession(Transport& t, double frames_per_second, double frame_burst, std::string address)
    : transport_(&t), frames_(frames_per_second, frame_burst), address_(std::move(address)) {}

VisitorSession::VisitorSession(Transport& t, std::string address)
    : ClientSession(t, limits::kFramesPerSecond, limits::kFrameBurst, std::move(address)) {}

AgentSession::AgentSession(Transport& t, AgentIdentity id, std::string address)
    : ClientSession(t, limits::kAgentFramesPerSecond, limits::kAgentFrameBurst, std::move(address)),
      identity_(std::move(id)),
      messages_(limits::kMessagesPerSecond, limits::kMessageBurst) {}

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
  if (!ready_ || ended_) return;                               // the snapshot will carry it
  if (e.conv != 0 && pending_watch_.contains(e.conv)) return;  // the history will carry it
  send(e.frame);
}

Hub::Hub(StoreWorker& store, PubSub& pubsub, Metrics& metrics, AbuseLimits& abuse, std::string token_secret,
         RoutingOptions routing, HubMail mail)
    : router_(routing, *this),
      directory_([this](const Conversation& c) { return conv_json(c); }),
      abuse_(abuse),
      mail_(std::move(mail)),
      store_(store),
      pubsub_(pubsub),
      metrics_(metrics),
      secret_(std::move(token_secret)) {}

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
  Millis now = now_ms();
  auto* agent = dynamic_cast<AgentSession*>(&s);
  (agent ? metrics_.ws_agents : metrics_.ws_visitors).add(-1);
  if (!agent) {
    auto* v = static_cast<VisitorSession*>(&s);
    prospects_.erase(v);
    if (auto it = live_.find(v->visitor_); v->visitor_ != 0 && it != live_.end() && --it->second.sessions <= 0) {
      it->second.sessions = 0;
      it->second.gone_at = now;  // gone unless another tab (or the next page) connects soon
      lifecycle_.visitor_present(v->visitor_, false, now);
    }
  } else {
    agents_online_.erase(agent);
    router_.disconnected(agent->identity_.agent.id, now);
    if (agent->ended_) router_.logged_out(agent->identity_.agent.id, now);
  }
  for (const auto& t : s.topics_) pubsub_.unsubscribe(t, &s);
  s.topics_.clear();
  s.detach();
}

void Hub::reject(ClientSession& s, const Error& e, std::string_view cid, std::optional<Id> conv) {
  metrics_.frames_rejected_total.inc();
  s.send(proto::error_frame(e, cid, conv));
}

// Applies the connection's frame rate limit: a client that floods frames is disconnected.
bool Hub::admit(ClientSession& s) {
  if (!s.frames_.take(now_ms())) {
    reject(s, Error::rate_limited("too many frames; closing"));
    s.close(kClosePolicy, "rate limit");
    return false;
  }
  return true;
}

std::string Hub::conv_json(const Conversation& c) const {
  auto o = proto::conversation_json(c);
  if (auto by = router_.answer_by(c.id)) o["answer_by"] = *by;
  return boost::json::serialize(o);
}

void Hub::conv_changed(const Conversation& c, bool to_visitor) {
  Millis now = now_ms();
  router_.update(c, now);
  lifecycle_.update(c, now);
  if (c.status == conv_status::kClosed) {
    signals_.erase(c.id);
  } else if (!c.signals.empty()) {
    signals_[c.id] = c.signals;
  }
  if (auto it = live_.find(c.visitor_id); it != live_.end()) {
    Id now_conv = c.status == conv_status::kClosed ? 0 : c.id;
    if (it->second.conv != now_conv && (now_conv != 0 || it->second.conv == c.id)) {
      it->second.conv = now_conv;
      publish_live(c.visitor_id);
    }
  }
  std::string json = conv_json(c);
  auto frame = std::make_shared<const std::string>(R"({"t":"conv","conv":)" + json + "}");
  directory_.update(c, std::move(json));
  previews_.erase(c.id);
  pubsub_.publish(topic_tenant(c.tenant_id), Envelope{frame, 0});
  if (to_visitor) {
    pubsub_.publish(topic_visitor(c.visitor_id),
                    Envelope{proto::frame("conv", {{"conv", proto::visitor_conv_json(c)}}), c.id});
  }
}

void Hub::publish_message(const Message& m, Id visitor, const ClientSession* sender) {
  auto f = proto::frame("msg", {{"m", proto::message_json(m)}});
  metrics_.messages_total.inc();
  if (m.author == "agent") router_.answered(m.conv_id);
  lifecycle_.message(m.conv_id, m.at);
  // The consoles' lists show each chat's last message: the directory learns it now. Consoles do
  // not watch the queue, so a waiting chat's new message reaches them in the tenant's next
  // `previews` frame (one a second at most, however many chats changed).
  if (directory_.touch(m.conv_id, m.seq, m.at, message_preview(m.body))) {
    if (const Conversation* c = directory_.find(m.conv_id); c && c->status == conv_status::kWaiting) previews_.insert(m.conv_id);
  }
  pubsub_.publish(topic_conv(m.conv_id), Envelope{f, m.conv_id}, sender);
  if (m.author != "note") pubsub_.publish(topic_visitor(visitor), Envelope{f, m.conv_id}, sender);  // notes: agents only
}

void Hub::mail_changed(const OutMail& m) {
  pubsub_.publish(topic_conv(m.conv_id), Envelope{proto::frame("mail", {{"mail", proto::mail_json(m)}}), m.conv_id});
}

// ---------------------------------------------------------------------------- start-up

void Hub::know_agent(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams) {
  for (const auto& m : memberships) tenant_names_[m.tenant_id] = m.tenant_name;
  router_.know_agent(agent.id, profile_of(agent, memberships, teams));
}

void Hub::load_teams(const std::vector<Team>& teams) {
  teams_.clear();
  for (const auto& t : teams) teams_[t.tenant_id].push_back(t);
}

void Hub::load_open(const std::vector<Conversation>& open) {
  for (const auto& c : open) {
    conv_changed(c, false);
    // Chats assigned before a restart count as answered: never yanked from their agent.
    if (c.assignee_id) router_.answered(c.id);
  }
}

void Hub::load_tenants(const std::vector<Tenant>& tenants) {
  for (const auto& t : tenants) {
    tenant_names_[t.id] = t.name;
    set_tenant_hours(t.id, t.hours);
    set_tenant_lifecycle(t.id, t.missed_after_seconds, t.idle_close_seconds);
  }
}

void Hub::set_tenant_hours(Id tenant, const std::string& hours) {
  std::optional<BusinessHours> h;
  if (!hours.empty()) {
    auto parsed = parse_hours(hours);
    if (parsed) {
      h = std::move(parsed).value();
    } else {  // stored hours are validated on the way in; a bad row means "closed", loudly
      log::error("stored business hours do not parse; live chat stays closed",
                 {{"tenant", tenant}, {"error", parsed.error().message}});
      h = BusinessHours{"UTC", {}, {}};
    }
  }
  hours_[tenant] = h;
  router_.set_hours(tenant, std::move(h), now_ms());
}

void Hub::set_tenant_lifecycle(Id tenant, int missed_after_seconds, int idle_close_seconds) {
  lifecycle_.set_tenant(tenant, LifecycleSettings{Millis{missed_after_seconds} * 1000, Millis{idle_close_seconds} * 1000});
}

bool Hub::live_open(Id tenant, Millis now) const { return router_.live_open(tenant, now); }

boost::json::object Hub::avail_json(Id tenant, Millis now) const {
  boost::json::object o{{"open", live_open(tenant, now)}};
  if (!o["open"].as_bool()) {
    auto h = hours_.find(tenant);
    auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(now));
    if (h != hours_.end() && h->second && !is_open(*h->second, t)) {
      if (auto next = next_open(*h->second, t)) {
        o["opens_at"] = std::chrono::duration_cast<std::chrono::milliseconds>(next->time_since_epoch()).count();
      }
    }
  }
  return o;
}

void Hub::load_sites(const std::vector<Site>& sites) {
  for (const auto& site : sites) set_site(site);
}

void Hub::set_site(const Site& site) {
  auto& info = sites_[site.key];
  info.site = site;
  site_keys_[site.id] = site.key;
  auto rs = rules::parse(site.rules);
  if (!rs) {
    log::error("stored rules do not parse; the site invites nobody", {{"site", site.id}, {"error", rs.error().message}});
    info.rules.reset();
    return;
  }
  set_site_rules(site.id, std::move(rs).value());
}

void Hub::set_site_rules(Id site, rules::RuleSet rs) {
  auto key = site_keys_.find(site);
  if (key == site_keys_.end()) return;
  auto& info = sites_[key->second];
  if (rs.rules.empty()) {
    info.rules.reset();
  } else {
    info.rules = std::make_shared<const rules::RuleSet>(std::move(rs));
  }
}

// ------------------------------------------------------------------------ router sink

void Hub::assign(Id conv, Id agent) {
  run_background<Conversation>(
      [conv, agent](Store& st) -> Result<Conversation> {
        auto a = st.assign(conv, agent, now_ms());
        if (!a) return a.error();
        if (auto e = event(st, *a, "conversation.assigned", {{"agent", agent}, {"by", "auto"}}); !e) return e.error();
        return a;
      },
      [this, conv](Result<Conversation> r) {
        Millis now = now_ms();
        if (r) router_.update(*r, now);
        // On conflict someone took it by hand; either way the router looks again.
        router_.assign_done(conv, r.ok(), now);
        if (r) conv_changed(*r);  // with its answer_by
      });
}

void Hub::release(Id conv, Id agent, std::string_view reason) {
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
        if (r) {
          log::info("unanswered chat back in the queue", {{"conv", conv}, {"reason", reason}});
          conv_changed(*r);
        }
        router_.release_done(conv, r.ok(), now_ms());  // failed: answered or closed meanwhile
      });
}

boost::json::object Hub::presence_json(const Router::Presence& p) const {
  return {{"agent", p.agent}, {"name", p.name}, {"status", status_name(p.status)}, {"active", p.active}, {"capacity", p.capacity}};
}

void Hub::presence_changed(Id agent) { publish_presence(agent); }

void Hub::publish_presence(Id agent) {
  auto p = router_.presence(agent);
  if (!p) return;
  auto f = proto::frame("presence", {{"presence", presence_json(*p)}});
  for (Id t : router_.tenants_of(agent)) pubsub_.publish(topic_tenant(t), Envelope{f, 0});
}

void Hub::availability_changed(Id tenant, bool open) {
  log::info(open ? "live chat opened" : "live chat closed", {{"tenant", tenant}});
  pubsub_.publish(topic_avail(tenant), Envelope{proto::frame("avail", avail_json(tenant, now_ms())), 0});
}

void Hub::queue_position(Id conv, Id visitor, int position, Millis eta_ms) {
  pubsub_.publish(topic_visitor(visitor),
                  Envelope{proto::frame("queue", {{"conv", conv}, {"position", position}, {"eta", eta_ms / 1000}}), conv});
}

// ---------------------------------------------------------------------------------- REST

boost::json::array Hub::presence_of(Id tenant) const {
  boost::json::array out;
  for (const auto& p : router_.presence_of(tenant)) out.push_back(presence_json(p));
  return out;
}

boost::json::object Hub::queue_of(Id tenant, std::size_t offset, Millis now) const {
  boost::json::array list;
  for (const auto& q : router_.queue(tenant, offset, limits::kQueuePage, now)) {
    list.push_back(boost::json::object{
        {"conv", q.conv}, {"position", q.position}, {"waiting_ms", now - q.since}, {"eta_seconds", q.eta_ms / 1000}});
  }
  return {{"queue", std::move(list)}, {"total", router_.queue_length(tenant)}, {"offset", offset}};
}

Status Hub::set_status(Id agent, std::string_view status) {
  if (status != "online" && status != "away") return Error::bad_request("status must be online or away");
  return router_.set_status(agent, status == "online" ? routing::Presence::kOnline : routing::Presence::kAway, now_ms());
}

void Hub::session_ended(const std::string& session_hash) {
  std::vector<AgentSession*> ended;
  for (AgentSession* s : agents_online_) {
    if (s->identity_.session_hash == session_hash) ended.push_back(s);
  }
  for (AgentSession* s : ended) end_session(*s);
}

void Hub::end_session(AgentSession& s) {
  if (s.ended_) return;
  s.ended_ = true;
  s.send(proto::error_frame(Error::unauthorized("your session has ended; log in again")));
  s.close(kCloseSessionEnded, "session ended");
}

// ---------------------------------------------------------------------------------- tick

void Hub::tick(Millis now) {
  router_.tick(now);
  // Sessions that expired while their console stayed open end like a logout.
  std::vector<AgentSession*> expired;
  for (AgentSession* s : agents_online_) {
    if (s->identity_.session_expires_at > 0 && s->identity_.session_expires_at <= now) expired.push_back(s);
  }
  for (AgentSession* s : expired) end_session(*s);
  if (!shutting_down_) {
    for (const auto& due : lifecycle_.due(now)) close_stale(due);
  }
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
  flush_previews();
  publish_counts();
  if (now - last_sweep_ >= 60'000) {
    abuse_.sweep(now);
    last_sweep_ = now;
  }
}

void Hub::flush_previews() {
  std::unordered_map<Id, boost::json::array> by_tenant;
  for (Id id : previews_) {
    const Conversation* c = directory_.find(id);
    if (!c || c->status != conv_status::kWaiting) continue;
    by_tenant[c->tenant_id].push_back(
        boost::json::object{{"conv", c->id}, {"last_seq", c->last_seq}, {"last_at", c->last_at}, {"preview", c->preview}});
  }
  previews_.clear();
  for (auto& [tenant, list] : by_tenant) {
    for (std::size_t i = 0; i < list.size(); i += limits::kListPage) {
      boost::json::array page(list.begin() + static_cast<std::ptrdiff_t>(i),
                              list.begin() + static_cast<std::ptrdiff_t>(std::min(list.size(), i + limits::kListPage)));
      pubsub_.publish(topic_tenant(tenant), Envelope{proto::frame("previews", {{"tenant", tenant}, {"list", std::move(page)}}), 0});
    }
  }
}

void Hub::publish_counts() {
  for (Id tenant : directory_.take_changed()) {
    auto c = directory_.counts(tenant);
    pubsub_.publish(topic_tenant(tenant),
                    Envelope{proto::frame("counts", {{"tenant", tenant}, {"waiting", c.waiting}, {"inbox", c.inbox}, {"active", c.active}}), 0});
  }
}

// Closes a chat the lifecycle says nobody will continue; the store re-checks that it still
// qualifies (a message or an agent may have arrived while the job waited).
void Hub::close_stale(const Lifecycle::Due& due) {
  if (!closing_.insert(due.conv).second) return;
  bool missed = due.reason == Lifecycle::Reason::kMissed;
  Millis idle_ms = now_ms() - due.since;
  struct Closed {
    Conversation conv;
    std::optional<Message> line;
    bool closed = false;
  };
  run_background<Closed>(
      [conv = due.conv, missed, since = due.since, idle_ms](Store& st) -> Result<Closed> {
        auto c = st.conversation(conv);
        if (!c) return c.error();
        Closed r{*c, std::nullopt, false};
        if (c->status == conv_status::kClosed) return r;
        if (missed ? c->status != conv_status::kWaiting : c->last_at > since) return r;  // no longer due
        if (!missed) {
          auto visitor = st.visitor_by_id(c->visitor_id);
          if (!visitor) return visitor.error();
          auto a = st.append_message(system_line(conv, idle_line(visitor->lang, idle_ms)));
          if (!a) return a.error();
          r.line = a->msg;
        }
        auto closed = st.close(conv, now_ms());
        if (!closed) return closed.error();
        if (auto e = event(st, *closed, "conversation.closed",
                           {{"by", "system"}, {"reason", missed ? "missed" : "idle"}, {"after_ms", idle_ms}});
            !e) {
          return e.error();
        }
        r.conv = std::move(closed).value();
        r.closed = true;
        return r;
      },
      [this, conv = due.conv, missed](Result<Closed> r) {
        closing_.erase(conv);
        if (!r) {
          log::warn("closing a stale chat failed", {{"conv", conv}, {"error", r.error().message}});
          return;
        }
        if (r->closed) {
          log::info(missed ? "missed chat closed" : "idle chat closed", {{"conv", conv}});
          if (r->line) publish_message(*r->line, r->conv.visitor_id, nullptr);
        }
        conv_changed(r->conv, r->closed);  // still open: the lifecycle re-arms from its state
      });
}

}  // namespace tiski
