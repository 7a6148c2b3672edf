// Outcomes: what came of a conversation, as its agent says (an outcome, the channel a
// redirected visitor was sent to, the tenant's tags) and as its visitor says (the satisfaction
// survey after the close). Each is a change of the conversation, recorded as an event in the
// job that makes it (conversation.outcome, csat.shown, csat.answered); the tenant's tag list
// grows when an agent uses a new tag (TagsAdded on the bus).
//
// Threading: the domain thread; the jobs run on the store thread.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/auth.h"
#include "chat/core/jobs.h"

namespace tiski {

class Outcomes {
 public:
  template <class T>
  using Done = std::function<void(Result<T>)>;

  Outcomes(Jobs& jobs, EventBus& bus);

  // ---- what the consoles' snapshot shows of a tenant (start-up and settings changes)
  void set_tenant(Id tenant, bool outcome_required, std::vector<std::string> tags);
  void set_outcome_required(Id tenant, bool required) { tenants_[tenant].outcome_required = required; }
  bool outcome_required(Id tenant) const;
  // The tenant's tags, sorted case-insensitively.
  const std::vector<std::string>& tags(Id tenant) const;

  // ---- the agent
  struct Set {
    Id conv = 0;
    std::string outcome;  // "" clears it
    std::string channel;  // with redirected
    std::vector<std::string> tags;
  };
  // The shape: a known outcome, a channel only with redirected, at most
  // limits::kMaxTagsPerConversation tags of 1..kMaxTagBytes bytes without commas or control
  // characters (trimmed; repeats, compared case-insensitively, dropped).
  static Result<Set> check(Set in);
  // The conversation's assignee, or a supervisor or admin of its tenant (or, while nobody
  // holds it, any agent of the tenant) sets it, in any status.
  void set(const AgentIdentity& who, Set in, Done<Conversation> done);

  // ---- the visitor
  // The widget showed the survey of the visitor's closed conversation (recorded once).
  void survey_shown(Id visitor, Id conv);
  // The visitor's answer: score 1..5, a comment of at most limits::kMaxCsatCommentBytes
  // (check_answer: the comment as stored, or why not); answer() takes a checked one.
  static Result<std::string> check_answer(int score, std::string_view comment);
  void answer(Id visitor, Id conv, int score, std::string comment, Done<Conversation> done);

 private:
  struct Tenant {
    bool outcome_required = false;
    std::vector<std::string> tags;
  };
  void add_tags(Id tenant, const std::vector<std::string>& tags);

  Jobs& jobs_;
  std::unordered_map<Id, Tenant> tenants_;
};

}  // namespace tiski
