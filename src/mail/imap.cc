#include "mail/imap.h"

#include <curl/curl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "util/public_address.h"

namespace tiski::mail {
namespace {

struct Sink {
  std::string data;
  std::size_t max = 0;
  bool over = false;
};

std::size_t collect(char* p, std::size_t size, std::size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (s->data.size() + size * n > s->max) {
    s->over = true;
    return 0;  // libcurl stops the transfer (CURLE_WRITE_ERROR)
  }
  s->data.append(p, size * n);
  return size * n;
}

curl_socket_t open_public(void* clientp, curlsocktype, curl_sockaddr* addr) {
  bool allow_private = clientp != nullptr;
  if (!allow_private && is_private_sockaddr(&addr->addr)) return CURL_SOCKET_BAD;
  return ::socket(addr->family, addr->socktype, addr->protocol);
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The number after `key ` in `s`, if any.
std::optional<std::int64_t> number_after(std::string_view s, std::string_view key) {
  for (std::size_t at = s.find(key); at != std::string_view::npos; at = s.find(key, at + 1)) {
    bool word = at == 0 || s[at - 1] == ' ' || s[at - 1] == '(';
    std::size_t p = at + key.size();
    if (!word || p >= s.size() || s[p] != ' ') continue;
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data() + p + 1, s.data() + s.size(), v);
    if (ec == std::errc() && v >= 0) return v;
  }
  return std::nullopt;
}

}  // namespace

namespace {

// The server part of a mailbox url ("[::1]:993", "Mail.Example.FI.:143") names the machine itself,
// a private network or another address no tenant's mailbox may reach, in any spelling the
// resolver reads ("2130706433", "10.1"). The address is checked again when the socket opens.
bool private_host(std::string_view server) {
  std::string name;
  if (server.starts_with("[")) {
    name = std::string(server.substr(1, server.find(']') - 1));
  } else {
    name = std::string(server.substr(0, server.find(':')));
  }
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  while (!name.empty() && name.back() == '.') name.pop_back();
  return name == "localhost" || name.ends_with(".localhost") || is_private_address(name);
}

}  // namespace

Result<MailboxUrl> parse_mailbox_url(std::string_view url, bool allow_private) {
  MailboxUrl out;
  std::string_view rest;
  if (url.starts_with("imaps://")) {
    rest = url.substr(8);
  } else if (url.starts_with("imap://")) {
    rest = url.substr(7);
  } else {
    return Error::bad_request("the mailbox url must start with imaps:// (or imap:// with STARTTLS)");
  }
  if (url.size() > 500) return Error::bad_request("the mailbox url is longer than 500 characters");
  auto slash = rest.find('/');
  std::string_view host = rest.substr(0, slash);
  if (host.empty()) return Error::bad_request("the mailbox url has no server");
  if (host.find('@') != std::string_view::npos)
    return Error::bad_request("put the username and password in their own fields, not in the url");
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      return Error::bad_request("the mailbox url's server has characters a host name cannot have");
  if (!allow_private && private_host(host)) return Error::bad_request("the mailbox must be on a public server");
  out.server = std::string(url.substr(0, url.size() - rest.size())) + std::string(host);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  out.path = path.empty() ? "INBOX" : std::string(path);
  for (std::size_t i = 0; i < out.path.size(); ++i) {
    char c = out.path[i];
    if (c == '%' && i + 2 < out.path.size() && hex(out.path[i + 1]) >= 0 && hex(out.path[i + 2]) >= 0) {
      out.mailbox += static_cast<char>(hex(out.path[i + 1]) * 16 + hex(out.path[i + 2]));
      i += 2;
    } else {
      out.mailbox += c;
    }
  }
  for (char c : out.mailbox)
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\' || c == ';' || c == '?')
      return Error::bad_request("the mailbox name may not have quotes, backslashes, ; ? or control characters");
  return out;
}

std::optional<ImapStatus> parse_status(std::string_view response) {
  for (std::size_t start = 0; start < response.size();) {
    auto end = response.find('\n', start);
    auto line = response.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? response.size() : end + 1;
    if (!line.starts_with("* STATUS ")) continue;
    auto v = number_after(line, "UIDVALIDITY");
    auto n = number_after(line, "UIDNEXT");
    if (v && n) return ImapStatus{*v, *n};
  }
  return std::nullopt;
}

std::vector<ImapEntry> parse_sizes(std::string_view response) {
  std::vector<ImapEntry> out;
  for (std::size_t start = 0; start < response.size();) {
    auto end = response.find('\n', start);
    auto line = response.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    start = end == std::string_view::npos ? response.size() : end + 1;
    if (!line.starts_with("* ") || line.find(" FETCH (") == std::string_view::npos) continue;
    auto items = line.substr(line.find(" FETCH (") + 7);
    auto uid = number_after(items, "UID");
    auto size = number_after(items, "RFC822.SIZE");
    if (uid && size) out.push_back({*uid, *size});
  }
  std::sort(out.begin(), out.end(), [](const ImapEntry& a, const ImapEntry& b) { return a.uid < b.uid; });
  return out;
}

ImapSession::ImapSession(ImapAccount account) : a_(std::move(account)) {
  auto u = parse_mailbox_url(a_.url, a_.allow_private);
  if (u) {
    url_ = *std::move(u);
  } else {
    bad_url_ = u.error();
  }
}

ImapSession::~ImapSession() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<std::string> ImapSession::perform(const std::string& url, const std::string& command, std::size_t max_bytes) {
  if (!url_) return bad_url_;
  if (!curl_) {
    curl_ = curl_easy_init();
    if (!curl_) return Error::internal("libcurl could not start");
  }
  auto* c = static_cast<CURL*>(curl_);
  Sink sink;
  sink.max = max_bytes;
  char err[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, command.empty() ? nullptr : command.c_str());
  curl_easy_setopt(c, CURLOPT_USERNAME, a_.username.c_str());
  curl_easy_setopt(c, CURLOPT_PASSWORD, a_.password.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   a_.allow_private ? static_cast<long>(CURLUSESSL_TRY) : static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(a_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<std::int64_t>(a_.timeout_ms, 10'000)));
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_public);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, a_.allow_private ? reinterpret_cast<void*>(1) : nullptr);
  CURLcode rc = curl_easy_perform(c);
  if (sink.over) return Error::too_large("the answer is over " + std::to_string(max_bytes) + " bytes");
  if (rc == CURLE_LOGIN_DENIED) return Error::unauthorized("the mail server refused the username or password");
  if (rc != CURLE_OK) return Error::unavailable(std::string("IMAP: ") + (err[0] ? err : curl_easy_strerror(rc)));
  return std::move(sink.data);
}

Result<ImapStatus> ImapSession::status() {
  if (!url_) return bad_url_;
  auto r = TRY(perform(url_->server + "/", "STATUS \"" + url_->mailbox + "\" (UIDVALIDITY UIDNEXT)", 64 * 1024));
  auto s = parse_status(r);
  if (!s) return Error::unavailable("IMAP: the server did not tell the mailbox's UIDVALIDITY and UIDNEXT");
  return *s;
}

Result<std::vector<ImapEntry>> ImapSession::entries(std::int64_t from, std::int64_t to) {
  if (!url_) return bad_url_;
  if (from < 1 || to < from) return std::vector<ImapEntry>{};
  auto r = TRY(perform(url_->server + "/" + url_->path,
                       "UID FETCH " + std::to_string(from) + ":" + std::to_string(to) + " (UID RFC822.SIZE)",
                       static_cast<std::size_t>(to - from + 1) * 100 + 4096));
  auto all = parse_sizes(r);
  // "n:m" answers the newest message even below n when none is in the range (RFC 3501 6.4.8).
  std::erase_if(all, [from, to](const ImapEntry& e) { return e.uid < from || e.uid > to; });
  return all;
}

Result<std::string> ImapSession::fetch(std::int64_t uid, std::size_t max_bytes) {
  if (!url_) return bad_url_;
  return perform(url_->server + "/" + url_->path + "/;UID=" + std::to_string(uid), "", max_bytes);
}

}  // namespace tiski::mail
