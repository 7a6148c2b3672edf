// tiski canned list/export/import, tiski policy show/set: the agent's desk from the shell.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands.h"
#include "chat/desk/canned.h"
#include "chat/desk/policy.h"

namespace tiski::cli {
namespace {

// The scope of --tenant: a tenant's id, or nullopt (workspace-wide) without it.
Result<std::optional<Id>> scope_of(Store& s, const std::string& slug) {
  if (slug.empty()) return std::optional<Id>();
  return std::optional<Id>(TRY(s.tenant_by_slug(slug)).id);
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_canned_io(CLI::App* group, Cli& cli) {
  auto* list = group->add_subcommand("list", "list the canned answers of a tenant (without --tenant: workspace-wide)");
  auto* exp = group->add_subcommand("export", "print the canned answers as JSON (the import format)");
  auto* imp = group->add_subcommand("import", "add or replace canned answers from a JSON file, by shortcut");
  auto o = std::make_shared<std::pair<std::string, std::string>>();  // tenant, file
  for (auto* c : {list, exp, imp}) {
    add_data_option(c, cli);
    c->add_option("--tenant", o->first, "tenant slug (none: the workspace-wide answers)");
  }
  imp->add_option("file", o->second, "a file as export prints it: {\"canned\": [...]}")->required();
  for (auto* c : {list, exp}) {
    c->callback([&cli, o, as_json = c == exp] {
      cli.admin = [o, as_json](Database& s) {
        auto scope = scope_of(s, o->first);
        if (!scope) return fail(scope.error().message);
        auto all = desk::all_canned(s, *scope);
        if (!all) return fail(all.error().message);
        if (as_json) {
          std::cout << desk::canned_file(*all) << "\n";
        } else {
          for (const auto& a : *all) std::cout << "/" << a.shortcut << "\t" << a.title << "\n";
          std::cout << all->size() << " canned answers\n";
        }
        return 0;
      };
    });
  }
  imp->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto text = read_file(o->second);
      if (!text) return fail(text.error().message);
      auto r = in_transaction<desk::Imported>(s, [&](Store& st) -> Result<desk::Imported> {
        auto scope = TRY(scope_of(st, o->first));
        auto answers = TRY(desk::parse_canned_file(*text, scope, now_ms()));
        return desk::import_canned(st, scope, answers);
      });
      if (!r) return fail(r.error().message);
      std::cout << r->added << " added, " << r->changed << " replaced\n";
      return 0;
    };
  });
}

void add_policy(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("policy", "a tenant's policy card and colour, shown beside its chats");
  group->require_subcommand(1);
  auto* show = group->add_subcommand("show", "print a tenant's colour and policy card");
  auto* set = group->add_subcommand("set", "set a tenant's colour and/or policy card");
  struct Opts {
    std::string tenant, color, file;
  };
  auto o = std::make_shared<Opts>();
  for (auto* c : {show, set}) {
    add_data_option(c, cli);
    c->add_option("--tenant", o->tenant, "tenant slug")->required();
  }
  set->add_option("--color", o->color, "#rrggbb, or \"\" for the palette's");
  set->add_option("--file", o->file, "a text file with the card (paragraphs, \"- \" lists, **bold**, links)");
  show->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      auto t = s.tenant_by_slug(o->tenant);
      if (!t) return fail(t.error().message);
      std::cout << "colour: " << (t->color.empty() ? "(palette)" : t->color) << "\n" << t->policy << "\n";
      return 0;
    };
  });
  set->callback([&cli, o, set] {
    cli.admin = [o, has_color = set->count("--color") > 0](Database& s) {
      auto t = s.tenant_by_slug(o->tenant);
      if (!t) return fail(t.error().message);
      if (has_color) {
        auto c = desk::parse_color(o->color);
        if (!c) return fail(c.error().message);
        t->color = *c;
      }
      if (!o->file.empty()) {
        auto text = read_file(o->file);
        if (!text) return fail(text.error().message);
        auto p = desk::parse_policy(*text);
        if (!p) return fail(p.error().message);
        t->policy = *p;
      }
      if (auto st = s.set_tenant_desk(t->id, t->color, t->policy); !st) return fail(st.error().message);
      std::cout << "policy card of " << o->tenant << " saved (" << t->policy.size() << " bytes)\n";
      return 0;
    };
  });
}

}  // namespace

void add_desk_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("canned", "canned answers (the composer's /shortcuts)");
  group->require_subcommand(1);
  add_canned_io(group, cli);
  add_policy(app, cli);
}

}  // namespace tiski::cli
