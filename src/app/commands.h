// The administration subcommands of the tiski binary (tenant, site, hours, agent, team, rules,
// demo): each add_*() registers a group's options with CLI11 and, when that subcommand is the
// one parsed, leaves in Cli::admin what it does to the workspace. main.cc opens the data
// directory and runs it. Wiring only: the logic is in chat/admin.h.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "store/store.h"

namespace tiski::cli {

struct Cli {
  std::string data_dir = "data";
  // A PostgreSQL URL (postgres://...): the store is there instead of tiski.db in data_dir
  // (--store, or the environment's TISKI_STORE).
  std::string store_url;
  // For printed links and snippets: --public-url, else the URL the server last ran with (the
  // setting kPublicUrlSetting, kept by `serve` and `demo`), else http://127.0.0.1:8080.
  std::string public_url;
  bool public_url_given = false;        // --public-url was on the command line
  std::function<int(Database&)> admin;  // the parsed administration command
  std::function<int()> run;             // a command on the files (backup, restore, check)
};

inline constexpr std::string_view kPublicUrlSetting = "public_url";
inline constexpr std::string_view kDefaultPublicUrl = "http://127.0.0.1:8080";

// Prints "tiski: <what>" to stderr; returns the exit status 1.
int fail(const std::string& what);
// "fi,sv,en" -> {"fi", "sv", "en"}
std::vector<std::string> split_list(const std::string& list);
// The --data and --store options every administration command takes.
void add_data_option(CLI::App* cmd, Cli& cli);

void add_demo_command(CLI::App& app, Cli& cli);
void add_tenant_commands(CLI::App& app, Cli& cli);
void add_hours_commands(CLI::App& app, Cli& cli);
void add_site_commands(CLI::App& app, Cli& cli);
void add_rules_commands(CLI::App& app, Cli& cli);
void add_agent_commands(CLI::App& app, Cli& cli);
void add_team_commands(CLI::App& app, Cli& cli);
void add_desk_commands(CLI::App& app, Cli& cli);
void add_ops_commands(CLI::App& app, Cli& cli);

}  // namespace tiski::cli
