#!/usr/bin/env bash
# Installs what building, running and testing Tiski needs, from Debian's packages and the npm
# registry. Idempotent and quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(cmake ninja-build g++ ccache pkg-config make
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      libsqlite3-dev libsodium-dev libssl-dev zlib1g-dev
      libspdlog-dev libtomlplusplus-dev libcli11-dev libgtest-dev libbenchmark-dev
      libhowardhinnant-date-dev tzdata libcurl4-openssl-dev python3-aiosmtpd python3 libstemmer-dev libgmime-3.0-dev dovecot-imapd curl libstb-dev libxml2-dev
      clang-14 clang-tidy-14 clang-format-14 libclang-rt-14-dev
      chromium
      postgresql-15 libpq-dev redis-server libhiredis-dev nginx-light)
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # Servers (PostgreSQL, Redis, nginx, Dovecot) must not start themselves on install: the tests
  # start their own, on 127.0.0.1 and free ports (scripts/services.sh). Without systemd Debian
  # asks policy-rc.d; 101 means "do not start".
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if ((made_policy)); then $sudo rm -f "$policy"; fi
fi

# npm modules of the front end: reinstall only when the lock file changed.
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.tiski-lock
  if [ ! -f "$stamp" ] || ! cmp -s web/package-lock.json "$stamp"; then
    echo "install-deps: npm ci in web/"
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    cp web/package-lock.json "$stamp"
  fi
fi
