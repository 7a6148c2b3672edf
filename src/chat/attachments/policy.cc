#include "chat/attachments/policy.h"

#include <stb/stb_image.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include "util/text.h"

namespace tiski::attachments {
namespace {

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

template <class F>
void each_part(std::string_view s, char sep, F f) {
  while (!s.empty()) {
    auto at = s.find(sep);
    f(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
}

// The length of the valid UTF-8 character at the start of s (0 when it is not one).
std::size_t utf8_char(std::string_view s) {
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || n > s.size() || (n == 2 && c < 0xc2)) return 0;
  for (std::size_t i = 1; i < n; ++i)
    if ((b(i) & 0xc0) != 0x80) return 0;
  if (n == 3 && ((c == 0xe0 && b(1) < 0xa0) || (c == 0xed && b(1) >= 0xa0))) return 0;  // overlong, surrogate
  if (n == 4 && ((c == 0xf0 && b(1) < 0x90) || c > 0xf4 || (c == 0xf4 && b(1) >= 0x90))) return 0;
  return n;
}

struct Kind {
  std::string_view ext, type;
};
// The types Tiski knows by name; any other extension is application/octet-stream.
constexpr std::array kKinds{
    Kind{"jpg", "image/jpeg"},
    Kind{"jpeg", "image/jpeg"},
    Kind{"png", "image/png"},
    Kind{"gif", "image/gif"},
    Kind{"webp", "image/webp"},
    Kind{"heic", "image/heic"},
    Kind{"pdf", "application/pdf"},
    Kind{"txt", "text/plain; charset=utf-8"},
    Kind{"csv", "text/csv; charset=utf-8"},
    Kind{"doc", "application/msword"},
    Kind{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    Kind{"xls", "application/vnd.ms-excel"},
    Kind{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    Kind{"ppt", "application/vnd.ms-powerpoint"},
    Kind{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    Kind{"odt", "application/vnd.oasis.opendocument.text"},
    Kind{"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    Kind{"odp", "application/vnd.oasis.opendocument.presentation"},
    Kind{"rtf", "application/rtf"},
    Kind{"zip", "application/zip"},
    Kind{"eml", "message/rfc822"},
    Kind{"htm", "text/html; charset=utf-8"},
    Kind{"html", "text/html; charset=utf-8"},
    Kind{"svg", "image/svg+xml"},
    Kind{"mp3", "audio/mpeg"},
    Kind{"mp4", "video/mp4"},
};

std::string_view type_of(std::string_view ext) {
  for (const auto& k : kKinds)
    if (k.ext == ext) return k.type;
  return "application/octet-stream";
}

// The pictures decoded before they are kept, by their signature.
std::string_view picture_of(std::string_view bytes) {
  if (bytes.starts_with("\x89PNG\r\n\x1a\n")) return "image/png";
  if (bytes.starts_with("\xff\xd8\xff")) return "image/jpeg";
  if (bytes.starts_with("GIF87a") || bytes.starts_with("GIF89a")) return "image/gif";
  return "";
}

bool is_picture_ext(std::string_view ext) { return ext == "jpg" || ext == "jpeg" || ext == "png" || ext == "gif"; }

bool valid_ext(std::string_view e) {
  return !e.empty() && e.size() <= 10 &&
         std::all_of(e.begin(), e.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

// Decodes the picture fully (every pixel read: a truncated or corrupt file fails) after its
// header has shown a size within the budget.
Status decode(std::string_view bytes, Checked& c) {
  if (bytes.size() > static_cast<std::size_t>(INT32_MAX)) return Error::bad_request("the picture is too large");
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, n = 0;
  if (!stbi_info_from_memory(data, len, &w, &h, &n)) return Error::bad_request("the picture could not be read");
  if (w <= 0 || h <= 0 || w > kMaxSide || h > kMaxSide || std::int64_t{w} * h > kMaxPixels)
    return Error::bad_request("the picture is " + std::to_string(w) + "×" + std::to_string(h) + " pixels: at most " +
                              std::to_string(kMaxPixels / 1'000'000) + " megapixels");
  stbi_uc* pixels = stbi_load_from_memory(data, len, &w, &h, &n, 0);
  if (!pixels) return Error::bad_request("the picture could not be read: " + std::string(stbi_failure_reason()));
  stbi_image_free(pixels);
  c.image = true;
  c.width = w;
  c.height = h;
  return {};
}

}  // namespace

std::string Policy::text() const {
  std::string out = "max=" + std::to_string(max_bytes) + ";types=";
  for (std::size_t i = 0; i < types.size(); ++i) out += (i ? " " : "") + types[i];
  return out;
}

bool Policy::allows(std::string_view extension) const {
  return std::binary_search(types.begin(), types.end(), std::string(extension)) ||
         std::binary_search(types.begin(), types.end(), std::string("*"));
}

Result<Policy> parse_policy(std::string_view text) {
  Policy p;
  std::string_view types = kDefaultTypes;
  std::optional<Error> bad;
  each_part(text, ';', [&](std::string_view part) {
    part = trim(part);
    if (part.empty() || bad) return;
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      bad = Error::bad_request("an attachment setting is name=value");
      return;
    }
    auto key = trim(part.substr(0, eq));
    auto value = trim(part.substr(eq + 1));
    if (key == "max") {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec != std::errc() || end != value.data() + value.size() || n < kMinMaxBytes || n > kMaxFileBytes)
        bad = Error::bad_request("the largest file is " + std::to_string(kMinMaxBytes) + " to " +
                                 std::to_string(kMaxFileBytes) + " bytes");
      p.max_bytes = n;
    } else if (key == "types") {
      types = value;
    } else {
      bad = Error::bad_request("unknown attachment setting '" + std::string(key.substr(0, 20)) + "'");
    }
  });
  each_part(types, ' ', [&](std::string_view t) {
    std::string e = ascii_lower(trim(t));
    if (!e.empty() && e.front() == '.') e.erase(0, 1);
    if (e.empty() || bad) return;
    if (e != "*" && !valid_ext(e)) {
      bad = Error::bad_request("'" + e.substr(0, 20) + "' is not a file extension (letters and digits, like pdf)");
      return;
    }
    p.types.push_back(std::move(e));
  });
  if (bad) return *bad;
  if (p.types.size() > 100) return Error::bad_request("at most 100 file types");
  std::sort(p.types.begin(), p.types.end());
  p.types.erase(std::unique(p.types.begin(), p.types.end()), p.types.end());
  return p;
}

Policy stored_policy(std::string_view text) {
  if (auto p = parse_policy(text)) return *std::move(p);
  return *parse_policy("");
}

std::string extension_of(std::string_view name) {
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot + 1 >= name.size()) return "";
  std::string e = ascii_lower(name.substr(dot + 1));
  return valid_ext(e) ? e : "";
}

std::string clean_name(std::string_view name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  while (!name.empty()) {
    std::size_t n = utf8_char(name);
    unsigned char c = static_cast<unsigned char>(name[0]);
    if (n == 0 || c < 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') {
      out += '_';
      n = std::max<std::size_t>(n, 1);
    } else if (bidi_control(name) > 0) {
      // dropped: an override would show "kuitti<RLO>fdp.html" as "kuittilmth.pdf"
    } else {
      out.append(name.substr(0, n));
    }
    name.remove_prefix(n);
  }
  out = std::string(trim(out));
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  if (out.size() > kMaxNameBytes) {
    std::string ext = extension_of(out);
    std::size_t keep = kMaxNameBytes - (ext.empty() ? 0 : ext.size() + 1);
    out = clip(out, keep) + (ext.empty() ? "" : "." + ext);
  }
  return out.empty() ? "liite" : out;
}

Result<Checked> check(std::string_view name, std::string_view bytes, const Policy& policy) {
  Checked c;
  c.name = clean_name(name);
  if (bytes.empty()) return Error::bad_request("the file '" + c.name + "' is empty");
  std::int64_t size = static_cast<std::int64_t>(bytes.size());
  if (size > policy.max_bytes || size > kMaxFileBytes)
    return Error::too_large("the file '" + c.name + "' is larger than " +
                            std::to_string(std::min(policy.max_bytes, kMaxFileBytes) / 1'000'000) + " MB");
  std::string ext = extension_of(c.name);
  if (!policy.allows(ext))
    return Error::bad_request("files of type '" + (ext.empty() ? std::string("(none)") : ext) +
                              "' are not accepted here");
  c.type = std::string(type_of(ext));
  auto picture = picture_of(bytes);
  if (is_picture_ext(ext)) {
    if (picture != c.type) return Error::bad_request("the file '" + c.name + "' is not the picture its name says");
    TRY_OK(decode(bytes, c));
  }
  return c;
}

bool inline_type(std::string_view type) { return type == "image/png" || type == "image/jpeg" || type == "image/gif"; }

}  // namespace tiski::attachments
