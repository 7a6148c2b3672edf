// Small wrappers over libsodium (random tokens, Argon2id) and OpenSSL (HMAC-SHA256, SHA-256).
// All functions are thread-safe. init_crypto() must run once before any of them (main does it).
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace tiski::crypto {

// Initialises libsodium; throws std::runtime_error if it cannot.
void init_crypto();

// `bytes` random bytes from the OS CSPRNG, base64url without padding.
std::string random_token(std::size_t bytes = 32);
// `n` random bytes from the OS CSPRNG, raw.
std::string random_bytes(std::size_t n);

std::string base64url(std::string_view raw);
// Standard base64 with padding (RFC 4648 section 4), as MIME bodies use it.
std::string base64(std::string_view raw);
// Decodes base64url without padding; nullopt-like empty Result on bad input.
Result<std::string> base64url_decode(std::string_view text);

// Raw 32-byte HMAC-SHA256.
std::string hmac_sha256(std::string_view key, std::string_view data);
// HMAC-SHA1: only for TOTP (util/totp.h), which the authenticator apps define on SHA-1.
std::string hmac_sha1(std::string_view key, std::string_view data);
// Lower-case hex SHA-256 (used to store session tokens, never the tokens themselves).
std::string sha256_hex(std::string_view data);
// The raw 20-byte SHA-1 digest (only where a protocol demands it: the WebSocket handshake).
std::string sha1(std::string_view data);
std::string hex(std::string_view raw);

// Constant-time equality of two strings (lengths may leak).
bool equal_ct(std::string_view a, std::string_view b);

// Argon2id password hashing (libsodium "interactive" limits unless `fast` is set for tests and
// the demo seed). CPU-heavy (~50 ms): never call on a network thread.
Result<std::string> hash_password(std::string_view password, bool fast = false);
bool verify_password(std::string_view hash, std::string_view password);

}  // namespace tiski::crypto
