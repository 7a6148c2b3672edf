// The email-address check (the leave-a-message form, agent accounts, config): an address it
// accepts has exactly one usable @, no control characters or spaces, and fits the limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mail/address.h"
#include "util/limits.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view addr(reinterpret_cast<const char*>(data), size);
  if (!tiski::mail::check_address(addr).ok()) return 0;
  if (addr.size() > tiski::limits::kMaxEmailBytes) __builtin_trap();
  auto at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == addr.size()) __builtin_trap();
  for (unsigned char c : addr) {
    if (c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == '\r' || c == '\n') __builtin_trap();
  }
  return 0;
}
