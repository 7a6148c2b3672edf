#!/usr/bin/env bash
# ThreadSanitizer, in build-tsan/: (1) the multi-threaded unit tests (store worker, domain with
# the store on its own thread, the store conformance suite, the mailbox between threads);
# (2) a TSan build of the server itself, driven by the protocol tests that exercise its threads
# (I/O threads, domain thread, store thread, shutdown). A race report from the server fails
# the step: the server's reports go to $dir/tsan.PID, which must stay empty. The protocol tests'
# own binary is the ordinary build's (build/tiski_e2e), pointed at the TSan server by TISKI_BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTISKI_TSAN=ON >/dev/null
ninja -C build-tsan -j"${JOBS:-2}" tiski_tsan_tests tiski >/dev/null
[ "${1:-}" = --build-only ] && exit 0  # make test builds ahead, in the background
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
build-tsan/tiski_tsan_tests --gtest_brief=1

dir=$(mktemp -d /tmp/tiski-tsan.XXXXXX)
trap 'rm -rf "$dir"' EXIT
threaded='Server.VisitorAndAgentChatEndToEnd:Server.OrderHoldsWithAnyNumberOfIoThreads:Server.ReconnectingClientsReceiveExactlyWhatTheyMissed:Server.ASlowConsumerIsDroppedAndCounted:Server.SigtermDrainsAndExitsCleanly:Server.RunningOutOfDescriptorsIsSurvived:Server.RestErrorsAreJson:Routing*'
TISKI_BIN="$PWD/build-tsan/tiski" TSAN_OPTIONS="second_deadlock_stack=1 log_path=$dir/tsan" \
  build/tiski_e2e --gtest_brief=1 --gtest_filter="$threaded"
if compgen -G "$dir/tsan.*" >/dev/null; then
  cat "$dir"/tsan.* >&2
  echo "ThreadSanitizer reported the above in the server" >&2
  exit 1
fi
echo "server under ThreadSanitizer: no reports"
