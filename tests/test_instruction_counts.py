"""benchmarks/instruction_counts.py: counts under valgrind that repeat exactly and follow the work.

Each count is a valgrind process (1-6 s), so the workloads are small and the launches few; the
tests that need valgrind skip where it is missing (CI installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench_instructions
from benchmarks import instruction_counts as ic


def _missing() -> str | None:
    """Why counts cannot run here, or None."""
    if shutil.which("valgrind") is None:
        return ic.NO_VALGRIND
    try:
        ic.compiler()
        ic.control_library()
    except NotImplementedError as err:
        return str(err)
    return None


MISSING = _missing()
needs_valgrind = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
needs_compiler = pytest.mark.skipif(
    shutil.which("gcc") is None and shutil.which("cc") is None, reason=ic.NO_COMPILER
)

# A workload module without numpy or alphapulse: its valgrind launch takes about a second.
FIXTURE = """
def work(n, times):
    def run():
        for _ in range(times):
            sum(i * i for i in range(n))
    return run

def nothing():
    return lambda: None

def missing():
    raise NotImplementedError("icfixture.missing is not in this commit")
"""


@pytest.fixture(scope="module")
def fixture_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("icfixture")
    (root / "icfixture.py").write_text(FIXTURE)
    return {"icfixture": str(root)}


def test_the_benchmark_skips_without_valgrind(monkeypatch: pytest.MonkeyPatch) -> None:
    real_which = shutil.which
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: None if name == "valgrind" else real_which(name)
    )
    with pytest.raises(NotImplementedError, match=r"valgrind is not installed.*apt-get install"):
        bench_instructions.Instructions().setup("detect")


def test_the_benchmark_skips_without_a_compiler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        shutil, "which", lambda name, *a, **k: "/usr/bin/valgrind" if name == "valgrind" else None
    )
    with pytest.raises(NotImplementedError, match=r"no C compiler.*apt-get install gcc"):
        bench_instructions.Instructions().setup("detect")


@needs_compiler
def test_the_benchmark_skips_without_callgrind_h(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ic, "CFLAGS", (*ic.CFLAGS, "-nostdinc"))  # no system headers: none found
    with pytest.raises(NotImplementedError, match=r"callgrind\.h is missing"):
        ic.control_library(tmp_path)


def test_the_benchmark_is_a_track_of_instructions() -> None:
    cls = bench_instructions.Instructions
    assert cls.params == [list(ic.SCENARIOS)]
    assert set(ic.SCENARIOS) == {
        "detect",
        "scan",
        "streaming_update",
        "scan_timeframes",
        "multi_timeframe_update",
        "indicators",
        "patterns",
        "signals",
    }
    assert cls.track_instructions.unit == "instructions"  # type: ignore[attr-defined]
    assert vars(cls)["version"] == "1" and cls.rounds == 1


@pytest.mark.parametrize("name", list(ic.SCENARIOS))
def test_every_workload_builds_and_runs_here(name: str) -> None:
    """In this process, without valgrind: what the driver will build and call."""
    scenario = ic.SCENARIOS[name]
    for module, attr in scenario.needs:
        ic.api(module, attr)
    work = getattr(ic, scenario.builder)(*scenario.args)
    for _ in range(scenario.warmup + scenario.regions * scenario.per_region):
        work()


@needs_compiler
def test_the_helper_compiles_once_and_a_corrupt_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        first = ic.control_library(tmp_path)
    except NotImplementedError as err:  # no callgrind.h
        pytest.skip(str(err))
    compiles: list[Any] = []
    real_run = subprocess.run

    def counting_run(command: list[str], *args: Any, **kwargs: Any) -> Any:
        compiles.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(ic.subprocess, "run", counting_run)
    assert ic.control_library(tmp_path) == first and compiles == []  # cached

    first.write_bytes(b"not a shared library")
    assert ic.control_library(tmp_path) == first and len(compiles) == 1  # rebuilt
    assert ic._intact(first) and first.read_bytes().startswith(b"\x7fELF")
    Path(f"{first}.sha256").unlink()
    assert ic.control_library(tmp_path) == first and len(compiles) == 2  # no digest: rebuilt
    # Nothing but the library and its digest: no build leftovers.
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name, f"{first.name}.sha256"]


@needs_valgrind
def test_a_detection_counts_the_same_in_two_runs() -> None:
    runs = [ic.count(f"{ic.MODULE}:detect_workload", (100,), warmup=5, regions=3) for _ in "ab"]
    assert runs[0].instructions > 100_000
    assert abs(runs[1].instructions / runs[0].instructions - 1) < 0.001, runs


@needs_valgrind
def test_twice_the_work_counts_twice_and_nothing_counts_nothing(
    fixture_packages: dict[str, str],
) -> None:
    once, twice = (
        ic.count("icfixture:work", (2_000, times), packages=fixture_packages, regions=3)
        for times in (1, 2)
    )
    assert once.instructions > 100_000
    assert twice.instructions / once.instructions == pytest.approx(2.0, rel=0.01)

    nothing = ic.count("icfixture:nothing", packages=fixture_packages, regions=3)
    assert min(nothing.empty) > 1_000  # the client requests and the call around the region...
    # ...which the empty region subtracts, to a few hundred (measured 110; the smallest workload
    # of the suite counts 210,000).
    assert abs(nothing.instructions) < 300


@needs_valgrind
def test_a_missing_api_in_the_driver_is_a_skip(fixture_packages: dict[str, str]) -> None:
    with pytest.raises(NotImplementedError, match=r"icfixture\.missing is not in this commit"):
        ic.count("icfixture:missing", packages=fixture_packages)
