// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, the authenticator
// apps' default: 30-second steps, 6 digits) and the Base32 text (RFC 4648) their keys are shown
// in. Tested against the RFCs' own vectors (totp_test.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace tiski::totp {

inline constexpr int kStepSeconds = 30;
inline constexpr int kDigits = 6;
inline constexpr std::size_t kKeyBytes = 20;  // 160 bits, as RFC 4226 recommends

// The HOTP value of `counter`, `digits` long with leading zeros.
std::string hotp(std::string_view key, std::uint64_t counter, int digits = kDigits);
// The TOTP value at `unix_seconds`.
std::string code_at(std::string_view key, std::int64_t unix_seconds, int digits = kDigits);

// The time step a typed code matches, within one step either side of `unix_seconds` (clock
// drift), and only if later than `last_step` (a code is used once). nullopt otherwise.
std::optional<std::int64_t> verify(std::string_view key, std::string_view code, std::int64_t unix_seconds,
                                   std::int64_t last_step);

std::string base32(std::string_view raw);  // RFC 4648, upper case, no padding
// Accepts lower case, spaces and padding; bad_request on any other character.
Result<std::string> base32_decode(std::string_view text);

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=… (what authenticator apps read from a QR code).
std::string uri(std::string_view issuer, std::string_view account, std::string_view key);

}  // namespace tiski::totp
