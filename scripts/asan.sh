#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/: the unit tests built with them,
# and the server built with them driven by the protocol tests. The protocol tests' own binary is
# the ordinary build's (build/tiski_e2e, made by `make build`): it only talks to the server over
# sockets, so it need not be built a second time; TISKI_BIN points it at the ASan server.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTISKI_SANITIZE=ON >/dev/null
ninja -C build-asan -j"${JOBS:-2}" tiski_tests tiski >/dev/null
[ "${1:-}" = --build-only ] && exit 0  # make test builds ahead, in the background
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
build-asan/tiski_tests --gtest_brief=1
# Two shards per core, not three: a server under ASan does about twice the work of a plain one.
TISKI_BIN="$PWD/build-asan/tiski" SHARDS=${SHARDS:-$((2 * $(nproc)))} scripts/shard.sh build/tiski_e2e
