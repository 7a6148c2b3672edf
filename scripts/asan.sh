#!/usr/bin/env bash
# Builds the unit and protocol tests with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTISKI_SANITIZE=ON >/dev/null
ninja -C build-asan -j2 tiski_tests tiski_e2e tiski >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
build-asan/tiski_tests --gtest_brief=1
scripts/shard.sh build-asan/tiski_e2e
