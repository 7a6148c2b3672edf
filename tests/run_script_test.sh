#!/usr/bin/env bash
# `make run` on a port that is taken fails at once, names the port and the variable to pick
# another one, and prints no links.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
python3 -c "import socket,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1',$port)); s.listen(); time.sleep(20)" &
holder=$!
trap 'kill $holder 2>/dev/null' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
data=$(mktemp -d)
set +e
out=$(TISKI_LISTEN="127.0.0.1:$port" TISKI_DATA="$data" timeout 10 scripts/run.sh 2>&1)
status=$?
set -e
rm -rf "$data"
[ "$status" = 1 ] || { echo "expected exit 1, got $status: $out"; exit 1; }
grep -q "127.0.0.1:$port is already in use" <<<"$out" || { echo "no reason given: $out"; exit 1; }
grep -q "TISKI_LISTEN=" <<<"$out" || { echo "the variable is not named: $out"; exit 1; }
if grep -q "/console/" <<<"$out"; then echo "printed links anyway: $out"; exit 1; fi
echo "run.sh refuses a taken port: ok"
