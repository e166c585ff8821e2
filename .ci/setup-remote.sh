#!/usr/bin/env bash
# Install the SPARQL servers the remote tests start: Virtuoso (Debian package) and Oxigraph server
# (the `oxigraph` binary of the PyPI package). Idempotent: installs only what is missing.
set -euo pipefail

if ! command -v virtuoso-t >/dev/null 2>&1 || [ ! -f /etc/virtuoso-opensource-7/virtuoso.ini ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q virtuoso-opensource
fi

if ! command -v oxigraph >/dev/null 2>&1; then
  python3 -m pip install -q oxigraph
fi

command -v virtuoso-t >/dev/null && command -v oxigraph >/dev/null
echo "remote engines: $(virtuoso-t -? 2>&1 | head -n 2 | tail -n 1 | tr -s ' ' | cut -c1-60 || true); oxigraph $(oxigraph --version 2>/dev/null || echo '?')"
