// Who may do what: the one table of rights. The REST route table (api/routes.h) and the agent
// frame dispatch (gateway) enforce it; docs/roles.md is generated from it (`tiski roles`), and
// tests/roles_e2e_test.cc calls every route and sends every frame as each role, in the agent's
// own tenant and in another, and checks the answer against it.
//
// Levels, lowest first: anyone (the route checks a password, a token or a signature itself);
// any signed-in agent (about themselves, or filtered to their own tenants); at least agent,
// supervisor or admin in the tenant the object belongs to; the workspace owner, who creates
// tenants and is an admin of every tenant.
//
// The answer: allowed; 403 forbidden when the agent serves the object's tenant in a lower
// role; 404 not found when they do not serve it at all, so that other tenants' ids cannot be
// probed. Pure data and functions; any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "store/records.h"

namespace tiski::rights {

enum class Level { kPublic, kSignedIn, kAgent, kSupervisor, kAdmin, kOwner };
std::string_view level_name(Level l);

struct RouteRule {
  std::string_view method;   // GET, POST, PUT, DELETE
  std::string_view pattern;  // as registered, e.g. /api/tenants/{id}/hours
  Level level;
  std::string_view what;  // one line for docs/roles.md
};
std::span<const RouteRule> routes();
const RouteRule* route_rule(std::string_view method, std::string_view pattern);

// Agent frames (docs/protocol.md) and the variants of a frame that need more than the frame
// itself ("take.over": take a chat another agent is serving).
struct FrameRule {
  std::string_view frame;
  Level level;
  std::string_view what;
};
std::span<const FrameRule> frames();
const FrameRule* frame_rule(std::string_view frame);

enum class Verdict { kAllow, kForbidden, kNotFound };
// `role`: the agent's role in the object's tenant (nullopt: not a member); `owner`: the agent
// owns the workspace.
Verdict judge(Level need, std::optional<Role> role, bool owner);
// judge() of a frame or variant, as a bool (an unknown name is never allowed).
bool allows(std::string_view frame, std::optional<Role> role, bool owner);
// The message of a 403 for `need`.
std::string forbidden_message(Level need);

// docs/roles.md.
std::string markdown();

}  // namespace tiski::rights
