#include "chat/desk/canned.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "chat/protocol.h"
#include "util/limits.h"
#include "util/text.h"

namespace tiski::desk {
namespace {

std::string cleaned(const boost::json::value* v) {
  if (!v || !v->is_string()) return {};
  return std::string(trim(proto::clean_text(v->as_string())));
}

bool variable_char(char c) { return (c >= 'a' && c <= 'z') || c == '.' || c == '_'; }

}  // namespace

std::optional<Error> check_shortcut(std::string_view s) {
  auto bad = [&] {
    return Error::bad_request("a shortcut is 1-" + std::to_string(limits::kMaxShortcutBytes) +
                              " lower-case letters, digits, '-' or '_' (e.g. toimitus)");
  };
  if (s.empty() || s.size() > limits::kMaxShortcutBytes) return bad();
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') continue;
    // å ä ö in UTF-8: C3 A5, C3 A4, C3 B6.
    if (c == 0xC3 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0xA5 || d == 0xA4 || d == 0xB6) {
        ++i;
        continue;
      }
    }
    return bad();
  }
  return std::nullopt;
}

std::optional<Error> check_text(std::string_view text, std::string_view lang) {
  if (text.size() > limits::kMaxMessageBytes) {
    return Error::bad_request("the " + std::string(lang) + " text is longer than " +
                              std::to_string(limits::kMaxMessageBytes) + " bytes");
  }
  // {name} where name looks like a variable must be one we know; other braces are text.
  for (auto open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
    auto close = text.find('}', open);
    if (close == std::string_view::npos) break;
    auto name = text.substr(open, close - open + 1);
    if (name.size() < 3 || !std::all_of(name.begin() + 1, name.end() - 1, variable_char)) continue;
    if (std::find(std::begin(kVariables), std::end(kVariables), name) != std::end(kVariables)) continue;
    std::string known;
    for (auto v : kVariables) known += (known.empty() ? "" : ", ") + std::string(v);
    return Error::bad_request("unknown variable " + clip(name, 40) + " in the " + std::string(lang) +
                              " text; known: " + known);
  }
  return std::nullopt;
}

Result<CannedAnswer> parse_canned(const boost::json::object& o, std::optional<Id> tenant, Millis now) {
  for (const auto& [k, v] : o) {
    if (k != "shortcut" && k != "title" && k != "texts" && k != "id" && k != "workspace" && k != "updated_at") {
      return Error::bad_request("unknown field '" + clip(std::string(k), 40) +
                                "': an answer has shortcut, title and texts {fi, sv, en}");
    }
  }
  CannedAnswer a;
  a.tenant_id = tenant;
  a.updated_at = now;
  a.shortcut = cleaned(o.if_contains("shortcut"));
  if (auto e = check_shortcut(a.shortcut)) return *e;
  a.title = cleaned(o.if_contains("title"));
  if (a.title.empty() || a.title.size() > limits::kMaxCannedTitleBytes) {
    return Error::bad_request("a title is 1-" + std::to_string(limits::kMaxCannedTitleBytes) + " bytes");
  }
  const auto* texts = o.if_contains("texts");
  if (!texts || !texts->is_object())
    return Error::bad_request(R"(texts must be {"fi": "...", "sv": "...", "en": "..."})");
  for (const auto& [lang, v] : texts->as_object()) {
    std::string* into = lang == "fi" ? &a.fi : lang == "sv" ? &a.sv : lang == "en" ? &a.en : nullptr;
    if (!into) return Error::bad_request("texts are in fi, sv or en, not '" + clip(std::string(lang), 10) + "'");
    if (!v.is_string()) return Error::bad_request("the " + std::string(lang) + " text must be a string");
    *into = cleaned(&v);
    if (auto e = check_text(*into, lang)) return *e;
  }
  if (a.fi.empty() && a.sv.empty() && a.en.empty()) return Error::bad_request("an answer needs a text in fi, sv or en");
  return a;
}

boost::json::object canned_json(const CannedAnswer& a) {
  boost::json::object texts;
  if (!a.fi.empty()) texts["fi"] = a.fi;
  if (!a.sv.empty()) texts["sv"] = a.sv;
  if (!a.en.empty()) texts["en"] = a.en;
  return {{"id", a.id},
          {"workspace", !a.tenant_id.has_value()},
          {"shortcut", a.shortcut},
          {"title", a.title},
          {"texts", std::move(texts)},
          {"updated_at", a.updated_at}};
}

Result<std::vector<CannedAnswer>> parse_canned_file(std::string_view json, std::optional<Id> tenant, Millis now) {
  boost::system::error_code ec;
  auto v = boost::json::parse(json, ec);
  const auto* list = !ec && v.is_object() ? v.as_object().if_contains("canned") : nullptr;
  if (!list || !list->is_array()) return Error::bad_request(R"(the file must be {"canned": [{"shortcut": ...}, ...]})");
  if (static_cast<std::int64_t>(list->as_array().size()) > limits::kMaxCannedAnswers) {
    return Error::bad_request("at most " + std::to_string(limits::kMaxCannedAnswers) + " answers");
  }
  std::vector<CannedAnswer> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list->as_array().size(); ++i) {
    const auto& item = list->as_array()[i];
    auto where = "answer " + std::to_string(i + 1) + ": ";
    if (!item.is_object()) return Error::bad_request(where + "not an object");
    auto a = parse_canned(item.as_object(), tenant, now);
    if (!a) return Error::bad_request(where + a.error().message);
    if (!seen.insert(a->shortcut).second) return Error::bad_request(where + "the shortcut /" + a->shortcut + " twice");
    out.push_back(std::move(*a));
  }
  return out;
}

std::string canned_file(const std::vector<CannedAnswer>& answers) {
  boost::json::array list;
  for (const auto& a : answers) {
    auto o = canned_json(a);
    o.erase("id");
    o.erase("workspace");
    o.erase("updated_at");
    list.push_back(std::move(o));
  }
  return boost::json::serialize(boost::json::object{{"canned", std::move(list)}});
}

Result<std::vector<CannedAnswer>> all_canned(Store& st, std::optional<Id> tenant) {
  std::vector<CannedAnswer> out;
  for (Id after = 0;;) {
    auto page = TRY(st.canned_answers(tenant.value_or(0), after, limits::kCannedPage));
    if (page.empty()) return out;
    after = page.back().id;
    for (auto& a : page) {
      if (a.tenant_id == tenant) out.push_back(std::move(a));
    }
  }
}

Result<Imported> import_canned(Store& st, std::optional<Id> tenant, const std::vector<CannedAnswer>& answers) {
  auto have = TRY(all_canned(st, tenant));
  Imported n;
  for (auto a : answers) {
    a.tenant_id = tenant;
    auto same = std::find_if(have.begin(), have.end(), [&](const CannedAnswer& h) { return h.shortcut == a.shortcut; });
    a.id = same == have.end() ? 0 : same->id;
    ++(a.id ? n.changed : n.added);
  }
  if (static_cast<std::int64_t>(have.size()) + n.added > limits::kMaxCannedAnswers) {
    return Error::conflict("a tenant has at most " + std::to_string(limits::kMaxCannedAnswers) + " canned answers");
  }
  for (auto a : answers) {
    a.tenant_id = tenant;
    auto same = std::find_if(have.begin(), have.end(), [&](const CannedAnswer& h) { return h.shortcut == a.shortcut; });
    a.id = same == have.end() ? 0 : same->id;
    TRY(st.save_canned_answer(a));
  }
  return n;
}

}  // namespace tiski::desk
