#include "app/config.h"

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>
#include <set>

#include "mail/address.h"
#include "util/limits.h"

namespace tiski {

Result<BusAddress> bus_address(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  auto bad = [&] { return Error::bad_request("cluster bus must be redis://HOST:PORT, not " + url); };
  if (!url.starts_with(kScheme)) return bad();
  std::string rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  BusAddress a;
  auto colon = rest.rfind(':');
  a.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad();
    a.port = std::stoi(port);
    if (a.port < 1 || a.port > 65535) return bad();
  }
  if (a.host.empty() || a.host.find_first_of("/@?#") != std::string::npos) return bad();
  return a;
}

Status set_listen(Config& cfg, const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return Error::bad_request("listen must be HOST:PORT, got '" + listen + "'");
  unsigned port = 0;
  const char* b = listen.data() + colon + 1;
  const char* e = listen.data() + listen.size();
  auto [p, ec] = std::from_chars(b, e, port);
  if (ec != std::errc() || p != e || port > 65535) return Error::bad_request("bad port in '" + listen + "'");
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  cfg.host = host;
  cfg.port = static_cast<std::uint16_t>(port);
  return {};
}

namespace {

// Every key of the file is one this version knows, with the right type: a typo is an error,
// not a silently ignored setting.
Status check_keys(const toml::table& doc, const std::string& path) {
  static const std::set<std::string> known = {"server.listen", "server.public_url", "server.web",    "store.data",
                                              "log.level",     "smtp.url",          "smtp.tls",      "smtp.from",
                                              "smtp.reply_to", "smtp.domain",       "smtp.username", "smtp.password",
                                              "signals.file",  "metrics.listen",    "metrics.token", "store.url",
                                              "store.files",   "cluster.bus",       "cluster.node"};
  static const std::set<std::string> lists = {"limits.trusted_proxies", "limits.unlimited"};
  static const std::set<std::string> numbers = {"routing.assign_timeout_seconds",
                                                "routing.auto_away_minutes",
                                                "routing.offline_grace_seconds",
                                                "smtp.timeout_seconds",
                                                "smtp.max_attempts",
                                                "smtp.retry_seconds",
                                                "webhooks.retry_seconds",
                                                "webhooks.max_attempts",
                                                "webhooks.timeout_seconds",
                                                "imap.poll_seconds",
                                                "imap.batch",
                                                "imap.timeout_seconds"};
  for (const auto& [section, node] : doc) {
    const auto* t = node.as_table();
    if (!t) return Error::bad_request("config " + path + ": '" + std::string(section.str()) + "' must be a [section]");
    for (const auto& [key, value] : *t) {
      std::string full = std::string(section.str()) + "." + std::string(key.str());
      if (full == "webhooks.allow_private" || full == "imap.allow_private") {
        if (!value.is_boolean()) return Error::bad_request("config " + path + ": '" + full + "' must be true or false");
        continue;
      }
      if (full == "server.io_threads") {
        auto n = value.value<std::int64_t>();
        if (!value.is_integer() || !n || *n < 0 || *n > limits::kMaxIoThreads) {
          return Error::bad_request("config " + path + ": 'server.io_threads' must be a whole number from 0 to " +
                                    std::to_string(limits::kMaxIoThreads));
        }
        continue;
      }
      if (numbers.contains(full)) {
        auto n = value.value<std::int64_t>();
        if (!value.is_integer() || !n || *n < 1 || *n > 86400) {
          return Error::bad_request("config " + path + ": '" + full + "' must be a whole number from 1 to 86400");
        }
        continue;
      }
      if (lists.contains(full)) {
        const auto* a = value.as_array();
        bool ok = a != nullptr;
        for (std::size_t i = 0; ok && i < a->size(); ++i) ok = (*a)[i].is_string();
        if (!ok) return Error::bad_request("config " + path + ": '" + full + "' must be a list of strings");
        continue;
      }
      if (!known.contains(full)) return Error::bad_request("config " + path + ": unknown setting '" + full + "'");
      if (!value.is_string()) return Error::bad_request("config " + path + ": '" + full + "' must be a string");
    }
  }
  return {};
}

// [server], [store], [log], [routing], [signals], [limits], [metrics].
Status read_server(toml::table& doc, const std::string& path, Config& cfg) {
  if (auto v = doc["server"]["listen"].value<std::string>()) {
    if (auto s = set_listen(cfg, *v); !s) return s.error();
  }
  if (auto v = doc["server"]["public_url"].value<std::string>()) cfg.public_url = TRY(normal_public_url(*v));
  if (auto v = doc["server"]["web"].value<std::string>()) cfg.web_dir = *v;
  if (auto v = doc["server"]["io_threads"].value<std::int64_t>()) cfg.io_threads = static_cast<int>(*v);
  if (auto v = doc["store"]["data"].value<std::string>()) cfg.data_dir = *v;
  if (auto v = doc["store"]["url"].value<std::string>()) cfg.store_url = *v;
  if (auto v = doc["store"]["files"].value<std::string>()) cfg.files_dir = *v;
  if (auto v = doc["cluster"]["bus"].value<std::string>()) cfg.bus_url = *v;
  if (auto v = doc["cluster"]["node"].value<std::string>()) cfg.node_id = *v;
  if (auto v = doc["log"]["level"].value<std::string>()) {
    if (*v != "debug" && *v != "info" && *v != "warn" && *v != "error") {
      return Error::bad_request("config " + path + ": log.level must be debug, info, warn or error");
    }
    cfg.log_level = *v;
  }
  if (auto v = doc["routing"]["assign_timeout_seconds"].value<std::int64_t>())
    cfg.routing.assign_timeout_ms = *v * 1000;
  if (auto v = doc["routing"]["auto_away_minutes"].value<std::int64_t>()) cfg.presence.auto_away_ms = *v * 60'000;
  if (auto v = doc["routing"]["offline_grace_seconds"].value<std::int64_t>()) cfg.presence.offline_grace_ms = *v * 1000;
  if (auto v = doc["signals"]["file"].value<std::string>()) cfg.signals_file = *v;
  for (auto [key, out] : {std::pair{"trusted_proxies", &cfg.trusted_proxies}, std::pair{"unlimited", &cfg.unlimited}}) {
    if (auto* a = doc["limits"][key].as_array()) {
      for (const auto& e : *a) out->push_back(*e.value<std::string>());
    }
  }
  if (auto v = doc["webhooks"]["allow_private"].value<bool>()) cfg.webhooks_private = *v;
  if (auto v = doc["webhooks"]["retry_seconds"].value<std::int64_t>()) cfg.webhook_retry_seconds = static_cast<int>(*v);
  if (auto v = doc["webhooks"]["max_attempts"].value<std::int64_t>()) cfg.webhook_max_attempts = static_cast<int>(*v);
  if (auto v = doc["webhooks"]["timeout_seconds"].value<std::int64_t>()) {
    if (*v > limits::kMaxWebhookTimeoutSeconds) {
      return Error::bad_request("config " + path + ": 'webhooks.timeout_seconds' must be a whole number from 1 to " +
                                std::to_string(limits::kMaxWebhookTimeoutSeconds));
    }
    cfg.webhook_timeout_seconds = static_cast<int>(*v);
  }
  if (auto v = doc["imap"]["allow_private"].value<bool>()) cfg.imap.allow_private = *v;
  if (auto v = doc["imap"]["poll_seconds"].value<std::int64_t>()) cfg.imap.poll_ms = *v * 1000;
  if (auto v = doc["imap"]["timeout_seconds"].value<std::int64_t>()) cfg.imap.timeout_ms = *v * 1000;
  if (auto v = doc["imap"]["batch"].value<std::int64_t>()) {
    if (*v > 500) return Error::bad_request("config " + path + ": 'imap.batch' must be a whole number from 1 to 500");
    cfg.imap.batch = *v;
  }
  if (auto v = doc["metrics"]["token"].value<std::string>()) {
    if (v->size() < 16) return Error::bad_request("config " + path + ": metrics.token must be at least 16 characters");
    cfg.metrics_token = *v;
  }
  if (auto v = doc["metrics"]["listen"].value<std::string>()) {
    Config m;
    if (auto s = set_listen(m, *v); !s)
      return Error::bad_request("config " + path + ": metrics.listen: " + s.error().message);
    cfg.metrics_host = m.host;
    cfg.metrics_port = m.port;
  }
  return {};
}

// [smtp]: the relay and the addresses replies are sent from.
Status read_smtp(toml::table& doc, const std::string& path, Config& cfg) {
  auto smtp = doc["smtp"];
  if (auto v = smtp["url"].value<std::string>()) cfg.smtp.url = *v;
  if (auto v = smtp["tls"].value<std::string>()) cfg.smtp.tls = *v;
  if (auto v = smtp["username"].value<std::string>()) cfg.smtp.username = *v;
  if (auto v = smtp["password"].value<std::string>()) cfg.smtp.password = *v;
  if (auto v = smtp["timeout_seconds"].value<std::int64_t>()) cfg.smtp.timeout = std::chrono::seconds(*v);
  if (auto v = smtp["from"].value<std::string>()) cfg.mail_from = *v;
  if (auto v = smtp["reply_to"].value<std::string>()) cfg.mail_reply_to = *v;
  if (auto v = smtp["domain"].value<std::string>()) cfg.mail_domain = *v;
  if (auto v = smtp["max_attempts"].value<std::int64_t>())
    cfg.mail_max_attempts = static_cast<int>(std::min<std::int64_t>(*v, 100));
  if (auto v = smtp["retry_seconds"].value<std::int64_t>()) cfg.mail_retry_seconds = static_cast<int>(*v);
  if (auto st = mail::check_smtp(cfg.smtp); !st)
    return Error::bad_request("config " + path + ": " + st.error().message);
  if (!cfg.smtp.url.empty() && cfg.mail_from.empty()) {
    return Error::bad_request("config " + path + ": smtp.from is required when smtp.url is set");
  }
  if (!cfg.mail_from.empty()) {
    if (auto st = mail::check_address(cfg.mail_from); !st) {
      return Error::bad_request("config " + path + ": smtp.from: " + st.error().message);
    }
  }
  if (!cfg.mail_reply_to.empty()) {
    if (auto st = mail::check_address(cfg.mail_reply_to); !st) {
      return Error::bad_request("config " + path + ": smtp.reply_to: " + st.error().message);
    }
  }
  return {};
}

}  // namespace

Result<std::string> normal_public_url(std::string_view url) {
  std::string u(url);
  while (!u.empty() && u.back() == '/') u.pop_back();
  std::string_view rest = u;
  bool scheme = rest.starts_with("http://") || rest.starts_with("https://");
  if (scheme) rest.remove_prefix(rest.find("//") + 2);
  bool clean = std::all_of(u.begin(), u.end(), [](unsigned char ch) { return ch > ' ' && ch != 0x7f; }) &&
               u.find_first_of("?#") == std::string::npos;
  if (!scheme || rest.empty() || rest.front() == '/' || rest.front() == ':' || !clean) {
    return Error::bad_request("the public URL '" + std::string(url) +
                              "' must be the address browsers reach the server at, with http:// or https:// "
                              "(e.g. https://chat.shop.fi)");
  }
  return u;
}

Result<Config> load_config(const std::string& path, Config cfg) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Error::bad_request("config " + path + ": " + std::string(e.description()) + " at line " +
                              std::to_string(e.source().begin.line));
  }
  TRY_OK(check_keys(doc, path));
  TRY_OK(read_server(doc, path, cfg));
  TRY_OK(read_smtp(doc, path, cfg));
  return cfg;
}

}  // namespace tiski
