#!/usr/bin/env bash
# Starts Tiski on 127.0.0.1:8080 with SQLite in ./data, seeding the demo workspace on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TISKI_DATA:-data}
listen=${TISKI_LISTEN:-127.0.0.1:8080}
url="http://$listen"
if [ ! -f "$data/tiski.db" ]; then
  build/tiski demo --data "$data" --public-url "$url" >/dev/null
fi
cat <<MSG

  Tiski is starting on $url

  Demo shop (visitor):  $url/demo/
  Agent console:        $url/console/
      login: agentti@eramaa.demo  password: demo1234

  Stop with Ctrl-C.

MSG
exec build/tiski serve --data "$data" --listen "$listen" --web web/dist
