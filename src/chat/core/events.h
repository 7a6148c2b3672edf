// Domain events: every change the chat makes is one of these types, produced by the code that
// made it, recorded in the store's `events` table in the same transaction (the kinds below, by
// name), and published on the EventBus after the commit. Fan-out to sockets, routing,
// presence, the live visitor list, the consoles' lists and the email outbox are subscribers;
// analytics, webhooks and other nodes will be too.
//
// A conversation event carries the conversation as it is after the change, so a subscriber
// never reads the store to react.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.h"

namespace tiski::events {

// The recorded kinds, as the events table names them. One enum: no string literals elsewhere.
enum class Kind : std::uint8_t {
  kConversationCreated,
  kConversationAssigned,
  kConversationReassigned,
  kConversationTransferred,
  kConversationClosed,
  kConversationContact,
  kInvitationShown,
  kInvitationDismissed,
  kInvitationAccepted,
  kSignalDetected,
  kVisitorLeft,
  kVisitorReturned,
  kAgentStatus,
  kConversationOutcome,
  kCsatShown,
  kCsatAnswered,
  kConversionRecorded,
  kInvitationHeldOut,
};
std::string_view name(Kind k);

// Who assigned a conversation and how ("by" in the event).
enum class By : std::uint8_t { kAuto, kTake, kReply, kStart };
std::string_view by_name(By b);

struct ConversationCreated {
  static constexpr Kind kKind = Kind::kConversationCreated;
  Conversation conv;
  std::optional<Id> agent;  // origin agent: who started it
  boost::json::object data() const;
};
struct ConversationAssigned {
  static constexpr Kind kKind = Kind::kConversationAssigned;
  Conversation conv;
  Id agent = 0;
  By by = By::kAuto;
  boost::json::object data() const;
};
struct ConversationReassigned {  // an unanswered chat taken back from its agent
  static constexpr Kind kKind = Kind::kConversationReassigned;
  Conversation conv;
  Id from = 0;
  std::string reason;  // "no answer", "agent offline"
  boost::json::object data() const;
};
struct ConversationTransferred {
  static constexpr Kind kKind = Kind::kConversationTransferred;
  Conversation conv;
  Id from = 0;
  std::optional<Id> to;
  std::optional<Id> team;
  std::string note;
  bool taken_over = false;  // a supervisor took it for themselves (no answer timer: they chose it)
  boost::json::object data() const;
};
struct ConversationClosed {
  static constexpr Kind kKind = Kind::kConversationClosed;
  Conversation conv;
  std::string by;  // "agent", "visitor", "system"
  std::optional<Id> agent;
  std::string reason;  // by system: "missed" or "idle"
  Millis after_ms = 0;
  boost::json::object data() const;
};
struct ConversationContact {  // the visitor left an address for the answer
  static constexpr Kind kKind = Kind::kConversationContact;
  Conversation conv;
  boost::json::object data() const;
};
struct InvitationShown {
  static constexpr Kind kKind = Kind::kInvitationShown;
  Invitation inv;
  boost::json::object data() const;
};
struct InvitationDismissed {
  static constexpr Kind kKind = Kind::kInvitationDismissed;
  Invitation inv;
  boost::json::object data() const;
};
struct InvitationAccepted {
  static constexpr Kind kKind = Kind::kInvitationAccepted;
  Conversation conv;
  std::int64_t rule = 0;
  boost::json::object data() const;
};
struct SignalDetected {
  static constexpr Kind kKind = Kind::kSignalDetected;
  Conversation conv;
  std::vector<std::string> signals;  // the new ones
  boost::json::object data() const;
};

struct VisitorLeft {  // the visitor of an open chat left: their last tab gone for the grace period
  static constexpr Kind kKind = Kind::kVisitorLeft;
  Conversation conv;
  Millis at = 0;  // when the last tab went: the event's time, not the moment it was noticed
  boost::json::object data() const { return {}; }
};
struct VisitorReturned {  // ...and came back while the chat was still open
  static constexpr Kind kKind = Kind::kVisitorReturned;
  Conversation conv;
  boost::json::object data() const { return {}; }
};

struct AgentStatus {  // an agent became online, away or offline (recorded once per tenant of theirs)
  static constexpr Kind kKind = Kind::kAgentStatus;
  Id tenant = 0;
  Id agent = 0;
  std::string status;  // "online", "away", "offline"
  boost::json::object data() const { return {{"agent", agent}, {"status", status}}; }
};

struct ConversationOutcome {  // an agent set what came of it (outcome, channel, tags)
  static constexpr Kind kKind = Kind::kConversationOutcome;
  Conversation conv;
  Id agent = 0;
  boost::json::object data() const;
};
struct CsatShown {  // the widget showed the satisfaction survey (first time only)
  static constexpr Kind kKind = Kind::kCsatShown;
  Conversation conv;
  boost::json::object data() const { return {}; }
};
struct CsatAnswered {  // ...and the visitor answered it
  static constexpr Kind kKind = Kind::kCsatAnswered;
  Conversation conv;
  boost::json::object data() const;
};
struct ConversionRecorded {  // the shop reported an order or a lead (credited to conv_id, if any)
  static constexpr Kind kKind = Kind::kConversionRecorded;
  Conversion conversion;
  Id tenant = 0;
  std::optional<Id> conv_id;
  boost::json::object data() const;
};
struct InvitationHeldOut {  // a rule fired but the visit was, at random, held out (not invited)
  static constexpr Kind kKind = Kind::kInvitationHeldOut;
  Invitation inv;
  boost::json::object data() const;
};

// Changes that are not recorded as events rows (the rows themselves are the record).
struct ConversationUpdated {  // the visitor moved to another page, and the like
  Conversation conv;
};
struct MessageStored {
  Message msg;
  Id visitor = 0;
  std::uint64_t from_session = 0;  // the sender's session: it gets an ack, not the message
};
struct MailChanged {
  OutMail mail;
};
struct TagsAdded {  // a tenant's tag list grew (the tags table is the record)
  Id tenant = 0;
  std::vector<std::string> tags;
};

// Notifications between modules about state kept in memory (not stored, not recorded).
struct AgentStatusChanged {  // presence: online, away, offline; or capacity
  Id agent = 0;
};
struct AgentLoadChanged {  // routing: the number of chats an agent holds
  Id agent = 0;
};
struct AvailabilityChanged {  // live chat opened or closed for a tenant's visitors
  Id tenant = 0;
  bool open = false;
};
struct QueuePositionChanged {
  Id conv = 0;
  Id visitor = 0;
  int position = 0;
  Millis eta_ms = 0;
};
struct HooksQueued {  // the job queued webhook deliveries: the sender looks for due ones
  int count = 0;
};
struct VisitorPresence {  // a visitor's first tab opened, or the last one closed
  Id visitor = 0;
  bool present = false;
};

// One of the events a store job produced, in the order it produced them.
using Event = std::variant<ConversationCreated, ConversationAssigned, ConversationReassigned, ConversationTransferred,
                           ConversationClosed, ConversationContact, InvitationShown, InvitationDismissed,
                           InvitationAccepted, SignalDetected, VisitorLeft, VisitorReturned, AgentStatus,
                           ConversationOutcome, CsatShown, CsatAnswered, ConversionRecorded, InvitationHeldOut,
                           ConversationUpdated, MessageStored, MailChanged, TagsAdded, HooksQueued>;

// Collects the events of one store job and records the recordable ones in the job's
// transaction: a failed job records nothing and publishes nothing.
class Recorder {
 public:
  Recorder(Store& st, Millis now) : st_(st), now_(now) {}
  template <class E>
  Status add(E e) {
    if constexpr (requires { E::kKind; }) {
      Millis at = now_;
      if constexpr (requires { e.at; }) at = e.at;  // an event that happened before it was noticed
      TRY_OK(record(E::kKind, tenant_of(e), conv_of(e), e.data(), at));
    }
    events_.emplace_back(std::move(e));
    return queue_hooks(events_.back());
  }
  std::vector<Event> take() {
    if (hooks_queued_ > 0) events_.emplace_back(HooksQueued{hooks_queued_});
    hooks_queued_ = 0;
    return std::move(events_);
  }
  // The time of the job (the Clock's, read when the job began).
  Millis now() const { return now_; }

 private:
  Status record(Kind k, Id tenant, std::optional<Id> conv, const boost::json::object& data, Millis at);
  // Queues the webhook deliveries of the event, if it is one (chat/core/hook_events.h).
  Status queue_hooks(const Event& e);
  template <class E>
  static Id tenant_of(const E& e) {
    if constexpr (requires { e.conv; })
      return e.conv.tenant_id;
    else if constexpr (requires { e.inv; })
      return e.inv.tenant_id;
    else
      return e.tenant;
  }
  template <class E>
  static std::optional<Id> conv_of(const E& e) {
    if constexpr (requires { e.conv; })
      return e.conv.id;
    else if constexpr (requires { e.conv_id; })
      return e.conv_id;
    else
      return std::nullopt;
  }
  Store& st_;
  Millis now_;
  std::vector<Event> events_;
  int hooks_queued_ = 0;
};

// The conversation an event is about, if any (after the change).
const Conversation* conversation_of(const Event& e);

}  // namespace tiski::events
