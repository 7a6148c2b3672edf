#include "mail/smtp.h"

#include <curl/curl.h>

#include <cstring>

namespace tiski::mail {
namespace {

struct Reader {
  std::string_view data;
  std::size_t pos = 0;
};

std::size_t read_cb(char* buf, std::size_t size, std::size_t n, void* user) {
  auto* r = static_cast<Reader*>(user);
  std::size_t room = size * n;
  std::size_t left = r->data.size() - r->pos;
  std::size_t k = std::min(room, left);
  std::memcpy(buf, r->data.data() + r->pos, k);
  r->pos += k;
  return k;
}

bool loopback_host(std::string_view url) {
  auto p = url.find("://");
  if (p == std::string_view::npos) return false;
  std::string_view rest = url.substr(p + 3);
  return rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]");
}

}  // namespace

Status check_smtp(const SmtpOptions& o) {
  if (o.url.empty()) return {};
  bool smtps = o.url.starts_with("smtps://");
  if (!smtps && !o.url.starts_with("smtp://"))
    return Error::bad_request("[smtp] url must start with smtp:// or smtps://");
  if (o.tls != "starttls" && o.tls != "none") return Error::bad_request("[smtp] tls must be starttls or none");
  if (!smtps && o.tls == "none" && !loopback_host(o.url)) {
    return Error::bad_request("[smtp] tls = \"none\" is allowed only for a relay on 127.0.0.1/localhost");
  }
  if (o.timeout.count() < 1) return Error::bad_request("[smtp] timeout_seconds must be at least 1");
  return {};
}

SendOutcome SmtpClient::send(std::string_view from, std::string_view to, std::string_view mime) const {
  SendOutcome out;
  CURL* c = curl_easy_init();
  if (!c) {
    out.error = "libcurl could not start";
    return out;
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  Reader reader{mime, 0};
  std::string from_env = "<" + std::string(from) + ">";
  std::string to_env = "<" + std::string(to) + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, to_env.c_str());
  curl_easy_setopt(c, CURLOPT_URL, o_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from_env.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(o_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min<long>(10, o_.timeout.count())));
  if (!o_.url.starts_with("smtps://")) {
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     o_.tls == "none" ? static_cast<long>(CURLUSESSL_NONE) : static_cast<long>(CURLUSESSL_ALL));
  }
  if (!o_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, o_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, o_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(c);
  if (rc == CURLE_OK) {
    out.sent = true;
    return out;
  }
  out.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
  if (code > 0) out.error += " (SMTP " + std::to_string(code) + ")";
  // 5xx is the relay's final word (unknown mailbox, refused sender); anything else — a
  // refused connection, a timeout, 4xx — may pass on a later attempt.
  out.permanent = code >= 500 && code < 600;
  return out;
}

}  // namespace tiski::mail
