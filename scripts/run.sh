#!/usr/bin/env bash
# Starts Tiski with SQLite in $TISKI_DATA (default ./data) on $TISKI_LISTEN (default
# 127.0.0.1:8080), seeding the demo workspace on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${TISKI_DATA:-data}
listen=${TISKI_LISTEN:-127.0.0.1:8080}
host=${listen%:*}
port=${listen##*:}
url="http://$listen"
# Someone already listening there: say so before printing links that would lead to them.
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "make run: $listen is already in use. Stop what runs there, or pick another address:" >&2
  echo "  TISKI_LISTEN=127.0.0.1:8081 make run" >&2
  exit 1
fi
# The demo workspace, once (seeding is idempotent: with TISKI_STORE=postgres://... there is no
# tiski.db to look for, and a seeded store is left as it is).
if [ ! -f "$data/tiski.db" ] || [ -n "${TISKI_STORE:-}" ]; then
  # Four weeks of made-up chats, visits and orders for Erämaa: the reports have something to show.
  build/tiski demo --data "$data" --public-url "$url" --history 28 >/dev/null
fi
cat <<MSG

  Tiski is starting on $url   (data in $data)

  Demo shop (visitor):  $url/demo/
  Agent console:        $url/console/
      agent (Erämaa Outdoor):   agentti@eramaa.demo    password: demo1234
      owner (both demo shops):  omistaja@tiski.demo    password: demo1234  (admin, reports)
  Erämaa's reports show four made-up weeks of chats and orders; the rest is yours to try.

  Another address or data directory: TISKI_LISTEN=127.0.0.1:8081 TISKI_DATA=other make run
  Stop with Ctrl-C.

MSG
exec build/tiski serve --data "$data" --listen "$listen" --web web/dist
