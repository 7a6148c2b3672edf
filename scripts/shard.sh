#!/usr/bin/env bash
# Runs a GoogleTest binary as shards in parallel (GTEST_TOTAL_SHARDS), by default three per core
# (SHARDS=N to choose): the protocol tests spend three quarters of their time waiting on their
# server child (timeouts, restarts, other nodes), so on two cores six shards take the suite from
# 144 s (two shards) to 71 s, and its PostgreSQL run from 142 s to 72 s (docs/performance.md).
# Each shard's output goes to a log; a failing shard's log is printed.
# usage: scripts/shard.sh BINARY [gtest args...]
set -uo pipefail
bin=$1
shift
shards=${SHARDS:-$((3 * $(nproc)))}
dir=$(mktemp -d /tmp/tiski-shards.XXXXXX)
trap 'rm -rf "$dir"' EXIT
pids=()
for ((i = 0; i < shards; i++)); do
  GTEST_TOTAL_SHARDS=$shards GTEST_SHARD_INDEX=$i "$bin" --gtest_brief=1 "$@" >"$dir/$i.log" 2>&1 &
  pids+=($!)
done
status=0
for ((i = 0; i < shards; i++)); do
  if wait "${pids[$i]}"; then
    grep -E '^\[==========\]|^\[  PASSED  \]' "$dir/$i.log" | sed "s/^/shard $i: /"
  else
    echo "shard $i of $bin FAILED:"
    cat "$dir/$i.log"
    status=1
  fi
done
exit $status
