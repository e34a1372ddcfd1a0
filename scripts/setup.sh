#!/usr/bin/env bash
# Create .venv (if missing) and install the project with the given extras: `test` (everything
# the tests need, the suite included) or `perf` (the suite and its helper).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-test}"
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[${extras}]"

# The browser test of the published history needs Chromium (Debian's package); install it where
# we may (root), otherwise that test skips and says why.
if [ "$extras" = test ] && ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
