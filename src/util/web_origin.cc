#include "util/web_origin.h"

#include <algorithm>
#include <cctype>

namespace tiski {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A host[:port] of letters, digits, dots, hyphens (and a bracketed IPv6 address).
bool plain_host(std::string_view h) {
  if (h.empty() || h.front() == '.' || h.find("..") != std::string_view::npos) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}

}  // namespace

std::string normal_origin(std::string_view o) {
  std::string s = lower(o);
  std::string scheme;
  if (s.starts_with("http://"))
    scheme = "http";
  else if (s.starts_with("https://"))
    scheme = "https";
  else
    return "";
  std::string rest = s.substr(scheme.size() + 3);
  rest = rest.substr(0, rest.find('/'));
  if (rest.empty()) return "";
  if ((scheme == "http" && rest.ends_with(":80")) || (scheme == "https" && rest.ends_with(":443"))) {
    rest = rest.substr(0, rest.rfind(':'));
  }
  return scheme + "://" + rest;
}

std::string normal_origin_entry(std::string_view entry) {
  while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.front()))) entry.remove_prefix(1);
  while (!entry.empty() && std::isspace(static_cast<unsigned char>(entry.back()))) entry.remove_suffix(1);
  std::string e(entry);
  if (e.find("://") == std::string::npos) e = "https://" + e;
  std::string n = normal_origin(e);
  if (n.empty()) return "";
  std::string_view host = std::string_view(n).substr(n.find("://") + 3);
  bool wild = host.starts_with("*.");
  if (wild) host.remove_prefix(2);
  if (host.ends_with('.')) return "";  // "shop.fi." is "shop.fi": say it so
  if (!plain_host(host)) return "";
  // A name of one label is no shop's ("null", "https://*.fi" for a whole country): localhost and
  // IPv6 addresses aside.
  std::string_view name = host.front() == '[' ? host : host.substr(0, host.find(':'));
  if (name.find('.') == std::string_view::npos && name.front() != '[' && (wild || name != "localhost")) return "";
  return n;
}

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) {
  if (allowed.empty()) return true;
  std::string o = normal_origin(origin);
  if (o.empty()) return false;
  for (const auto& a : allowed) {
    if (a == o) return true;
    auto star = a.find("://*.");
    if (star == std::string::npos) continue;
    // "https://*.shop.fi" allows "https://www.shop.fi" (the same scheme, and port if any).
    std::string_view scheme = std::string_view(a).substr(0, star + 3);
    std::string_view parent = std::string_view(a).substr(star + 4);  // ".shop.fi"
    if (o.starts_with(scheme) && o.size() > scheme.size() + parent.size() && o.ends_with(parent)) return true;
  }
  return false;
}

}  // namespace tiski
