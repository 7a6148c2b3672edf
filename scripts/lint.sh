#!/usr/bin/env bash
# make lint: the include layers (scripts/check-layers.py), the format (.clang-format) and
# clang-tidy (.clang-tidy) over every C++ source in src/ (each unit again only when it or a
# header changed). Needs build/compile_commands.json
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
# A unit that passed is not checked again until it, any header in src/, the clang-tidy config
# or the compiler flags change (build/tidy-ok/ holds one empty file per passing key). A fresh
# clone checks everything.
cache=build/tidy-ok
mkdir -p "$cache"
common=$(cat .clang-tidy build/compile_commands.json $(git ls-files 'src/*.h') | sha1sum | cut -c1-16)
todo=()
for u in "${units[@]}"; do
  key="$common-$(sha1sum <"$u" | cut -c1-16)"
  [ -f "$cache/$key" ] || todo+=("$u")
done
echo "clang-tidy: ${#todo[@]} of ${#units[@]} units changed since they last passed"
tidy_one() {
  local out
  out=$(clang-tidy-14 -p build --quiet "$1" 2>/dev/null)
  if grep -q 'error:' <<<"$out"; then
    printf '%s\n' "$out"
  else
    touch "$2/$3-$(sha1sum <"$1" | cut -c1-16)"
  fi
}
export -f tidy_one
out=$(mktemp)
if ((${#todo[@]})); then
  printf '%s\n' "${todo[@]}" | xargs -P "${JOBS:-2}" -I{} bash -c 'tidy_one "$@"' _ {} "$cache" "$common" >"$out"
fi
if grep -q 'error:' "$out"; then
  grep -A3 'error:' "$out" | head -80
  echo "clang-tidy: $(grep -c 'error:' "$out") finding(s)"
  status=1
fi
rm -f "$out"
exit $status
