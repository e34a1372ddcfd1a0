"""The asv suite, run once in process: every benchmark of every parameter must work today.

asv itself skips a benchmark that raises NotImplementedError (how the suite guards APIs that old
commits lack); here, against today's alphapulse, such a skip is a failure.
"""

from __future__ import annotations

import importlib
import inspect
import itertools
import pkgutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import benchmarks
from benchmarks import bench_multi_symbol, bench_timeframes, instruction_counts

PREFIXES = ("time_", "timeraw_", "peakmem_", "mem_", "track_")
ROOT = Path(__file__).resolve().parent.parent


def param_names(cls: type, method: str) -> list[str]:
    """The benchmark's parameter names: the method's own, else its class's (asv's order)."""
    names: list[str] = getattr(getattr(cls, method), "param_names", getattr(cls, "param_names", []))
    return names


def discover() -> Iterator[tuple[str, type, str, tuple[Any, ...]]]:
    for info in pkgutil.iter_modules(benchmarks.__path__):
        if not info.name.startswith("bench_"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for method in sorted(m for m in vars(cls) if m.startswith(PREFIXES)):
                params = getattr(getattr(cls, method), "params", getattr(cls, "params", None))
                for combo in itertools.product(*params) if params else [()]:
                    yield f"{info.name}.{cls_name}.{method}", cls, method, combo


CASES = list(discover())
# One valgrind launch costs 6-7 s: the smoke run counts one workload
# (tests/test_instruction_counts.py builds and runs every workload without valgrind).
SMOKE = [c for c in CASES if not c[0].startswith("bench_instructions") or c[3] == ("detect",)]


def test_the_suite_has_every_scenario() -> None:
    modules = {name.split(".")[0] for name, *_ in CASES}
    assert {
        "bench_single_symbol",
        "bench_multi_symbol",
        "bench_cold_start",
        "bench_streaming",
        "bench_stages",
        "bench_talib",
        "bench_timeframes",
    } <= modules


def test_every_benchmark_class_has_an_explicit_version() -> None:
    missing = sorted(
        {name.rsplit(".", 1)[0] for name, cls, *_ in CASES if "version" not in vars(cls)}
    )
    assert missing == []


def test_every_in_process_timing_runs_on_the_cpu_clock_with_its_own_version() -> None:
    """A wall clock counts the time a process waits for a core; CPU time does not (common.on_cpu).
    Cold start (timeraw_) times a child interpreter, which only the wall clock sees."""
    wall = sorted(
        name
        for name, cls, method, _ in CASES
        if method.startswith("time_") and getattr(cls, method).timer is not time.process_time
    )
    assert wall == []
    unversioned = sorted(
        name for name, cls, method, _ in CASES
        if method.startswith("time_") and "version" not in vars(getattr(cls, method))
    )  # fmt: skip
    assert unversioned == []


@pytest.mark.parametrize(
    ("name", "cls", "method", "combo"),
    [pytest.param(*case, id=f"{case[0]}{list(case[3]) if case[3] else ''}") for case in SMOKE],
)
def test_benchmark_runs(
    name: str, cls: type, method: str, combo: tuple[Any, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CPU and throughput tracks measure over >= 1 s; a smoke run needs one pass.
    for module in (bench_multi_symbol, bench_timeframes):
        monkeypatch.setattr(module, "CPU_WINDOW_SECONDS", 0.0)
        monkeypatch.setattr(module, "THROUGHPUT_SECONDS", 0.0)
        monkeypatch.setattr(module, "REFRESH_SECONDS", 0.0)
    if name.startswith("bench_instructions"):
        try:  # the one skip allowed here: no valgrind, compiler or callgrind.h on this machine
            instruction_counts.tools()
            instruction_counts.control_library()
        except NotImplementedError as err:
            pytest.skip(str(err))
    instance = cls()
    if hasattr(instance, "setup"):
        instance.setup(*combo)
    result = getattr(instance, method)(*combo)
    if method.startswith("track_"):
        assert isinstance(result, float) and result > 0, name
    if method.startswith("timeraw_"):
        stmt, setup = result if isinstance(result, tuple) else (result, "")
        code = textwrap.dedent(setup) + "\n" + textwrap.dedent(stmt)
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
