// Outbound HTTP POSTs for webhooks, several at once (libcurl's multi interface), each bounded by
// a timeout (connecting: at most 3 s), never following redirects or a proxy from the
// environment, http and https only. Unless `allow_private`, a
// connection to a loopback, private, link-local or otherwise non-public address is refused
// when the socket is opened (after DNS), so a webhook cannot reach the server's own network.
//
// Threading: blocking; called on the webhook thread only.
#pragma once

#include <string>
#include <vector>

#include "store/records.h"
#include "util/time.h"

namespace tiski::webhooks {

struct PostRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
};
struct PostResult {
  int code = 0;       // the HTTP status, 0 when none came back
  std::string error;  // "" when a 2xx came back
};
struct PostOptions {
  Millis timeout_ms = 10'000;
  bool allow_private = false;
};

// One result per request, in order.
std::vector<PostResult> post_all(const std::vector<PostRequest>& requests, const PostOptions& o);

}  // namespace tiski::webhooks
