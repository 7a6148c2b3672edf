#!/usr/bin/env bash
# The protocol suite (build/tiski_e2e) again with every server's store in PostgreSQL: a
# PostgreSQL 15 started here (scripts/services.sh, fsync off: the data is thrown away), a new
# database per server (tests/harness.h, TISKI_E2E_PG), stopped when done.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/tiski-pg-e2e.XXXXXX)
trap 'scripts/services.sh stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
PG_FSYNC=off scripts/services.sh start "$dir" pg >/dev/null
# shellcheck disable=SC1091
. "$dir/env"
# The fault and cluster tests start PostgreSQL of their own: they ran in the first pass already.
TISKI_E2E_PG=$TISKI_PG_URL scripts/shard.sh build/tiski_e2e --gtest_filter='-PostgresFaults.*:Cluster*' "$@"
