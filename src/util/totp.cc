#include "util/totp.h"

#include <cctype>

#include "util/crypto.h"
#include "util/text.h"

namespace tiski::totp {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

}  // namespace

std::string hotp(std::string_view key, std::uint64_t counter, int digits) {
  char msg[8];
  for (int i = 7; i >= 0; --i) {
    msg[i] = static_cast<char>(counter & 0xFF);
    counter >>= 8;
  }
  auto mac = crypto::hmac_sha1(key, std::string_view(msg, 8));
  int offset = static_cast<unsigned char>(mac[19]) & 0x0F;
  std::uint32_t bin = (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset]) & 0x7F) << 24) |
                      (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 1])) << 16) |
                      (static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 2])) << 8) |
                      static_cast<std::uint32_t>(static_cast<unsigned char>(mac[offset + 3]));
  std::uint32_t mod = 1;
  for (int i = 0; i < digits; ++i) mod *= 10;
  std::string out = std::to_string(bin % mod);
  return std::string(static_cast<std::size_t>(digits) - out.size(), '0') + out;
}

std::string code_at(std::string_view key, std::int64_t unix_seconds, int digits) {
  return hotp(key, static_cast<std::uint64_t>(unix_seconds / kStepSeconds), digits);
}

std::optional<std::int64_t> verify(std::string_view key, std::string_view code, std::int64_t unix_seconds,
                                   std::int64_t last_step) {
  std::string typed;
  for (char c : code)
    if (c != ' ') typed += c;
  if (typed.size() != kDigits) return std::nullopt;
  std::int64_t now = unix_seconds / kStepSeconds;
  for (std::int64_t step = now - 1; step <= now + 1; ++step) {
    if (step <= last_step) continue;
    if (hotp(key, static_cast<std::uint64_t>(step)) == typed) return step;
  }
  return std::nullopt;
}

std::string base32(std::string_view raw) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

Result<std::string> base32_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '=') continue;
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
    if (v < 0) return Error::bad_request("not Base32: only A-Z and 2-7");
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out += static_cast<char>((buffer >> (bits - 8)) & 0xFF);
      bits -= 8;
    }
  }
  return out;
}

std::string uri(std::string_view issuer, std::string_view account, std::string_view key) {
  return "otpauth://totp/" + percent_encode(issuer) + ":" + percent_encode(account) + "?secret=" + base32(key) +
         "&issuer=" + percent_encode(issuer) + "&algorithm=SHA1&digits=6&period=30";
}

}  // namespace tiski::totp
