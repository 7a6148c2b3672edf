#!/usr/bin/env bash
# make lint: the include layers (scripts/check-layers.py), the format (.clang-format) and
# clang-tidy (.clang-tidy) over every C++ source in src/. Needs build/compile_commands.json
# (make build). Exit status 1 on any finding.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "--- include layers"
scripts/check-layers.py || status=1
echo "--- clang-format"
mapfile -t sources < <(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'fuzz/*.cc' | grep -v '_gen\.')
if ! clang-format-14 --dry-run --Werror "${sources[@]}" 2>/tmp/tiski-format.$$; then
  grep -m 20 'error:' /tmp/tiski-format.$$
  echo "clang-format: run  clang-format-14 -i <file>  on the files above"
  status=1
fi
rm -f /tmp/tiski-format.$$
echo "--- clang-tidy"
[ -f build/compile_commands.json ] || { echo "no build/compile_commands.json: run make build first"; exit 1; }
mapfile -t units < <(git ls-files 'src/*.cc' | grep -v -e '_gen\.' -e '_test\.cc')
out=$(mktemp)
printf '%s\n' "${units[@]}" | xargs -P "${JOBS:-2}" -n 4 clang-tidy-14 -p build --quiet >"$out" 2>/dev/null
if grep -q 'error:' "$out"; then
  grep -A3 'error:' "$out" | head -80
  echo "clang-tidy: $(grep -c 'error:' "$out") finding(s)"
  status=1
fi
rm -f "$out"
exit $status
