#include "chat/core/hook_events.h"

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>

namespace tiski::events {
namespace {

constexpr std::array<std::string_view, 7> kTypes = {
    "conversation.created", "conversation.assigned", "conversation.closed", "message.created",
    "outcome.set",          "conversion.attributed", "csat.answered"};

boost::json::value opt(const std::optional<Id>& v) { return v ? boost::json::value(*v) : boost::json::value(nullptr); }

boost::json::array strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

HookEvent of(const Conversation& c, std::string_view type, boost::json::object extra = {}) {
  extra["conversation"] = conversation_json(c);
  return HookEvent{c.tenant_id, c.id, type, std::move(extra)};
}

}  // namespace

std::span<const std::string_view> hook_types() { return kTypes; }

bool is_hook_type(std::string_view type) { return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end(); }

boost::json::object conversation_json(const Conversation& c) {
  boost::json::object o{{"id", c.id},
                        {"site", c.site_id},
                        {"site_name", c.site_name},
                        {"visitor", c.visitor_id},
                        {"visitor_number", c.visitor_number},
                        {"status", c.status},
                        {"origin", c.origin},
                        {"agent", opt(c.assignee_id)},
                        {"team", opt(c.team_id)},
                        {"created_at", c.created_at},
                        {"closed_at", c.closed_at ? boost::json::value(*c.closed_at) : boost::json::value(nullptr)},
                        {"lang", c.lang},
                        {"outcome", c.outcome},
                        {"tags", strings(c.tags)}};
  if (!c.contact_email.empty()) o["contact"] = {{"name", c.contact_name}, {"email", c.contact_email}};
  if (c.csat) o["csat"] = {{"score", *c.csat}, {"comment", c.csat_comment}};
  return o;
}

std::optional<HookEvent> hook_event(const Event& e) {
  return std::visit(
      [](const auto& x) -> std::optional<HookEvent> {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ConversationCreated>) {
          return of(x.conv, kTypes[0]);
        } else if constexpr (std::is_same_v<T, ConversationAssigned>) {
          return of(x.conv, kTypes[1], {{"agent", x.agent}, {"by", by_name(x.by)}});
        } else if constexpr (std::is_same_v<T, ConversationClosed>) {
          return of(x.conv, kTypes[2], {{"by", x.by}, {"agent", opt(x.agent)}, {"reason", x.reason}});
        } else if constexpr (std::is_same_v<T, MessageStored>) {
          const auto& m = x.msg;
          if (m.author != "visitor" && m.author != "agent") return std::nullopt;
          // Its files, fetched with the tenant's API token at `path` (docs/attachments.md).
          boost::json::array files;
          for (const auto& f : m.files) {
            if (f.id == 0) continue;
            files.push_back(
                {{"id", f.id},
                 {"name", f.name},
                 {"type", f.type},
                 {"size", f.size},
                 {"path", "/api/conversations/" + std::to_string(m.conv_id) + "/files/" + std::to_string(f.id)}});
          }
          return HookEvent{0,
                           m.conv_id,
                           kTypes[3],
                           {{"message",
                             {{"conversation", m.conv_id},
                              {"seq", m.seq},
                              {"author", m.author},
                              {"author_id", opt(m.author_id)},
                              {"author_name", m.author_name},
                              {"body", m.body},
                              {"files", std::move(files)},
                              {"at", m.at}}}}};
        } else if constexpr (std::is_same_v<T, ConversationOutcome>) {
          return of(x.conv, kTypes[4],
                    {{"agent", x.agent}, {"outcome", x.conv.outcome}, {"channel", x.conv.outcome_channel}});
        } else if constexpr (std::is_same_v<T, ConversionRecorded>) {
          if (!x.conv_id) return std::nullopt;
          const auto& v = x.conversion;
          return HookEvent{x.tenant,
                           *x.conv_id,
                           kTypes[5],
                           {{"conversation", *x.conv_id},
                            {"conversion",
                             {{"kind", v.kind},
                              {"ref", v.ref},
                              {"value_cents", v.value_cents},
                              {"currency", v.currency},
                              {"at", v.at},
                              {"source", v.source},
                              {"agent", opt(v.agent_id)}}}}};
        } else if constexpr (std::is_same_v<T, CsatAnswered>) {
          return of(x.conv, kTypes[6]);
        } else {
          return std::nullopt;
        }
      },
      e);
}

std::string hook_body(const HookEvent& h, std::string_view id, Millis at) {
  return boost::json::serialize(
      boost::json::object{{"id", id}, {"type", h.type}, {"created_at", at}, {"tenant", h.tenant}, {"data", h.data}});
}

}  // namespace tiski::events
