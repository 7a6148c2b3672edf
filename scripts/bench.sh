#!/usr/bin/env bash
# Runs the load benchmark: a fresh data directory, the demo workspace plus bench agents, a
# `tiski serve` process and the tiski_loadgen process against it on 127.0.0.1.
# Usage: scripts/bench.sh [idle|track|follow|load|max|restart|widget|peer|nodes|fifty|all]   (default all: not nodes, fifty)
#   idle: 19,000 idle visitor connections -> server memory per connection
#   track: 19,000 visitors reporting catalogue pages/idle (0.1 frames/s each) for 60 s, rules evaluated
#   follow: as track for 30 s, with 5 agent consoles following the live visitor list
#   load: 1,000 chatting visitors, 10 agents, 2,500 persisted messages/s for 20 s
#   max: 8,000, 16,000 and 24,000 messages/s for 10 s each from rate/4 visitors (a fresh server
#        each): the highest rate delivered in full is the maximum sustained persisted rate
#   restart: 19,000 idle visitors, then the server restarted (SIGTERM, started again): the time
#            until every visitor is back, reconnecting as the widget does (its backoff, its token)
#   widget: the widget's cost to the demo shop's page in Chromium (bench/widget_cost.mjs)
#   peer: idle and load against Tiski and a plain Node `ws` relay (bench/peers/ws-relay.mjs)
#         in turn, TISKI_BENCH_ROUNDS rounds (default 3) interleaved, a fresh server each run;
#         prints the medians side by side and the ratios Tiski / relay
# TISKI_IO_THREADS=N passes --io-threads N to the server (default: one per core; 0: the domain
# thread does the I/O as well, the single-threaded server).
# TISKI_BENCH_SERVER_ENV="K=V ..." sets the server's environment (LD_PRELOAD=... to try another
# allocator, MALLOC_ARENA_MAX=2).
# TISKI_BENCH_PG=1 keeps the store in a PostgreSQL 15 started here (scripts/services.sh, fsync on)
# instead of SQLite; TISKI_BENCH_RATE=N sets the load mode's messages/s (default 2500).
#   nodes: the load mode on PostgreSQL with Redis, run by 1, 2 and 3 nodes in turn
#          (TISKI_BENCH_NODES="1 2 3"): visitors spread over the nodes, each agent on another
#          node than its first visitors', CPU summed over the nodes. Implies TISKI_BENCH_PG=1.
#   fifty: 50,000 idle shoppers on this machine: 3 nodes on PostgreSQL and Redis (a process may
#          hold 20,000 descriptors, so one cannot), one load-generator process per node; the
#          nodes' memory per visitor, summed (each node also lists the others' visitors).
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
dir=$(mktemp -d /tmp/tiski-bench.XXXXXX)
port=${TISKI_BENCH_PORT:-18431}
rate=${TISKI_BENCH_RATE:-2500}
if [ "$mode" = nodes ] || [ "$mode" = fifty ]; then TISKI_BENCH_PG=1; fi
if [ "${TISKI_BENCH_PG:-0}" = 1 ]; then
  chmod a+x "$dir"  # the postgres user reaches its directory inside
  scripts/services.sh start "$dir/svc" pg $([ "$mode" = nodes ] || [ "$mode" = fifty ] && echo redis) >/dev/null
  # shellcheck disable=SC1091
  . "$dir/svc/env"
  export TISKI_STORE=$TISKI_PG_URL  # every tiski command below (--store)
  echo "store: PostgreSQL at $TISKI_PG_URL"
fi
site=$(build/tiski demo --data "$dir/data" | sed -n 's/^site key: //p')
for i in $(seq 0 9); do
  build/tiski agent create --data "$dir/data" --email "bench-agent-$i@load.test" --name "Bench $i" \
    --password bench-password --tenant eramaa --max-chats 50 >/dev/null
done
mkdir -p "$dir/web" && echo ok > "$dir/web/index.html"
# The load generator's connections leave from TISKI_BENCH_SOURCES loopback addresses (default 16,
# 1-254: from one address, the client's kernel spends a fifth of the machine searching for free
# local ports at 19,000 connections; docs/performance.md). Thousands of connections from a few
# addresses: they are exempt from the per-address limits. /metrics needs a token.
sources=${TISKI_BENCH_SOURCES:-16}
sources=$((sources < 1 ? 1 : sources > 254 ? 254 : sources))
token=bench-metrics-token-0123456789
loadgen=(build/tiski_loadgen --metrics-token "$token" --sources "$sources")
cat > "$dir/tiski.toml" <<TOML
[limits]
unlimited = [$(seq -f '"127.0.0.%g"' -s, "$sources")]
[metrics]
token = "$token"
TOML
serve() {
  env ${TISKI_BENCH_SERVER_ENV:-} build/tiski serve --data "$dir/data" --listen "127.0.0.1:$port" --web "$dir/web" --log-level warn --config "$dir/tiski.toml" \
    ${TISKI_IO_THREADS:+--io-threads "$TISKI_IO_THREADS"} >"$dir/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
}
# The load generator has gone and closed every connection: what the process keeps.
after_the_run() {
  sleep 12  # the server checks every 10 s whether to give freed memory back
  curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" |
    awk '/^tiski_resident_memory_bytes /{r=$2} /^tiski_heap_in_use_bytes /{h=$2} END{printf "after the run (connections closed, 12 s later): resident %.1f MiB, heap in use %.1f MiB\n", r/1048576, h/1048576}'
}
serve
pids=()
trap 'kill $pid ${pids[*]:-} 2>/dev/null || true; wait 2>/dev/null || true; scripts/services.sh stop "$dir/svc" >/dev/null 2>&1; rm -rf "$dir"' EXIT
echo "server pid $pid on port $port; $(nproc) cores; ulimit -n $(ulimit -n); io threads ${TISKI_IO_THREADS:-one per core}"
if [ "$mode" = idle ] || [ "$mode" = all ]; then
  echo "--- idle: build/tiski_loadgen --visitors 19000 --active 0"
  "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors 19000 --active 0 --agents 0 --settle 12
  after_the_run
fi
if [ "$mode" = track ] || [ "$mode" = all ]; then
  kill $pid; wait $pid 2>/dev/null || true
  serve
  echo "--- track: build/tiski_loadgen --visitors 19000 --active 0 --track 60"
  "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors 19000 --active 0 --agents 0 --track 60
fi
if [ "$mode" = follow ] || [ "$mode" = all ]; then
  kill $pid; wait $pid 2>/dev/null || true
  serve
  echo "--- follow: build/tiski_loadgen --visitors 19000 --active 0 --track 30 --follow 5"
  "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors 19000 --active 0 --agents 0 --track 30 --follow 5
fi
if [ "$mode" = load ] || [ "$mode" = all ]; then
  kill $pid; wait $pid 2>/dev/null || true
  serve
  echo "--- load: build/tiski_loadgen --visitors 1000 --active 1000 --agents 10 --rate $rate --seconds 20"
  "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors 1000 --active 1000 --agents 10 \
    --rate "$rate" --seconds 20
  curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" | grep -E '^tiski_(store_commits_total|messages_total|slow_consumers_total|heap_in_use_bytes|resident_memory_bytes) |^tiski_store_(commit|wait)_seconds_(bucket|sum|count)'
  after_the_run
fi
# N nodes on the bus, on ports port..port+N-1: their PIDs in pids, their ports in ports.
start_nodes() {
  pids=() ports=()
  local k p
  for k in $(seq 0 $(($1 - 1))); do
    p=$((port + k))
    mkdir -p "$dir/node-$k"
    build/tiski serve --data "$dir/node-$k" --listen "127.0.0.1:$p" --web "$dir/web" --log-level warn \
      --config "$dir/tiski.toml" --bus "$TISKI_REDIS_URL" --node "bench-$k" >"$dir/node-$k.log" 2>&1 &
    pids+=($!) ports+=($p)
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.05; done
  done
  sleep 2  # the nodes find each other (heartbeats once a second)
}
if [ "$mode" = nodes ]; then
  kill $pid; wait $pid 2>/dev/null || true
  for n in ${TISKI_BENCH_NODES:-1 2 3}; do
    start_nodes "$n"
    pid=${pids[0]}
    more=$(IFS=,; echo "${pids[*]:1}")
    rport=${TISKI_REDIS_URL##*:}
    redis_cmds() { redis-cli -p "$rport" info stats | sed -n 's/^total_commands_processed:\([0-9]*\).*/\1/p'; }
    cmds0=$(redis_cmds)
    echo "--- nodes: $n; build/tiski_loadgen --ports $(IFS=,; echo "${ports[*]}") --visitors 1000 --active 1000 --agents 10 --rate $rate --seconds 20"
    "${loadgen[@]}" --port "$port" --ports "$(IFS=,; echo "${ports[*]}")" --site "$site" \
      --server-pid "$pid" ${more:+--more-pids "$more"} --visitors 1000 --active 1000 --agents 10 --rate "$rate" --seconds 20 |
      grep -E '^(nodes|load|latency|server CPU during)' || true
    echo "redis: $(($(redis_cmds) - cmds0)) commands during the run (PUBLISH of events and heartbeats, SUBSCRIBEs)"
    for q in "${pids[@]}"; do kill "$q" 2>/dev/null; wait "$q" 2>/dev/null || true; done
  done
  pid= pids=()
fi
if [ "$mode" = fifty ]; then
  kill $pid; wait $pid 2>/dev/null || true
  n=3 each=16667 lgs=()
  start_nodes "$n"
  rss() { awk '/^VmRSS/{print $2}' "/proc/$1/status"; }
  heap() { curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$1/metrics" | awk '/^tiski_heap_in_use_bytes /{printf "%d", $2 / 1024}'; }
  rss0=() heap0=()
  for k in $(seq 0 $((n - 1))); do rss0+=("$(rss "${pids[$k]}")") heap0+=("$(heap "${ports[$k]}")"); done
  echo "--- fifty: $n nodes x build/tiski_loadgen --visitors $each --shopper 1, one per node, at once"
  for k in $(seq 0 $((n - 1))); do
    stdbuf -oL "${loadgen[@]}" --port "${ports[$k]}" --site "$site" --server-pid "${pids[$k]}" \
      --visitors "$each" --active 0 --agents 0 --shopper 1 --settle 20 >"$dir/fifty-$k.out" 2>&1 &
    lgs+=($!)
  done
  # All in when every load generator has told its welcomes; measured while they still hold them.
  for _ in $(seq 240); do
    [ "$(cat "$dir"/fifty-*.out 2>/dev/null | grep -c '^idle: .* welcomed')" = "$n" ] && break
    sleep 0.5
  done
  sleep 3
  total_rss=0 total_heap=0
  for k in $(seq 0 $((n - 1))); do
    r=$(rss "${pids[$k]}") h=$(heap "${ports[$k]}")
    echo "node $k: $(grep -o '^idle: [0-9]*/[0-9]* visitors welcomed in [0-9.]* s' "$dir/fifty-$k.out"); RSS ${rss0[$k]} -> $r KiB, heap ${heap0[$k]} -> $h KiB"
    total_rss=$((total_rss + r - rss0[k])) total_heap=$((total_heap + h - heap0[k]))
  done
  welcomed=$(cat "$dir"/fifty-*.out | sed -n 's/^idle: \([0-9]*\)\/.*/\1/p' | awk '{s+=$1} END{print s}')
  awk -v r="$total_rss" -v h="$total_heap" -v w="$welcomed" 'BEGIN{printf "fifty: %d visitors on %d nodes; the nodes grew by %.1f MiB RSS, %.1f MiB heap = %.2f KiB RSS, %.2f KiB heap per visitor\n", w, '"$n"', r/1024, h/1024, r/w, h/w}'
  echo "fifty: errors $(cat "$dir"/fifty-*.out | grep -c 'error' || true) lines mentioning errors"
  wait "${lgs[@]}" 2>/dev/null || true
  for k in $(seq 0 $((n - 1))); do sed "s/^/  load generator $k: /" "$dir/fifty-$k.out" | grep -v '^.*: result:'; done
  for q in "${pids[@]}"; do kill "$q" 2>/dev/null; wait "$q" 2>/dev/null || true; done
  pid= pids=()
fi
if [ "$mode" = widget ] || [ "$mode" = all ]; then
  echo "--- widget: node bench/widget_cost.mjs (5 page loads of the demo shop in Chromium)"
  node bench/widget_cost.mjs 2>&1 | grep -E '^(widget|load)'
fi
if [ "$mode" = restart ] || [ "$mode" = all ]; then
  kill $pid; wait $pid 2>/dev/null || true
  serve
  # One load generator is one thread: it, not the server, would set the pace of 19,000
  # reconnections. TISKI_BENCH_PROCS (default 2) processes share the visitors.
  procs=${TISKI_BENCH_PROCS:-2}
  echo "--- restart: $procs x build/tiski_loadgen --visitors $((19000 / procs)) --active 0 --restart 1; the server restarted when all are in"
  lgs=()
  for k in $(seq "$procs"); do
    "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors $((19000 / procs)) \
      --active 0 --agents 0 --restart 1 >"$dir/restart-$k.out" 2>&1 &
    lgs+=($!)
    for _ in $(seq 600); do grep -q '^restart: ready' "$dir/restart-$k.out" && break; sleep 0.1; done
  done
  t0=$(date +%s%N)
  kill $pid; wait $pid 2>/dev/null || true
  t1=$(date +%s%N)
  serve
  t2=$(date +%s%N)
  echo "restart: the old server drained and exited in $(((t1 - t0) / 1000000)) ms; the new one answered /healthz $(((t2 - t1) / 1000000)) ms later"
  for lg in "${lgs[@]}"; do wait "$lg" || true; done
  cat "$dir"/restart-*.out | grep -E '^(idle|restart)' | grep -v 'restart: ready'
fi
if [ "$mode" = peer ] || [ "$mode" = all ]; then
  kill $pid; wait $pid 2>/dev/null || true
  if [ ! -d bench/peers/node_modules/ws ]; then
    (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error)
  fi
  relay_port=$((port + 10))
  relay() {
    node bench/peers/ws-relay.mjs "$relay_port" >"$dir/relay.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$relay_port/healthz" >/dev/null && break; sleep 0.05; done
  }
  results="$dir/peer-results"
  : >"$results"
  for round in $(seq "${TISKI_BENCH_ROUNDS:-3}"); do
    for server in tiski relay; do
      for kind in idle load; do
        if [ "$server" = tiski ]; then serve; p=$port; else relay; p=$relay_port; fi
        if [ $kind = idle ]; then args=(--visitors 19000 --active 0 --agents 0)
        else args=(--visitors 1000 --active 1000 --agents 10 --rate "$rate" --seconds 20); fi
        "${loadgen[@]}" --port "$p" --site "$site" --server-pid "$pid" "${args[@]}" |
          sed -n "s/^result:/$server $kind result:/p" >>"$results" || true
        echo "round $round: $server $kind: $(tail -1 "$results" | cut -d' ' -f4-)"
        kill $pid; wait $pid 2>/dev/null || true
      done
    done
  done
  echo "--- peer: 19,000 idle visitors; 1,000 visitors and 10 agents at $rate messages/s for 20 s (medians)"
  python3 bench/peers/compare.py "$results"
  serve
fi
if [ "$mode" = max ] || [ "$mode" = all ]; then
  # One visitor may send 5 messages/s (limits.h), so the visitors grow with the rate: 4/s each.
  for rate in ${TISKI_BENCH_RATES:-8000 16000 24000}; do
    kill $pid; wait $pid 2>/dev/null || true
    serve
    visitors=$((rate / 4))
    echo "--- max: build/tiski_loadgen --visitors $visitors --active $visitors --agents 10 --rate $rate --seconds 10"
    "${loadgen[@]}" --port "$port" --site "$site" --server-pid "$pid" --visitors "$visitors" \
      --active "$visitors" --agents 10 --rate "$rate" --seconds 10 | grep -E '^(load|latency|server CPU)' || true
  done
fi
