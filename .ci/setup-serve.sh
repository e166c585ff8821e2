#!/usr/bin/env bash
# What the browser tests of `solkg serve` (marker `browser`) need beyond pip: Debian's Chromium.
# Playwright (in solkg's test extra) drives /usr/bin/chromium; it never downloads a browser.
# Idempotent: installs only what is missing. Run as root (CI) or with sudo.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium
fi

chromium --version 2>/dev/null
