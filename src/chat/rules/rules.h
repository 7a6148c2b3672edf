// Proactive invitation rules of a site: ordered rules, each a condition tree over what the
// widget reports about the visitor, an action (open the chat with a greeting, or a teaser
// above the launcher) and frequency caps. Pure data and functions — no clocks, no I/O — so
// every condition, combinator and cap is unit-tested (rules_test.cc); the proactive module gathers the
// facts, gates on free agent capacity and sends the invitation.
//
// The JSON form (stored per site, managed by `tiski rules set` and PUT /api/sites/{key}/rules):
//
//   [{"id": 1, "name": "Teltat: idle 10 s", "enabled": true,
//     "when": {"all": [{"category": "teltat"}, {"idle_s": 10}]},
//     "action": {"mode": "open", "text": {"fi": "Hei! Voinko auttaa teltan valinnassa?", "en": "..."}},
//     "cap": {"once_per_visit": true, "after_dismiss_days": 7}}]
//
// Conditions: {"all": [...]} and {"any": [...]} combine; a leaf is one key:
//   idle_s, page_s, site_s, pages   number: at least that many (seconds idle on the page, on the
//   cart_value                      page, in the visit; page views in the visit; cart value in
//                                   currency units), or {">=" | ">" | "<=" | "<" | "==": n}
//   url         glob with * over the page's path+query (or the whole URL if it has "://")
//   category    string or [strings]: the page's product category (case-insensitive)
//   lang        string or [strings]: the widget's language
//   returning   bool: the browser has visited the site before this visit
//   referrer    string: contained in the visit's referrer (case-insensitive)
//   utm_source, utm_medium, utm_campaign   string: equal to the visit's UTM parameter
//   in_hours    bool: within the tenant's business hours
// First enabled rule whose condition holds and whose caps allow wins.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "chat/protocol_types_gen.h"
#include "store/store.h"
#include "util/interned.h"

namespace tiski::rules {

// Where the visit came from: the same on each of its pages and empty for most visits, so kept
// apart (a null pointer in the facts of a visitor who came straight). Interned: the same few
// referrers and campaigns come with thousands of visits.
struct Source {
  Interned referrer;
  Interned utm_source, utm_medium, utm_campaign;
};

// What is known about a visitor when rules are evaluated. Times in ms. One per visitor's tab,
// held by the session for as long as the tab is open: kept small (the fields ordered so that
// no padding falls between them).
struct Facts {
  static constexpr Millis kActive = std::numeric_limits<Millis>::min();  // idle_since: not idle

  Millis page_since = 0;        // when the current page was opened
  Millis idle_since = kActive;  // idle since, or kActive
  Millis visit_start = 0;
  Interned url;  // the strings of a shop's pages, one copy however many visitors are on them
  Interned category;
  Interned lang;
  std::shared_ptr<const Source> source;  // null: none
  // The cart the page reported, null for none. Immutable: a new report replaces it, and the live
  // list's entry shares it.
  std::shared_ptr<const Cart> cart;
  int pages = 1;
  bool returning = false;

  const Source& from() const;  // the source, or an empty one
};

// When rules are evaluated: the time, and whether the tenant is within its business hours (the
// same for all its visitors then, so not kept in each visitor's facts).
struct Moment {
  Millis now = 0;
  bool in_hours = true;
};

// Earlier invitations of this visitor: rules shown in the current visit, and the last
// dismissal of each rule.
struct History {
  std::set<std::int64_t> shown_this_visit;
  std::map<std::int64_t, Millis> dismissed_at;
};

struct Condition {
  enum class Kind {
    kAll,
    kAny,
    kNumber,
    kUrl,
    kCategory,
    kLang,
    kReturning,
    kReferrer,
    kUtmSource,
    kUtmMedium,
    kUtmCampaign,
    kInHours
  };
  enum class Field { kIdle, kPage, kSite, kPages, kCart };
  enum class Op { kGe, kGt, kLe, kLt, kEq };
  Kind kind = Kind::kAll;
  std::vector<Condition> children;  // all / any
  Field field = Field::kIdle;       // number
  Op op = Op::kGe;
  double number = 0;
  std::vector<std::string> strings;  // url pattern, categories, langs, referrer, utm value
  bool flag = false;                 // returning, in_hours
};

struct Rule {
  std::int64_t id = 0;
  std::string name;
  bool enabled = true;
  Condition when;
  proto::InviteMode mode = proto::InviteMode::kOpen;
  std::map<std::string, std::string> text;  // lang -> text; "" = any language
  bool once_per_visit = true;
  int after_dismiss_days = 0;  // 0 = a dismissal does not stop it later
  // The invitation text in `lang`, else Finnish, else the first one.
  const std::string& text_for(const std::string& lang) const;
};

struct RuleSet {
  std::vector<Rule> rules;
};

// Parses and validates; bad_request names the rule and the problem. At most limits::kMaxRules
// rules, conditions nested at most 8 deep, texts at most limits::kMaxInvitationBytes.
Result<RuleSet> parse(std::string_view json);

bool holds(const Condition& c, const Facts& f, const Moment& at);
// The rule to invite with, or none: first enabled rule that holds and that the caps allow.
const Rule* choose(const RuleSet& rs, const Facts& f, const History& h, const Moment& at);

}  // namespace tiski::rules
