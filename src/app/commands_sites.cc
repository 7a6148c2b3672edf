// tiski site create/update/show and rules set/show.
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>

#include "app/commands.h"
#include "chat/admin.h"

namespace tiski::cli {
namespace {

void print_site(const Site& site) {
  std::cout << "site " << site.name << " (key " << site.key << ")\n  greeting: " << site.greeting << "\n";
  for (const auto& [lang, text] : site.greetings) std::cout << "  greeting " << lang << ": " << text << "\n";
  std::cout << "  languages: ";
  for (std::size_t i = 0; i < site.langs.size(); ++i) std::cout << (i ? "," : "") << site.langs[i];
  std::cout << "\n  proactive holdout: " << site.holdout_percent << " %\n";
}

void add_site_create(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("create", "create a site and print its embed snippet");
  struct Options {
    admin::NewSite site;
    std::string langs = "fi,sv,en";
  };
  auto o = std::make_shared<Options>();
  add_data_option(cmd, cli);
  cmd->add_option("--tenant", o->site.tenant_slug, "tenant slug")->required();
  cmd->add_option("--name", o->site.name, "site name")->required();
  cmd->add_option("--greeting", o->site.greeting, "the greeting shown when the chat opens");
  cmd->add_option("--langs", o->langs, "comma-separated languages (fi, sv, en)");
  cmd->add_option("--public-url", cli.public_url, "URL of the server, for the snippet");
  cmd->callback([&cli, o] {
    cli.admin = [&cli, o](Database& s) {
      o->site.langs = split_list(o->langs);
      auto site = admin::create_site(s, o->site);
      if (!site) return fail(site.error().message);
      std::cout << "site " << site->name << " created; key " << site->key << "\nembed it with:\n"
                << admin::embed_snippet(cli.public_url, *site) << "\n";
      return 0;
    };
  });
}

void add_site_update_and_show(CLI::App* group, Cli& cli) {
  auto* update = group->add_subcommand("update", "change a site's name, greetings or languages");
  auto* show = group->add_subcommand("show", "print a site's settings and embed snippet");
  struct Options {
    std::string site, name, greeting, langs;
    int holdout = 0;
    std::map<std::string, std::string> greetings = {{"fi", ""}, {"sv", ""}, {"en", ""}};
  };
  auto o = std::make_shared<Options>();
  for (auto* c : {update, show}) {
    add_data_option(c, cli);
    c->add_option("--site", o->site, "site key")->required();
  }
  show->add_option("--public-url", cli.public_url, "URL of the server, for the snippet");
  update->add_option("--name", o->name, "site name");
  update->add_option("--greeting", o->greeting, "the default greeting (languages without their own)");
  for (auto& [lang, text] : o->greetings) {
    update->add_option("--greeting-" + lang, text, "the greeting in " + lang + " (\"\" removes it)");
  }
  update->add_option("--langs", o->langs, "comma-separated languages (fi, sv, en)");
  update->add_option("--holdout", o->holdout,
                     "percent of the visits a proactive rule would invite that are, at random, not invited (0-50)");
  update->callback([&cli, o, update] {
    cli.admin = [o, update](Database& s) {
      admin::SiteUpdate u;
      if (update->count("--name")) u.name = o->name;
      if (update->count("--greeting")) u.greeting = o->greeting;
      for (const auto& [lang, text] : o->greetings) {
        if (update->count("--greeting-" + lang)) u.greetings[lang] = text;
      }
      if (update->count("--langs")) u.langs = split_list(o->langs);
      if (update->count("--holdout")) u.holdout_percent = o->holdout;
      auto site = admin::update_site(s, o->site, u);
      if (!site) return fail(site.error().message);
      print_site(*site);
      std::cout << "a running server picks this up on restart, or use PUT /api/sites/{key} to apply it at once\n";
      return 0;
    };
  });
  show->callback([&cli, o] {
    cli.admin = [&cli, o](Database& s) {
      auto site = s.site_by_key(o->site);
      if (!site) {
        return fail(site.error().code == Errc::kNotFound ? "no site with key " + o->site : site.error().message);
      }
      print_site(*site);
      std::cout << "  secret (signs server-to-server calls, e.g. POST /api/sites/" << site->key
                << "/conversions; keep it on your server): " << site->secret << "\n";
      std::cout << "embed it with:\n" << admin::embed_snippet(cli.public_url, *site) << "\n";
      return 0;
    };
  });
}

void add_site_list(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("list", "list the sites: key, tenant, name (a lost key is found here)");
  auto tenant = std::make_shared<std::string>();
  add_data_option(cmd, cli);
  cmd->add_option("--tenant", *tenant, "only this tenant's (slug)");
  cmd->callback([&cli, tenant] {
    cli.admin = [tenant](Database& s) {
      auto tenants = s.tenants();
      if (!tenants) return fail(tenants.error().message);
      std::map<Id, std::string> slug;
      for (const auto& t : *tenants) slug[t.id] = t.slug;
      Result<std::vector<Site>> sites = std::vector<Site>();
      if (tenant->empty()) {
        sites = s.sites();
      } else {
        auto t = s.tenant_by_slug(*tenant);
        if (!t)
          return fail(t.error().code == Errc::kNotFound ? "no tenant with slug '" + *tenant + "'" : t.error().message);
        sites = s.sites_of(t->id);
      }
      if (!sites) return fail(sites.error().message);
      for (const auto& site : *sites)
        std::cout << site.key << "\t" << slug[site.tenant_id] << "\t" << site.name << "\n";
      return 0;
    };
  });
}

}  // namespace

void add_site_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("site", "manage sites (widgets)");
  group->require_subcommand(1);
  add_site_list(group, cli);
  add_site_create(group, cli);
  add_site_update_and_show(group, cli);
}

void add_rules_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("rules", "proactive invitation rules of a site");
  group->require_subcommand(1);
  auto* set = group->add_subcommand("set", "replace a site's rules with a JSON file (- = stdin)");
  auto* show = group->add_subcommand("show", "print a site's rules");
  auto o = std::make_shared<std::pair<std::string, std::string>>();  // site, file
  for (auto* c : {set, show}) {
    add_data_option(c, cli);
    c->add_option("--site", o->first, "site key")->required();
  }
  set->add_option("--file", o->second, "rules JSON (see docs/proactive.md)")->required();
  set->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      std::string json;
      if (o->second == "-") {
        json.assign(std::istreambuf_iterator<char>(std::cin), {});
      } else {
        std::ifstream in(o->second);
        if (!in) return fail("cannot read " + o->second);
        json.assign(std::istreambuf_iterator<char>(in), {});
      }
      auto rs = admin::set_rules(s, o->first, json);
      if (!rs) return fail(rs.error().message);
      std::cout << rs->rules.size() << " rule(s) stored; a running server picks them up on restart, "
                << "or use PUT /api/sites/{key}/rules to apply them at once\n";
      return 0;
    };
  });
  show->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto site = s.site_by_key(o->first);
      if (!site) return fail("no site with key " + o->first);
      std::cout << site->rules << "\n";
      return 0;
    };
  });
}

}  // namespace tiski::cli
