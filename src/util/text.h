// Small text helpers used across layers. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tiski {

// Without leading and trailing spaces, tabs and line breaks.
inline std::string_view trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// The characters (code points) of UTF-8 text: its bytes that do not continue a character.
inline std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A name a person gave: not blank, at most `max` characters (not bytes: "Ä" is one).
inline bool name_fits(std::string_view s, std::size_t max) { return !tiski::trim(s).empty() && char_count(s) <= max; }

// The bytes of the bidirectional embedding, override or isolate that `s` starts with
// (U+202A-U+202E, U+2066-U+2069), else 0: text that reorders what follows it on screen.
inline std::size_t bidi_control(std::string_view s) {
  if (s.size() < 3 || static_cast<unsigned char>(s[0]) != 0xE2) return 0;
  auto b = static_cast<unsigned char>(s[1]), c = static_cast<unsigned char>(s[2]);
  bool control = (b == 0x80 && c >= 0xAA && c <= 0xAE) || (b == 0x81 && c >= 0xA6 && c <= 0xA9);
  return control ? 3 : 0;
}

// The text without its bidirectional controls (bidi_control).
inline std::string without_bidi(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (std::size_t n = bidi_control(s.substr(i)); n > 0) {
      i += n - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

// At most `max` bytes, cut at a UTF-8 character boundary.
inline std::string clip(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
  return std::string(s.substr(0, max));
}

// Percent-encoded (RFC 3986): every byte but the unreserved letters, digits and - . _ ~ as %XX.
// For URLs and RFC 2231/5987 parameters (an attachment's filename*).
inline std::string percent_encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~';
    if (keep) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace tiski
