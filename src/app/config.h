// Configuration of `tiski serve`: a TOML file, then command-line flags over it.
//
//   [server]
//   listen = "127.0.0.1:8080"        # host:port
//   public_url = "http://127.0.0.1:8080"  # how browsers reach this server (embed snippets)
//   web = "web/dist"                 # the built front end
//   [store]
//   data = "data"                    # data directory (SQLite file tiski.db inside)
//   [log]
//   level = "info"                   # debug, info, warn, error
//   [routing]
//   assign_timeout_seconds = 60      # unanswered auto-assigned chat goes to the next agent
//   auto_away_minutes = 10           # idle online agent becomes away
//   offline_grace_seconds = 30       # agent with no open console is offline after this
#pragma once

#include <cstdint>
#include <string>

#include "chat/hub.h"
#include "util/error.h"

namespace tiski {

struct Config {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string public_url;
  std::string web_dir = "web/dist";
  std::string data_dir = "data";
  std::string log_level = "info";
  RoutingOptions routing;
};

// Reads a TOML file over the defaults. Unknown keys are errors (a typo must not pass silently).
Result<Config> load_config(const std::string& path, Config base = {});
// Parses "host:port" (port 0..65535) into cfg.
Status set_listen(Config& cfg, const std::string& listen);

}  // namespace tiski
