// The agent's commands on conversations: take, reply (or an internal note), close, transfer,
// start a chat with a visitor.
#include <algorithm>

#include "chat/contacts/contacts.h"
#include "chat/conversations/conversations.h"
#include "chat/conversations/records.h"
#include "chat/desk/cards.h"
#include "chat/presence/response_targets.h"
#include "chat/rights.h"
#include "util/i18n.h"

namespace tiski {

using conversations::append_with_files;
using conversations::by_agent;
using conversations::system_line;
using conversations::visible_conversation;
using events::Recorder;

namespace {

// A supervisor (or admin) of the tenant takes an active chat from its agent (docs/desk.md,
// "Supervisor live view"): a transfer to themselves, with the visitor told as for any transfer.
Result<Conversation> take_over(Store& st, Recorder& rec, const AgentIdentity& who, const Conversation& c) {
  if (!rights::allows("take.over", who.role_in(c.tenant_id), who.agent.owner)) {
    return Error::forbidden(c.assignee_name + " is serving this conversation; supervisors and admins may take it over");
  }
  TRY(st.transfer(c.id, *c.assignee_id, who.agent.id, rec.now()));
  auto visitor = TRY(st.visitor_by_id(c.visitor_id));
  auto line = i18n::text("transfer.to_agent", visitor.lang, {{"name", who.agent.name}});
  auto a = TRY(st.append_message(system_line(c.id, line, rec.now())));
  auto fresh = TRY(st.conversation(c.id));
  TRY_OK(
      rec.add(events::ConversationTransferred{fresh, *c.assignee_id, who.agent.id, std::nullopt, "take over", true}));
  TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, 0}));
  return fresh;
}

}  // namespace

void Conversations::take(const AgentIdentity& who, Id conv, bool over, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [who, conv, over](Store& st, Recorder& rec) -> Result<Conversation> {
        auto c = TRY(visible_conversation(st, who, conv));
        if (c.status == conv_status::kActive && c.assignee_id && *c.assignee_id != who.agent.id) {
          if (!over) return Error::conflict(c.assignee_name + " is already serving this conversation");
          return take_over(st, rec, who, c);
        }
        auto a = TRY(st.assign(conv, who.agent.id, rec.now()));
        if (c.assignee_id != who.agent.id)
          TRY_OK(rec.add(events::ConversationAssigned{a, who.agent.id, events::By::kTake}));
        return a;
      },
      std::move(done));
}

void Conversations::reply(const AgentIdentity& who, Reply in, Done<Sent> done) {
  auto staged = in.files;
  jobs_.run<Sent>(
      [who, in = std::move(in), fs = files_](Store& st, Recorder& rec) -> Result<Sent> {
        auto c = TRY(visible_conversation(st, who, in.conv));
        if (c.status == conv_status::kClosed) return Error::conflict("the conversation is closed");
        Sent r;
        if (in.internal) {  // any agent of the tenant may leave a note; it assigns nothing
          auto a = TRY(append_with_files(st, fs, by_agent(who, in.conv, "note", in.body, in.cid, rec.now()), in.files,
                                         true, true, rec.now()));
          r.msg = a.msg;
          r.duplicate = a.duplicate;
          if (!a.duplicate) TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, in.session}));
          return r;
        }
        if (c.assignee_id && *c.assignee_id != who.agent.id) {
          return Error::forbidden("the conversation is assigned to " + c.assignee_name);
        }
        if (!c.assignee_id) {  // replying to a waiting chat takes it
          auto a = TRY(st.assign(in.conv, who.agent.id, rec.now()));
          TRY_OK(rec.add(events::ConversationAssigned{a, who.agent.id, events::By::kReply}));
        }
        auto a = TRY(append_with_files(st, fs, by_agent(who, in.conv, "agent", in.body, in.cid, rec.now()), in.files,
                                       false, true, rec.now()));
        r.msg = a.msg;
        r.duplicate = a.duplicate;
        if (!a.duplicate) TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, in.session}));
        if (!a.duplicate && c.due_at) {  // the customer's wait is answered: on time or late
          bool on_time = rec.now() <= *c.due_at;
          TRY_OK(rec.add(events::ConversationUpdated{TRY(st.set_due(c.id, std::nullopt, on_time, !on_time))}));
        }
        return r;
      },
      sweeping(std::move(staged), std::move(done)));
}

void Conversations::follow_up(const AgentIdentity& who, FollowUp in, Done<Sent> done) {
  jobs_.run<Sent>(
      [who, in = std::move(in)](Store& st, Recorder& rec) -> Result<Sent> {
        auto c = TRY(visible_conversation(st, who, in.conv));
        if (c.status == conv_status::kClosed) return Error::conflict("the conversation is closed");
        if (origin::is_inbox(c.origin)) return Error::conflict("this conversation is answered by email already");
        if (c.assignee_id && *c.assignee_id != who.agent.id)
          return Error::forbidden("the conversation is assigned to " + c.assignee_name);
        auto key = TRY(contacts::make_key(contacts::kEmail, in.email));
        if (!c.assignee_id) {
          auto a = TRY(st.assign(in.conv, who.agent.id, rec.now()));
          TRY_OK(rec.add(events::ConversationAssigned{a, who.agent.id, events::By::kReply}));
        }
        c = TRY(st.set_contact(c.id, in.name.empty() ? c.contact_name : in.name, key.value));
        TRY_OK(rec.add(events::ConversationContact{c}));
        TRY(contacts::attach(st, TRY(st.visitor_by_id(c.visitor_id)), {key}, in.name, rec.now()));
        auto a = TRY(st.append_message(by_agent(who, c.id, "agent", in.note, in.cid, rec.now())));
        Sent r;
        r.msg = a.msg;
        r.duplicate = a.duplicate;
        if (a.duplicate) return r;
        TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, 0}));
        auto o = TRY(st.set_outcome(c.id, outcome::kRedirected, "email", c.tags));
        TRY_OK(rec.add(events::ConversationOutcome{o, who.agent.id}));
        auto t = TRY(st.tenant_by_id(c.tenant_id));
        if (auto due = due_at(stored_targets(t.response_targets), t.hours, origin::kEmail, rec.now()))
          TRY_OK(rec.add(events::ConversationUpdated{TRY(st.set_due(c.id, due, 0, 0))}));
        return r;
      },
      std::move(done));
}

void Conversations::send_card(const AgentIdentity& who, CardSend in, Done<Sent> done) {
  jobs_.run<Sent>(
      [who, in = std::move(in)](Store& st, Recorder& rec) -> Result<Sent> {
        auto c = TRY(visible_conversation(st, who, in.conv));
        if (c.status == conv_status::kClosed) return Error::conflict("the conversation is closed");
        if (c.assignee_id && *c.assignee_id != who.agent.id)
          return Error::forbidden("the conversation is assigned to " + c.assignee_name);
        auto cards = desk::stored_cards(TRY(st.tenant_by_id(c.tenant_id)).channel_cards);
        auto card = std::find_if(cards.begin(), cards.end(), [&](const auto& x) { return x.id == in.card; });
        if (card == cards.end())
          return Error::not_found("no channel card '" + clip(in.card, 40) + "' for this company");
        if (!c.assignee_id) {
          auto a = TRY(st.assign(in.conv, who.agent.id, rec.now()));
          TRY_OK(rec.add(events::ConversationAssigned{a, who.agent.id, events::By::kReply}));
        }
        auto line = by_agent(who, c.id, "agent", desk::card_body(*card), in.cid, rec.now());
        line.card = boost::json::serialize(desk::card_json(*card));
        auto a = TRY(st.append_message(line));
        Sent r;
        r.msg = a.msg;
        r.duplicate = a.duplicate;
        if (a.duplicate) return r;
        TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, in.session}));
        // Where it continues is what came of it (the agent may still change it).
        auto o = TRY(st.set_outcome(c.id, outcome::kRedirected, card->channel, c.tags));
        TRY_OK(rec.add(events::ConversationOutcome{o, who.agent.id}));
        if (c.due_at) {
          bool on_time = rec.now() <= *c.due_at;
          TRY_OK(rec.add(events::ConversationUpdated{TRY(st.set_due(c.id, std::nullopt, on_time, !on_time))}));
        }
        return r;
      },
      std::move(done));
}

void Conversations::close_by_agent(const AgentIdentity& who, Id conv, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [who, conv](Store& st, Recorder& rec) -> Result<Conversation> {
        auto c = TRY(visible_conversation(st, who, conv));
        bool mine = !c.assignee_id || c.assignee_id == who.agent.id;
        if (!mine && c.status != conv_status::kClosed &&
            !rights::allows("close.others", who.role_in(c.tenant_id), who.agent.owner))
          return Error::forbidden("only the agent of the conversation or a supervisor can close it");
        if (c.outcome.empty() && c.status != conv_status::kClosed && TRY(st.tenant_by_id(c.tenant_id)).outcome_required)
          return Error::conflict("choose an outcome before closing this chat");
        auto closed = TRY(st.close(conv, rec.now()));
        TRY_OK(rec.add(events::ConversationClosed{closed, "agent", who.agent.id, "", 0}));
        return closed;
      },
      std::move(done));
}

void Conversations::transfer(const AgentIdentity& who, Transfer in, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [who, in = std::move(in)](Store& st, Recorder& rec) -> Result<Conversation> {
        auto c = TRY(visible_conversation(st, who, in.conv));
        if (in.to == who.agent.id) return Error::bad_request("the conversation is already yours");
        if (c.status != conv_status::kActive || c.assignee_id != who.agent.id) {
          return Error::conflict("only the agent handling an active conversation can transfer it");
        }
        // To a team (it waits for the team's next free agent) or to a colleague of the tenant.
        Conversation moved;
        std::string to_name;
        if (in.team != 0) {
          moved = TRY(st.transfer_to_team(in.conv, who.agent.id, in.team, rec.now()));
        } else {
          auto target = st.agent_by_id(in.to);
          if (!target) return target.error().code == Errc::kNotFound ? no_such_agent() : target.error();
          auto ms = TRY(st.memberships_of(in.to));
          if (std::none_of(ms.begin(), ms.end(), [&](const Membership& m) { return m.tenant_id == c.tenant_id; })) {
            return no_such_agent();
          }
          moved = TRY(st.transfer(in.conv, who.agent.id, in.to, rec.now()));
          to_name = target->name;
        }
        std::optional<Message> note;
        if (!in.note.empty()) note = TRY(st.append_message(by_agent(who, in.conv, "note", in.note, "", rec.now()))).msg;
        auto visitor = TRY(st.visitor_by_id(c.visitor_id));
        auto line = in.team != 0 ? i18n::text("transfer.to_team", visitor.lang, {{"team", moved.team_name}})
                                 : i18n::text("transfer.to_agent", visitor.lang, {{"name", to_name}});
        auto a = TRY(st.append_message(system_line(in.conv, line, rec.now())));
        auto fresh = TRY(st.conversation(in.conv));
        events::ConversationTransferred t{fresh, who.agent.id, std::nullopt, std::nullopt, in.note};
        if (in.team != 0)
          t.team = in.team;
        else
          t.to = in.to;
        TRY_OK(rec.add(std::move(t)));
        if (note) TRY_OK(rec.add(events::MessageStored{*note, c.visitor_id, 0}));
        TRY_OK(rec.add(events::MessageStored{a.msg, c.visitor_id, 0}));
        return fresh;
      },
      std::move(done));
}

void Conversations::start(const AgentIdentity& who, Id visitor, std::string cid, std::string body,
                          std::uint64_t session, Done<Sent> done) {
  jobs_.run<Sent>(
      [who, visitor, cid = std::move(cid), body = std::move(body), session](Store& st, Recorder& rec) -> Result<Sent> {
        auto open = TRY(st.open_conversation_of(visitor));
        if (open)
          return Error::conflict("the visitor already has an open conversation (#" + std::to_string(open->id) + ")");
        auto c = TRY(st.create_conversation(visitor, origin::kAgent, rec.now()));
        auto a = TRY(st.assign(c.id, who.agent.id, rec.now()));
        auto m = TRY(st.append_message(by_agent(who, c.id, "agent", body, cid, rec.now())));
        auto fresh = TRY(st.conversation(c.id));
        TRY_OK(rec.add(events::ConversationCreated{fresh, who.agent.id}));
        TRY_OK(rec.add(events::ConversationAssigned{fresh, who.agent.id, events::By::kStart}));
        TRY_OK(rec.add(events::MessageStored{m.msg, visitor, session}));
        (void)a;
        return Sent{m.msg, false, fresh, std::nullopt};
      },
      std::move(done));
}

}  // namespace tiski
