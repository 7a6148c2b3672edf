#!/usr/bin/env bash
# Several Tiski nodes on this machine behind nginx (docs/scaling.md): PostgreSQL, Redis and nginx
# (scripts/services.sh) and N `tiski serve` nodes, all on 127.0.0.1 and free ports, sharing the
# store, the bus and one attachments directory; stopped by PID. The demo workspace is seeded into
# PostgreSQL on the first start.
#   scripts/cluster.sh start DIR [N]   N nodes (default 2); running ones are left alone, so
#                                      starting again brings back a node that died
#   scripts/cluster.sh status DIR      each node: its port and whether it runs
#   scripts/cluster.sh stop DIR        the nodes (SIGTERM: they say goodbye), then the servers
# DIR/env names TISKI_PG_URL, TISKI_REDIS_URL and TISKI_NGINX_URL (open that one).
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  sed -n '2,11p' "$0" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
chmod a+x "$dir"  # PostgreSQL's user reaches its directory inside

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$(cat "$1")/status" 2>/dev/null; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

start() {
  local n=${1:-2} ports=() k port
  scripts/services.sh start "$dir" pg redis >/dev/null
  # shellcheck disable=SC1091
  . "$dir/env"
  if [ ! -f "$dir/seeded" ]; then
    build/tiski demo --data "$dir/node-0" --store "$TISKI_PG_URL" >"$dir/demo.txt"
    touch "$dir/seeded"
  fi
  mkdir -p "$dir/files"
  for k in $(seq 0 $((n - 1))); do
    mkdir -p "$dir/node-$k"
    [ -f "$dir/node-$k/port" ] || free_port >"$dir/node-$k/port"
    port=$(cat "$dir/node-$k/port")
    ports+=("$port")
    alive "$dir/node-$k/pid" && continue
    setsid build/tiski serve --data "$dir/node-$k" --store "$TISKI_PG_URL" --bus "$TISKI_REDIS_URL" \
      --node "node-$k" --files "$dir/files" --listen "127.0.0.1:$port" --web web/dist \
      >>"$dir/node-$k/server.log" 2>&1 </dev/null &
    echo $! >"$dir/node-$k/pid"
  done
  for port in "${ports[@]}"; do
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "cluster.sh: the node on $port did not start" >&2; exit 1; }
  done
  local list
  list=$(IFS=,; echo "${ports[*]}")
  if alive "$dir/nginx/nginx.pid"; then
    scripts/services.sh nginx-reload "$dir" "$list" >/dev/null
  else
    scripts/services.sh start "$dir" pg redis "nginx=$list" >/dev/null
  fi
  # shellcheck disable=SC1091
  . "$dir/env"
  echo "$n nodes behind $TISKI_NGINX_URL (logs in $dir/node-*/server.log)"
}

status() {
  local p
  for p in "$dir"/node-*/pid; do
    [ -f "$p" ] || continue
    local node=${p%/pid}
    if alive "$p"; then echo "${node##*/} port $(cat "$node/port") running"; else echo "${node##*/} port $(cat "$node/port") stopped"; fi
  done
}

stop() {
  local p pid
  for p in "$dir"/node-*/pid; do
    [ -f "$p" ] || continue
    alive "$p" && kill -TERM "$(cat "$p")" 2>/dev/null || true
  done
  for p in "$dir"/node-*/pid; do
    [ -f "$p" ] || continue
    pid=$(cat "$p")
    for _ in $(seq 50); do alive "$p" || break; sleep 0.1; done
    alive "$p" && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$p"
  done
  scripts/services.sh stop "$dir"
}

case "$cmd" in
  start) start "${3:-2}" ;;
  status) status ;;
  stop) stop ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
