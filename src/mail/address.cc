#include "mail/address.h"

#include <cctype>
#include <string>

#include "util/limits.h"

namespace tiski::mail {
namespace {

bool atext(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kSpecials = "!#$%&'*+/=?^_`{|}~-";
  return c < 128 && kSpecials.find(static_cast<char>(c)) != std::string_view::npos;
}

Error bad(std::string_view addr, std::string_view why) {
  return Error::bad_request("'" + std::string(addr.substr(0, 80)) +
                            "' is not a valid email address: " + std::string(why));
}

}  // namespace

Status check_address(std::string_view addr) {
  if (addr.empty()) return Error::bad_request("the email address is empty");
  if (addr.size() > limits::kMaxEmailBytes) {
    return Error::bad_request("the email address is longer than " + std::to_string(limits::kMaxEmailBytes) +
                              " characters");
  }
  auto at = addr.rfind('@');
  if (at == std::string_view::npos) return bad(addr, "it has no @");
  std::string_view local = addr.substr(0, at);
  std::string_view domain = addr.substr(at + 1);
  if (local.empty()) return bad(addr, "nothing before the @");
  if (local.size() > limits::kMaxEmailLocalBytes) return bad(addr, "the part before the @ is too long");
  for (std::size_t i = 0; i < local.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(local[i]);
    if (c == '.') {
      if (i == 0 || i + 1 == local.size() || local[i - 1] == '.') return bad(addr, "misplaced dot before the @");
    } else if (!atext(c)) {
      return bad(addr, "it contains a character not allowed before the @");
    }
  }
  if (domain.empty()) return bad(addr, "nothing after the @");
  std::size_t labels = 0;
  std::string_view last;
  for (std::size_t start = 0; start <= domain.size();) {
    auto dot = domain.find('.', start);
    std::string_view label = domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63) return bad(addr, "the domain after the @ is malformed");
    if (label.front() == '-' || label.back() == '-') return bad(addr, "the domain after the @ is malformed");
    for (unsigned char c : label) {
      if (!std::isalnum(c) && c != '-') return bad(addr, "the domain contains a character that is not allowed");
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return bad(addr, "the domain has no top-level part (like .fi)");
  if (last.size() < 2) return bad(addr, "the top-level domain is too short");
  if (!last.starts_with("xn--")) {  // punycode TLDs carry digits and dashes
    for (unsigned char c : last) {
      if (!std::isalpha(c)) return bad(addr, "the top-level domain must be letters");
    }
  }
  return {};
}

}  // namespace tiski::mail
