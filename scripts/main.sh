#!/usr/bin/env bash
# README's main command: set up, scan the ten symbols, print a summary and the ratios against TA-Lib.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
.venv/bin/python scripts/speed_vs_talib.py "$@"
