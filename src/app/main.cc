// The tiski binary: `serve` runs the server; `demo`, `tenant create`, `site create` and
// `agent create` administer a data directory. Wiring only: the logic lives in the libraries.
#include <signal.h>

#include <curl/curl.h>
#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "app/config.h"
#include "chat/admin.h"
#include "chat/auth.h"
#include "chat/chat.h"
#include "chat/presence/hours.h"
#include "chat/pubsub.h"
#include "mail/mailer.h"
#include "net/server.h"
#include "net/static_files.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store_worker.h"
#include "util/crypto.h"
#include "util/log.h"

namespace {

using namespace tiski;

int fail(const std::string& what) {
  std::cerr << "tiski: " << what << "\n";
  return 1;
}

Result<std::unique_ptr<SqliteStore>> open_store(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return Error::internal("cannot create data directory " + data_dir + ": " + ec.message());
  return SqliteStore::open((std::filesystem::path(data_dir) / "tiski.db").string());
}

std::string base_url(const Config& c) {
  if (!c.public_url.empty()) return c.public_url;
  std::string host = c.host == "0.0.0.0" ? "127.0.0.1" : c.host;
  return "http://" + host + ":" + std::to_string(c.port);
}

int serve(Config cfg) {
  log::init(cfg.log_level);
  auto store = open_store(cfg.data_dir);
  if (!store) return fail(store.error().message);
  auto secret = admin::token_secret(**store);
  if (!secret) return fail(secret.error().message);
  auto state = load_state(**store);
  if (!state) return fail(state.error().message);
  StaticFiles files;
  if (auto s = files.load(cfg.web_dir); !s) return fail(s.error().message);
  // The demo shop's pages carry the real embed snippet; fill in the demo site's key.
  if (auto key = admin::demo_site_key(**store); key) {
    for (const auto& path : files.paths()) {
      if (!path.starts_with("/demo/") || !path.ends_with(".html")) continue;
      std::string html = files.find(path)->body;
      for (auto pos = html.find("{{SITE_KEY}}"); pos != std::string::npos; pos = html.find("{{SITE_KEY}}", pos)) {
        html.replace(pos, 12, *key);
      }
      files.put(path, std::move(html), "text/html; charset=utf-8");
    }
  }

  boost::asio::io_context io(1);
  Metrics metrics;
  auto to_net = [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); };
  StoreWorker worker(std::move(store).value(), to_net, metrics);
  boost::asio::thread_pool cpu(1);
  AuthService auth(worker, to_net, [&cpu](std::function<void()> f) { boost::asio::post(cpu, std::move(f)); });
  LocalPubSub pubsub;
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
  chat.load(*state);
  // Buying-signal phrases: the configured file, else the one shipped beside the binary.
  {
    std::vector<std::string> candidates;
    if (!cfg.signals_file.empty()) {
      candidates.push_back(cfg.signals_file);
    } else {
      std::error_code ec;
      auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
      if (!ec) candidates.push_back((exe.parent_path().parent_path() / "share" / "buying-signals.json").string());
      candidates.push_back("share/buying-signals.json");
    }
    bool loaded = false;
    for (const auto& path : candidates) {
      auto p = signals::load(path);
      if (p) {
        log::info("buying-signal phrases loaded", {{"file", path}, {"phrases", p->all.size()}});
        chat.set_phrases(std::move(p).value());
        loaded = true;
        break;
      }
      if (!cfg.signals_file.empty()) return fail(p.error().message);
    }
    if (!loaded) log::warn("no buying-signal phrase file found; only cart and product-page signals");
  }
  // Email replies: SMTP blocks, so it gets a thread of its own.
  boost::asio::thread_pool mail_thread(1);
  mail::Mailer mailer(
      worker, mail::SmtpClient(cfg.smtp),
      mail::MailerOptions{mail_from, cfg.mail_max_attempts, Millis{cfg.mail_retry_seconds} * 1000},
      [&mail_thread](std::function<void()> f) { boost::asio::post(mail_thread, std::move(f)); }, to_net,
      [&chat](const OutMail& m) { chat.mail_changed(m); });
  chat.set_mailer(&mailer);
  if (!mailer.configured()) log::warn("no [smtp] url configured: email replies wait in the outbox");
  ServerOptions server_options;
  server_options.host = cfg.host;
  server_options.port = cfg.port;
  server_options.public_url_given = !cfg.public_url.empty();
  server_options.public_url = cfg.public_url.empty() ? base_url(cfg) : cfg.public_url;
  server_options.trusted_proxies = cfg.trusted_proxies;
  server_options.metrics_token = cfg.metrics_token;
  server_options.metrics_host = cfg.metrics_host;
  server_options.metrics_port = cfg.metrics_port;
  Server server(io, chat, auth, worker, files, metrics, abuse, server_options);
  if (auto s = server.listen(); !s) return fail(s.error().message);
  server.start();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("signal received; shutting down", {{"signal", sig}});
    server.shutdown([&io] { io.stop(); });
  });
  log::info("listening", {{"host", cfg.host}, {"port", server.port()}, {"data", cfg.data_dir}});
  std::cout << "Tiski listening on http://" << cfg.host << ":" << server.port() << std::endl;
  if (server.metrics_port() != 0) {
    std::cout << "Metrics on http://" << cfg.metrics_host << ":" << server.metrics_port() << "/metrics" << std::endl;
  }
  io.run();
  mail_thread.join();  // an SMTP transaction in progress ends (bounded by its timeout)
  worker.stop();
  cpu.join();
  log::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  crypto::init_crypto();
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CLI::App app{"Tiski: live chat customer service"};
  app.require_subcommand(1);
  std::string data_dir = "data";

  auto* serve_cmd = app.add_subcommand("serve", "run the HTTP/WebSocket server");
  std::string config_file, listen, web_dir, public_url, log_level;
  serve_cmd->add_option("--config", config_file, "TOML configuration file");
  serve_cmd->add_option("--data", data_dir, "data directory");
  serve_cmd->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");
  serve_cmd->add_option("--web", web_dir, "directory of the built front end (default web/dist)");
  serve_cmd->add_option("--public-url", public_url, "URL browsers use to reach this server");
  serve_cmd->add_option("--log-level", log_level, "debug, info, warn or error");

  auto* demo_cmd = app.add_subcommand("demo", "seed a demo workspace into an empty data directory");
  demo_cmd->add_option("--data", data_dir, "data directory");
  std::string demo_url = "http://127.0.0.1:8080";
  demo_cmd->add_option("--public-url", demo_url, "URL of the server, for the printed links");

  auto* tenant_cmd = app.add_subcommand("tenant", "manage tenants (client companies)");
  tenant_cmd->require_subcommand(1);
  auto* tenant_create = tenant_cmd->add_subcommand("create", "create a tenant");
  std::string slug, name;
  tenant_create->add_option("--data", data_dir, "data directory");
  tenant_create->add_option("--slug", slug, "short id: a-z, 0-9, '-'")->required();
  tenant_create->add_option("--name", name, "display name")->required();

  auto* tenant_update = tenant_cmd->add_subcommand("update", "change a tenant's name or chat lifecycle");
  std::string upd_tenant_name, upd_missed, upd_idle;
  tenant_update->add_option("--data", data_dir, "data directory");
  tenant_update->add_option("--slug", slug, "tenant slug")->required();
  tenant_update->add_option("--name", upd_tenant_name, "display name");
  tenant_update->add_option(
      "--missed-after", upd_missed,
      "close a waiting chat as missed when its visitor has been gone this long (e.g. 10m; 0 = never)");
  tenant_update->add_option("--idle-close", upd_idle,
                            "close an active chat without messages this long (e.g. 30m; 0 = never)");

  auto* site_cmd = app.add_subcommand("site", "manage sites (widgets)");
  site_cmd->require_subcommand(1);
  auto* site_create = site_cmd->add_subcommand("create", "create a site and print its embed snippet");
  admin::NewSite new_site;
  std::string langs = "fi,sv,en";
  site_create->add_option("--data", data_dir, "data directory");
  site_create->add_option("--tenant", new_site.tenant_slug, "tenant slug")->required();
  site_create->add_option("--name", new_site.name, "site name")->required();
  site_create->add_option("--greeting", new_site.greeting, "the greeting shown when the chat opens");
  site_create->add_option("--langs", langs, "comma-separated languages (fi, sv, en)");
  site_create->add_option("--public-url", demo_url, "URL of the server, for the snippet");

  auto* site_update = site_cmd->add_subcommand("update", "change a site's name, greetings or languages");
  auto* site_show = site_cmd->add_subcommand("show", "print a site's settings and embed snippet");
  std::string upd_site, upd_site_name, upd_greeting, upd_langs;
  std::map<std::string, std::string> upd_greetings = {{"fi", ""}, {"sv", ""}, {"en", ""}};
  for (auto* c : {site_update, site_show}) {
    c->add_option("--data", data_dir, "data directory");
    c->add_option("--site", upd_site, "site key")->required();
  }
  site_show->add_option("--public-url", demo_url, "URL of the server, for the snippet");
  site_update->add_option("--name", upd_site_name, "site name");
  site_update->add_option("--greeting", upd_greeting, "the default greeting (languages without their own)");
  for (auto& [lang, text] : upd_greetings) {
    site_update->add_option("--greeting-" + lang, text, "the greeting in " + lang + " (\"\" removes it)");
  }
  site_update->add_option("--langs", upd_langs, "comma-separated languages (fi, sv, en)");

  auto* hours_cmd = app.add_subcommand("hours", "business hours of a tenant");
  hours_cmd->require_subcommand(1);
  auto* hours_set = hours_cmd->add_subcommand("set", "set business hours, or 'always'");
  auto* hours_show = hours_cmd->add_subcommand("show", "show business hours and whether open now");
  std::string hours_tenant, hours_text;
  for (auto* c : {hours_set, hours_show}) {
    c->add_option("--data", data_dir, "data directory");
    c->add_option("--tenant", hours_tenant, "tenant slug")->required();
  }
  hours_set
      ->add_option("--hours", hours_text,
                   "e.g. \"tz=Europe/Helsinki; mon-fri 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed\"")
      ->required();

  auto* agent_cmd = app.add_subcommand("agent", "manage agents");
  agent_cmd->require_subcommand(1);
  auto* agent_create = agent_cmd->add_subcommand("create", "create an agent");
  admin::NewAgent new_agent;
  bool password_stdin = false;
  agent_create->add_option("--data", data_dir, "data directory");
  agent_create->add_option("--email", new_agent.email, "login email")->required();
  agent_create->add_option("--name", new_agent.name, "display name")->required();
  agent_create->add_option("--password", new_agent.password, "password (at least 8 characters)");
  agent_create->add_flag("--password-stdin", password_stdin, "read the password from standard input");
  agent_create->add_option("--tenant", new_agent.tenant_slug, "tenant slug to join");
  agent_create->add_option("--role", new_agent.role, "agent, supervisor or admin");
  agent_create->add_option("--max-chats", new_agent.max_chats,
                           "concurrent chats routing may assign (default: the tenant's)");

  auto* agent_update = agent_cmd->add_subcommand("update", "change an agent's name, email, password, capacity or role");
  std::string upd_agent, upd_agent_email, upd_agent_name, upd_agent_tenant, upd_agent_role;
  int upd_max_chats = 0;
  bool upd_password = false;
  agent_update->add_option("--data", data_dir, "data directory");
  agent_update->add_option("--email", upd_agent, "the agent's login email")->required();
  agent_update->add_option("--new-email", upd_agent_email, "a new login email");
  agent_update->add_option("--name", upd_agent_name, "display name");
  agent_update->add_flag("--password-stdin", upd_password, "read a new password from standard input");
  agent_update->add_option("--max-chats", upd_max_chats,
                           "concurrent chats routing may assign (0 = the tenant's default)");
  agent_update->add_option("--tenant", upd_agent_tenant, "tenant slug: join it, or change the role there");
  agent_update->add_option("--role", upd_agent_role, "agent, supervisor or admin (with --tenant)");

  auto* team_cmd = app.add_subcommand("team", "manage teams (groups of a tenant's agents)");
  team_cmd->require_subcommand(1);
  auto* team_create = team_cmd->add_subcommand("create", "create a team");
  auto* team_add = team_cmd->add_subcommand("add", "add an agent to a team");
  auto* team_site =
      team_cmd->add_subcommand("site", "route a site's chats to a team (--team \"\" for the whole tenant)");
  std::string team_tenant, team_name, team_agent, team_site_key;
  for (auto* c : {team_create, team_add}) {
    c->add_option("--data", data_dir, "data directory");
    c->add_option("--tenant", team_tenant, "tenant slug")->required();
    c->add_option("--team", team_name, "team name")->required();
  }
  team_add->add_option("--agent", team_agent, "agent email")->required();
  team_site->add_option("--data", data_dir, "data directory");
  team_site->add_option("--site", team_site_key, "site key")->required();
  team_site->add_option("--team", team_name, "team name, or \"\"")->required();

  auto* rules_cmd = app.add_subcommand("rules", "proactive invitation rules of a site");
  rules_cmd->require_subcommand(1);
  auto* rules_set = rules_cmd->add_subcommand("set", "replace a site's rules with a JSON file (- = stdin)");
  auto* rules_show = rules_cmd->add_subcommand("show", "print a site's rules");
  std::string rules_site, rules_file;
  for (auto* c : {rules_set, rules_show}) {
    c->add_option("--data", data_dir, "data directory");
    c->add_option("--site", rules_site, "site key")->required();
  }
  rules_set->add_option("--file", rules_file, "rules JSON (see docs/proactive.md)")->required();

  auto* tenant_capacity = tenant_cmd->add_subcommand("capacity", "set the default capacity of a tenant's agents");
  std::string cap_tenant;
  int cap_default = 3;
  tenant_capacity->add_option("--data", data_dir, "data directory");
  tenant_capacity->add_option("--slug", cap_tenant, "tenant slug")->required();
  tenant_capacity
      ->add_option("--default-max-chats", cap_default, "concurrent chats for agents without their own (1-50)")
      ->required();

  CLI11_PARSE(app, argc, argv);

  if (serve_cmd->parsed()) {
    Config cfg;
    if (!config_file.empty()) {
      auto c = load_config(config_file);
      if (!c) return fail(c.error().message);
      cfg = *c;
    }
    if (serve_cmd->count("--data")) cfg.data_dir = data_dir;
    if (!listen.empty()) {
      if (auto s = set_listen(cfg, listen); !s) return fail(s.error().message);
    }
    if (!web_dir.empty()) cfg.web_dir = web_dir;
    if (!public_url.empty()) cfg.public_url = public_url;
    if (!log_level.empty()) cfg.log_level = log_level;
    return serve(cfg);
  }

  auto store = open_store(data_dir);
  if (!store) return fail(store.error().message);
  Database& s = **store;

  if (demo_cmd->parsed()) {
    auto d = admin::seed_demo(s);
    if (!d) return fail(d.error().message);
    std::cout << (d->created ? "Seeded the demo workspace in " : "The workspace in ") << data_dir
              << (d->created ? "\n" : " already has data; left it as it is\n");
    std::cout << "shop:     " << demo_url << "/demo/\n"
              << "console:  " << demo_url << "/console/\n"
              << "site key: " << d->site_key << "\n"
              << "agent: " << d->agent_email << "\n"
              << "password: " << d->agent_password << "\n";
    return 0;
  }
  if (tenant_create->parsed()) {
    auto t = admin::create_tenant(s, slug, name);
    if (!t) return fail(t.error().message);
    std::cout << "tenant " << t->slug << " (id " << t->id << ") created\n";
    return 0;
  }
  if (tenant_update->parsed()) {
    admin::TenantUpdate u;
    if (tenant_update->count("--name")) u.name = upd_tenant_name;
    for (auto [flag, text, out] : {std::tuple{"--missed-after", &upd_missed, &u.missed_after_seconds},
                                   std::tuple{"--idle-close", &upd_idle, &u.idle_close_seconds}}) {
      if (!tenant_update->count(flag)) continue;
      auto d = admin::parse_duration(*text);
      if (!d) return fail(std::string(flag) + ": " + d.error().message);
      *out = *d;
    }
    auto t = admin::update_tenant(s, slug, u);
    if (!t) return fail(t.error().message);
    std::cout << "tenant " << t->slug << ": " << t->name
              << "; a waiting chat is missed after its visitor has been gone " << t->missed_after_seconds
              << " s, an active chat closes after " << t->idle_close_seconds
              << " s without messages (0 = never)\na running server picks this up on restart\n";
    return 0;
  }
  if (site_update->parsed() || site_show->parsed()) {
    admin::SiteUpdate u;
    if (site_update->count("--name")) u.name = upd_site_name;
    if (site_update->count("--greeting")) u.greeting = upd_greeting;
    for (const auto& [lang, text] : upd_greetings) {
      if (site_update->count("--greeting-" + lang)) u.greetings[lang] = text;
    }
    if (site_update->count("--langs")) {
      std::vector<std::string> ls;
      std::stringstream ss(upd_langs);
      for (std::string l; std::getline(ss, l, ',');) {
        if (!l.empty()) ls.push_back(l);
      }
      u.langs = ls;
    }
    auto site = site_show->parsed() ? s.site_by_key(upd_site) : admin::update_site(s, upd_site, u);
    if (!site)
      return fail(site.error().code == Errc::kNotFound ? "no site with key " + upd_site : site.error().message);
    std::cout << "site " << site->name << " (key " << site->key << ")\n  greeting: " << site->greeting << "\n";
    for (const auto& [lang, text] : site->greetings) std::cout << "  greeting " << lang << ": " << text << "\n";
    std::cout << "  languages: ";
    for (std::size_t i = 0; i < site->langs.size(); ++i) std::cout << (i ? "," : "") << site->langs[i];
    std::cout << "\n";
    if (site_show->parsed())
      std::cout << "embed it with:\n" << admin::embed_snippet(demo_url, *site) << "\n";
    else
      std::cout << "a running server picks this up on restart, or use PUT /api/sites/{key} to apply it at once\n";
    return 0;
  }
  if (agent_update->parsed()) {
    admin::AgentUpdate u;
    if (agent_update->count("--new-email")) u.email = upd_agent_email;
    if (agent_update->count("--name")) u.name = upd_agent_name;
    if (upd_password) {
      std::string pw;
      std::getline(std::cin, pw);
      u.password = pw;
    }
    if (agent_update->count("--max-chats")) u.max_chats = upd_max_chats;
    if (agent_update->count("--tenant")) u.tenant_slug = upd_agent_tenant;
    if (agent_update->count("--role")) u.role = upd_agent_role;
    auto a = admin::update_agent(s, upd_agent, u);
    if (!a) return fail(a.error().message);
    std::cout << "agent " << a->email << " (id " << a->id
              << ") updated; a running server picks this up at the agent's next login\n";
    return 0;
  }
  if (team_create->parsed()) {
    auto t = admin::create_team(s, team_tenant, team_name);
    if (!t) return fail(t.error().message);
    std::cout << "team " << t->name << " (id " << t->id << ") created in " << team_tenant << "\n";
    return 0;
  }
  if (team_add->parsed()) {
    if (auto st = admin::add_team_member(s, team_tenant, team_name, team_agent); !st) return fail(st.error().message);
    std::cout << team_agent << " is in team " << team_name << "\n";
    return 0;
  }
  if (team_site->parsed()) {
    if (auto st = admin::set_site_team(s, team_site_key, team_name); !st) return fail(st.error().message);
    std::cout << (team_name.empty() ? "the site's chats go to the whole tenant\n"
                                    : "the site's chats go to team " + team_name + "\n");
    return 0;
  }
  if (rules_set->parsed()) {
    std::string json;
    if (rules_file == "-") {
      json.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(rules_file);
      if (!in) return fail("cannot read " + rules_file);
      json.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto rs = admin::set_rules(s, rules_site, json);
    if (!rs) return fail(rs.error().message);
    std::cout << rs->rules.size() << " rule(s) stored; a running server picks them up on restart, "
              << "or use PUT /api/sites/{key}/rules to apply them at once\n";
    return 0;
  }
  if (rules_show->parsed()) {
    auto site = s.site_by_key(rules_site);
    if (!site) return fail("no site with key " + rules_site);
    std::cout << site->rules << "\n";
    return 0;
  }
  if (tenant_capacity->parsed()) {
    if (auto st = admin::set_default_max_chats(s, cap_tenant, cap_default); !st) return fail(st.error().message);
    std::cout << "agents of " << cap_tenant << " without their own capacity take " << cap_default << " chats at once\n";
    return 0;
  }
  if (site_create->parsed()) {
    new_site.langs.clear();
    std::stringstream ss(langs);
    for (std::string l; std::getline(ss, l, ',');) {
      if (!l.empty()) new_site.langs.push_back(l);
    }
    auto site = admin::create_site(s, new_site);
    if (!site) return fail(site.error().message);
    std::cout << "site " << site->name << " created; key " << site->key << "\nembed it with:\n"
              << admin::embed_snippet(demo_url, *site) << "\n";
    return 0;
  }
  if (hours_set->parsed()) {
    auto h = admin::set_hours(s, hours_tenant, hours_text);
    if (!h) return fail(h.error().message);
    std::cout << "business hours of " << hours_tenant << ": " << (h->empty() ? "always open" : *h) << "\n";
    return 0;
  }
  if (hours_show->parsed()) {
    auto t = s.tenant_by_slug(hours_tenant);
    if (!t) return fail(t.error().message);
    if (t->hours.empty()) {
      std::cout << "always open\n";
      return 0;
    }
    auto h = parse_hours(t->hours);
    if (!h) return fail(h.error().message);
    std::cout << t->hours << "\n"
              << (is_open(*h, std::chrono::system_clock::now()) ? "open now" : "closed now") << "\n";
    return 0;
  }
  if (agent_create->parsed()) {
    if (password_stdin) std::getline(std::cin, new_agent.password);
    if (new_agent.password.empty()) return fail("give --password or --password-stdin");
    auto a = admin::create_agent(s, new_agent);
    if (!a) return fail(a.error().message);
    std::cout << "agent " << a->email << " (id " << a->id << ") created\n";
    return 0;
  }
  return 0;
}
