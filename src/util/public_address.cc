#include "util/public_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace tiski {
namespace {

bool private_v4(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) { return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits)); };
  return in(0x00000000, 8) || in(0x0A000000, 8) || in(0x7F000000, 8) || in(0xA9FE0000, 16) || in(0xAC100000, 12) ||
         in(0xC0A80000, 16) || in(0x64400000, 10) || in(0xC0000000, 24) || in(0xC6120000, 15) || in(0xE0000000, 3);
}

bool private_v6(const in6_addr& a) {
  static const in6_addr kAny = IN6ADDR_ANY_INIT;
  static const in6_addr kLoop = IN6ADDR_LOOPBACK_INIT;
  if (std::memcmp(&a, &kAny, sizeof a) == 0 || std::memcmp(&a, &kLoop, sizeof a) == 0) return true;
  const auto* b = a.s6_addr;
  if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xFF) return true;                           // multicast
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;  // fec0::/10 site-local (deprecated)
  auto v4_at = [b](int i) {
    return (std::uint32_t{b[i]} << 24) | (std::uint32_t{b[i + 1]} << 16) | (std::uint32_t{b[i + 2]} << 8) | b[i + 3];
  };
  // An IPv4 address inside IPv6: mapped, compatible, translated (::ffff:0:0:0/96, RFC 2765),
  // NAT64 (64:ff9b::/96), 6to4 (2002::/16).
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) return private_v4(v4_at(12));
  static const unsigned char kTranslated[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
  if (std::memcmp(b, kTranslated, 12) == 0) return private_v4(v4_at(12));
  static const unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return private_v4(v4_at(12));
  if (b[0] == 0x20 && b[1] == 0x02) return private_v4(v4_at(2));
  return false;
}

}  // namespace

bool is_private_sockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) return private_v4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
  if (sa->sa_family == AF_INET6) return private_v6(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  return true;  // anything else (a Unix socket) is never a public address
}

bool is_private_address(const std::string& ip) {
  in_addr v4{};
  // inet_aton, not inet_pton: it reads the old forms too ("127.1", "0x7f000001", "2130706433"),
  // as the resolver and curl do.
  if (inet_aton(ip.c_str(), &v4) != 0) return private_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) return private_v6(v6);
  return false;
}

}  // namespace tiski
