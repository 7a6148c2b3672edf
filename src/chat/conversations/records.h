// Store-side helpers of the conversation commands: run inside store jobs (store thread).
#pragma once

#include <string>

#include "chat/attachments/attach.h"
#include "chat/auth.h"
#include "store/store.h"
#include "util/limits.h"

namespace tiski::conversations {

// A line the system writes into a conversation (greetings, transfers, closing): both sides see it.
inline Message system_line(Id conv, std::string body, Millis at) {
  Message m;
  m.conv_id = conv;
  m.author = "system";
  m.body = std::move(body);
  m.at = at;
  return m;
}

// A message written by an agent: a reply (author "agent") or an internal note ("note").
inline Message by_agent(const AgentIdentity& who, Id conv, std::string_view author, std::string body, std::string cid,
                        Millis at) {
  Message m;
  m.conv_id = conv;
  m.author = std::string(author);
  m.author_id = who.agent.id;
  m.author_name = who.agent.name;
  m.body = std::move(body);
  m.cid = std::move(cid);
  m.at = at;
  return m;
}

// Appends `line` naming the staged files, a row kept for each (attachments::keep_files); the
// rows a re-sent cid made are taken back (the original message names its own).
inline Result<Appended> append_with_files(Store& st, const attachments::Files* files, Message line,
                                          const std::vector<attachments::Staged>& staged, bool internal, bool strict,
                                          Millis now) {
  if (staged.empty()) return st.append_message(line);
  if (!files) return Error::unavailable("files cannot be kept on this server");
  auto conv = st.conversation(line.conv_id);
  if (!conv) return conv.error();
  std::vector<Id> rows;
  auto refs = attachments::keep_files(st, *files, *conv, internal, staged, strict, now, rows);
  if (!refs) return refs.error();
  line.files = std::move(refs).value();
  auto a = st.append_message(line);
  if (a && a->duplicate) {
    if (auto s = st.remove_attachments(rows, now); !s) return s.error();
  }
  return a;
}

// A conversation the agent may touch: it exists and belongs to one of the agent's tenants.
// Anything else is not_found, so other tenants' ids cannot even be probed. A storage failure
// stays what it is (never reported as not_found).
inline Result<Conversation> visible_conversation(Store& st, const AgentIdentity& who, Id conv) {
  auto c = st.conversation(conv);
  if (!c && c.error().code == Errc::kNotFound) return Error::not_found("no such conversation");
  if (!c) return c.error();
  if (!who.member_of(c->tenant_id)) return Error::not_found("no such conversation");
  return c;
}

// One page of history: the newest limits::kHistoryPage messages with after < seq < before,
// and whether earlier ones exist (it asks for one more than a page).
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

}  // namespace tiski::conversations
