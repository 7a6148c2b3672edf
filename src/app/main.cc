// The tiski binary: `serve` runs the server (here); the administration subcommands (demo,
// tenant, site, hours, agent, team, rules) are in commands_*.cc. Wiring only: the logic lives
// in the libraries.
#include <signal.h>
#include <unistd.h>

#include <curl/curl.h>
#include <date/tz.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/commands.h"
#include "app/config.h"
#include "app/data_dir.h"
#include "chat/admin.h"
#include "chat/auth.h"
#include "chat/chat.h"
#include "chat/desk/quality.h"
#include "chat/presence/hours.h"
#include "chat/privacy/privacy.h"
#include "chat/pubsub.h"
#include "chat/rights.h"
#include "mail/mailer.h"
#include "net/redis_bus.h"
#include "net/server.h"
#include "net/static_files.h"
#include "reports/rollups.h"
#include "store/pg/pg_engine.h"
#include "store/sqlite/backup.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_engine.h"
#include "store/store_worker.h"
#include "util/crypto.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/memory.h"
#include "util/thread_name.h"

namespace {

using namespace tiski;

using cli::fail;

// Opens the store: PostgreSQL when `url` names a database (migrated there under a lock), else
// tiski.db in the data directory, upgrading its schema if it is older than this binary's, after
// a backup.
Result<std::unique_ptr<SqlStore>> open_store(const std::string& data_dir, const std::string& url) {
  if (is_postgres_url(url)) return PgStore::open(url);
  if (!url.empty())
    return Error::bad_request("the store must be a postgres:// URL (or none: SQLite in the data directory)");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error::internal("cannot create data directory " + data_dir + ": " + ec.message());
  auto path = (std::filesystem::path(data_dir) / "tiski.db").string();
  auto version = TRY(sqlite::schema_version(path));
  auto latest = static_cast<std::int64_t>(sqlite::migrations().size());
  if (version > 0 && version < latest) {
    auto kept = TRY(cli::backup_into_dir(data_dir, "before-schema-" + std::to_string(latest)));
    std::cerr << "tiski: upgrading the schema of " << path << " from version " << version << " to " << latest
              << "; a backup was taken first: " << kept << std::endl;
    log::info("schema upgrade", {{"from", version}, {"to", latest}, {"backup", kept}});
  }
  return SqliteStore::open(path);
}

std::string base_url(const Config& c) {
  if (!c.public_url.empty()) return c.public_url;
  std::string host = c.host == "0.0.0.0" ? "127.0.0.1" : c.host;
  return "http://" + host + ":" + std::to_string(c.port);
}

// The demo shop's pages carry the real embed snippet; fill in the demo site's key.
void fill_demo_pages(StaticFiles& files, Database& store) {
  auto key = admin::demo_site_key(store);
  if (!key) return;
  for (const auto& path : files.paths()) {
    if (!path.starts_with("/demo/") || !path.ends_with(".html")) continue;
    std::string html = files.find(path)->body;
    for (auto pos = html.find("{{SITE_KEY}}"); pos != std::string::npos; pos = html.find("{{SITE_KEY}}", pos)) {
      html.replace(pos, 12, *key);
    }
    files.put(path, std::move(html), "text/html; charset=utf-8");
  }
}

// Buying-signal phrases: the configured file (an error if it cannot be read), else the one
// shipped beside the binary, else none (cart and product-page signals only).
Status load_phrases(Chat& chat, const std::string& configured) {
  std::vector<std::string> candidates;
  if (!configured.empty()) {
    candidates.push_back(configured);
  } else {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back((exe.parent_path().parent_path() / "share" / "buying-signals.json").string());
    candidates.push_back("share/buying-signals.json");
  }
  for (const auto& path : candidates) {
    auto p = signals::load(path);
    if (p) {
      log::info("buying-signal phrases loaded", {{"file", path}, {"phrases", p->all.size()}});
      chat.set_phrases(std::move(p).value());
      return {};
    }
    if (!configured.empty()) return p.error();
  }
  log::warn("no buying-signal phrase file found; only cart and product-page signals");
  return {};
}

ServerOptions server_options_of(const Config& cfg) {
  ServerOptions o;
  o.host = cfg.host;
  o.port = cfg.port;
  o.public_url_given = !cfg.public_url.empty();
  o.public_url = cfg.public_url.empty() ? base_url(cfg) : cfg.public_url;
  o.trusted_proxies = cfg.trusted_proxies;
  o.unlimited = cfg.unlimited;
  o.metrics_token = cfg.metrics_token;
  o.metrics_host = cfg.metrics_host;
  o.metrics_port = cfg.metrics_port;
  o.io_threads = cfg.io_threads;
  o.webhooks_private = cfg.webhooks_private;
  o.imap_private = cfg.imap.allow_private;
  return o;
}

// Keeps the report rollups up to date: every 2 s (at once while behind) a job on the report
// worker rolls up to 20 changed days (reports/rollups.h).
class ReportUpkeep {
 public:
  ReportUpkeep(boost::asio::io_context& io, StoreWorker& worker, reports::Rollups& rollups)
      : timer_(io), worker_(worker), rollups_(rollups) {}
  void start() { wait(std::chrono::seconds(2)); }

 private:
  void wait(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      worker_.submit<int>(
          [this](Store& st) {
            return rollups_.upkeep(st, 20,
                                   std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count());
          },
          [this](Result<int> r) {
            if (!r) log::warn("report rollups: " + r.error().message);
            wait(r && *r >= 20 ? std::chrono::milliseconds(0) : std::chrono::milliseconds(2000));
          });
    });
  }
  boost::asio::steady_timer timer_;
  StoreWorker& worker_;
  reports::Rollups& rollups_;
};

// Background work in batches on the store thread, every second, or at once again while it is
// catching up: the search index (the lines written since the last round) and the quality
// flagger (the closes since its mark), docs/desk.md. A round is ~5 ms of the store thread
// (docs/performance.md).
class BatchRounds {
 public:
  using Round = std::function<Result<std::size_t>(Store&, std::size_t)>;
  BatchRounds(boost::asio::io_context& io, StoreWorker& worker, std::string name, std::size_t batch, Round round)
      : timer_(io), worker_(worker), name_(std::move(name)), batch_(batch), round_(std::move(round)) {}
  void start() { wait(std::chrono::milliseconds(500)); }
  // Several nodes: rounds only while `active` says so (the leader runs the workspace's batches).
  void only_when(std::function<bool()> active) { active_ = std::move(active); }

 private:
  void wait(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      if (active_ && !active_()) return wait(std::chrono::milliseconds(1000));
      bool queued = worker_.submit<std::size_t>([this](Store& st) { return round_(st, batch_); },
                                                [this](Result<std::size_t> r) {
                                                  if (!r) log::warn(name_ + ": " + r.error().message);
                                                  wait(std::chrono::milliseconds(r && *r >= batch_ ? 0 : 1000));
                                                });
      if (!queued) wait(std::chrono::milliseconds(1000));
    });
  }
  boost::asio::steady_timer timer_;
  StoreWorker& worker_;
  std::string name_;
  std::size_t batch_;
  Round round_;
  std::function<bool()> active_;
};

int serve(Config cfg) {
  log::init(cfg.log_level);
  int arenas = limit_arenas(cfg.io_threads);  // before any thread of ours allocates
  // The time-zone database is read now, not at its first use: that may come while every
  // descriptor is taken (a flood of connections), and date/tz would throw where it cannot open it.
  try {
    (void)date::locate_zone("UTC");
  } catch (const std::exception& e) {
    return fail(std::string("cannot read the time-zone database: ") + e.what());
  }
  auto lock = cli::lock_data_dir(cfg.data_dir);  // held until the process exits
  if (!lock) return fail(lock.error().message);
  auto store = open_store(cfg.data_dir, cfg.store_url);
  if (!store) return fail(store.error().message);
  auto secret = admin::token_secret(**store);
  if (!secret) return fail(secret.error().message);
  // The CLI's snippets and links use the URL the server runs with (tiski site show).
  const std::string url = server_options_of(cfg).public_url;
  if (auto kept = (*store)->setting(cli::kPublicUrlSetting); !kept || *kept != url) {
    if (auto s = (*store)->set_setting(cli::kPublicUrlSetting, url); !s) return fail(s.error().message);
  }
  auto state = load_state(**store);
  if (!state) return fail(state.error().message);
  StaticFiles files;
  if (auto s = files.load(cfg.web_dir); !s) return fail(s.error().message);
  fill_demo_pages(files, **store);

  boost::asio::io_context io(1);
  Metrics metrics;
  auto to_net = [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); };
  StoreWorker worker(std::move(store).value(), to_net, metrics);
  // Reports read on a connection and a thread of their own (WAL: readers never block the writer).
  auto report_db = is_postgres_url(cfg.store_url)
                       ? PgStore::open_reader(cfg.store_url)
                       : SqliteStore::open_reader((std::filesystem::path(cfg.data_dir) / "tiski.db").string());
  if (!report_db) return fail(report_db.error().message);
  StoreWorker reports(std::move(report_db).value(), to_net, metrics, StoreWorker::Mode::kReads);
  auto rollup_db = reports::RollupDb::open((std::filesystem::path(cfg.data_dir) / "reports.db").string());
  if (!rollup_db) return fail(rollup_db.error().message);
  reports::Rollups rollups(std::move(rollup_db).value());
  ReportUpkeep upkeep(io, reports, rollups);
  upkeep.start();
  BatchRounds indexer(io, worker, "search index", 500, [](Store& st, std::size_t n) { return st.index_search(n); });
  indexer.start();
  BatchRounds flagger(io, worker, "quality flags", 200, desk::flag_round);
  flagger.start();
  privacy::Retention retention;  // used on the store thread only
  BatchRounds retainer(io, worker, "retention", 200,
                       [&retention](Store& st, std::size_t n) { return retention.round(st, n, now_ms()); });
  retainer.start();
  boost::asio::thread_pool cpu(1);
  AuthService auth(worker, to_net, [&cpu](std::function<void()> f) { boost::asio::post(cpu, std::move(f)); });
  // Several nodes (docs/scaling.md): frames and the cluster's messages through Redis.
  LocalPubSub local_pubsub;
  std::unique_ptr<net::RedisBus> redis;
  std::string node = cfg.node_id;
  if (!cfg.bus_url.empty()) {
    auto at = bus_address(cfg.bus_url);
    if (!at) return fail(at.error().message);
    if (node.empty()) {
      char host[64] = {};
      ::gethostname(host, sizeof host - 1);
      node = std::string(host) + "-" + std::to_string(::getpid()) + "-" + crypto::random_token(3);
    }
    redis = std::make_unique<net::RedisBus>(io, at->host, at->port, node);
  }
  PubSub& pubsub = redis ? static_cast<PubSub&>(*redis) : local_pubsub;
  ChatOptions chat_options;
  chat_options.presence = cfg.presence;
  chat_options.routing = cfg.routing;
  chat_options.mail = mail::Identity{cfg.mail_from.empty() ? std::string("chat@tiski.invalid") : cfg.mail_from,
                                     cfg.mail_reply_to, cfg.mail_domain, *secret};
  chat_options.mail_configured = !cfg.smtp.url.empty();
  chat_options.token_secret = *secret;
  std::string mail_from = chat_options.mail.from;
  AbuseLimits abuse(cfg.unlimited);
  SystemClock clock;
  Chat chat(worker, pubsub, metrics, abuse, clock, to_net, std::move(chat_options));
  // Attachments' bytes, by content (docs/attachments.md); checked and written on a thread of
  // their own, swept a minute after no row refers to them.
  attachments::Files attachment_files(cfg.files_dir.empty() ? std::filesystem::path(cfg.data_dir) / "files"
                                                            : std::filesystem::path(cfg.files_dir));
  attachments::Stager stager(attachment_files, to_net);
  chat.set_attachments(&stager);
  BatchRounds sweeper(io, worker, "attachment sweep", 200, [&attachment_files](Store& st, std::size_t n) {
    return attachments::sweep(st, attachment_files, n, now_ms());
  });
  sweeper.start();
  chat.load(*state);
  if (auto st = load_phrases(chat, cfg.signals_file); !st) return fail(st.error().message);
  // Email replies: SMTP blocks, so it gets a thread of its own.
  boost::asio::thread_pool mail_thread(1);
  mail::Mailer mailer(
      worker, mail::SmtpClient(cfg.smtp),
      mail::MailerOptions{mail_from, cfg.mail_max_attempts, Millis{cfg.mail_retry_seconds} * 1000},
      [&mail_thread](std::function<void()> f) { boost::asio::post(mail_thread, std::move(f)); }, to_net,
      [&chat](const OutMail& m) { chat.mail_changed(m); });
  chat.set_mailer(&mailer);
  if (!mailer.configured()) log::warn("no [smtp] url configured: email replies wait in the outbox");
  // Webhooks: a thread of its own for the receivers' HTTP (bounded by a timeout each).
  boost::asio::thread_pool hook_thread(1);
  webhooks::SenderOptions hook_options;
  hook_options.post.allow_private = cfg.webhooks_private;
  hook_options.retry_base_ms = Millis{cfg.webhook_retry_seconds} * 1000;
  hook_options.max_attempts = cfg.webhook_max_attempts;
  hook_options.post.timeout_ms = Millis{cfg.webhook_timeout_seconds} * 1000;
  webhooks::Sender hooks(
      worker, clock, hook_options,
      [&hook_thread](std::function<void()> f) { boost::asio::post(hook_thread, std::move(f)); }, to_net);
  chat.set_webhooks(&hooks);
  // The email channel's mailboxes: IMAP blocks, so it gets a thread of its own too.
  boost::asio::thread_pool fetch_thread(1);
  mailboxes::Fetcher fetcher(
      worker, clock, cfg.imap,
      [&fetch_thread](std::function<void()> f) { boost::asio::post(fetch_thread, std::move(f)); }, to_net,
      [&chat](const Mailbox& m, const mail::InboundMail& in, const std::function<void(Status)>& done) {
        chat.inbound_email(in, m.tenant_id, m.site_key, [done](const Result<Conversations::ChannelSent>& r) {
          if (r) return done(Status{});
          done(r.error());
        });
      });
  chat.set_mail_fetcher(&fetcher);
  Server server(io, chat, auth, worker, reports, rollups, files, metrics, abuse, server_options_of(cfg));
  if (auto s = server.listen(); !s) return fail(s.error().message);
  if (redis) {
    // One node, the leader, judges quality flags, applies retention and sweeps files for the
    // workspace (they all read and write the shared store); every node keeps its own rollups.
    for (auto* b : {&flagger, &retainer, &sweeper}) b->only_when([&chat] { return chat.leads(); });
    auto& cluster = chat.join_cluster(*redis, node);
    redis->set_on_cluster([&cluster](std::string_view m) { cluster.receive(m); });
    redis->set_on_subscribed([&chat] { chat.resync(); });  // what happened before we listened
    redis->set_on_reconnect([&cluster, &server] {
      cluster.restored();
      server.restart_clients();  // they missed what was published meanwhile: resync by sequence
    });
    redis->start();
    log::info("cluster: joining through Redis", {{"node", node}, {"bus", cfg.bus_url}});
  }
  server.start();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("signal received; shutting down", {{"signal", sig}});
    if (auto* cl = chat.cluster()) cl->leave();
    server.shutdown([&io, &redis] {
      if (redis) redis->stop();
      io.stop();
    });
  });
  log::info("listening", {{"host", cfg.host},
                          {"port", server.port()},
                          {"data", cfg.data_dir},
                          {"io_threads", server.io_threads()},
                          {"malloc_arenas", arenas}});
  std::cout << "Tiski listening on http://" << cfg.host << ":" << server.port() << std::endl;
  if (server.metrics_port() != 0) {
    std::cout << "Metrics on http://" << cfg.metrics_host << ":" << server.metrics_port() << "/metrics" << std::endl;
  }
  name_this_thread("tiski-domain");
  io.run();
  server.join();
  mail_thread.join();  // an SMTP transaction in progress ends (bounded by its timeout)
  hook_thread.join();  // so do webhook requests in progress
  fetcher.stop();      // a mailbox being read stops after its current message
  fetch_thread.join();
  worker.stop();
  reports.stop();
  cpu.join();
  log::info("stopped");
  return 0;
}

// `tiski serve`: the options override the config file's.
struct ServeOptions {
  std::string config_file, listen, web_dir, public_url, log_level, store_url, bus_url, node, files_dir;
  int io_threads = -2;  // -2: not given
};

CLI::App* add_serve_command(CLI::App& app, cli::Cli& c, ServeOptions& o) {
  auto* cmd = app.add_subcommand("serve", "run the HTTP/WebSocket server");
  cmd->add_option("--config", o.config_file, "TOML configuration file");
  cmd->add_option("--data", c.data_dir, "data directory");
  cmd->add_option("--store", o.store_url, "PostgreSQL URL (postgres://...); default: SQLite in the data directory")
      ->envname("TISKI_STORE");
  cmd->add_option("--bus", o.bus_url, "Redis URL (redis://HOST:PORT) shared by the nodes; default: one node")
      ->envname("TISKI_BUS");
  cmd->add_option("--files", o.files_dir, "attachments' directory (default DATA/files; nodes share one)");
  cmd->add_option("--node", o.node, "this node's name among the nodes (default: host, pid and a random part)");
  cmd->add_option("--listen", o.listen, "HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--web", o.web_dir, "directory of the built front end (default web/dist)");
  cmd->add_option("--public-url", o.public_url, "URL browsers use to reach this server");
  cmd->add_option("--log-level", o.log_level, "debug, info, warn or error");
  cmd->add_option("--io-threads", o.io_threads, "network I/O threads (default: one per core; 0: none)")
      ->check(CLI::Range(0, limits::kMaxIoThreads));
  return cmd;
}

int serve_with(const CLI::App& cmd, const cli::Cli& c, const ServeOptions& o) {
  Config cfg;
  if (!o.config_file.empty()) {
    auto loaded = load_config(o.config_file);
    if (!loaded) return fail(loaded.error().message);
    cfg = *loaded;
  }
  if (cmd.count("--data")) cfg.data_dir = c.data_dir;
  if (!o.listen.empty()) {
    if (auto s = set_listen(cfg, o.listen); !s) return fail(s.error().message);
  }
  if (!o.store_url.empty()) cfg.store_url = o.store_url;
  if (!o.bus_url.empty()) cfg.bus_url = o.bus_url;
  if (!o.node.empty()) cfg.node_id = o.node;
  if (!o.files_dir.empty()) cfg.files_dir = o.files_dir;
  if (!o.web_dir.empty()) cfg.web_dir = o.web_dir;
  if (!o.public_url.empty()) {
    auto url = normal_public_url(o.public_url);
    if (!url) return fail(url.error().message);
    cfg.public_url = *url;
  }
  if (!o.log_level.empty()) cfg.log_level = o.log_level;
  if (o.io_threads != -2) cfg.io_threads = o.io_threads;
  return serve(cfg);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  crypto::init_crypto();
  configure_sqlite();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"Tiski: live chat customer service"};
  app.require_subcommand(1);
  cli::Cli c;
  ServeOptions serve_options;
  auto* serve_cmd = add_serve_command(app, c, serve_options);
  cli::add_demo_command(app, c);
  cli::add_tenant_commands(app, c);
  cli::add_site_commands(app, c);
  cli::add_hours_commands(app, c);
  cli::add_agent_commands(app, c);
  cli::add_team_commands(app, c);
  cli::add_rules_commands(app, c);
  cli::add_desk_commands(app, c);
  cli::add_ops_commands(app, c);
  app.add_subcommand("roles", "print the table of roles and rights (docs/roles.md)")->callback([] {
    std::cout << rights::markdown();
  });
  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) return serve_with(*serve_cmd, c, serve_options);
  if (c.run) return c.run();
  if (!c.admin) return 0;
  auto store = open_store(c.data_dir, c.store_url);
  if (!store) return fail(store.error().message);
  c.public_url_given = !c.public_url.empty();
  if (c.public_url_given) {
    auto url = normal_public_url(c.public_url);
    if (!url) return fail(url.error().message);
    c.public_url = *url;
  } else {
    auto kept = (*store)->setting(cli::kPublicUrlSetting);
    c.public_url = kept && *kept ? **kept : std::string(cli::kDefaultPublicUrl);
  }
  return c.admin(**store);
}
