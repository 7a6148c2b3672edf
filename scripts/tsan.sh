#!/usr/bin/env bash
# Builds the multi-threaded tests (store worker, domain with the store on its own thread, the
# store conformance suite) with ThreadSanitizer in build-tsan/ and runs them. Only the
# libraries those tests need are compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTISKI_TSAN=ON >/dev/null
ninja -C build-tsan -j"${JOBS:-2}" tiski_tsan_tests >/dev/null
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
build-tsan/tiski_tsan_tests --gtest_brief=1
