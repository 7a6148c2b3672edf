// A visitor tab's facts, invitations and buying signals; the live list is in live_visitors.cc.
#include "chat/proactive/proactive.h"

#include <algorithm>

#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

using namespace proactive;

Proactive::Proactive(Jobs& jobs, EventBus& bus, PubSub& pubsub, Metrics& metrics, Presence& presence, Router& router,
                     Conversations& conversations, const Sites& sites)
    : jobs_(jobs),
      bus_(bus),
      pubsub_(pubsub),
      metrics_(metrics),
      presence_(presence),
      router_(router),
      conversations_(conversations),
      sites_(sites) {
  using namespace events;
  bus.on<ConversationCreated>([this](const auto& e) { conversation(e.conv); });
  bus.on<ConversationClosed>([this](const auto& e) { conversation(e.conv); });
  bus.on<MessageStored>([this, &bus](const auto& e) {
    if (e.msg.author == "visitor" && !bus.remote()) signals_of(e.msg);  // the sender's node looks
  });
}

Status Proactive::begin(VisitorSession& s, const proto::visitor_client::Hello& f) {
  Millis now = jobs_.now();
  auto& p = s.prospect;
  p.facts.page_since = now;
  read_visit(f.visit, now, p.facts, p.visit);
  read_idle(f.idle, f.idle_ms, now, p.facts);
  if (f.page) {
    auto page = page_of(*f.page);
    p.facts.url = Interned(page.url);
    p.facts.category = Interned(page.category);
    p.title = Interned(page.title);
  }
  auto cart = cart_of(f.cart);
  p.facts.cart = cart ? shared_cart(*cart) : nullptr;
  if (!cart) return cart.error();
  return {};
}

void Proactive::welcomed(VisitorSession& s, const Visitor& visitor, const std::vector<Invitation>& shown,
                         const std::vector<PageView>& path) {
  auto& p = s.prospect;
  // Returning: the browser was known before this visit began.
  p.facts.returning = visitor.created_at < p.facts.visit_start - 1000;
  for (const auto& inv : shown) {
    if (!p.visit.empty() && p.visit == inv.visit) p.invites_made().history.shown_this_visit.insert(inv.rule_id);
    if (inv.dismissed_at) p.invites_made().history.dismissed_at[inv.rule_id] = *inv.dismissed_at;
  }
  prospects_.insert(&s);
  bool before = anywhere(visitor.id);
  auto& lv = live_[visitor.id];
  if (!lv.node.empty()) {  // their tabs were on another node: from now on this one's
    lv.node = Interned();
    lv.sessions = 0;
  }
  ++lv.sessions;
  tell_presence(visitor.id, before);
  lv.gone_at = 0;
  lv.number = visitor.number;
  lv.path.clear();
  for (const auto& pv : path) lv.path.push_back({Interned(pv.url), Interned(pv.title), Interned(pv.category), pv.at});
  live_from_session(s, false);
}

void Proactive::page(VisitorSession& s, const PageIn& page, int pages) {
  metrics_.track_frames_total.inc();
  auto& p = s.prospect;
  p.facts.url = Interned(page.url);
  p.facts.category = Interned(page.category);
  p.facts.page_since = jobs_.now();
  p.facts.idle_since = rules::Facts::kActive;
  p.facts.pages = std::clamp(pages, 1, 100'000);
  p.invited_this_page = false;  // a new page may bring an invitation; an unanswered one lapses
  if (p.invites) p.invites->rule = 0;
  p.title = Interned(page.title);
  live_from_session(s, true);
  jobs_.run<bool>(
      [visitor = s.visitor, visit = p.visit.str(), page](Store& st, events::Recorder& rec) -> Result<bool> {
        TRY_OK(st.update_visitor_page(visitor, page.url, page.title, rec.now()));
        TRY_OK(st.record_page_view({visitor, visit, page.url, page.title, page.category, rec.now()}));
        auto open = TRY(st.open_conversation_of(visitor));
        if (open) TRY_OK(rec.add(events::ConversationUpdated{*open}));  // agents see the new page
        return true;
      },
      [visitor = s.visitor](const Result<bool>& r) {
        if (!r) log::warn("a page view was not stored", {{"visitor", visitor}, {"error", r.error().message}});
      });
}

Status Proactive::track(VisitorSession& s, const proto::visitor_client::Track& f) {
  metrics_.track_frames_total.inc();
  auto& p = s.prospect;
  read_idle(f.idle, f.idle_ms, jobs_.now(), p.facts);
  if (!f.cart) return {};
  auto cart = TRY(cart_of(f.cart));
  p.facts.cart = shared_cart(cart);
  live_from_session(s, false);
  jobs_.run<bool>(
      [visitor = s.visitor, cart](Store& st, events::Recorder&) -> Result<bool> {
        TRY_OK(st.set_visitor_cart(visitor, cart));
        return true;
      },
      [visitor = s.visitor](const Result<bool>& r) {
        if (!r) log::warn("a cart was not stored", {{"visitor", visitor}, {"error", r.error().message}});
      });
  return {};
}

Status Proactive::dismiss(VisitorSession& s, std::int64_t rule) {
  auto& p = s.prospect;
  if (rule == 0 || rule != p.open_rule()) return Error::conflict("no such invitation is open");
  Millis now = jobs_.now();
  p.invites->rule = 0;
  p.invites->history.dismissed_at[rule] = now;
  jobs_.run<bool>(
      [visitor = s.visitor, rule, now](Store& st, events::Recorder& rec) -> Result<bool> {
        auto inv = TRY(st.dismiss_invitation(visitor, rule, now));
        TRY_OK(rec.add(events::InvitationDismissed{inv}));
        return true;
      },
      [visitor = s.visitor](const Result<bool>& r) {
        if (!r) log::warn("a dismissal was not stored", {{"visitor", visitor}, {"error", r.error().message}});
      });
  return {};
}

void Proactive::closed(VisitorSession& s) {
  prospects_.erase(&s);
  auto it = live_.find(s.visitor);
  if (s.visitor == 0 || it == live_.end() || --it->second.sessions > 0) return;
  it->second.sessions = 0;
  it->second.gone_at = jobs_.now();  // gone unless another tab (or the next page) connects soon
  tell_live(s.visitor, &it->second);
  held_elsewhere(s.visitor, it->second);
  tell_presence(s.visitor, true);  // still here if a tab of theirs is on another node
}

void Proactive::signals_of(const Message& m) {
  auto it = live_.find(m.author_id.value_or(0));
  std::int64_t cart = it == live_.end() || !it->second.cart ? -1 : it->second.cart->cents;
  std::string_view category = it == live_.end() ? std::string_view() : it->second.category.view();
  conversations_.add_signals(m.conv_id, signals::detect(phrases_, m.body, cart, category));
}

// Once a second: offers an invitation to each visitor whose site's rules say so — only while
// live chat is open (business hours, an agent online) and an agent has a free seat, and no
// more invitations per round than free seats.
void Proactive::invite_round(Millis now) {
  if (jobs_.shutting_down()) return;
  std::unordered_map<Id, int> seats;  // tenant -> free seats of online agents (computed lazily)
  auto free_seats = [&](Id tenant) -> int& {
    auto [it, fresh] = seats.try_emplace(tenant, 0);
    if (fresh) it->second = presence_.live_open(tenant) ? router_.free_seats(tenant) : 0;
    return it->second;
  };
  for (VisitorSession* s : prospects_) {
    auto& p = s->prospect;
    // Not to someone chatting or with the chat open (the widget would not show it, and counting
    // it shown, or its holdout, would skew the reports).
    if (!s->ready || s->conv != 0 || p.invited_this_page || p.panel_open) continue;
    const auto* site = sites_.by_id(s->site);
    if (!site || !site->rules) continue;
    int& free = free_seats(s->tenant);
    if (free <= 0) continue;  // nobody could answer (closed, or every seat taken)
    // The facts as they are, not a copy of them per visitor and second.
    const rules::Rule* r = rules::choose(*site->rules, p.facts, p.history(), {now, presence_.in_hours(s->tenant)});
    if (!r) continue;
    p.invited_this_page = true;
    auto& inv = p.invites_made();
    inv.history.shown_this_visit.insert(r->id);
    if (held_out(site->site, p.visit)) {  // the control group: recorded, never shown
      hold_out(
          Invitation{0, s->tenant, s->site, s->visitor, r->id, p.visit.str(), now, std::nullopt, std::nullopt, true});
      continue;
    }
    --free;
    inv.rule = r->id;
    inv.text = r->text_for(p.facts.lang.str());
    s->send(proto::frame(proto::visitor_server::Invite{r->id, inv.text, r->mode}));
    metrics_.invitations_total.inc();
    Invitation shown{0, s->tenant, s->site, s->visitor, r->id, p.visit.str(), now, std::nullopt, std::nullopt};
    jobs_.run<bool>(
        [shown](Store& st, events::Recorder& rec) -> Result<bool> {
          auto stored = TRY(st.record_invitation(shown));
          TRY_OK(rec.add(events::InvitationShown{stored}));
          return true;
        },
        [](const Result<bool>& r) {
          if (!r) log::warn("an invitation was not recorded", {{"error", r.error().message}});
        });
  }
}

// The holdout draw: a visit is held out when a hash of the site and the visit id falls in the
// site's share, so every rule, tab and reload of one visit lands on the same side, and visits
// are split at random (the visit id is random per visit).
bool Proactive::held_out(const Site& site, std::string_view visit) {
  if (site.holdout_percent <= 0) return false;
  if (visit.empty()) return false;  // no visit to keep it for: invite, as before holdouts existed
  auto h = crypto::sha256_hex(site.key + ":" + std::string(visit));
  auto bucket = std::stoul(h.substr(0, 8), nullptr, 16) % 100;
  return static_cast<int>(bucket) < site.holdout_percent;
}

void Proactive::hold_out(const Invitation& inv) {
  metrics_.invitations_held_out_total.inc();
  jobs_.run<bool>(
      [inv](Store& st, events::Recorder& rec) -> Result<bool> {
        auto stored = TRY(st.record_invitation(inv));
        TRY_OK(rec.add(events::InvitationHeldOut{stored}));
        return true;
      },
      [](const Result<bool>& r) {
        if (!r) log::warn("a held-out invitation was not recorded", {{"error", r.error().message}});
      });
}

void Proactive::tick() {
  Millis now = jobs_.now();
  invite_round(now);
  for (auto it = live_.begin(); it != live_.end();) {
    if (it->second.sessions == 0 && now - it->second.gone_at > limits::kVisitorGoneMs) {
      if (it->second.node.empty()) tell_live(it->first, nullptr);
      auto next = std::next(it);
      forget_live(it);
      it = next;
    } else {
      ++it;
    }
  }
  publish_live_counts();
}

}  // namespace tiski
