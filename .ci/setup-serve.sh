#!/usr/bin/env bash
# What `solkg serve` and its tests need beyond the Python package: Debian's Chromium and
# ChromeDriver for the browser tests, Playwright to drive them, and the serve dependencies
# (Starlette, uvicorn, xstatic-leaflet: Leaflet's dist files from PyPI). Idempotent: installs
# only what is missing. Playwright drives /usr/bin/chromium; it never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q chromium chromium-driver
fi

need=()
python3 -c "import playwright.sync_api" 2>/dev/null || need+=("playwright>=1.45,<2")
python3 -c "import starlette" 2>/dev/null || need+=("starlette>=0.40,<2")
python3 -c "import uvicorn" 2>/dev/null || need+=("uvicorn>=0.30,<1")
python3 -c "import jinja2" 2>/dev/null || need+=("jinja2>=3.1,<4")
python3 -c "import xstatic.pkg.leaflet" 2>/dev/null || need+=("xstatic-leaflet>=1.9,<2")
if [ ${#need[@]} -gt 0 ]; then
  pip install -q "${need[@]}"
fi

chromium --version 2>/dev/null
python3 -c "from importlib.metadata import version; import xstatic.pkg.leaflet as l; print('playwright', version('playwright'), '; leaflet', l.VERSION)"
