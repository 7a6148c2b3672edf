#!/usr/bin/env bash
# make lint: the include layers (scripts/check-layers.py), the format (.clang-format) and
# clang-tidy (.clang-tidy) over every C++ source of the libraries and the binary in src/.
# clang-tidy reads the batches of the unity build (CMakeLists.txt, TISKI_UNITY) from a
# configure-only tree in build-lint/, so Boost is parsed once per 16 sources; each batch is
# checked again only when one of its sources, a header in src/, the config or the flags change.
# Exit status 1 on any finding.
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
cmake -S . -B build-lint -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTISKI_UNITY=ON >/dev/null || exit 1
# The batches of the libraries and of the binary (tests, benchmarks and fuzz targets are not
# linted); the including file itself is exempt from bugprone-suspicious-include.
mapfile -t units < <(find build-lint/CMakeFiles -path '*/Unity/unity_*.cxx' |
  grep -E '/(tiski|tiski_(util|store|mail|chat|api|net|app))\.dir/' | sort)
members() { grep -o '#include "[^"]*"' "$1" | cut -d'"' -f2; }
cache=build-lint/tidy-ok
mkdir -p "$cache"
common=$(cat .clang-tidy build-lint/compile_commands.json $(git ls-files 'src/*.h') | sha1sum | cut -c1-16)
todo=()
for u in "${units[@]}"; do
  key="$common-$(cat "$u" $(members "$u") | sha1sum | cut -c1-16)"
  [ -f "$cache/$key" ] || todo+=("$u $key")
done
echo "clang-tidy: ${#todo[@]} of ${#units[@]} batches changed since they last passed"
tidy_one() {
  local out
  out=$(clang-tidy-14 -p build-lint --config-file=.clang-tidy --checks=-bugprone-suspicious-include --quiet "$1" 2>/dev/null)
  if grep -q 'error:' <<<"$out"; then
    printf '%s\n' "$out"
  else
    touch "$2/$3"
  fi
}
export -f tidy_one
out=$(mktemp)
if ((${#todo[@]})); then
  printf '%s\n' "${todo[@]}" | xargs -P "${JOBS:-2}" -L1 bash -c 'tidy_one "$1" "'"$cache"'" "$2"' _ >"$out"
fi
if grep -q 'error:' "$out"; then
  grep -A3 'error:' "$out" | head -80
  echo "clang-tidy: $(grep -c 'error:' "$out") finding(s)"
  status=1
fi
rm -f "$out"
exit $status
