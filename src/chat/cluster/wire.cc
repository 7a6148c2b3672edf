#include "chat/cluster/wire.h"

#include <boost/describe.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>
#include <boost/mp11/algorithm.hpp>

namespace tiski {

// A record that grew a field must be listed below too (the sizes are this platform's, g++ 12
// on x86-64: the check exists to fail, not to be portable).
static_assert(sizeof(Conversation) == 728, "Conversation changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(Message) == 256, "Message changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(FileRef) == 136, "FileRef changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(Invitation) == 120, "Invitation changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(Conversion) == 216, "Conversion changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(Block) == 144, "Block changed: list its fields in chat/cluster/wire.cc");
static_assert(sizeof(OutMail) == 232, "OutMail changed: list its fields in chat/cluster/wire.cc");

BOOST_DESCRIBE_STRUCT(Conversation, (),
                      (id, tenant_id, site_id, visitor_id, status, origin, assignee_id, created_at, assigned_at,
                       closed_at, last_seq, last_at, preview, contact_name, contact_email, team_id, team_name, rule_id,
                       signals, outcome, outcome_channel, tags, csat, csat_comment, csat_shown_at, visitor_number,
                       visitor_left_at, tenant_name, site_name, assignee_name, page_url, page_title, lang, due_at))
BOOST_DESCRIBE_STRUCT(FileRef, (), (id, name, type, size, image, width, height, refused, body))
BOOST_DESCRIBE_STRUCT(Message, (), (conv_id, seq, author, author_id, author_name, body, cid, at, quoted, files, card))
BOOST_DESCRIBE_STRUCT(Invitation, (),
                      (id, tenant_id, site_id, visitor_id, rule_id, visit, shown_at, dismissed_at, conv_id, held_out))
BOOST_DESCRIBE_STRUCT(Conversion, (),
                      (id, tenant_id, site_id, visitor_id, kind, ref, value_cents, currency, at, source, conv_id,
                       agent_id))
BOOST_DESCRIBE_STRUCT(Block, (),
                      (id, tenant_id, visitor_id, ip, conv_id, visitor_number, reason, created_by, created_at,
                       expires_at, lifted_at, lifted_by))
BOOST_DESCRIBE_STRUCT(OutMail, (),
                      (id, tenant_id, conv_id, seq, to, message_id, mime, status, attempts, next_at, error, created_at,
                       sent_at))

namespace events {

BOOST_DESCRIBE_ENUM(By, kAuto, kTake, kReply, kStart)
BOOST_DESCRIBE_STRUCT(ConversationCreated, (), (conv, agent))
BOOST_DESCRIBE_STRUCT(ConversationAssigned, (), (conv, agent, by))
BOOST_DESCRIBE_STRUCT(ConversationReassigned, (), (conv, from, reason))
BOOST_DESCRIBE_STRUCT(ConversationTransferred, (), (conv, from, to, team, note, taken_over))
BOOST_DESCRIBE_STRUCT(ConversationClosed, (), (conv, by, agent, reason, after_ms))
BOOST_DESCRIBE_STRUCT(ConversationContact, (), (conv))
BOOST_DESCRIBE_STRUCT(InvitationShown, (), (inv))
BOOST_DESCRIBE_STRUCT(InvitationDismissed, (), (inv))
BOOST_DESCRIBE_STRUCT(InvitationAccepted, (), (conv, rule))
BOOST_DESCRIBE_STRUCT(SignalDetected, (), (conv, signals))
BOOST_DESCRIBE_STRUCT(VisitorLeft, (), (conv, at))
BOOST_DESCRIBE_STRUCT(VisitorReturned, (), (conv))
BOOST_DESCRIBE_STRUCT(AgentStatus, (), (tenant, agent, status))
BOOST_DESCRIBE_STRUCT(ConversationOutcome, (), (conv, agent))
BOOST_DESCRIBE_STRUCT(CsatShown, (), (conv))
BOOST_DESCRIBE_STRUCT(CsatAnswered, (), (conv))
BOOST_DESCRIBE_STRUCT(ConversionRecorded, (), (conversion, tenant, conv_id))
BOOST_DESCRIBE_STRUCT(InvitationHeldOut, (), (inv))
BOOST_DESCRIBE_STRUCT(ConversationUpdated, (), (conv))
BOOST_DESCRIBE_STRUCT(MessageStored, (), (msg, visitor))  // not from_session: the sender's node's own
BOOST_DESCRIBE_STRUCT(MailChanged, (), (mail))
BOOST_DESCRIBE_STRUCT(TagsAdded, (), (tenant, tags))
BOOST_DESCRIBE_STRUCT(HooksQueued, (), (count))

}  // namespace events

namespace cluster {

namespace json = boost::json;

json::array encode(const std::vector<events::Event>& list) {
  json::array out;
  out.reserve(list.size());
  for (const auto& e : list) {
    out.push_back(json::array{e.index(), std::visit([](const auto& x) { return json::value_from(x); }, e)});
  }
  return out;
}

Result<std::vector<events::Event>> decode(const json::value& v) {
  const auto* list = v.if_array();
  if (!list) return Error::bad_request("events: not an array");
  std::vector<events::Event> out;
  out.reserve(list->size());
  try {
    for (const auto& item : *list) {
      const auto& pair = item.as_array();
      auto index = pair.at(0).to_number<std::size_t>();
      if (index >= std::variant_size_v<events::Event>) return Error::bad_request("events: unknown kind");
      boost::mp11::mp_with_index<std::variant_size_v<events::Event>>(index, [&](auto i) {
        using E = std::variant_alternative_t<decltype(i)::value, events::Event>;
        out.emplace_back(json::value_to<E>(pair.at(1)));
      });
    }
  } catch (const std::exception& e) {
    return Error::bad_request(std::string("events: ") + e.what());
  }
  return out;
}

json::value block_json(const Block& b) { return json::value_from(b); }

Result<Block> block_of(const json::value& v) {
  try {
    return json::value_to<Block>(v);
  } catch (const std::exception& e) {
    return Error::bad_request(std::string("block: ") + e.what());
  }
}

}  // namespace cluster
}  // namespace tiski
