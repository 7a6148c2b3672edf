#!/usr/bin/env bash
# Runs a GoogleTest binary as two shards in parallel (GTEST_TOTAL_SHARDS), one per core: the
# protocol tests spend much of their time waiting on their server child, so two at once take
# about half as long. Each shard's output goes to a log; a failing shard's log is printed.
# usage: scripts/shard.sh BINARY [gtest args...]
set -uo pipefail
bin=$1
shift
shards=${SHARDS:-2}
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
