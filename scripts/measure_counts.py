"""How well instruction counts catch a small regression: A/A and +2 % pattern work, with real asv.

    python -m scripts.measure_counts [--repeats 3]

In a temporary clone (scripts/asv_clone.py) it commits, on top of today's suite, an empty commit
(the same tree: an A/A pair) and one whose pattern kernels do about 2 % more real work (every
`pattern_matrix` also runs the hammer kernel once more). Each repetition runs the instruction-count
benchmarks on the three commits with asv and `alphapulse-perf check`s the two pairs (instruction
counts are deterministic: 1 % tolerance, no statistical test). It prints each count's change, the
verdicts and the wall time of the set per commit.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from scripts.asv_clone import make_sandbox
from scripts.measure_checker import BIN, asv_run, check, run

COUNTS = r"^bench_instructions\."
PATTERNS = "alphapulse/patterns/__init__.py"
MORE_WORK = """

# --- scripts/measure_counts.py: about 2 % more pattern work (real computation, not a sleep) ---
_candle_major_once = _candle_major


def _candle_major(g, specs):  # type: ignore[no-redef]
    _candle_major_once(g, [SPECS["CDLHAMMER"]])
    return _candle_major_once(g, specs)
"""


def changes(report: dict[str, Any]) -> dict[str, tuple[float, str]]:
    """Each instruction count's change (a fraction) and status, by workload."""
    return {
        b["params"]["workload"].strip("'"): (b["ratio"] - 1, b["status"])
        for b in report["benchmarks"]
        if b["unit"] == "instructions" and b["ratio"] is not None
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="repetitions (default: 3)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="measure-counts-") as tmp:
        box = make_sandbox(Path(tmp))
        same = box.commit("nothing changed")
        more = box.commit("2 % more pattern work", {PATTERNS: box.original(PATTERNS) + MORE_WORK})
        run([str(BIN / "asv"), "machine", "--yes", "--machine", "measure"], box)
        config = box.repo / "pyproject.toml"
        for rep in range(1, args.repeats + 1):
            took = asv_run(box, [box.suite, same, more], COUNTS)
            print(f"repetition {rep}: {took / 3:.0f} s a commit for the whole set", flush=True)
            for name, commit in (("A/A", same), ("+2 % pattern work", more)):
                report = check(box, box.suite, commit, 1, config)
                shown = ", ".join(f"{w} {c:+.3%} {s}" for w, (c, s) in changes(report).items())
                print(f"  {name}: verdict {report['verdict']}; {shown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
