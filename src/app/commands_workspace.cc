// tiski demo, tenant create/update/capacity, hours set/show, team create/add/site.
#include <chrono>
#include <iostream>
#include <memory>
#include <tuple>

#include "app/commands.h"
#include "chat/admin.h"
#include "chat/presence/hours.h"
#include "reports/history.h"

namespace tiski::cli {

int fail(const std::string& what) {
  std::cerr << "tiski: " << what << "\n";
  return 1;
}

std::vector<std::string> split_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream ss(list);
  for (std::string l; std::getline(ss, l, ',');) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

void add_data_option(CLI::App* cmd, Cli& cli) {
  cmd->add_option("--data", cli.data_dir, "data directory");
  cmd->add_option("--store", cli.store_url, "PostgreSQL URL (postgres://...); default: SQLite in the data directory")
      ->envname("TISKI_STORE");
}

void add_demo_command(CLI::App& app, Cli& cli) {
  auto* cmd = app.add_subcommand("demo", "seed a demo workspace into an empty data directory");
  add_data_option(cmd, cli);
  cmd->add_option("--public-url", cli.public_url, "URL of the server, for the printed links");
  auto days = std::make_shared<int>(0);
  cmd->add_option("--history", *days,
                  "also make up this many days of past chats, visits and orders for Erämaa, so that the reports "
                  "have something to show (make run: 28)")
      ->check(CLI::Range(0, 365));
  cmd->callback([&cli, days] {
    cli.admin = [&cli, days](Database& s) {
      auto d = admin::seed_demo(s);
      if (!d) return fail(d.error().message);
      if (cli.public_url_given) {
        if (auto u = s.set_setting(kPublicUrlSetting, cli.public_url); !u) return fail(u.error().message);
      }
      std::cout << (d->created ? "Seeded the demo workspace in " : "The workspace in ") << cli.data_dir
                << (d->created ? "\n" : " already has data; left it as it is\n");
      if (d->created && *days > 0) {
        // A Finnish shop's days and hours in its reports are Helsinki's; open around the clock,
        // so that the demo answers whenever it is tried.
        for (const char* slug : {admin::kDemoTenant, "pyorapaja"}) {
          if (auto h = admin::set_hours(s, slug, std::string(admin::kAlwaysInHelsinki)); !h)
            return fail(h.error().message);
        }
        auto eramaa = s.tenant_by_slug(admin::kDemoTenant);
        if (!eramaa) return fail(eramaa.error().message);
        auto aino = s.agent_by_email(admin::kDemoAgentEmail);
        if (!aino) return fail(aino.error().message);
        std::int64_t convs = 0;
        if (auto h = history::fill_demo_history(s, eramaa->id, aino->id, *days, now_ms(), &convs); !h)
          return fail(h.error().message);
        std::cout << "history:  " << convs << " made-up chats over the last " << *days << " days (Erämaa)\n";
      }
      std::cout << "shop:     " << cli.public_url << "/demo/\n"
                << "console:  " << cli.public_url << "/console/\n"
                << "site key: " << d->site_key << "\n"
                << "second site key (Pyöräpaja): " << d->site_key_2 << "\n"
                << "agent: " << d->agent_email << "\n"
                << "password: " << d->agent_password << "\n";
      return 0;
    };
  });
}

namespace {

void add_tenant_create(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("create", "create a tenant");
  auto o = std::make_shared<std::pair<std::string, std::string>>();  // slug, name
  add_data_option(cmd, cli);
  cmd->add_option("--slug", o->first, "short id: a-z, 0-9, '-'")->required();
  cmd->add_option("--name", o->second, "display name")->required();
  cmd->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto t = admin::create_tenant(s, o->first, o->second);
      if (!t) return fail(t.error().message);
      std::cout << "tenant " << t->slug << " (id " << t->id << ") created\n";
      return 0;
    };
  });
}

void add_tenant_update(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("update", "change a tenant's name, chat lifecycle or analytics settings");
  struct Options {
    std::string slug, name, missed, idle;
    bool outcome_required = false;
    int attribution_days = 7;
  };
  auto o = std::make_shared<Options>();
  add_data_option(cmd, cli);
  cmd->add_option("--slug", o->slug, "tenant slug")->required();
  cmd->add_option("--name", o->name, "display name");
  cmd->add_option("--missed-after", o->missed,
                  "close a waiting chat as missed when its visitor has been gone this long (e.g. 10m; 0 = never)");
  cmd->add_option("--idle-close", o->idle, "close an active chat without messages this long (e.g. 30m; 0 = never)");
  cmd->add_option("--outcome-required", o->outcome_required,
                  "agents must choose an outcome before closing a chat (true/false)");
  cmd->add_option("--attribution-days", o->attribution_days,
                  "credit an order or lead to the visitor's last chat up to this many days before it (1-30)");
  cmd->callback([&cli, o, cmd] {
    cli.admin = [o, cmd](Database& s) {
      admin::TenantUpdate u;
      if (cmd->count("--name")) u.name = o->name;
      if (cmd->count("--outcome-required")) u.outcome_required = o->outcome_required;
      if (cmd->count("--attribution-days")) u.attribution_days = o->attribution_days;
      for (auto [flag, text, out] : {std::tuple{"--missed-after", &o->missed, &u.missed_after_seconds},
                                     std::tuple{"--idle-close", &o->idle, &u.idle_close_seconds}}) {
        if (!cmd->count(flag)) continue;
        auto d = admin::parse_duration(*text);
        if (!d) return fail(std::string(flag) + ": " + d.error().message);
        *out = *d;
      }
      auto t = admin::update_tenant(s, o->slug, u);
      if (!t) return fail(t.error().message);
      std::cout << "tenant " << t->slug << ": " << t->name
                << "; a waiting chat is missed after its visitor has been gone " << t->missed_after_seconds
                << " s, an active chat closes after " << t->idle_close_seconds
                << " s without messages (0 = never); outcome required on close: "
                << (t->outcome_required ? "yes" : "no") << "; orders are credited to a chat up to "
                << t->attribution_days << " days after it\na running server picks this up on restart\n";
      return 0;
    };
  });
}

void add_tenant_capacity(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("capacity", "set the default capacity of a tenant's agents");
  auto o = std::make_shared<std::pair<std::string, int>>("", 3);  // slug, default
  add_data_option(cmd, cli);
  cmd->add_option("--slug", o->first, "tenant slug")->required();
  cmd->add_option("--default-max-chats", o->second, "concurrent chats for agents without their own (1-50)")->required();
  cmd->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      if (auto st = admin::set_default_max_chats(s, o->first, o->second); !st) return fail(st.error().message);
      std::cout << "agents of " << o->first << " without their own capacity take " << o->second << " chats at once\n";
      return 0;
    };
  });
}

}  // namespace

void add_tenant_list(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("list", "list the tenants: slug, name");
  add_data_option(cmd, cli);
  cmd->callback([&cli] {
    cli.admin = [](Database& s) {
      auto all = s.tenants();
      if (!all) return fail(all.error().message);
      for (const auto& t : *all) std::cout << t.slug << "\t" << t.name << "\n";
      if (all->empty()) std::cout << "no tenants yet: tiski tenant create --slug SLUG --name NAME\n";
      return 0;
    };
  });
}

void add_tenant_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("tenant", "manage tenants (client companies)");
  group->require_subcommand(1);
  add_tenant_list(group, cli);
  add_tenant_create(group, cli);
  add_tenant_update(group, cli);
  add_tenant_capacity(group, cli);
}

void add_hours_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("hours", "business hours of a tenant");
  group->require_subcommand(1);
  auto* set = group->add_subcommand("set", "set business hours, or 'always'");
  auto* show = group->add_subcommand("show", "show business hours and whether open now");
  auto o = std::make_shared<std::pair<std::string, std::string>>();  // tenant, hours
  for (auto* c : {set, show}) {
    add_data_option(c, cli);
    c->add_option("--tenant", o->first, "tenant slug")->required();
  }
  set->add_option("--hours", o->second,
                  "e.g. \"tz=Europe/Helsinki; mon-fri 09:00-17:00; sat 10:00-14:00; 2026-12-24 closed\"")
      ->required();
  set->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto h = admin::set_hours(s, o->first, o->second);
      if (!h) return fail(h.error().message);
      std::cout << "business hours of " << o->first << ": " << (h->empty() ? "always open" : *h) << "\n";
      return 0;
    };
  });
  show->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto t = s.tenant_by_slug(o->first);
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
    };
  });
}

void add_team_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("team", "manage teams (groups of a tenant's agents)");
  group->require_subcommand(1);
  auto* create = group->add_subcommand("create", "create a team");
  auto* add = group->add_subcommand("add", "add an agent to a team");
  auto* site = group->add_subcommand("site", "route a site's chats to a team (--team \"\" for the whole tenant)");
  struct Options {
    std::string tenant, team, agent, site;
  };
  auto o = std::make_shared<Options>();
  for (auto* c : {create, add}) {
    add_data_option(c, cli);
    c->add_option("--tenant", o->tenant, "tenant slug")->required();
    c->add_option("--team", o->team, "team name")->required();
  }
  add->add_option("--agent", o->agent, "agent email")->required();
  add_data_option(site, cli);
  site->add_option("--site", o->site, "site key")->required();
  site->add_option("--team", o->team, "team name, or \"\"")->required();
  create->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto t = admin::create_team(s, o->tenant, o->team);
      if (!t) return fail(t.error().message);
      std::cout << "team " << t->name << " (id " << t->id << ") created in " << o->tenant << "\n";
      return 0;
    };
  });
  add->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      if (auto st = admin::add_team_member(s, o->tenant, o->team, o->agent); !st) return fail(st.error().message);
      std::cout << o->agent << " is in team " << o->team << "\n";
      return 0;
    };
  });
  site->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      if (auto st = admin::set_site_team(s, o->site, o->team); !st) return fail(st.error().message);
      std::cout << (o->team.empty() ? "the site's chats go to the whole tenant\n"
                                    : "the site's chats go to team " + o->team + "\n");
      return 0;
    };
  });
}

}  // namespace tiski::cli
