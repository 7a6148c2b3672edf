#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang in build-fuzz/ and runs each for
# FUZZ_SECONDS (default 20) from its seed corpus in fuzz/corpus/<name>/. New inputs go to a
# scratch directory, not into the repository; a crash leaves its input in build-fuzz/crashes/
# and fails the run. To keep an input as a seed: copy it into fuzz/corpus/<name>/. The
# targets run two at a time (JOBS, default 2: one per core; each libFuzzer run is one thread).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-20}
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DTISKI_FUZZ=ON >/dev/null
ninja -C build-fuzz -j"${JOBS:-2}" >build-fuzz/build.log 2>&1 || { grep -E "error|FAILED" build-fuzz/build.log | head -20; echo "fuzz: the build failed (build-fuzz/build.log)"; exit 1; }
[ "${1:-}" = --build-only ] && exit 0  # make test builds ahead, in the background
mkdir -p build-fuzz/crashes
# One target: its run, then one line saying how it went; exit status 1 on a crash.
run() {
  local name=$1 scratch
  scratch=$(mktemp -d)
  if build-fuzz/${name}_fuzz -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
      -artifact_prefix=build-fuzz/crashes/${name}- -print_final_stats=0 \
      "$scratch" "fuzz/corpus/$name" >"build-fuzz/$name.log" 2>&1; then
    echo "fuzz $name: $(grep -oE 'Done [0-9]+ runs' "build-fuzz/$name.log" | tail -1) in ${seconds} s, no crash"
    rm -rf "$scratch"
  else
    echo "fuzz $name: FAILED (see build-fuzz/$name.log and build-fuzz/crashes/)"
    tail -30 "build-fuzz/$name.log"
    rm -rf "$scratch"
    return 1
  fi
}
export -f run
export seconds
printf '%s\n' frame rules hours email token ws | xargs -P "${JOBS:-2}" -I{} bash -c 'run {}'
