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

def lines(size, accesses):
    # One byte of each 64-byte line of a buffer, `accesses` lines in all (`size` divides
    # 64 x accesses): the same work from a buffer that fits in the simulated last-level cache as
    # from one twice its size, whose lines all miss it.
    data = bytearray(size)
    times = accesses * 64 // size
    def run():
        for _ in range(times):
            data[::64]  # a C loop: a few instructions a line
    return run
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


DUMP = b"""\
version: 1
creator: callgrind-3.19.0
desc: Trigger: Client Request: work-0
events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw
fn=(1) main
0 5 2 1
totals: 1000 400 200 10 20 5 1
"""


def test_a_dump_gives_every_event_and_the_trailing_ones_it_leaves_out_are_zero(
    tmp_path: Path,
) -> None:
    (tmp_path / "callgrind.out.1").write_bytes(DUMP)
    (tmp_path / "callgrind.out.2").write_bytes(
        b"desc: Trigger: Client Request: empty-0\nsummary: 7\n"
    )
    regions = ic.read_dumps(tmp_path)
    assert regions["work-0"] == {
        "Ir": 1000, "Dr": 400, "Dw": 200, "I1mr": 10, "D1mr": 20, "D1mw": 5, "ILmr": 1,
        "DLmr": 0, "DLmw": 0,
    }  # fmt: skip
    assert regions["empty-0"] == {"Ir": 7}  # no `events:` line: instructions only
    # Ir + 10 x (10 + 20 + 5) L1 misses + 100 x 1 LL miss
    assert ic.estimated_cycles(regions["work-0"]) == 1000 + 350 + 100
    assert ic.estimated_cycles({"Ir": 7}) == 7
    with pytest.raises(ValueError, match="2 values for events"):
        ic.parse_totals(b"events: Ir\ntotals: 1 2\n")
    assert ic.parse_totals(b"events: Ir\n") is None


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
    cycles = bench_instructions.Cycles
    assert cycles.params == cls.params and cycles.param_names == cls.param_names
    assert cycles.track_cycles.unit == "cycles"  # type: ignore[attr-defined]
    assert vars(cycles)["version"] == "1" and cycles.rounds == 1


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


@needs_valgrind
def test_cycles_repeat_and_see_the_memory_traffic_the_counts_do_not(
    fixture_packages: dict[str, str],
) -> None:
    accesses = 2**18
    small, large = 2**20, 64 * accesses  # 1 MiB (read 16 times), 16 MiB

    def measure(size: int) -> ic.Count:
        return ic.count("icfixture:lines", (size, accesses), packages=fixture_packages,
                        warmup=2, regions=2, cache_sim=True)  # fmt: skip

    cached, again, missed = measure(small), measure(small), measure(large)
    assert cached.cycles is not None and again.cycles is not None and missed.cycles is not None
    assert again.cycles == cached.cycles and again.instructions == cached.instructions  # A/A
    # The same work but for 16 calls against 1 (measured 0.988).
    assert missed.instructions / cached.instructions == pytest.approx(1.0, abs=0.03)
    # Each line misses L1 in both (10 cycles); in the large one LL too (100 more).
    assert missed.cycles / cached.cycles > 3, (cached, missed)
    assert ic.count("icfixture:nothing", packages=fixture_packages, regions=2).cycles is None
