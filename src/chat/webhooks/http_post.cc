#include "chat/webhooks/http_post.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "util/public_address.h"

namespace tiski::webhooks {
namespace {

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

// libcurl asks before it opens each socket: refusing returns CURL_SOCKET_BAD and the transfer
// fails with "Couldn't connect".
curl_socket_t open_public(void* clientp, curlsocktype, curl_sockaddr* addr) {
  bool allow_private = clientp != nullptr;
  if (!allow_private && is_private_sockaddr(&addr->addr)) return CURL_SOCKET_BAD;
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
