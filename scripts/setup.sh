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

# Debian packages, installed where we may (root); without them the tests and benchmarks that
# need them skip and say why. Instruction counts need valgrind (callgrind.h included) and a C
# compiler; the browser test of the published history needs Chromium.
packages=()
command -v valgrind >/dev/null 2>&1 && [ -f /usr/include/valgrind/callgrind.h ] || packages+=(valgrind)
command -v cc >/dev/null 2>&1 || packages+=(gcc libc6-dev)
if [ "$extras" = test ] && ! command -v chromium >/dev/null 2>&1; then
    packages+=(chromium)
fi
if [ "${#packages[@]}" -gt 0 ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
