"""CPU instructions of one workload alone, counted by valgrind's callgrind between client requests,
and its estimated cycles from callgrind's cache simulation.

Whole-process counts vary by ~4 % from run to run on these machines (shared/asv-field-notes.md); a
region counted between callgrind client requests does not. So a fresh interpreter runs under
`valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no` and:

1. builds the workload's inputs and runs it WARMUP times uninstrumented (imports, numpy's caches,
   CPython's specialising interpreter, the allocator);
2. counts REGIONS regions of the workload, each between ZERO_STATS/TOGGLE_COLLECT and
   DUMP_STATS_AT, alternating with as many empty regions (the same calls around a no-op);
3. exits; the parent reads each dump's `totals:` line.

The figure is min(workload regions) - min(empty regions): the empty region removes the cost of the
client requests and of the Python call around the workload; the minimum drops the regions in which
CPython retried a failed specialisation (a ~1 % burst that comes back at exponentially spaced
calls, measured), and, for cycles, the first regions whose caches were still cold.

Cycles (`cache_sim=True`) are estimated from a simulated cache of a fixed geometry (CACHE_GEOMETRY,
the L1 and last-level caches CodSpeed's runner simulates, whatever the host has), so they repeat
like the counts: `Ir + 10 x L1 misses + 100 x LL misses` (KCachegrind's cycle estimate without its
branch terms: an L1 miss served by the LL cache costs ~10 cycles, one served by memory ~100). They
see what the counts cannot: a worse memory layout, a bigger temporary, data that no longer fits.

What else moves a count is pinned: PYTHONHASHSEED=0, a fixed minimal environment,
cwd "/" and no valgrind options from files or the environment. The client requests come from a few
lines of C (C_SOURCE) compiled once with the machine's C compiler into a cache, loaded with ctypes.

Only the standard library is imported here: asv imports every module of the suite to discover it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.common import (
    FOUR_HOURS_MS,
    HOUR_MS,
    api,
    batch,
    candles,
    multi_timeframe_replay,
    streaming_replay,
    timeframe_batches,
)

C_SOURCE = r"""
#include <valgrind/callgrind.h>
void ap_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void ap_zero(void) { CALLGRIND_ZERO_STATS; }
void ap_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void ap_dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""
CFLAGS = ("-O2", "-shared", "-fPIC")

NO_VALGRIND = "valgrind is not installed: instruction counts need it (apt-get install valgrind)"
NO_COMPILER = (
    "no C compiler (gcc or cc): instruction counts compile a callgrind helper (apt-get install gcc)"
)
NO_HEADER = (
    "valgrind/callgrind.h is missing: instruction counts compile a callgrind helper against it"
    " (apt-get install valgrind; valgrind-devel on Fedora)"
)
# This module's importable name, also when run as `python -m benchmarks.instruction_counts`.
MODULE = __spec__.name if __spec__ is not None else __name__
SKIP_EXIT = 3  # the driver's exit status when the workload's API is missing (asv's skip)

# The subprocess's whole environment: what changes a count (hash seed, locale, threads, the size
# of the environment itself, which shifts the stack) is fixed; nothing is inherited but the
# loader's path, which some Pythons need to start at all.
PINNED_ENV = {
    "PATH": "/usr/bin:/bin",
    "LANG": "C",
    "LC_ALL": "C",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",  # the same imports in every run, whatever .pyc exists
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
INHERITED_ENV = ("LD_LIBRARY_PATH", "VALGRIND_LIB")

# L1 instruction and data caches 32 KiB 8-way, last level 8 MiB 16-way, 64-byte lines.
CACHE_GEOMETRY = ("--I1=32768,8,64", "--D1=32768,8,64", "--LL=8388608,16,64")
L1_MISS_CYCLES = 10
LL_MISS_CYCLES = 100

VALGRIND_OPTIONS = (
    "--tool=callgrind",
    "--instr-atstart=no",  # no instrumentation (3-5x faster) until the driver asks for it
    "--collect-atstart=no",  # count only between the TOGGLE_COLLECT requests
    "--dump-line=no",  # the dumps are read for their totals only
    "--dump-instr=no",
    "-q",
)

# The driver, run as `python -s -c DRIVER JSON`. It imports the packages named in JSON from the
# directories the parent gave (as asv imports the suite: only these names, so the working tree
# never shadows the installed alphapulse), builds the workload, warms it up and counts regions.
DRIVER = r"""
import ctypes, gc, importlib, importlib.machinery, json, sys

args = json.loads(sys.argv[1])
if sys.path and sys.path[0] == "":
    del sys.path[0]


class _From:
    def find_spec(self, fullname, path, target=None):
        root = args["packages"].get(fullname)
        if root is None:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, [root], target)


sys.meta_path.insert(0, _From())
lib = ctypes.CDLL(args["library"])
for name in ("ap_start", "ap_zero", "ap_toggle", "ap_dump"):
    getattr(lib, name).restype = None
lib.ap_dump.argtypes = [ctypes.c_char_p]

module_name, _, function = args["target"].partition(":")
try:
    work = getattr(importlib.import_module(module_name), function)(*args["args"])
except NotImplementedError as err:  # the commit lacks the workload's API: asv's skip
    print(err, file=sys.stderr)
    sys.exit(args["skip_exit"])
for _ in range(args["warmup"]):
    work()


def empty():
    pass


calls = range(args["per_region"])
lib.ap_start()
for k in range(args["regions"]):
    for label, fn in (("empty", empty), ("work", work)):
        gc.collect()
        gc.disable()  # as timeit does: no collection of other garbage inside the region
        lib.ap_zero()
        lib.ap_toggle()
        for _ in calls:
            fn()
        lib.ap_toggle()
        lib.ap_dump(f"{label}-{k}".encode())
        gc.enable()
"""


@dataclass(frozen=True)
class Count:
    """Instructions (and estimated cycles) of one workload call, and the raw region totals."""

    instructions: float
    work: tuple[int, ...]  # instructions per region, per_region calls each
    empty: tuple[int, ...]
    per_region: int
    cycles: float | None = None  # with the cache simulation only


def estimated_cycles(events: Mapping[str, int]) -> int:
    """Callgrind's event totals of a region as cycles: `Ir + 10 x L1 misses + 100 x LL misses`."""
    l1 = events.get("I1mr", 0) + events.get("D1mr", 0) + events.get("D1mw", 0)
    ll = events.get("ILmr", 0) + events.get("DLmr", 0) + events.get("DLmw", 0)
    return events["Ir"] + L1_MISS_CYCLES * l1 + LL_MISS_CYCLES * ll


def tools() -> str:
    """valgrind's path; NotImplementedError (asv's skip) where it is missing."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise NotImplementedError(NO_VALGRIND)
    return valgrind


def compiler() -> str:
    for name in ("gcc", "cc"):
        found = shutil.which(name)
        if found is not None:
            return found
    raise NotImplementedError(NO_COMPILER)


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):  # no HOME
        base = tempfile.gettempdir()
    return Path(base) / "alphapulse-benchmarks"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _intact(library: Path) -> bool:
    """Whether `library` is byte for byte what its build wrote (the digest recorded beside it).

    Checked without loading it: dlopen keeps a library once loaded, so loading in this process
    would neither see a later rebuild nor survive a corrupt file.
    """
    try:
        return _digest(library) == Path(f"{library}.sha256").read_text().strip()
    except OSError:
        return False


def control_library(cache: Path | None = None) -> Path:
    """The compiled client-request helper: built once per source and compiler, atomically."""
    cc = compiler()
    cache = default_cache() if cache is None else cache
    key = hashlib.sha256("\0".join((C_SOURCE, cc, *CFLAGS)).encode()).hexdigest()[:16]
    target = cache / f"callgrind_control-{key}.so"
    if _intact(target):
        return target
    cache.mkdir(parents=True, exist_ok=True)
    # Compile into unique names in the cache directory, then rename over the target: a concurrent
    # build or a crash never leaves a half-written library under the target's name (and a library
    # that does not match its digest, whatever the cause, is built again).
    fd, tmp = tempfile.mkstemp(dir=cache, prefix=".build-", suffix=".so")
    os.close(fd)
    tmp_so = Path(tmp)
    source, tmp_digest = tmp_so.with_suffix(".c"), tmp_so.with_suffix(".sha256")
    try:
        source.write_text(C_SOURCE)
        done = subprocess.run(
            [cc, *CFLAGS, "-o", str(tmp_so), str(source)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            if "callgrind.h" in done.stderr:
                raise NotImplementedError(NO_HEADER)
            raise RuntimeError(f"compiling the callgrind helper failed:\n{done.stderr}")
        tmp_digest.write_text(_digest(tmp_so) + "\n")
        os.replace(tmp_so, target)
        os.replace(tmp_digest, f"{target}.sha256")
    finally:
        for leftover in (source, tmp_so, tmp_digest):
            leftover.unlink(missing_ok=True)
    return target


def package_root(name: str) -> str:
    """The directory from which this process would import top-level package `name`."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise NotImplementedError(f"{name} cannot be imported here")
    return str(Path(next(iter(spec.submodule_search_locations))).parent)


_EVENTS = re.compile(rb"^events:[ \t]*(.+)$", re.MULTILINE)
_TOTALS = re.compile(rb"^(?:totals|summary):[ \t]*(.+)$", re.MULTILINE)
_TRIGGER = re.compile(rb"^desc: Trigger: Client Request: (\S+)", re.MULTILINE)


def parse_totals(text: bytes) -> dict[str, int] | None:
    """{event: total} of one callgrind dump (None without a totals line): the `totals:` line holds
    one number per event of the `events:` line, in order, and may leave out trailing zeros."""
    events, totals = _EVENTS.search(text), _TOTALS.search(text)
    if totals is None:
        return None
    names = events.group(1).decode().split() if events else ["Ir"]
    values = [int(v) for v in totals.group(1).split()]
    if len(values) > len(names):
        raise ValueError(f"a callgrind totals line has {len(values)} values for events {names}")
    return {name: values[k] if k < len(values) else 0 for k, name in enumerate(names)}


def read_dumps(directory: Path) -> dict[str, dict[str, int]]:
    """{region name: {event: total}} of every callgrind dump in `directory`."""
    regions = {}
    for path in directory.iterdir():
        text = path.read_bytes()
        trigger, totals = _TRIGGER.search(text), parse_totals(text)
        if trigger and totals:
            regions[trigger.group(1).decode()] = totals
    return regions


def count(
    target: str,
    args: Sequence[Any] = (),
    *,
    packages: Mapping[str, str] | None = None,
    warmup: int = 10,
    regions: int = 5,
    per_region: int = 1,
    timeout: float = 200.0,
    python: str | None = None,
    cache: Path | None = None,
    cache_sim: bool = False,
) -> Count:
    """Count `module:function(*args)()` (the function builds a zero-argument workload); with
    `cache_sim`, estimate its cycles too (valgrind runs about twice as long).

    `packages` maps the top-level packages the driver imports to their directories; by default
    this suite's package and alphapulse, from where this process would import them.
    """
    valgrind = tools()
    library = control_library(cache)
    suite = MODULE.partition(".")[0]
    if packages is None:
        packages = {suite: package_root(suite), "alphapulse": package_root("alphapulse")}
    spec = {
        "library": str(library),
        "packages": dict(packages),
        "target": target,
        "args": list(args),
        "warmup": warmup,
        "regions": regions,
        "per_region": per_region,
        "skip_exit": SKIP_EXIT,
    }
    env = {**PINNED_ENV, **{k: os.environ[k] for k in INHERITED_ENV if k in os.environ}}
    with tempfile.TemporaryDirectory(prefix="callgrind-") as out:
        command = [
            valgrind,
            *VALGRIND_OPTIONS,
            *(("--cache-sim=yes", *CACHE_GEOMETRY) if cache_sim else ()),
            f"--callgrind-out-file={out}/callgrind.out",
            python or sys.executable,
            "-s",  # no user site-packages
            "-c",
            DRIVER,
            json.dumps(spec),
        ]
        done = subprocess.run(
            command, env=env, cwd="/", capture_output=True, text=True, timeout=timeout
        )
        if done.returncode == SKIP_EXIT:
            raise NotImplementedError((done.stderr.strip().splitlines() or [target])[-1])
        if done.returncode != 0:
            raise RuntimeError(f"valgrind exited with {done.returncode}:\n{done.stderr[-4000:]}")
        found = read_dumps(Path(out))
    names = [f"{label}-{k}" for label in ("work", "empty") for k in range(regions)]
    if not all(name in found for name in names):
        raise RuntimeError(f"callgrind dumps {sorted(found)}, not {names}:\n{done.stderr[-4000:]}")
    work = tuple(found[f"work-{k}"]["Ir"] for k in range(regions))
    empty = tuple(found[f"empty-{k}"]["Ir"] for k in range(regions))
    cycles = None
    if cache_sim:
        work_cycles = [estimated_cycles(found[f"work-{k}"]) for k in range(regions)]
        empty_cycles = [estimated_cycles(found[f"empty-{k}"]) for k in range(regions)]
        cycles = (min(work_cycles) - min(empty_cycles)) / per_region
    return Count((min(work) - min(empty)) / per_region, work, empty, per_region, cycles)


# The workloads: each builder returns the zero-argument call counted, with the inputs and calls
# of the timing benchmark it mirrors (named in its docstring).


def detect_workload(n: int = 1_000) -> Callable[[], object]:
    """bench_single_symbol.SingleSymbolDetection.time_detect(n)."""
    return partial(api("alphapulse", "detect"), candles("BTCUSDT", n))


def scan_workload(symbols: int = 10) -> Callable[[], object]:
    """bench_multi_symbol.MultiSymbolScan.time_scan(symbols), 1,000 candles each."""
    return partial(api("alphapulse", "scan"), batch(symbols))


def streaming_workload(window: int = 500) -> Callable[[], object]:
    """bench_streaming.StreamingUpdate.time_update: each call is the next candle of the year."""
    detector, rows, next_ts = streaming_replay(window)
    state = {"k": 0, "ts": next_ts}

    def update() -> object:
        row = rows[state["k"] % len(rows)]
        result = detector.update("BTCUSDT", (state["ts"], *row))
        state["k"] += 1
        state["ts"] += HOUR_MS
        return result

    return update


def scan_timeframes_workload(symbols: int = 10) -> Callable[[], object]:
    """bench_timeframes.TimeframeScan.time_scan_all(symbols): 5 timeframes x 1,000 candles each."""
    return partial(api("alphapulse", "scan_timeframes"), timeframe_batches(symbols))


def multi_timeframe_workload(window: int = 500) -> Callable[[], object]:
    """bench_timeframes.MultiTimeframeUpdate.time_update: each call a minute closing all five."""
    detector, rows, next_ts = multi_timeframe_replay(1, window)
    state = {"k": 0, "ts": next_ts}

    def update() -> object:
        result = detector.update("BTCUSDT", (state["ts"], *rows[state["k"] % len(rows)]))
        state["k"] += 1
        state["ts"] += FOUR_HOURS_MS
        return result

    return update


def _stage_inputs(symbols: int) -> tuple[Any, ...]:
    """bench_stages.Stages.setup(symbols): the 2-D prices, as the stages take them."""
    if symbols == 1:
        c = candles("BTCUSDT", 1_000)
        return tuple(x[None, :] for x in (c.open, c.high, c.low, c.close, c.volume))
    b = batch(symbols)
    return (b.open, b.high, b.low, b.close, b.volume)


def indicators_workload(symbols: int = 1) -> Callable[[], object]:
    """bench_stages.Stages.time_indicators(symbols)."""
    return partial(api("alphapulse.indicators", "compute_indicators"), *_stage_inputs(symbols))


def patterns_workload(symbols: int = 1) -> Callable[[], object]:
    """bench_stages.Stages.time_patterns(symbols)."""
    return partial(api("alphapulse.patterns", "detect_patterns"), *_stage_inputs(symbols)[:4])


def signals_workload(symbols: int = 1) -> Callable[[], object]:
    """bench_stages.Stages.time_signals(symbols): scoring the newest candle's values."""
    import numpy as np

    compute_indicators = api("alphapulse.indicators", "compute_indicators")
    detect_patterns = api("alphapulse.patterns", "detect_patterns")
    score_patterns = api("alphapulse.signals", "score_patterns")
    indicator_votes = api("alphapulse.signals", "indicator_votes")
    o, h, l, c, v = _stage_inputs(symbols)
    indicators = compute_indicators(o, h, l, c, v)
    patterns = detect_patterns(o, h, l, c)
    newest = {name: values[:, -1] for name, values in indicators.items()}
    names = list(patterns)
    newest_patterns = np.stack([patterns[name][:, -1] for name in names])
    close = c[:, -1]

    def signals() -> None:
        indicator_votes(newest, close)
        score_patterns(names, newest_patterns, newest["VOLUME_RATIO"], newest["RSI_14"])

    return signals


@dataclass(frozen=True)
class Scenario:
    """One counted workload: its builder, the APIs it needs, and how it is warmed and counted."""

    builder: str  # a function of this module
    args: tuple[Any, ...]
    needs: tuple[tuple[str, str], ...]  # (module, name) that a commit must have
    warmup: int = 10
    regions: int = 5
    per_region: int = 1


_STAGE_NEEDS = (("alphapulse.indicators", "compute_indicators"),)
SCENARIOS = {
    "detect": Scenario("detect_workload", (1_000,), (("alphapulse", "detect"),)),
    "scan": Scenario("scan_workload", (10,), (("alphapulse", "scan"),)),
    "streaming_update": Scenario(
        "streaming_workload", (500,), (("alphapulse", "StreamingDetector"),)
    ),
    # Five times the work of the others a call: fewer warm-up calls and regions keep a count
    # within the time of one (its minimum needs two regions; a third guards against a burst).
    "scan_timeframes": Scenario(
        "scan_timeframes_workload",
        (10,),
        (("alphapulse", "scan_timeframes"),),
        warmup=4,
        regions=3,
    ),
    "multi_timeframe_update": Scenario(
        "multi_timeframe_workload",
        (500,),
        (("alphapulse", "MultiTimeframeDetector"),),
        warmup=4,
        regions=3,
    ),
    "indicators": Scenario("indicators_workload", (1,), _STAGE_NEEDS),
    "patterns": Scenario("patterns_workload", (1,), (("alphapulse.patterns", "detect_patterns"),)),
    "signals": Scenario(
        "signals_workload",
        (1,),
        (
            *_STAGE_NEEDS,
            ("alphapulse.patterns", "detect_patterns"),
            ("alphapulse.signals", "score_patterns"),
            ("alphapulse.signals", "indicator_votes"),
        ),
    ),
}


def prepare(scenario: Scenario) -> None:
    """Everything a count needs, checked in the benchmark's process: skip (NotImplementedError)
    where valgrind, the compiler, callgrind.h or the commit's API is missing."""
    tools()
    control_library()
    for module, name in scenario.needs:
        api(module, name)


def count_scenario(scenario: Scenario, **options: Any) -> Count:
    return count(
        f"{MODULE}:{scenario.builder}",
        scenario.args,
        warmup=scenario.warmup,
        regions=scenario.regions,
        per_region=scenario.per_region,
        **options,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m benchmarks.instruction_counts [--cycles] [WORKLOAD ...]`: the counts (and the
    estimated cycles), without asv."""
    names = list(sys.argv[1:] if argv is None else argv)
    cycles = "--cycles" in names
    names = [name for name in names if name != "--cycles"] or list(SCENARIOS)
    for name in names:
        scenario = SCENARIOS[name]
        prepare(scenario)
        found = count_scenario(scenario, cache_sim=cycles)
        line = f"{name:<22} {found.instructions:>14,.0f} instructions"
        if found.cycles is not None:
            line += f" {found.cycles:>14,.0f} cycles"
        print(line, flush=True)


if __name__ == "__main__":
    main()
