#include "chat/rules/rules.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cmath>

#include "util/limits.h"

namespace tiski::rules {
namespace {

namespace json = boost::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct Ctx {
  std::string where;  // "rule 3"
  Error fail(const std::string& what) const { return Error::bad_request(where + ": " + what); }
};

Result<std::vector<std::string>> strings_of(const json::value& v, const Ctx& cx, const std::string& key) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.emplace_back(v.as_string());
  } else if (v.is_array() && !v.as_array().empty()) {
    for (const auto& e : v.as_array()) {
      if (!e.is_string()) return cx.fail("'" + key + "' must be a string or a list of strings");
      out.emplace_back(e.as_string());
    }
  } else {
    return cx.fail("'" + key + "' must be a string or a list of strings");
  }
  for (const auto& s : out) {
    if (s.empty() || s.size() > 200) return cx.fail("'" + key + "' values must be 1-200 characters");
  }
  return out;
}

Result<Condition> parse_condition(const json::value& v, const Ctx& cx, int depth) {
  if (depth > 8) return cx.fail("conditions are nested more than 8 deep");
  if (!v.is_object() || v.as_object().size() != 1) {
    return cx.fail("a condition is an object with exactly one key, e.g. {\"idle_s\": 10} or {\"all\": [...]}");
  }
  const auto& [k, val] = *v.as_object().begin();
  std::string key(k);
  Condition c;
  if (key == "all" || key == "any") {
    c.kind = key == "all" ? Condition::Kind::kAll : Condition::Kind::kAny;
    if (!val.is_array() || val.as_array().empty()) return cx.fail("'" + key + "' needs a non-empty list");
    for (const auto& child : val.as_array()) {
      auto cc = parse_condition(child, cx, depth + 1);
      if (!cc) return cc.error();
      c.children.push_back(std::move(cc).value());
    }
    return c;
  }
  static const std::map<std::string, Condition::Field> numbers = {{"idle_s", Condition::Field::kIdle},
                                                                  {"page_s", Condition::Field::kPage},
                                                                  {"site_s", Condition::Field::kSite},
                                                                  {"pages", Condition::Field::kPages},
                                                                  {"cart_value", Condition::Field::kCart}};
  if (auto it = numbers.find(key); it != numbers.end()) {
    c.kind = Condition::Kind::kNumber;
    c.field = it->second;
    const json::value* num = &val;
    if (val.is_object()) {
      static const std::map<std::string, Condition::Op> ops = {{">=", Condition::Op::kGe},
                                                               {">", Condition::Op::kGt},
                                                               {"<=", Condition::Op::kLe},
                                                               {"<", Condition::Op::kLt},
                                                               {"==", Condition::Op::kEq}};
      const auto& o = val.as_object();
      auto op = o.size() == 1 ? ops.find(std::string(o.begin()->key())) : ops.end();
      if (op == ops.end()) return cx.fail("'" + key + "' takes a number or {\">=\"|\">\"|\"<=\"|\"<\"|\"==\": number}");
      c.op = op->second;
      num = &o.begin()->value();
    }
    if (!num->is_number()) return cx.fail("'" + key + "' needs a number");
    c.number = num->to_number<double>();
    if (!std::isfinite(c.number) || c.number < 0 || c.number > 1e9) return cx.fail("'" + key + "' is out of range");
    return c;
  }
  if (key == "returning" || key == "in_hours") {
    if (!val.is_bool()) return cx.fail("'" + key + "' needs true or false");
    c.kind = key == "returning" ? Condition::Kind::kReturning : Condition::Kind::kInHours;
    c.flag = val.as_bool();
    return c;
  }
  static const std::map<std::string, Condition::Kind> texts = {{"url", Condition::Kind::kUrl},
                                                               {"category", Condition::Kind::kCategory},
                                                               {"lang", Condition::Kind::kLang},
                                                               {"referrer", Condition::Kind::kReferrer},
                                                               {"utm_source", Condition::Kind::kUtmSource},
                                                               {"utm_medium", Condition::Kind::kUtmMedium},
                                                               {"utm_campaign", Condition::Kind::kUtmCampaign}};
  auto t = texts.find(key);
  if (t == texts.end()) return cx.fail("unknown condition '" + key + "'");
  c.kind = t->second;
  auto s = strings_of(val, cx, key);
  if (!s) return s.error();
  c.strings = std::move(s).value();
  bool lists = c.kind == Condition::Kind::kCategory || c.kind == Condition::Kind::kLang;
  if (!lists && c.strings.size() != 1) return cx.fail("'" + key + "' takes one string");
  if (c.kind != Condition::Kind::kUrl) {
    for (auto& x : c.strings) x = lower(x);
  }
  return c;
}

// Glob with '*' (any run of characters), case-sensitive as URLs are.
bool glob(std::string_view p, std::string_view s) {
  std::size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++pi;
      ++si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// The path and query of a URL ("https://x.fi/a?b" -> "/a?b").
std::string_view path_of(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return url;
  auto slash = url.find('/', scheme + 3);
  if (slash == std::string_view::npos) return "/";
  auto hash = url.find('#', slash);
  return url.substr(slash, hash == std::string_view::npos ? std::string_view::npos : hash - slash);
}

bool compare(double have, Condition::Op op, double want) {
  switch (op) {
    case Condition::Op::kGe: return have >= want;
    case Condition::Op::kGt: return have > want;
    case Condition::Op::kLe: return have <= want;
    case Condition::Op::kLt: return have < want;
    case Condition::Op::kEq: return have == want;
  }
  return false;
}

bool any_equal(const std::vector<std::string>& want, const std::string& have) {
  std::string h = lower(have);
  return std::find(want.begin(), want.end(), h) != want.end();
}

}  // namespace

const std::string& Rule::text_for(const std::string& lang) const {
  if (auto it = text.find(lang); it != text.end()) return it->second;
  if (auto it = text.find("fi"); it != text.end()) return it->second;
  return text.begin()->second;
}

namespace {

// The rule's "action": the mode and the text, one string or one per language.
Status parse_action(const json::object& o, const Ctx& cx, Rule& r) {
  const auto* action = o.if_contains("action");
  if (!action || !action->is_object()) return cx.fail("needs 'action': {\"mode\": \"open\"|\"teaser\", \"text\": ...}");
  const auto& a = action->as_object();
  if (const auto* mode = a.if_contains("mode")) {
    auto parsed = mode->is_string() ? proto::parse_invite_mode(mode->as_string()) : std::nullopt;
    if (!parsed) return cx.fail("action mode must be open or teaser");
    r.mode = *parsed;
  }
  const auto* tv = a.if_contains("text");
  if (tv && tv->is_string()) {
    r.text[""] = tv->as_string();
  } else if (tv && tv->is_object() && !tv->as_object().empty()) {
    for (const auto& [lang, t] : tv->as_object()) {
      if (!t.is_string()) return cx.fail("action text values must be strings");
      r.text[std::string(lang)] = t.as_string();
    }
  } else {
    return cx.fail("action needs 'text': a string or {\"fi\": ..., \"sv\": ..., \"en\": ...}");
  }
  for (const auto& [lang, t] : r.text) {
    if (t.empty() || t.size() > limits::kMaxInvitationBytes) {
      return cx.fail("action text must be 1-" + std::to_string(limits::kMaxInvitationBytes) + " bytes");
    }
  }
  return {};
}

// The rule's optional "cap": once per visit, and not again for days after a dismissal.
Status parse_cap(const json::object& o, const Ctx& cx, Rule& r) {
  if (const auto* cap = o.if_contains("cap")) {
    if (!cap->is_object()) return cx.fail("'cap' must be an object");
    for (const auto& [k, val] : cap->as_object()) {
      if (k == "once_per_visit" && val.is_bool()) {
        r.once_per_visit = val.as_bool();
      } else if (k == "after_dismiss_days" && val.is_int64() && val.as_int64() >= 0 && val.as_int64() <= 365) {
        r.after_dismiss_days = static_cast<int>(val.as_int64());
      } else {
        return cx.fail("cap takes once_per_visit (true/false) and after_dismiss_days (0-365)");
      }
    }
  }
  return {};
}

}  // namespace

Result<RuleSet> parse(std::string_view text) {
  if (text.size() > limits::kMaxRulesJsonBytes) {
    return Error::too_large("rules are longer than " + std::to_string(limits::kMaxRulesJsonBytes) + " bytes");
  }
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec) return Error::bad_request("rules are not valid JSON: " + ec.message());
  if (!v.is_array()) return Error::bad_request("rules must be a JSON list of rules");
  if (v.as_array().size() > limits::kMaxRules) {
    return Error::bad_request("at most " + std::to_string(limits::kMaxRules) + " rules per site");
  }
  RuleSet rs;
  std::set<std::int64_t> ids;
  std::size_t n = 0;
  for (const auto& rv : v.as_array()) {
    Ctx cx{"rule " + std::to_string(++n)};
    if (!rv.is_object()) return cx.fail("must be an object");
    const auto& o = rv.as_object();
    for (const auto& [k, _] : o) {
      static const std::set<std::string> known = {"id", "name", "enabled", "when", "action", "cap"};
      if (!known.contains(std::string(k))) return cx.fail("unknown field '" + std::string(k) + "'");
    }
    Rule r;
    const auto* id = o.if_contains("id");
    if (!id || !id->is_int64() || id->as_int64() <= 0) return cx.fail("needs a positive integer 'id'");
    r.id = id->as_int64();
    cx.where = "rule " + std::to_string(r.id);
    if (!ids.insert(r.id).second) return cx.fail("the id is used twice");
    if (const auto* name = o.if_contains("name")) {
      if (!name->is_string() || name->as_string().size() > 100)
        return cx.fail("'name' must be a string of at most 100 characters");
      r.name = name->as_string();
    }
    if (const auto* en = o.if_contains("enabled")) {
      if (!en->is_bool()) return cx.fail("'enabled' must be true or false");
      r.enabled = en->as_bool();
    }
    const auto* when = o.if_contains("when");
    if (!when) return cx.fail("needs 'when' (the condition)");
    auto c = parse_condition(*when, cx, 0);
    if (!c) return c.error();
    r.when = std::move(c).value();
    TRY_OK(parse_action(o, cx, r));
    TRY_OK(parse_cap(o, cx, r));
    rs.rules.push_back(std::move(r));
  }
  return rs;
}

bool holds(const Condition& c, const Facts& f, const Moment& at) {
  using K = Condition::Kind;
  switch (c.kind) {
    case K::kAll:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return holds(x, f, at); });
    case K::kAny:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return holds(x, f, at); });
    case K::kNumber: {
      double have = 0;
      switch (c.field) {
        case Condition::Field::kIdle:
          have = f.idle_since != Facts::kActive ? static_cast<double>(at.now - f.idle_since) / 1000.0 : 0;
          break;
        case Condition::Field::kPage: have = static_cast<double>(at.now - f.page_since) / 1000.0; break;
        case Condition::Field::kSite: have = static_cast<double>(at.now - f.visit_start) / 1000.0; break;
        case Condition::Field::kPages: have = f.pages; break;
        case Condition::Field::kCart:
          if (!f.cart) return false;  // no cart: no cart condition holds
          return compare(static_cast<double>(f.cart->cents), c.op, std::round(c.number * 100));
      }
      return compare(have, c.op, c.number);
    }
    case K::kUrl: {
      const std::string& p = c.strings[0];
      return glob(p, p.find("://") != std::string::npos ? f.url.view() : path_of(f.url.view()));
    }
    case K::kCategory: return !f.category.empty() && any_equal(c.strings, f.category.str());
    case K::kLang: return any_equal(c.strings, f.lang.str());
    case K::kReturning: return f.returning == c.flag;
    case K::kInHours: return at.in_hours == c.flag;
    case K::kReferrer:
      return !f.from().referrer.empty() && lower(f.from().referrer).find(c.strings[0]) != std::string::npos;
    case K::kUtmSource: return lower(f.from().utm_source) == c.strings[0];
    case K::kUtmMedium: return lower(f.from().utm_medium) == c.strings[0];
    case K::kUtmCampaign: return lower(f.from().utm_campaign) == c.strings[0];
  }
  return false;
}

const Source& Facts::from() const {
  static const Source none;
  return source ? *source : none;
}

const Rule* choose(const RuleSet& rs, const Facts& f, const History& h, const Moment& at) {
  for (const auto& r : rs.rules) {
    if (!r.enabled) continue;
    if (r.once_per_visit && h.shown_this_visit.contains(r.id)) continue;
    if (auto d = h.dismissed_at.find(r.id); d != h.dismissed_at.end() && r.after_dismiss_days > 0 &&
                                            at.now - d->second < Millis{r.after_dismiss_days} * 86'400'000) {
      continue;
    }
    if (holds(r.when, f, at)) return &r;
  }
  return nullptr;
}

}  // namespace tiski::rules
