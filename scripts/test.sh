#!/usr/bin/env bash
# Sets up what a fresh machine lacks, then runs every suite (lint, types, unit, Chromium, e2e).
set -euo pipefail
cd "$(dirname "$0")/.."

chromium_path="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium_path" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Chromium from Debian's archive (the browser tests need it)…"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

npm ci --no-audit --no-fund
npm test
