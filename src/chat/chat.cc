#include "chat/chat.h"

#include "chat/presence/hours.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski {

Result<ChatState> load_state(Store& st, bool settings_only) {
  ChatState s;
  s.tenants = TRY(st.tenants());
  std::vector<Id> ids;
  for (const auto& t : s.tenants) ids.push_back(t.id);
  s.sites = TRY(st.sites());
  s.teams = TRY(st.teams_of_tenants(ids));
  for (auto& a : TRY(st.agents())) {
    auto ms = TRY(st.memberships_of(a.id));
    auto teams = TRY(st.team_ids_of(a.id));
    s.agents.push_back({std::move(a), std::move(ms), std::move(teams)});
  }
  for (Id t : ids) s.tags[t] = TRY(st.tenant_tags(t, limits::kMaxTagsPerTenant));
  if (settings_only) return s;
  s.open = TRY(st.open_conversations(ids));
  s.blocks = TRY(st.active_blocks(0, now_ms(), limits::kMaxActiveBlocks));
  return s;
}

Chat::Chat(StoreWorker& store, PubSub& pubsub, Metrics& metrics, AbuseLimits& abuse, const Clock& clock,
           Jobs::Post post, ChatOptions o)
    : clock_(clock),
      metrics_(metrics),
      abuse_(abuse),
      token_secret_(o.token_secret),
      jobs_(store, bus_, clock, std::move(post)),
      presence_(o.presence, bus_, clock),
      conversations_(jobs_, bus_),
      outcomes_(jobs_, bus_),
      conversions_(jobs_),
      // Subscribes before the gateway: the consoles' frames show the router's view (answer_by).
      router_(o.routing, bus_, clock, presence_, conversations_),
      proactive_(jobs_, bus_, pubsub, metrics, presence_, router_, conversations_, sites_),
      outbox_(jobs_, bus_, std::move(o.mail), o.mail_configured),
      status_log_(jobs_, bus_, presence_),
      gateway_(Gateway::Deps{jobs_, bus_, pubsub, metrics, abuse, presence_, router_, conversations_, outcomes_,
                             conversions_, proactive_, sites_, std::move(o.token_secret), o.mail_configured}) {
  bus_.on<events::HooksQueued>([this](const auto&) { kick_webhooks(); });
  router_.set_owners(&owners_);
  conversations_.set_owners(&owners_);
  status_log_.set_owners(&owners_);
}

// Tenants' settings, sites and their rules, teams, agents: what an admin may change.
void Chat::apply_settings(const ChatState& s) {
  for (const auto& t : s.tenants) {
    set_tenant_hours(t.id, t.hours);
    set_tenant_lifecycle(t.id, t.missed_after_seconds, t.idle_close_seconds);
    auto tags = s.tags.find(t.id);
    outcomes_.set_tenant(t.id, t.outcome_required, tags == s.tags.end() ? std::vector<std::string>{} : tags->second);
  }
  for (const auto& site : s.sites) sites_.put(site);
  gateway_.load_teams(s.teams);
  for (const auto& k : s.agents) know_agent(k.agent, k.memberships, k.teams);
}

void Chat::load(const ChatState& s) {
  apply_settings(s);
  gateway_.load_blocks(s.blocks);
  for (const auto& c : s.open) {
    router_.load(c);
    // The other modules learn the open conversations as any change: one event each.
    bus_.publish(events::ConversationUpdated{c});
  }
  // Replies of the last week stored just before a stop may still owe their email.
  outbox_.recover(clock_.now() - 7 * 86'400'000LL);
}

void Chat::know_agent(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams) {
  presence_.know_agent(agent.id, profile_of(agent, memberships, teams));
}

void Chat::set_mailer(mail::Mailer* m) {
  mailer_ = m;
  outbox_.set_mailer(owners_.leads() ? m : nullptr);
}

void Chat::set_tenant_hours(Id tenant, const std::string& hours) {
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
  presence_.set_hours(tenant, std::move(h));
  tell_reload();
}

void Chat::set_tenant_lifecycle(Id tenant, int missed_after_seconds, int idle_close_seconds) {
  conversations_.set_lifecycle(
      tenant, LifecycleSettings{Millis{missed_after_seconds} * 1000, Millis{idle_close_seconds} * 1000});
  tell_reload();
}

boost::json::array Chat::presence_of(Id tenant) const {
  boost::json::array out;
  for (Id a : presence_.agents_of(tenant)) out.push_back(gateway_.presence_json(a, {tenant}));
  return out;
}

boost::json::object Chat::queue_of(Id tenant, std::size_t offset) const {
  Millis now = clock_.now();
  boost::json::array list;
  for (const auto& q : router_.queue(tenant, offset, limits::kQueuePage)) {
    list.push_back(boost::json::object{
        {"conv", q.conv}, {"position", q.position}, {"waiting_ms", now - q.since}, {"eta_seconds", q.eta_ms / 1000}});
  }
  return {{"queue", std::move(list)}, {"total", router_.queue_length(tenant)}, {"offset", offset}};
}

Status Chat::set_status(Id agent, std::string_view status) {
  if (status != "online" && status != "away") return Error::bad_request("status must be online or away");
  return presence_.set_status(agent, status == "online" ? Availability::kOnline : Availability::kAway);
}

void Chat::tick() {
  Millis now = clock_.now();
  presence_.tick();
  router_.tick();
  conversations_.tick();
  proactive_.tick();
  gateway_.tick();
  if (cluster_) cluster_->tick();
  if (now - last_count_ >= 1000) {  // once a second (tick may run more often)
    last_count_ = now;
    if (cluster_) {
      auto spent = abuse_.take_shared();
      // An empty report still goes once after one that named busy addresses: they are not any more.
      if (!spent.empty() || reported_connections_) cluster_->send_limits(limits_json(spent));
      reported_connections_ = !spent.connections.empty();
    }
    std::size_t owned = 0;
    for (Id t : presence_.tenant_ids()) {
      if (t != 0 && owners_.owns(t)) ++owned;
    }
    metrics_.cluster_nodes.set(cluster_ ? static_cast<std::int64_t>(cluster_->nodes().size()) : 1);
    metrics_.cluster_owned.set(static_cast<std::int64_t>(owned));
  }
  if (owners_.leads()) {  // the workspace's background senders run on one node
    if (mailer_) mailer_->tick(now);
    if (webhooks_) webhooks_->tick(now);
    if (fetcher_) fetcher_->tick(now);
  }
  if (now - last_sweep_ >= 60'000) {
    abuse_.sweep(now);
    last_sweep_ = now;
  }
}

}  // namespace tiski
