#include "store/store.h"

#include <boost/json.hpp>

#include "util/limits.h"

namespace tiski {

std::string_view role_name(Role r) {
  switch (r) {
    case Role::kAgent: return "agent";
    case Role::kSupervisor: return "supervisor";
    case Role::kAdmin: return "admin";
  }
  return "agent";
}

const std::string& Site::greeting_for(std::string_view lang) const {
  auto it = greetings.find(std::string(lang));
  return it != greetings.end() && !it->second.empty() ? it->second : greeting;
}

std::string Site::launcher_for(std::string_view lang) const {
  auto it = launchers.find(std::string(lang));
  return it != launchers.end() ? it->second : std::string();
}

std::string message_preview(std::string_view body) {
  constexpr std::size_t kMax = limits::kPreviewBytes;
  if (body.size() <= kMax) return std::string(body);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(body[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  return std::string(body.substr(0, cut)) + "…";
}

boost::json::object file_object(const FileRef& f) {
  boost::json::object o{{"id", f.id}, {"name", f.name}, {"size", f.size}};
  if (!f.type.empty()) o["type"] = f.type;
  if (f.image) {
    o["image"] = true;
    o["w"] = f.width;
    o["h"] = f.height;
  }
  if (!f.refused.empty()) o["refused"] = f.refused;
  if (f.body) o["body"] = true;
  return o;
}

std::string files_text(const std::vector<FileRef>& files) {
  if (files.empty()) return "";
  boost::json::array a;
  for (const auto& f : files) a.push_back(file_object(f));
  return boost::json::serialize(a);
}

std::vector<FileRef> files_from_text(std::string_view text) {
  std::vector<FileRef> out;
  if (text.empty()) return out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    const auto* o = e.if_object();
    if (!o) continue;
    FileRef f;
    auto num = [&](std::string_view k) -> std::int64_t {
      const auto* x = o->if_contains(k);
      return x && x->is_int64() ? x->as_int64() : 0;
    };
    auto str = [&](std::string_view k) -> std::string {
      const auto* x = o->if_contains(k);
      return x && x->is_string() ? std::string(x->as_string()) : std::string();
    };
    f.id = num("id");
    f.name = str("name");
    f.type = str("type");
    f.size = num("size");
    f.width = static_cast<int>(num("w"));
    f.height = static_cast<int>(num("h"));
    const auto* img = o->if_contains("image");
    f.image = img && img->is_bool() && img->as_bool();
    f.refused = str("refused");
    const auto* body = o->if_contains("body");
    f.body = body && body->is_bool() && body->as_bool();
    out.push_back(std::move(f));
  }
  return out;
}

std::string message_preview(const Message& m) {
  if (m.body.empty() && !m.files.empty()) return message_preview("📎 " + m.files.front().name);
  return message_preview(m.body);
}

bool outcome::valid(std::string_view o) {
  return o == kSale || o == kLead || o == kRedirected || o == kResolved || o == kNone || o == kSpam;
}

std::optional<Role> parse_role(std::string_view s) {
  if (s == "agent") return Role::kAgent;
  if (s == "supervisor") return Role::kSupervisor;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

}  // namespace tiski
