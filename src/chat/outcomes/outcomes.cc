#include "chat/outcomes/outcomes.h"

#include <strings.h>
#include <algorithm>

#include "chat/conversations/records.h"
#include "chat/protocol.h"
#include "chat/rights.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/text.h"

namespace tiski {

namespace {

bool less_nocase(const std::string& a, const std::string& b) { return strcasecmp(a.c_str(), b.c_str()) < 0; }
bool same_nocase(const std::string& a, const std::string& b) { return strcasecmp(a.c_str(), b.c_str()) == 0; }

// A conversation of the visitor's own (anything else is not_found, whoever owns it).
Result<Conversation> visitors_conversation(Store& st, Id visitor, Id conv) {
  auto c = st.conversation(conv);
  if ((!c && c.error().code == Errc::kNotFound) || (c && c->visitor_id != visitor))
    return Error::not_found("no such conversation");
  return c;
}

}  // namespace

Outcomes::Outcomes(Jobs& jobs, EventBus& bus) : jobs_(jobs) {
  bus.on<events::TagsAdded>([this](const auto& e) { add_tags(e.tenant, e.tags); });
}

void Outcomes::set_tenant(Id tenant, bool outcome_required, std::vector<std::string> tags) {
  std::sort(tags.begin(), tags.end(), less_nocase);
  tenants_[tenant] = Tenant{outcome_required, std::move(tags)};
}

bool Outcomes::outcome_required(Id tenant) const {
  auto it = tenants_.find(tenant);
  return it != tenants_.end() && it->second.outcome_required;
}

const std::vector<std::string>& Outcomes::tags(Id tenant) const {
  static const std::vector<std::string> kNone;
  auto it = tenants_.find(tenant);
  return it == tenants_.end() ? kNone : it->second.tags;
}

void Outcomes::add_tags(Id tenant, const std::vector<std::string>& tags) {
  auto& list = tenants_[tenant].tags;
  for (const auto& t : tags) {
    auto at = std::lower_bound(list.begin(), list.end(), t, less_nocase);
    if (at == list.end() || !same_nocase(*at, t)) list.insert(at, t);
  }
}

Result<Outcomes::Set> Outcomes::check(Set in) {
  if (!in.outcome.empty() && !outcome::valid(in.outcome))
    return Error::bad_request("outcome must be sale, lead, redirected, resolved, none or spam");
  auto one_line = [](std::string_view s) { return s.find_first_of("\n\t") == std::string_view::npos; };
  in.channel = std::string(trim(proto::clean_text(in.channel)));
  if (!one_line(in.channel)) return Error::bad_request("the channel is one line");
  if (in.outcome != outcome::kRedirected && !in.channel.empty())
    return Error::bad_request("a channel goes with the outcome redirected only");
  if (in.channel.size() > limits::kMaxChannelBytes)
    return Error::too_large("the channel is longer than " + std::to_string(limits::kMaxChannelBytes) + " bytes");
  if (in.tags.size() > limits::kMaxTagsPerConversation)
    return Error::too_large("at most " + std::to_string(limits::kMaxTagsPerConversation) + " tags per conversation");
  std::vector<std::string> tags;
  for (const auto& raw : in.tags) {
    std::string t(trim(proto::clean_text(raw)));
    if (t.empty()) return Error::bad_request("a tag cannot be empty");
    if (t.size() > limits::kMaxTagBytes)
      return Error::too_large("a tag is longer than " + std::to_string(limits::kMaxTagBytes) + " bytes");
    if (t.find(',') != std::string::npos) return Error::bad_request("a tag cannot contain a comma");
    if (!one_line(t)) return Error::bad_request("a tag is one line");
    if (std::none_of(tags.begin(), tags.end(), [&](const auto& x) { return same_nocase(x, t); }))
      tags.push_back(std::move(t));
  }
  in.tags = std::move(tags);
  return in;
}

void Outcomes::set(const AgentIdentity& who, Set in, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [who, in = std::move(in)](Store& st, events::Recorder& rec) -> Result<Conversation> {
        auto c = TRY(conversations::visible_conversation(st, who, in.conv));
        bool mine = c.assignee_id == who.agent.id || !c.assignee_id;
        if (!mine && !rights::allows("outcome.others", who.role_in(c.tenant_id), who.agent.owner))
          return Error::forbidden("only the agent of the conversation or a supervisor can set its outcome");
        std::vector<std::string> created;
        auto tags = TRY(st.add_tags(c.tenant_id, in.tags, rec.now(), created));
        auto fresh = TRY(st.set_outcome(in.conv, in.outcome, in.channel, tags));
        TRY_OK(rec.add(events::ConversationOutcome{fresh, who.agent.id}));
        if (!created.empty()) TRY_OK(rec.add(events::TagsAdded{c.tenant_id, std::move(created)}));
        return fresh;
      },
      std::move(done));
}

void Outcomes::survey_shown(Id visitor, Id conv) {
  jobs_.run<bool>(
      [visitor, conv](Store& st, events::Recorder& rec) -> Result<bool> {
        auto c = TRY(visitors_conversation(st, visitor, conv));
        if (c.status != conv_status::kClosed) return Error::conflict("the conversation is still open");
        if (!TRY(st.csat_shown(conv, rec.now()))) return false;
        TRY_OK(rec.add(events::CsatShown{TRY(st.conversation(conv))}));
        return true;
      },
      [conv](const Result<bool>& r) {
        if (!r) log::info("a survey showing was not recorded", {{"conv", conv}, {"error", r.error().message}});
      });
}

Result<std::string> Outcomes::check_answer(int score, std::string_view comment) {
  if (score < 1 || score > 5) return Error::bad_request("score must be 1 to 5");
  std::string c(trim(proto::clean_text(comment)));
  if (c.size() > limits::kMaxCsatCommentBytes)
    return Error::too_large("the comment is longer than " + std::to_string(limits::kMaxCsatCommentBytes) + " bytes");
  return c;
}

void Outcomes::answer(Id visitor, Id conv, int score, std::string comment, Done<Conversation> done) {
  jobs_.run<Conversation>(
      [visitor, conv, score, comment = std::move(comment)](Store& st, events::Recorder& rec) -> Result<Conversation> {
        TRY(visitors_conversation(st, visitor, conv));
        auto c = TRY(st.answer_csat(conv, score, comment, rec.now()));
        TRY_OK(rec.add(events::CsatAnswered{c}));
        return c;
      },
      std::move(done));
}

}  // namespace tiski
