#!/usr/bin/env bash
# The servers several Tiski nodes share (docs/scaling.md): PostgreSQL 15, Redis 7 and nginx in
# front, each started here by hand — there is no systemd — on 127.0.0.1 and a free port, with its
# data, sockets, logs and PID file under one directory, and stopped by PID.
#
#   scripts/services.sh start DIR [pg] [redis] [nginx=PORT,PORT,...]
#       starts what is named (all three when none is: nginx then needs no upstream yet) and
#       writes DIR/env: TISKI_PG_URL, TISKI_REDIS_URL, TISKI_NGINX_URL. Idempotent: a server
#       whose PID file names a live process is left running; one started again after a stop or a
#       crash gets its old port back.
#   scripts/services.sh stop DIR        stops every server started in DIR (TERM, then KILL).
#   scripts/services.sh nginx-reload DIR PORT,PORT,...   points nginx at these Tiski nodes.
#
# PostgreSQL refuses to run as root: as root, DIR/pg belongs to the `postgres` user the Debian
# package made, and the server runs as that user. PG_FSYNC=off (the unit tests' throwaway
# databases) starts it without fsync; the default is on.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pgbin=/usr/lib/postgresql/15/bin

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# A live process, not a zombie (a crashed server nobody reaped: no init reaps in a container).
alive() {
  [ -f "$1" ] || return 1
  local pid
  pid=$(cat "$1")
  kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

# Sets KEY=VALUE in DIR/env (one line each).
remember() {
  local file=$dir/env
  touch "$file"
  grep -v "^$1=" "$file" >"$file.tmp" || true
  echo "$1=$2" >>"$file.tmp"
  mv "$file.tmp" "$file"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The port a server had in DIR/env (started again after a stop or a crash: the nodes reconnect to
# the same address), else a free one.
port_of() {
  local old=""
  [ -f "$dir/env" ] && old=$(sed -n "s|^$1=.*:\([0-9][0-9]*\)\(/.*\)\{0,1\}\$|\1|p" "$dir/env")
  if [ -n "$old" ]; then echo "$old"; else free_port; fi
}

start_pg() {
  local d=$dir/pg
  if alive "$d/postmaster.pid.copy"; then return; fi
  mkdir -p "$d"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$d"
    chmod a+x "$dir"  # the server's user must reach its directory (mktemp -d makes it 700)
  fi
  local fresh=0
  if [ ! -f "$d/data/PG_VERSION" ]; then
    as_pg "$pgbin/initdb" -D "$d/data" -U tiski --auth=trust -E UTF8 --locale=C.UTF-8 >"$d/initdb.log" 2>&1
    fresh=1
  fi
  local port
  port=$(port_of TISKI_PG_URL)
  as_pg "$pgbin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$d -c fsync=${PG_FSYNC:-on}" start >/dev/null
  head -1 "$d/data/postmaster.pid" >"$d/postmaster.pid.copy"
  if ((fresh)); then as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U tiski tiski; fi
  remember TISKI_PG_URL "postgresql://tiski@127.0.0.1:$port/tiski"
}

start_redis() {
  local d=$dir/redis
  if alive "$d/redis.pid"; then return; fi
  mkdir -p "$d"
  local port
  port=$(port_of TISKI_REDIS_URL)
  redis-server --bind 127.0.0.1 --port "$port" --dir "$d" --save "" --appendonly no \
    --pidfile "$d/redis.pid" --logfile "$d/redis.log" --daemonize yes
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  remember TISKI_REDIS_URL "redis://127.0.0.1:$port"
}

# nginx in front of the nodes at these ports (docs/nginx.conf: WebSocket upgrade, timeouts,
# failover to the next node; no sticky sessions: clients resync by sequence number).
nginx_conf() {
  local port=$1 nodes=$2 d=$dir/nginx
  local upstream=""
  IFS=, read -ra list <<<"$nodes"
  for p in "${list[@]}"; do [ -n "$p" ] && upstream+="    server 127.0.0.1:$p max_fails=1 fail_timeout=5s;"$'\n'; done
  [ -n "$upstream" ] || upstream="    server 127.0.0.1:9 down;"$'\n'
  sed -e "s|@PORT@|$port|; s|@DIR@|$d|g" -e "/^@UPSTREAM@\$/{
r /dev/stdin
d
}" "$here/docs/nginx.conf" <<<"$upstream" >"$d/nginx.conf"
}

start_nginx() {
  local nodes=$1 d=$dir/nginx
  mkdir -p "$d"
  if alive "$d/nginx.pid"; then return; fi
  local port
  port=$(free_port)
  nginx_conf "$port" "$nodes"
  nginx -c "$d/nginx.conf" -p "$d" -e "$d/error.log"
  remember TISKI_NGINX_URL "http://127.0.0.1:$port"
  echo "$port" >"$d/port"
}

stop_pid() {
  local pidfile=$1
  alive "$pidfile" || return 0
  local pid
  pid=$(cat "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { sed -n 2,16p "$0" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
shift 2
case $cmd in
  start)
    want=("$@")
    ((${#want[@]})) || want=(pg redis nginx=)
    for w in "${want[@]}"; do
      case $w in
        pg) start_pg ;;
        redis) start_redis ;;
        nginx=*) start_nginx "${w#nginx=}" ;;
        *) echo "services.sh: unknown server '$w'" >&2; exit 2 ;;
      esac
    done
    cat "$dir/env"
    ;;
  nginx-reload)
    nginx_conf "$(cat "$dir/nginx/port")" "${1:-}"
    nginx -c "$dir/nginx/nginx.conf" -p "$dir/nginx" -e "$dir/nginx/error.log" -s reload
    ;;
  stop)
    stop_pid "$dir/nginx/nginx.pid"
    stop_pid "$dir/redis/redis.pid"
    if alive "$dir/pg/postmaster.pid.copy"; then
      as_pg "$pgbin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || stop_pid "$dir/pg/postmaster.pid.copy"
    fi
    rm -f "$dir/pg/postmaster.pid.copy"
    ;;
  *) echo "services.sh: start, stop or nginx-reload" >&2; exit 2 ;;
esac
