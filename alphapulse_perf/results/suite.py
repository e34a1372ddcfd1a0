"""The benchmarks the suite defines today, as asv's runner discovers them (without running them).

benchmarks.json lists what the last `asv run` discovered; a benchmark added since is not there yet,
and a shard built from it alone would measure the new benchmark nowhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alphapulse_perf._asv import from_asv

__all__ = ["SuiteError", "suite_names"]


class SuiteError(RuntimeError):
    """The suite cannot be discovered (a benchmark module does not import)."""


def suite_names(benchmark_dir: Path) -> list[str]:
    """The full names of the suite's benchmarks (`module.Class.method`), sorted."""
    if not (benchmark_dir / "__init__.py").is_file():
        raise SuiteError(f"{benchmark_dir}: not a benchmark package (no __init__.py)")
    discover = from_asv("asv_runner.discovery", "disc_benchmarks")
    parent = str(benchmark_dir.resolve().parent)
    sys.path.insert(0, parent)  # the package is imported by its name, as asv's runner does
    try:
        return sorted({b.name for b in discover(str(benchmark_dir.resolve()))})
    except (ImportError, SyntaxError) as err:  # asv discovers nothing when one module fails
        raise SuiteError(f"{benchmark_dir}: the suite cannot be discovered ({err})") from None
    finally:
        sys.path.remove(parent)
