// The gateway's fan-out: every change on the bus becomes frames for the clients concerned —
// a conversation's state for its tenant's consoles ("t:") and its visitor ("v:"), a message
// for the consoles watching it ("c:") and the visitor's tabs, presence, availability, queue
// positions and email delivery — and keeps the consoles' lists (ConvDirectory) current.
#include <boost/json/serialize.hpp>

#include "chat/gateway/gateway.h"
#include "util/limits.h"
#include "util/log.h"

namespace tiski {

void Gateway::subscribe_events() {
  using namespace events;
  auto& bus = d_.bus;
  auto both = [this](const Conversation& c) { conversation(c, true); };
  auto agents_only = [this](const Conversation& c) { conversation(c, false); };  // the visitor's view is unchanged
  bus.on<ConversationCreated>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationAssigned>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationReassigned>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationTransferred>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationClosed>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationContact>([both](const auto& e) { both(e.conv); });
  bus.on<ConversationUpdated>([agents_only](const auto& e) { agents_only(e.conv); });
  bus.on<SignalDetected>([agents_only](const auto& e) { agents_only(e.conv); });
  bus.on<ConversationOutcome>([agents_only](const auto& e) { agents_only(e.conv); });
  bus.on<CsatAnswered>([both](const auto& e) { both(e.conv); });
  bus.on<VisitorLeft>([agents_only](const auto& e) { agents_only(e.conv); });  // visitor_left_at
  bus.on<VisitorReturned>([agents_only](const auto& e) { agents_only(e.conv); });
  bus.on<TagsAdded>([this](const auto& e) {
    boost::json::array tags;
    for (const auto& t : d_.outcomes.tags(e.tenant)) tags.push_back(boost::json::string(t));
    d_.pubsub.publish(topic_tenant(e.tenant),
                      Envelope{proto::frame("tags", {{"tenant", e.tenant}, {"tags", std::move(tags)}}), 0});
  });
  bus.on<MessageStored>([this](const auto& e) { message(e); });
  bus.on<MailChanged>([this](const auto& e) {
    d_.pubsub.publish(topic_conv(e.mail.conv_id),
                      Envelope{proto::frame("mail", {{"mail", proto::mail_json(e.mail)}}), e.mail.conv_id});
  });
  bus.on<AgentStatusChanged>([this](const auto& e) { publish_presence(e.agent); });
  bus.on<AgentLoadChanged>([this](const auto& e) { publish_presence(e.agent); });
  bus.on<AvailabilityChanged>([this](const auto& e) {
    log::info(e.open ? "live chat opened" : "live chat closed", {{"tenant", e.tenant}});
    proto::visitor_server::Avail avail{e.open, d_.presence.opens_at(e.tenant)};
    d_.pubsub.publish(topic_avail(e.tenant), Envelope{proto::frame(avail), 0});
  });
  bus.on<QueuePositionChanged>([this](const auto& e) {
    d_.pubsub.publish(
        topic_visitor(e.visitor),
        Envelope{proto::frame(proto::visitor_server::Queue{e.conv, e.position, e.eta_ms / 1000}), e.conv});
  });
}

std::string Gateway::conv_json(const Conversation& c) const {
  auto o = proto::conversation_json(c);
  if (auto by = d_.router.answer_by(c.id)) o["answer_by"] = *by;
  return boost::json::serialize(o);
}

void Gateway::conversation(const Conversation& c, bool to_visitor) {
  std::string json = conv_json(c);
  auto frame = std::make_shared<const std::string>(R"({"t":"conv","conv":)" + json + "}");
  directory_.update(c, std::move(json));
  previews_.erase(c.id);
  d_.pubsub.publish(topic_tenant(c.tenant_id), Envelope{frame, 0});
  if (to_visitor) {
    d_.pubsub.publish(topic_visitor(c.visitor_id),
                      Envelope{proto::frame("conv", {{"conv", proto::visitor_conv_json(c)}}), c.id});
  }
}

void Gateway::message(const events::MessageStored& e) {
  const Message& m = e.msg;
  auto f = proto::frame("msg", {{"m", proto::message_json(m)}});
  d_.metrics.messages_total.inc();
  // The consoles' lists show each chat's last message: the directory learns it now. Consoles do
  // not watch the queue, so a waiting chat's new message reaches them in the tenant's next
  // `previews` frame (one a second at most, however many chats changed).
  if (directory_.touch(m.conv_id, m.seq, m.at, message_preview(m))) {
    if (const Conversation* c = directory_.find(m.conv_id); c && c->status == conv_status::kWaiting)
      previews_.insert(m.conv_id);
  }
  const Subscriber* sender = nullptr;  // it gets an ack instead
  if (auto it = sessions_.find(e.from_session); it != sessions_.end()) sender = it->second;
  d_.pubsub.publish(topic_conv(m.conv_id), Envelope{f, m.conv_id}, sender);
  if (m.author != "note")
    d_.pubsub.publish(topic_visitor(e.visitor), Envelope{f, m.conv_id}, sender);  // notes: agents only
}

void Gateway::publish_presence(Id agent) {
  const auto* a = d_.presence.agent(agent);
  if (!a) return;
  for (Id t : a->profile.tenants) {  // each tenant's agents are told of that tenant
    auto f = proto::frame("presence", {{"presence", presence_json(agent, {t})}});
    d_.pubsub.publish(topic_tenant(t), Envelope{f, 0});
  }
}

void Gateway::flush_previews() {
  std::unordered_map<Id, boost::json::array> by_tenant;
  for (Id id : previews_) {
    const Conversation* c = directory_.find(id);
    if (!c || c->status != conv_status::kWaiting) continue;
    by_tenant[c->tenant_id].push_back(boost::json::object{
        {"conv", c->id}, {"last_seq", c->last_seq}, {"last_at", c->last_at}, {"preview", c->preview}});
  }
  previews_.clear();
  for (auto& [tenant, list] : by_tenant) {
    for (std::size_t i = 0; i < list.size(); i += limits::kListPage) {
      boost::json::array page(list.begin() + static_cast<std::ptrdiff_t>(i),
                              list.begin() + static_cast<std::ptrdiff_t>(std::min(list.size(), i + limits::kListPage)));
      d_.pubsub.publish(topic_tenant(tenant),
                        Envelope{proto::frame("previews", {{"tenant", tenant}, {"list", std::move(page)}}), 0});
    }
  }
}

void Gateway::publish_counts() {
  for (Id tenant : directory_.take_changed()) {
    auto c = directory_.counts(tenant);
    d_.pubsub.publish(topic_tenant(tenant),
                      Envelope{proto::frame(proto::agent_server::Counts{tenant, c.waiting, c.inbox, c.active}), 0});
  }
}

}  // namespace tiski
