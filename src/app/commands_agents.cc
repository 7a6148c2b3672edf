// tiski agent create/update.
#include <iostream>
#include <memory>

#include "app/commands.h"
#include "chat/admin.h"
#include "util/crypto.h"

namespace tiski::cli {
namespace {

void add_agent_create(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("create", "create an agent");
  struct Options {
    admin::NewAgent agent;
    bool password_stdin = false;
  };
  auto o = std::make_shared<Options>();
  add_data_option(cmd, cli);
  cmd->add_option("--email", o->agent.email, "login email")->required();
  cmd->add_option("--name", o->agent.name, "display name")->required();
  cmd->add_option("--password", o->agent.password, "password (at least 8 characters)");
  cmd->add_flag("--password-stdin", o->password_stdin, "read the password from standard input");
  auto* tenant = cmd->add_option("--tenant", o->agent.tenant_slug, "tenant slug to join");
  cmd->add_option("--role", o->agent.role, "agent, supervisor or admin (in the --tenant)")->needs(tenant);
  cmd->add_option("--max-chats", o->agent.max_chats, "concurrent chats routing may assign (default: the tenant's)");
  cmd->add_flag("--owner", o->agent.owner, "a workspace owner: creates tenants, admin of every tenant");
  cmd->callback([&cli, o] {
    cli.admin = [o](Database& s) {
      if (o->password_stdin) std::getline(std::cin, o->agent.password);
      if (o->agent.password.empty()) return fail("give --password or --password-stdin");
      // All or nothing: an account whose membership is refused (the company is full) is not
      // left behind. The password is hashed first, so the write lock is held only for the rows.
      if (o->agent.password.size() >= 8) {
        auto hash = crypto::hash_password(o->agent.password);
        if (!hash) return fail(hash.error().message);
        o->agent.password_hash = *hash;
      }
      auto a = in_transaction<Agent>(s, [&](Store& st) { return admin::create_agent(st, o->agent); });
      if (!a) return fail(a.error().message);
      std::cout << "agent " << a->email << " (id " << a->id << ") created\n";
      if (o->agent.tenant_slug.empty() && !o->agent.owner) {
        std::cout << "it serves no company yet: add it with `tiski agent update --email " << a->email
                  << " --tenant SLUG --role agent`, or an admin adds it in the console\n";
      }
      return 0;
    };
  });
}

void add_agent_update(CLI::App* group, Cli& cli) {
  auto* cmd = group->add_subcommand("update", "change an agent's name, email, password, capacity or role");
  struct Options {
    std::string agent, email, name, tenant, role;
    int max_chats = 0;
    bool password = false;
    bool owner = false;
  };
  auto o = std::make_shared<Options>();
  add_data_option(cmd, cli);
  cmd->add_option("--email", o->agent, "the agent's login email")->required();
  cmd->add_option("--new-email", o->email, "a new login email");
  cmd->add_option("--name", o->name, "display name");
  cmd->add_flag("--password-stdin", o->password, "read a new password from standard input");
  cmd->add_option("--max-chats", o->max_chats, "concurrent chats routing may assign (0 = the tenant's default)");
  auto* tenant = cmd->add_option("--tenant", o->tenant, "tenant slug: join it, or change the role there");
  cmd->add_option("--role", o->role, "agent, supervisor or admin (with --tenant)")->needs(tenant);
  cmd->add_option("--owner", o->owner, "true: a workspace owner; false: no longer one");
  cmd->callback([&cli, o, cmd] {
    cli.admin = [o, cmd](Database& s) {
      admin::AgentUpdate u;
      if (cmd->count("--new-email")) u.email = o->email;
      if (cmd->count("--name")) u.name = o->name;
      if (o->password) {
        std::string pw;
        std::getline(std::cin, pw);
        u.password = pw;
      }
      if (cmd->count("--max-chats")) u.max_chats = o->max_chats;
      if (cmd->count("--tenant")) u.tenant_slug = o->tenant;
      if (cmd->count("--role")) u.role = o->role;
      if (cmd->count("--owner")) u.owner = o->owner;
      auto a = in_transaction<Agent>(s, [&](Store& st) { return admin::update_agent(st, o->agent, u); });
      if (!a) return fail(a.error().message);
      std::cout << "agent " << a->email << " (id " << a->id
                << ") updated; a running server picks this up at the agent's next login\n";
      return 0;
    };
  });
}

}  // namespace

void add_agent_commands(CLI::App& app, Cli& cli) {
  auto* group = app.add_subcommand("agent", "manage agents");
  group->require_subcommand(1);
  add_agent_create(group, cli);
  add_agent_update(group, cli);
}

}  // namespace tiski::cli
