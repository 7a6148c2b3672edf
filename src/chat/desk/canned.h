// Canned answers (docs/desk.md): what an agent inserts by typing /shortcut in the composer.
// A tenant's answers and workspace-wide ones, each with a shortcut, a title and a text per
// language (fi, sv, en; at least one). Texts may hold the variables below; the console fills
// them in the visitor's language before the agent sends. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/error.h"

namespace tiski::desk {

// The variables a text may hold, e.g. "Hei {visitor.name}!".
inline constexpr std::string_view kVariables[] = {"{visitor.name}", "{agent.name}", "{site.name}", "{hours.today}"};

// A shortcut: 1..32 bytes of lower-case letters (a-z, å, ä, ö), digits, '-' and '_'.
std::optional<Error> check_shortcut(std::string_view s);
// A text's problem: too long, or a {name} that is not one of kVariables.
std::optional<Error> check_text(std::string_view text, std::string_view lang);

// Reads {"shortcut", "title", "texts": {"fi", "sv", "en"}} (control characters removed,
// trimmed, checked) into an answer of `tenant` (nullopt: workspace-wide).
Result<CannedAnswer> parse_canned(const boost::json::object& o, std::optional<Id> tenant, Millis now);
boost::json::object canned_json(const CannedAnswer& a);

// An export file {"canned": [answer, ...]}: every answer checked before any is stored; a
// shortcut twice in the file is an error naming it.
Result<std::vector<CannedAnswer>> parse_canned_file(std::string_view json, std::optional<Id> tenant, Millis now);
std::string canned_file(const std::vector<CannedAnswer>& answers);

// Stores checked answers of one scope (their tenant_id): an answer whose shortcut the scope
// has replaces it, others are added, within limits::kMaxCannedAnswers. In the caller's
// transaction: a failure leaves the job to be rolled back.
struct Imported {
  int added = 0;
  int changed = 0;
};
Result<Imported> import_canned(Store& st, std::optional<Id> tenant, const std::vector<CannedAnswer>& answers);
// All of a scope's own answers (nullopt: the workspace's), by id.
Result<std::vector<CannedAnswer>> all_canned(Store& st, std::optional<Id> tenant);

}  // namespace tiski::desk
