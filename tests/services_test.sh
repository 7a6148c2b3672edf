#!/usr/bin/env bash
# The shared servers of several nodes (issue 15, docs/scaling.md), started and stopped by
# scripts/services.sh on 127.0.0.1 and free ports: PostgreSQL answers a query at TISKI_PG_URL,
# Redis at TISKI_REDIS_URL, and nginx with docs/nginx.conf in front of two Tiski nodes passes
# HTTP and the WebSocket upgrade through, and goes on serving when one node is killed -9. The nodes
# share one PostgreSQL store, filled from a single node's SQLite data by copy-to-postgres.
# Starting again leaves running servers alone; stopping leaves no process behind.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/tiski-services.XXXXXX)
nodes=()
cleanup() {
  for p in "${nodes[@]}"; do { kill -9 "$p" && wait "$p"; } 2>/dev/null || true; done
  [ -d "$dir/cluster" ] && scripts/cluster.sh stop "$dir/cluster" >/dev/null 2>&1 || true
  scripts/services.sh stop "$dir" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "services: $*" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# PostgreSQL and Redis first; a single node's demo data moves into PostgreSQL (copy-to-postgres),
# and two nodes share it: the second has no data of its own.
scripts/services.sh start "$dir" pg redis >/dev/null
# shellcheck disable=SC1091
. "$dir/env"
build/tiski demo --data "$dir/single" >/dev/null
build/tiski copy-to-postgres --data "$dir/single" --store "$TISKI_PG_URL" >"$dir/copy.log" ||
  fail "copy-to-postgres: $(cat "$dir/copy.log")"
grep -q "every table counted on both sides" "$dir/copy.log" || fail "copy-to-postgres did not verify: $(cat "$dir/copy.log")"
build/tiski copy-to-postgres --data "$dir/single" --store "$TISKI_PG_URL" >/dev/null 2>&1 &&
  fail "a second copy into a database with data was not refused"
ports=()
for n in a b; do
  port=$(free_port)
  build/tiski serve --data "$dir/$n" --store "$TISKI_PG_URL" --listen "127.0.0.1:$port" --web web/dist \
    --log-level warn >>"$dir/$n.log" 2>&1 &
  nodes+=($!)
  ports+=("$port")
done
for port in "${ports[@]}"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
  # Every node knows the demo agent: the accounts are in the shared store.
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"email":"agentti@eramaa.demo","password":"demo1234"}' "http://127.0.0.1:$port/api/login")
  [ "$code" = 200 ] || fail "login on the node at $port answered $code"
done

scripts/services.sh start "$dir" pg redis "nginx=${ports[0]},${ports[1]}" >/dev/null
. "$dir/env"
[ "$(psql "$TISKI_PG_URL" -Atc 'select 40 + 2')" = 42 ] || fail "PostgreSQL did not answer at $TISKI_PG_URL"
[ "$(psql "$TISKI_PG_URL" -Atc 'show server_version_num' | cut -c1-2)" = 15 ] || fail "not PostgreSQL 15"
[ "$(redis-cli -u "$TISKI_REDIS_URL" ping)" = PONG ] || fail "Redis did not answer at $TISKI_REDIS_URL"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$TISKI_NGINX_URL/readyz")" = 200 ] || fail "nginx did not pass /readyz"
upgrade() {
  curl -s -i -N --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
    -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' "$TISKI_NGINX_URL/ws/visitor" | head -1 | tr -d '\r' || true
}
[[ "$(upgrade)" == *" 101 "* ]] || fail "no WebSocket upgrade through nginx: $(upgrade)"

# A node dies: nginx skips it.
kill -9 "${nodes[0]}"
wait "${nodes[0]}" 2>/dev/null || true
for i in $(seq 6); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$TISKI_NGINX_URL/readyz")
  [ "$code" = 200 ] || fail "request $i after a node died: $code"
done
[[ "$(upgrade)" == *" 101 "* ]] || fail "no WebSocket upgrade after a node died"

# Idempotent start: the same servers, the same addresses.
before=$(cat "$dir/env")
scripts/services.sh start "$dir" pg redis "nginx=${ports[1]}" >/dev/null
[ "$before" = "$(cat "$dir/env")" ] || fail "a second start replaced running servers"

pids=$(cat "$dir/pg/postmaster.pid.copy" "$dir/redis/redis.pid" "$dir/nginx/nginx.pid")
scripts/services.sh stop "$dir"
for p in $pids; do  # gone, or a zombie nobody has reaped yet (no init reaps in a container)
  if kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
    fail "process $p still runs after stop"
  fi
done
echo "services: PostgreSQL (filled by copy-to-postgres), Redis and nginx in front of two nodes sharing it started, used, survived a node and stopped: ok"

# scripts/cluster.sh: everything for two nodes sharing the bus, started and stopped by PID; a
# node that died comes back with the next start.
cdir=$dir/cluster
scripts/cluster.sh start "$cdir" 2 >/dev/null
# shellcheck disable=SC1091
. "$cdir/env"
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -d '{"email":"agentti@eramaa.demo","password":"demo1234"}' "$TISKI_NGINX_URL/api/login")
[ "$code" = 200 ] || fail "login through the cluster's nginx answered $code"
for k in 0 1; do
  for _ in $(seq 50); do grep -q 'a node joined' "$cdir/node-$k/server.log" && break; sleep 0.1; done
  grep -q 'a node joined' "$cdir/node-$k/server.log" || fail "node-$k did not hear the other node"
done
dead=$(cat "$cdir/node-1/pid")
kill -9 "$dead"
scripts/cluster.sh start "$cdir" 2 >/dev/null
[ "$(scripts/cluster.sh status "$cdir" | grep -c running)" = 2 ] || fail "the dead node did not come back: $(scripts/cluster.sh status "$cdir")"
cpids="$(cat "$cdir"/node-*/pid) $(cat "$cdir/redis/redis.pid" "$cdir/nginx/nginx.pid")"
scripts/cluster.sh stop "$cdir" >/dev/null
for p in $cpids; do
  if kill -0 "$p" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null; then
    fail "process $p still runs after cluster.sh stop"
  fi
done
echo "services: scripts/cluster.sh started two nodes behind nginx, brought back a dead one and stopped everything: ok"
