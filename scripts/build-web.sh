#!/usr/bin/env bash
# Builds the widget, the console and the demo shop into web/dist.
set -euo pipefail
cd "$(dirname "$0")/../web"
node build.mjs
