#!/usr/bin/env bash
# What the remote tests (marker `virtuoso`) need beyond pip: Virtuoso, from Debian's
# virtuoso-opensource. Idempotent: installs only what is missing. Run as root (CI) or with sudo.
# The Oxigraph server (marker `oxigraph`) is the `oxigraph` binary of the PyPI package of that name,
# in solkg's test extra: pip install -e '.[test]'.
set -euo pipefail

if ! command -v virtuoso-t >/dev/null 2>&1 || [ ! -f /etc/virtuoso-opensource-7/virtuoso.ini ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q virtuoso-opensource
fi

command -v virtuoso-t >/dev/null
echo "virtuoso: $(virtuoso-t -? 2>&1 | head -n 2 | tail -n 1 | tr -s ' ' | cut -c1-60 || true)"
