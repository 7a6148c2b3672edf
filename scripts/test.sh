#!/usr/bin/env bash
# Runs every test of Tiski: generated-code check, lint (include layers, format, clang-tidy),
# C++ unit and store conformance tests (SQLite and a PostgreSQL they start), protocol tests
# against a real server process (on SQLite, then on PostgreSQL), the same
# tests under ASan+UBSan, the threaded tests under TSan, 20 s of libFuzzer per parser,
# front-end tests, and the browser tests in Debian Chromium. Prints one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
passed=0
failed=0
failures=()
step() {
  local name=$1
  shift
  echo "=== $name"
  local t0=$SECONDS
  local clusters
  clusters=$(ls -d /tmp/tiski-pg-* 2>/dev/null)
  if "$@"; then
    passed=$((passed + 1))
    echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
  stop_left_clusters "$clusters"
}

# A test process that died (a sanitizer's abort) cannot stop the PostgreSQL it started
# (src/store/testing/pg_server.h stops it at exit): what a step left behind is stopped here.
stop_left_clusters() {
  local d
  for d in /tmp/tiski-pg-*; do
    [ -d "$d" ] || continue
    grep -qxF "$d" <<<"$1" && continue
    echo "stopping $d, left by a test process that did not end"
    scripts/services.sh stop "$d" >/dev/null 2>&1 || true
    rm -rf "$d"
  done
}

# The sanitizer and fuzz builds compile in the background while the steps before them run (the
# protocol and browser tests mostly wait on their servers); their steps come last and wait for
# it, and should it have failed, build again in the foreground to show why. The builds run in a
# session of their own (so an interrupted make test stops the compilers too) whose scheduling
# group is set to nice 19: under sched_autogroup a session is a group of its own and the
# processes' nice means nothing between groups (lint took 310 s instead of 160). The steps beside
# them still slow (PostgreSQL's fsyncs wait behind the compilers' writes), but the whole run is
# ~3 minutes shorter (docs/performance.md).
ahead_log=$(mktemp /tmp/tiski-ahead.XXXXXX)
setsid -w nice -n 19 bash -c '(echo 19 >/proc/self/autogroup) 2>/dev/null
  scripts/asan.sh --build-only && scripts/tsan.sh --build-only && scripts/fuzz.sh --build-only' >"$ahead_log" 2>&1 &
ahead=$!
trap 'kill -- -$ahead 2>/dev/null; rm -f "$ahead_log"' EXIT
built_ahead() {
  local t0=$SECONDS
  if ! wait "$ahead"; then
    echo "the background sanitizer builds failed; their steps build again:"
    tail -5 "$ahead_log"
  fi
  echo "=== waited $((SECONDS - t0)) s for the sanitizer and fuzz builds"
}

step "protocol types up to date" node proto/gen.mjs --check
step "lint (include layers, clang-format, clang-tidy)" scripts/lint.sh
step "unit + store conformance" build/tiski_tests --gtest_brief=1
step "server protocol (real sockets, three shards per core)" scripts/shard.sh build/tiski_e2e
step "server protocol on PostgreSQL (started and stopped by the test)" tests/postgres_e2e.sh
step "make run refuses a taken port" tests/run_script_test.sh
step "shared servers: PostgreSQL, Redis, nginx (started and stopped by the test)" tests/services_test.sh
step "front end types" bash -c 'cd web && node_modules/.bin/tsc --noEmit -p .'
step "front end" node --test web/test/
# Three browser test files at once: each spends most of its time waiting on its server and
# Chromium (about a third of two cores busy with one at a time): 445 s -> 364 s here.
step "browser story (Chromium)" node --test --test-concurrency=3 tests/e2e/
built_ahead
step "unit tests under ASan+UBSan" scripts/asan.sh
step "threaded tests under TSan" scripts/tsan.sh
step "fuzz the parsers (libFuzzer, 20 s each)" scripts/fuzz.sh

echo
if ((failed)); then echo "failed: ${failures[*]}"; fi
echo "$passed passed, $failed failed"
((failed == 0))
