// Helpers shared by the hub's translation units (hub*.cc); not part of any interface.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <string_view>

#include "chat/auth.h"
#include "chat/hub.h"
#include "chat/protocol.h"
#include "chat/router.h"
#include "store/store.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/time.h"

namespace tiski::hub_detail {

inline constexpr std::uint16_t kClosePolicy = 1008;

inline std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Cuts at a UTF-8 character boundary.
inline std::string clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return std::string(s.substr(0, max));
}

// A message body as typed: control characters removed, then trimmed.
inline std::string body_of(const boost::json::object& f, std::string_view key = "body") {
  return std::string(trim(proto::clean_text(proto::str(f, key))));
}

inline Status check_body(std::string_view body) {
  if (body.empty()) return Error::bad_request("the message is empty");
  if (body.size() > limits::kMaxMessageBytes) {
    return Error::too_large("the message is longer than " + std::to_string(limits::kMaxMessageBytes) + " bytes");
  }
  return {};
}

inline Status check_cid(std::string_view cid) {
  if (cid.empty() || cid.size() > limits::kMaxCidBytes) {
    return Error::bad_request("cid must be 1 to " + std::to_string(limits::kMaxCidBytes) + " characters");
  }
  return {};
}

inline Status event(Store& st, const Conversation& c, std::string_view kind, boost::json::object data) {
  return st.append_event(Event{0, c.tenant_id, c.id, std::string(kind), boost::json::serialize(data), now_ms()});
}

inline boost::json::array messages_array(const std::vector<Message>& msgs) {
  boost::json::array a;
  a.reserve(msgs.size());
  for (const auto& m : msgs) a.push_back(proto::message_json(m));
  return a;
}

// One page of history: asks for one message more than a page, and tells whether it came.
struct HistoryPage {
  std::vector<Message> msgs;
  bool more = false;
};
inline Result<HistoryPage> history_page(Store& st, Id conv, std::int64_t after, std::int64_t before, bool with_notes) {
  auto msgs = st.messages_page(conv, after, before, limits::kHistoryPage + 1, with_notes);
  if (!msgs) return msgs.error();
  HistoryPage p{std::move(msgs).value(), false};
  if (p.msgs.size() > limits::kHistoryPage) {
    p.more = true;
    p.msgs.erase(p.msgs.begin());
  }
  return p;
}

// A message written by an agent: a reply (author "agent") or an internal note ("note").
inline Message by_agent(const AgentIdentity& who, Id conv, std::string_view author, std::string body, std::string cid = {}) {
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

// A line the system writes into a conversation (transfers, closing), shown to both sides.
inline Message system_line(Id conv, std::string body) {
  Message m;
  m.conv_id = conv;
  m.author = "system";
  m.body = std::move(body);
  m.at = now_ms();
  return m;
}

// A conversation the agent may touch: it exists and belongs to one of the agent's tenants.
// Anything else is not_found, so other tenants' ids cannot even be probed.
inline Result<Conversation> visible_conversation(Store& st, const AgentIdentity& who, Id conv) {
  auto c = st.conversation(conv);
  if (!c && c.error().code == Errc::kNotFound) return Error::not_found("no such conversation");
  if (!c) return c.error();
  if (!who.member_of(c->tenant_id)) return Error::not_found("no such conversation");
  return c;
}

// What routing needs to know of an agent: the agent's own capacity, else the smallest
// default among their tenants.
inline AgentProfile profile_of(const Agent& agent, const std::vector<Membership>& memberships, const std::vector<Id>& teams) {
  AgentProfile p;
  p.name = agent.name;
  p.capacity = agent.max_chats;
  if (p.capacity <= 0) {
    for (const auto& m : memberships) {
      p.capacity = p.capacity <= 0 ? m.tenant_default_max_chats : std::min(p.capacity, m.tenant_default_max_chats);
    }
    if (p.capacity <= 0) p.capacity = 3;
  }
  for (const auto& m : memberships) p.tenants.push_back(m.tenant_id);
  p.teams = teams;
  return p;
}

// ISO 4217: three capital letters of a currency in use.
bool valid_currency(std::string_view code);

// A cart as the page reported it: absent, valid, or an error naming the problem.
Result<std::optional<Cart>> cart_of(const boost::json::object& f);
inline boost::json::object cart_json(const Cart& c) { return {{"cents", c.cents}, {"currency", c.currency}, {"items", c.items}}; }

}  // namespace tiski::hub_detail

namespace tiski {

// Submits a job for a client session: its completion runs on the network thread with the
// session (nullptr if it is gone meanwhile). Refused work is answered "unavailable".
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

template <class T, class Fn, class Done>
void Hub::run_background(Fn fn, Done done) {
  ++in_flight_;
  bool queued = store_.submit<T>(std::function<Result<T>(Store&)>(std::move(fn)), [this, done = std::move(done)](Result<T> r) mutable {
    --in_flight_;
    done(std::move(r));
  });
  if (!queued) {
    --in_flight_;
    log::warn("background job refused by a full or stopping store");
    done(Error::unavailable("the store is full or stopping"));
  }
}

}  // namespace tiski
