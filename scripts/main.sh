#!/usr/bin/env bash
# README's main command: set up, run the asv suite on this commit and on the recorded history not
# yet measured on this machine, publish the HTML history, print this commit's figures.
#
#   ALPHAPULSE_MACHINE  the machine name results are filed under (default: local; the committed
#                       results are the reference machine's, recorded with ALPHAPULSE_MACHINE=reference)
#   ALPHAPULSE_HISTORY  how many of the newest commits that changed alphapulse/ or benchmarks/ to
#                       measure (default 8)
set -euo pipefail
cd "$(dirname "$0")/.."
machine="${ALPHAPULSE_MACHINE:-local}"
history="${ALPHAPULSE_HISTORY:-8}"

bash scripts/setup.sh perf
asv=.venv/bin/asv

# Timings of another host filed under this name would join its series as a step no commit made.
if ! .venv/bin/alphapulse-perf machine check --machine "$machine" --results results >/dev/null; then
    echo "Not measuring: pick a machine name of this host's own, e.g. ALPHAPULSE_MACHINE=$(hostname)" >&2
    exit 2
fi
# asv needs a machine file before it runs non-interactively; `asv machine --yes` would record no
# description for a name other than the host name, so this host's is stored under the name.
.venv/bin/python -m scripts.asv_machine "$machine"

mkdir -p .asv
{
    git rev-parse HEAD
    git log --format=%H -n "$history" main -- alphapulse/ benchmarks/ 2>/dev/null || true
} | awk '!seen[$0]++' > .asv/commits.txt
echo "Measuring $(wc -l < .asv/commits.txt) commit(s) on machine '$machine' (those already measured are skipped)"

# asv.conf.json names Python 3.11; asv measures with the interpreter set up here instead, whatever
# version it is (3.10-3.13), and the env's name says which (virtualenv-py3.12-...).
python=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
status=0
"$asv" run --machine "$machine" -E "virtualenv:$python" --skip-existing-commits \
    "HASHFILE:.asv/commits.txt" || status=$?
head=$(git rev-parse HEAD)
if ! compgen -G "results/$machine/${head:0:8}-*.json" >/dev/null; then
    echo "asv measured nothing for HEAD on machine '$machine' (asv exit $status): no environment" \
         "for Python $python, or no benchmark selected; see asv's output above" >&2
    exit 2
fi
if [ "$status" -eq 2 ]; then
    echo "Some benchmarks failed (asv exit 2): they show as 'failed' below; rerun one with" \
         "'$asv run --machine $machine -b NAME --show-stderr HEAD^!'" >&2
fi

# asv publish, then its page's JavaScript vendored from npm packages so it opens offline too.
.venv/bin/alphapulse-perf publish >/dev/null \
    || echo "The HTML history may still load its JavaScript from CDNs (vendoring needs npm)." >&2
echo
.venv/bin/alphapulse-perf report --machine "$machine" --commit HEAD || true
echo
echo "HTML history: $(pwd)/html/index.html (serve it with: $asv preview)"
exit "$status"
