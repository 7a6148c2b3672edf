#include "chat/webhooks/http_post.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace tiski::webhooks {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

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
  // An IPv4 address inside IPv6: mapped, compatible, NAT64 (64:ff9b::/96), 6to4 (2002::/16).
  if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) return private_v4(v4_at(12));
  static const unsigned char kNat64[12] = {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::memcmp(b, kNat64, 12) == 0) return private_v4(v4_at(12));
  if (b[0] == 0x20 && b[1] == 0x02) return private_v4(v4_at(2));
  return false;
}

bool private_sockaddr(const sockaddr* sa) {
  if (sa->sa_family == AF_INET) return private_v4(ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr));
  if (sa->sa_family == AF_INET6) return private_v6(reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr);
  return true;  // anything else (a Unix socket) is never a webhook
}

// libcurl asks before it opens each socket: refusing returns CURL_SOCKET_BAD and the transfer
// fails with "Couldn't connect".
curl_socket_t open_public(void* clientp, curlsocktype, curl_sockaddr* addr) {
  bool allow_private = clientp != nullptr;
  if (!allow_private && private_sockaddr(&addr->addr)) return CURL_SOCKET_BAD;
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

struct Easy {
  CURL* h = nullptr;
  curl_slist* headers = nullptr;
  char err[CURL_ERROR_SIZE] = {};
  ~Easy() {
    if (headers) curl_slist_free_all(headers);
    if (h) curl_easy_cleanup(h);
  }
};

void setup(Easy& e, const PostRequest& r, const PostOptions& o) {
  e.h = curl_easy_init();
  for (const auto& line : r.headers) e.headers = curl_slist_append(e.headers, line.c_str());
  curl_easy_setopt(e.h, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e.h, CURLOPT_POST, 1L);
  curl_easy_setopt(e.h, CURLOPT_POSTFIELDS, r.body.data());
  curl_easy_setopt(e.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
  curl_easy_setopt(e.h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e.h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e.h, CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout_ms));
  curl_easy_setopt(e.h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<Millis>(o.timeout_ms, 3000)));
  curl_easy_setopt(e.h, CURLOPT_PROXY, "");  // never a proxy from the environment: it would resolve the target
  curl_easy_setopt(e.h, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(e.h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(e.h, CURLOPT_ERRORBUFFER, e.err);
  curl_easy_setopt(e.h, CURLOPT_OPENSOCKETFUNCTION, open_public);
  curl_easy_setopt(e.h, CURLOPT_OPENSOCKETDATA, o.allow_private ? reinterpret_cast<void*>(1) : nullptr);
}

}  // namespace

bool is_private_address(const std::string& ip) {
  in_addr v4{};
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) return private_v4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) return private_v6(v6);
  return false;
}

std::vector<PostResult> post_all(const std::vector<PostRequest>& requests, const PostOptions& o) {
  std::vector<PostResult> out(requests.size(), PostResult{0, "the request did not complete"});
  if (requests.empty()) return out;
  std::vector<std::unique_ptr<Easy>> easies;
  std::unique_ptr<CURLM, decltype(&curl_multi_cleanup)> multi(curl_multi_init(), curl_multi_cleanup);
  for (const auto& r : requests) {
    easies.push_back(std::make_unique<Easy>());
    setup(*easies.back(), r, o);
    curl_multi_add_handle(multi.get(), easies.back()->h);
  }
  int running = 0;
  do {
    if (curl_multi_perform(multi.get(), &running) != CURLM_OK) break;
    if (running > 0) curl_multi_poll(multi.get(), nullptr, 0, 200, nullptr);
  } while (running > 0);
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi.get(), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    for (std::size_t i = 0; i < easies.size(); ++i) {
      if (easies[i]->h != m->easy_handle) continue;
      long code = 0;
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
      out[i].code = static_cast<int>(code);
      out[i].error.clear();
      if (m->data.result != CURLE_OK) {
        out[i].error = easies[i]->err[0] ? easies[i]->err : curl_easy_strerror(m->data.result);
      } else if (code < 200 || code > 299) {
        out[i].error = "the receiver answered HTTP " + std::to_string(code);
      }
    }
  }
  for (auto& e : easies) curl_multi_remove_handle(multi.get(), e->h);
  return out;
}

}  // namespace tiski::webhooks
