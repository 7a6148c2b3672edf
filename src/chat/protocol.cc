#include "chat/protocol.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/limits.h"
#include "util/text.h"

namespace tiski::proto {
namespace {

std::span<const FieldSpec> fields_of_type(std::string_view name) {
  for (const auto& t : kTypes) {
    if (t.name == name) return t.fields;
  }
  return {};
}

const char* kind_name(FieldKind k) {
  switch (k) {
    case FieldKind::kString: return "a string";
    case FieldKind::kInt: return "an integer";
    case FieldKind::kBool: return "a boolean";
    case FieldKind::kObject: return "an object";
    case FieldKind::kArray: return "an array";
  }
  return "?";
}

Status validate_at(const boost::json::object& obj, std::span<const FieldSpec> fields, const std::string& prefix);

// An enum-valued field's value, checked against its names.
Status check_enum(std::string_view s, std::span<const std::string_view> values, const std::string& path) {
  for (auto name : values) {
    if (name == s) return {};
  }
  std::string all;
  for (auto name : values) all += (all.empty() ? "" : ", ") + std::string(name);
  return Error::bad_request("field '" + path + "' must be one of " + all);
}

Status check_value(const boost::json::value& v, const FieldSpec& f, FieldKind kind, const std::string& path) {
  bool ok = false;
  switch (kind) {
    case FieldKind::kString:
      ok = v.is_string();
      if (ok && !f.values.empty()) return check_enum(v.as_string(), f.values, path);
      break;
    case FieldKind::kInt: ok = v.is_int64() || (v.is_uint64() && v.as_uint64() <= INT64_MAX); break;
    case FieldKind::kBool: ok = v.is_bool(); break;
    case FieldKind::kObject:
      if (!v.is_object()) break;
      if (auto s = validate_at(v.as_object(), fields_of_type(f.object_type), path + "."); !s) return s;
      ok = true;
      break;
    case FieldKind::kArray: ok = v.is_array(); break;
  }
  if (!ok) return Error::bad_request("field '" + std::string(path) + "' must be " + kind_name(kind));
  return {};
}

Status validate_at(const boost::json::object& obj, std::span<const FieldSpec> fields, const std::string& prefix) {
  for (const auto& f : fields) {
    std::string path = prefix + std::string(f.name);
    const auto* v = obj.if_contains(f.name);
    if (!v || v->is_null()) {
      if (f.optional) continue;
      return Error::bad_request("field '" + path + "' is required");
    }
    if (auto s = check_value(*v, f, f.kind, path); !s) return s;
    if (f.kind == FieldKind::kArray) {
      for (const auto& e : v->as_array()) {
        if (auto s = check_value(e, f, f.element, path + "[]"); !s) return s;
      }
    }
  }
  return {};
}

}  // namespace

Status validate(const boost::json::object& obj, std::span<const FieldSpec> fields) {
  return validate_at(obj, fields, "");
}

Result<ClientFrame> parse_client_frame(std::string_view text, std::span<const TypeSpec> frames) {
  boost::system::error_code ec;
  boost::json::parse_options opt;
  opt.max_depth = limits::kMaxJsonDepth;
  auto v = boost::json::parse(text, ec, {}, opt);
  if (ec == boost::json::error::too_deep) {
    return Error::bad_request("frame nests deeper than " + std::to_string(limits::kMaxJsonDepth) + " levels");
  }
  if (ec) return Error::bad_request("frame is not valid JSON (UTF-8 text)");
  if (!v.is_object()) return Error::bad_request("frame must be a JSON object");
  auto& obj = v.as_object();
  const auto* t = obj.if_contains("t");
  if (!t || !t->is_string()) return Error::bad_request("field 't' (the frame type) is required");
  std::string_view type = t->as_string();
  for (std::size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].name != type) continue;
    if (auto s = validate(obj, frames[i].fields); !s) return s.error();
    return ClientFrame{i, std::move(obj)};
  }
  return Error::bad_request("unknown frame type '" + std::string(type.substr(0, 40)) + "'");
}

boost::json::object file_json(const ::tiski::FileRef& f);

boost::json::object message_json(const ::tiski::Message& m) {
  boost::json::object o;
  o["conv"] = m.conv_id;
  o["seq"] = m.seq;
  o["author"] = m.author;
  if (!m.author_name.empty()) o["name"] = m.author_name;
  o["body"] = m.body;
  o["at"] = m.at;
  if (!m.cid.empty()) o["cid"] = m.cid;
  if (!m.quoted.empty()) o["quoted"] = m.quoted;
  if (!m.files.empty()) {
    boost::json::array files;
    for (const auto& f : m.files) files.push_back(file_json(f));
    o["files"] = std::move(files);
  }
  if (!m.card.empty()) {  // the card as the visitor sees it (its channel is for reports)
    boost::system::error_code ec;
    auto v = boost::json::parse(m.card, ec);
    if (!ec && v.is_object()) {
      boost::json::object card;
      for (const char* k : {"id", "title", "text", "url", "label"}) {
        if (const auto* x = v.as_object().if_contains(k);
            x && x->is_string() && !(x->as_string().empty() && std::string_view(k) == "text"))
          card[k] = *x;
      }
      o["card"] = std::move(card);
    }
  }
  return o;
}

boost::json::object file_json(const ::tiski::FileRef& f) { return ::tiski::file_object(f); }

boost::json::object conversation_json(const ::tiski::Conversation& c) {
  boost::json::object o;
  o["id"] = c.id;
  o["tenant"] = c.tenant_id;
  o["tenant_name"] = c.tenant_name;
  o["site"] = c.site_id;
  o["site_name"] = c.site_name;
  o["visitor"] = c.visitor_id;
  o["status"] = c.status;
  o["origin"] = c.origin;
  if (c.assignee_id) {
    o["assignee"] = *c.assignee_id;
    o["assignee_name"] = c.assignee_name;
  }
  o["created_at"] = c.created_at;
  o["last_seq"] = c.last_seq;
  o["last_at"] = c.last_at;
  if (!c.page_url.empty()) {
    boost::json::object page;
    page["url"] = c.page_url;
    if (!c.page_title.empty()) page["title"] = c.page_title;
    o["page"] = std::move(page);
  }
  if (!c.preview.empty()) o["preview"] = c.preview;
  if (!c.contact_name.empty()) o["contact_name"] = c.contact_name;
  if (!c.contact_email.empty()) o["contact_email"] = c.contact_email;
  if (c.rule_id) o["rule"] = *c.rule_id;
  if (!c.signals.empty()) {
    boost::json::array a;
    for (const auto& sig : c.signals) a.push_back(boost::json::string(sig));
    o["signals"] = std::move(a);
  }
  if (c.team_id) {
    o["team"] = *c.team_id;
    o["team_name"] = c.team_name;
  }
  o["visitor_no"] = c.visitor_number;
  if (!c.lang.empty()) o["lang"] = c.lang;
  if (c.closed_at) o["closed_at"] = *c.closed_at;
  if (!c.outcome.empty()) o["outcome"] = c.outcome;
  if (!c.outcome_channel.empty()) o["outcome_channel"] = c.outcome_channel;
  if (!c.tags.empty()) {
    boost::json::array a;
    for (const auto& t : c.tags) a.push_back(boost::json::string(t));
    o["tags"] = std::move(a);
  }
  if (c.csat) {
    o["csat"] = *c.csat;
    if (!c.csat_comment.empty()) o["csat_comment"] = c.csat_comment;
  }
  if (c.due_at) o["due_at"] = *c.due_at;
  if (c.visitor_gone()) o["visitor_left_at"] = *c.visitor_left_at;  // the console's "Poistui"
  return o;
}

boost::json::object mail_json(const OutMail& m) {
  boost::json::object o{
      {"conv", m.conv_id}, {"seq", m.seq}, {"to", m.to}, {"status", m.status}, {"attempts", m.attempts}};
  if (!m.error.empty()) o["error"] = m.error;
  return o;
}

boost::json::object visitor_conv_json(const ::tiski::Conversation& c) {
  boost::json::object o;
  o["id"] = c.id;
  o["status"] = c.status;
  if (c.assignee_id && !c.assignee_name.empty()) o["agent"] = c.assignee_name;
  if (c.csat) o["csat"] = *c.csat;
  return o;
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): its values are moved out one by one
SharedFrame frame(std::string_view type, boost::json::object body) {
  boost::json::object o;
  o.reserve(body.size() + 1);
  o["t"] = type;
  for (auto& [k, v] : body) o[k] = std::move(v);
  return std::make_shared<const std::string>(boost::json::serialize(o));
}

SharedFrame error_frame(const Error& e, std::string_view cid, std::optional<Id> conv) {
  boost::json::object o;
  o["code"] = errc_name(e.code);
  o["message"] = e.message;
  if (!cid.empty()) o["cid"] = cid;
  if (conv) o["conv"] = *conv;
  return frame("error", std::move(o));
}

std::string_view str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

std::string clean_text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c == '\r') {
      if (i + 1 < in.size() && in[i + 1] == '\n') continue;  // CRLF -> LF
      out += '\n';
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
      continue;
    } else if (c == 0xC2 && i + 1 < in.size() && static_cast<unsigned char>(in[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(in[i + 1]) <= 0x9F) {
      ++i;  // a C1 control character (U+0080..U+009F)
    } else if (std::size_t n = bidi_control(in.substr(i)); n > 0) {
      i += n - 1;  // an embedding, override or isolate: "kuitti<RLO>fdp.exe" shows as "kuittiexe.pdf"
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool one_line(std::string_view in) {
  if (in.find('\n') != std::string_view::npos) return false;
  // Bidirectional controls are removed from what visitors send (clean_text), not refused in
  // names: a name stored with one before stays editable.
  return clean_text(in) == without_bidi(in);
}

std::int64_t int_or(const boost::json::object& o, std::string_view key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  if (!v) return fallback;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  return fallback;
}

}  // namespace tiski::proto
