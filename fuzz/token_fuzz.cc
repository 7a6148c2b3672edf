// The visitor token (sent by any browser in hello): without the secret no input is accepted,
// and a token made with the secret is accepted only in the exact spelling it was issued in.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "chat/visitor_token.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::string_view kSecret = "fuzz-secret-0123456789abcdef";
  std::string_view token(reinterpret_cast<const char*>(data), size);
  auto claim = tiski::check_visitor_token(kSecret, token);
  if (claim && tiski::make_visitor_token(kSecret, claim->visitor, claim->site) != token) __builtin_trap();
  // The input used as a signature on a real id pair must not pass either, unless it is the real one.
  auto real = tiski::make_visitor_token(kSecret, 7, 3);
  std::string forged = "7.3." + std::string(token);
  if (tiski::check_visitor_token(kSecret, forged) && forged != real) __builtin_trap();
  return 0;
}
