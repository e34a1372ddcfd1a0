"""What cycle estimates see that instruction counts do not: a memory-layout regression, a change
of work, and the same code twice.

    python -m scripts.measure_cycles [WORKLOAD ...]

For each variant of the core (copied into a temporary folder; the working tree is not touched),
the instruction count and the cycle estimate of each workload (default: detect, scan, patterns),
as `Cycles.track_cycles` measures them, and their change against the unchanged core:

* A/A: the unchanged core again;
* layout: `geometry_of` copies its inputs into column-major (Fortran) order first, so the pattern
  kernels, which run along each symbol's candles, read memory with a stride of one row per candle;
* +2 % work: every `pattern_matrix` also runs the hammer kernel once more (the change of
  scripts/measure_counts.py).

Counts and cycles are deterministic: this runs beside other work without changing a figure.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.instruction_counts import SCENARIOS, count, package_root
from scripts.measure_counts import MORE_WORK, PATTERNS

LAYOUT = """

# --- scripts/measure_cycles.py: the same work from column-major copies of the inputs ---
_geometry_of_once = geometry_of


def geometry_of(open, high, low, close):  # type: ignore[no-redef]
    return _geometry_of_once(*(np.asfortranarray(x) for x in (open, high, low, close)))
"""
VARIANTS = {"A/A": "", "layout": LAYOUT, "+2 % work": MORE_WORK}


def core_with(change: str, into: Path) -> str:
    """A copy of alphapulse under `into` with `change` appended to its patterns module."""
    source = Path(package_root("alphapulse")) / "alphapulse"
    target = into / "alphapulse"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    patterns = into / PATTERNS
    patterns.write_text(patterns.read_text() + change)
    return str(into)


def figures(root: str, workload: str) -> tuple[float, float]:
    scenario = SCENARIOS[workload]
    found = count(
        f"benchmarks.instruction_counts:{scenario.builder}",
        scenario.args,
        packages={"benchmarks": package_root("benchmarks"), "alphapulse": root},
        warmup=scenario.warmup,
        regions=scenario.regions,
        cache_sim=True,
    )
    assert found.cycles is not None
    return found.instructions, found.cycles


def main(argv: list[str] | None = None) -> int:
    workloads = (sys.argv[1:] if argv is None else argv) or ["detect", "scan", "patterns"]
    with tempfile.TemporaryDirectory(prefix="measure-cycles-") as tmp:
        base = core_with("", Path(tmp) / "base")
        before = {w: figures(base, w) for w in workloads}
        for w, (ir, cycles) in before.items():
            print(f"unchanged  {w:<10} {ir:>14,.0f} instructions {cycles:>14,.0f} cycles")
        for name, change in VARIANTS.items():
            root = core_with(change, Path(tmp) / name.replace(" ", "").replace("/", ""))
            for w in workloads:
                ir, cycles = figures(root, w)
                d_ir, d_cy = ir / before[w][0] - 1, cycles / before[w][1] - 1
                print(
                    f"{name:<10} {w:<10} instructions {d_ir:+.3%}  cycles {d_cy:+.3%}", flush=True
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
