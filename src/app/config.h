// Configuration of `tiski serve`: a TOML file, then command-line flags over it.
//
//   [server]
//   listen = "127.0.0.1:8080"        # host:port
//   public_url = "http://127.0.0.1:8080"  # how browsers reach this server (embed snippets)
//   web = "web/dist"                 # the built front end
//   [store]
//   data = "data"                    # data directory (SQLite file tiski.db inside; files, reports cache)
//   url = ""                         # postgres://user@host:port/db: the store in PostgreSQL (several nodes)
//   [log]
//   level = "info"                   # debug, info, warn, error
//   [routing]
//   assign_timeout_seconds = 60      # unanswered auto-assigned chat goes to the next agent
//   auto_away_minutes = 10           # idle online agent becomes away
//   offline_grace_seconds = 30       # agent with no open console is offline after this
//   [smtp]                           # email replies to leave-a-message conversations, password links
//   url = "smtp://127.0.0.1:25"      # the relay (smtp:// or smtps://); unset = replies wait in the outbox
//   tls = "starttls"                 # starttls (required) or none (loopback relays only)
//   from = "asiakaspalvelu@example.fi"  # sender address (From, envelope)
//   reply_to = ""                    # Reply-To address (default: from)
//   domain = ""                      # Message-ID domain (default: from's domain)
//   username = ""                    # AUTH, if the relay needs it
//   password = ""
//   timeout_seconds = 30             # one SMTP transaction
//   max_attempts = 6                 # then the reply is marked failed
//   retry_seconds = 30               # first retry; each next one waits 4x longer (max 6 h)
//   [imap]                           # the email channel's mailboxes (docs/channels.md)
//   poll_seconds = 60                # how often each mailbox is read
//   batch = 50                       # messages per mailbox per round (1-500)
//   timeout_seconds = 60             # one IMAP command
//   allow_private = false            # mailboxes on loopback/private servers, plain imap:// (tests)
//   [signals]
//   file = "share/buying-signals.json"  # buying-signal phrase lists (data, not code)
//   [limits]
//   trusted_proxies = ["127.0.0.1"]  # peers whose X-Forwarded-For names the client (a proxy in front)
//   unlimited = []                   # client addresses exempt from the per-address limits (load tests)
//   [metrics]                        # /metrics is served only with one of these
//   listen = "127.0.0.1:9100"        # a listener of its own (no token there)
//   token = "..."                    # or on the main listener with Authorization: Bearer <token>
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chat/mailboxes/fetcher.h"
#include "chat/presence/presence.h"
#include "chat/routing/router.h"
#include "mail/mailer.h"
#include "util/error.h"

namespace tiski {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string public_url;
  std::string web_dir = "web/dist";
  // Threads that own the sockets ([server] io_threads); -1: one per core; 0: none, the domain
  // thread does the I/O itself (one thread in all, as before there were I/O threads).
  int io_threads = -1;
  std::string data_dir = "data";
  std::string store_url;  // [store] url: PostgreSQL instead of tiski.db
  // [store] files: the attachments' bytes (default <data>/files); several nodes share one
  // directory here (a network file system), since any node may serve a file another received.
  std::string files_dir;
  // [cluster] bus: redis://HOST:PORT shared with the other nodes (docs/scaling.md); none: one node.
  std::string bus_url;
  std::string node_id;  // [cluster] node: this node's name among them (default: host, pid, random)
  std::string log_level = "info";
  PresenceOptions presence;  // [routing] auto_away_minutes, offline_grace_seconds
  RouterOptions routing;     // [routing] assign_timeout_seconds
  mail::SmtpOptions smtp;
  std::string mail_from;  // required with smtp.url
  std::string mail_reply_to;
  std::string mail_domain;
  int mail_max_attempts = 6;
  int mail_retry_seconds = 30;
  std::string signals_file;  // buying-signal phrases; empty = share/buying-signals.json beside the binary or here
  std::vector<std::string> trusted_proxies;
  std::vector<std::string> unlimited;
  std::string metrics_token;
  std::string metrics_host;  // empty: no listener of its own
  // [webhooks] allow_private: webhooks may use http and reach loopback and private addresses
  // (development, a receiver on the intranet). Off: https to public addresses only.
  bool webhooks_private = false;
  int webhook_retry_seconds = 30;    // [webhooks] retry_seconds: the first retry; 4x longer each time
  int webhook_max_attempts = 8;      // [webhooks] max_attempts
  int webhook_timeout_seconds = 10;  // [webhooks] timeout_seconds: one POST, answer included
  // [imap] poll_seconds (60), batch (50 messages per mailbox per round), timeout_seconds (60),
  // allow_private (mailboxes on loopback and private servers, and imap:// without STARTTLS).
  mailboxes::FetcherOptions imap;
  std::uint16_t metrics_port = 0;
};

// Reads a TOML file over the defaults. Unknown keys are errors (a typo must not pass silently).
Result<Config> load_config(const std::string& path, Config base = {});
// A public URL as browsers reach the server: http:// or https://, a host, no query or fragment;
// without a trailing slash (the widget's address is it + "/widget.js").
Result<std::string> normal_public_url(std::string_view url);
// Parses "host:port" (port 0..65535) into cfg.
Status set_listen(Config& cfg, const std::string& listen);
// [cluster] bus: redis://HOST:PORT (no user, password or database: Redis on a private address).
struct BusAddress {
  std::string host;
  int port = 6379;
};
Result<BusAddress> bus_address(const std::string& url);

}  // namespace tiski
