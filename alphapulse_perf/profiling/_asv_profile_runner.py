"""Run inside an asv environment by `alphapulse-perf profile`: list benchmarks, or profile one.

A plain script for the environment's Python: it imports nothing of alphapulse_perf (the commit
under test may not have it), only the standard library and asv_runner, which asv installs in
every environment. asv_runner discovers the suite, sets parameters up and tears them down exactly
as `asv run` does, so a benchmark's `setup`, `setup_cache`, skips and parameters behave as there.

    python _asv_profile_runner.py list BENCHMARK_DIR OUT_JSON
    python _asv_profile_runner.py profile BENCHMARK_DIR NAME INDEX MIN_TIME MAX_CALLS PROF JSON
    python _asv_profile_runner.py lines DIR NAME INDEX MIN_TIME MAX_CALLS FUNCS TXT LINES JSON

`profile` calls the benchmark once unprofiled (first-call costs out), then enough times under
cProfile to fill MIN_TIME seconds (judged from the first call; at most MAX_CALLS), and writes the
pstats data to PROF and {"status": "ok" | "skipped" | "failed", "calls", "message"} to JSON.
INDEX is the parameter combination (asv's order), -1 for an unparameterised benchmark.
`lines` does the same under line_profiler for the functions FUNCS names (a JSON list of
`package.module.function` or `package.module:Class.method`), and writes line_profiler's own
report to TXT and its per-line figures to LINES (the outcome to JSON, as `profile` does).
line_profiler comes from the helper's environment: the folder in ALPHAPULSE_PERF_LINE_PROFILER
is put at the end of sys.path, after everything of this environment.
A `timeraw_` benchmark runs in fresh interpreters, as under asv: each one profiles the timed code
once after running its setup, and their captures are added up.
"""

from __future__ import annotations

import cProfile
import importlib
import json
import linecache
import math
import os
import pstats
import subprocess
import sys
import tempfile
import textwrap
import time
import traceback
from typing import Any

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]  # this package's modules are not the environment's

_FRESH = textwrap.dedent(
    """
    import cProfile, json, sys, types
    with open(sys.argv[1]) as f:
        job = json.load(f)
    space = {"__name__": "__main__"}
    exec(compile(job["setup"], "<timeraw setup>", "exec"), space)
    # Called as a function, the timed code is the capture's root `<timeraw>:1(<module>)`.
    timed = types.FunctionType(compile(job["code"], "<timeraw>", "exec"), space)
    profiler = cProfile.Profile()
    profiler.enable()
    timed()
    profiler.disable()
    profiler.dump_stats(job["out"])
    """
)


def _list(benchmark_dir: str, out: str) -> None:
    discovery: Any = importlib.import_module("asv_runner.discovery")
    discovery.update_sys_path(benchmark_dir)  # as asv_runner's own listing does
    found = [
        {
            "name": b.name,
            "type": b.type,
            "params": b.params,
            "param_names": b.param_names,
            "timeraw": type(b).__name__ == "TimerawBenchmark",
        }
        for b in discovery.disc_benchmarks(benchmark_dir)
    ]
    with open(out, "w") as f:
        json.dump(found, f)


def _calls_for(first_call: float, min_time: float, max_calls: int) -> int:
    return max(1, min(max_calls, math.ceil(min_time / max(first_call, 1e-9))))


def _profile_fresh(
    benchmark: Any, args: tuple[Any, ...], min_time: float, max_calls: int, out: str
) -> int:
    """A timeraw benchmark: the timed code profiled in fresh interpreters; returns their count."""
    made = benchmark.func(*args)
    code, setup = made if isinstance(made, tuple) else (made, "")
    merged: pstats.Stats | None = None
    runs, started = 0, time.perf_counter()
    with tempfile.TemporaryDirectory() as scratch:
        while runs < max_calls and (runs == 0 or time.perf_counter() - started < min_time):
            job = os.path.join(scratch, "job.json")
            part = os.path.join(scratch, f"{runs}.prof")
            with open(job, "w") as f:
                json.dump(
                    {"code": textwrap.dedent(code), "setup": textwrap.dedent(setup), "out": part}, f
                )
            subprocess.run([sys.executable, "-c", _FRESH, job], check=True)
            if merged is None:
                merged = pstats.Stats(part)
            else:
                merged.add(part)
            runs += 1
        assert merged is not None
        merged.dump_stats(out)
    return runs


class _Skipped(Exception):
    """The benchmark skipped in its setup (NotImplementedError), as asv skips it."""


def _set_up(benchmark_dir: str, name: str, index: int) -> Any:
    """The benchmark of asv_runner, set up as `asv run` does; `_Skipped` if it skips."""
    discovery: Any = importlib.import_module("asv_runner.discovery")
    benchmark = discovery.get_benchmark_from_name(
        benchmark_dir, f"{name}-{index}" if index >= 0 else name
    )
    cache = benchmark.do_setup_cache() if benchmark.setup_cache_key is not None else None
    if hasattr(benchmark, "set_cache"):
        benchmark.set_cache(cache)
    elif cache is not None:
        benchmark.insert_param(cache)
    if benchmark.do_setup():
        raise _Skipped("skipped in setup")
    return benchmark


def _profile(
    benchmark_dir: str, name: str, index: int, min_time: float, max_calls: int, out: str
) -> dict[str, Any]:
    try:
        benchmark = _set_up(benchmark_dir, name, index)
    except _Skipped as why:
        return {"status": "skipped", "calls": 0, "message": str(why)}
    try:
        args = tuple(benchmark._build_params())
        if type(benchmark).__name__ == "TimerawBenchmark":
            calls = _profile_fresh(benchmark, args, min_time, max_calls, out)
            return {"status": "ok", "calls": calls, "message": ""}
        func = benchmark.func
        started = time.perf_counter()
        func(*args)
        calls = _calls_for(time.perf_counter() - started, min_time, max_calls)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            func(*args)
        profiler.disable()
        profiler.dump_stats(out)
        return {"status": "ok", "calls": calls, "message": ""}
    except NotImplementedError as err:
        return {"status": "skipped", "calls": 0, "message": f"skipped: {err!r}"}
    finally:
        benchmark.do_teardown()


def _function(spec: str) -> Any:
    """`package.module.function` or `package.module:Class.method`, imported."""
    if ":" in spec:
        module_name, path = spec.split(":", 1)
        found: Any = importlib.import_module(module_name)
    else:
        parts = spec.split(".")
        for cut in range(len(parts) - 1, 0, -1):  # the longest importable prefix
            try:
                found = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            path = ".".join(parts[cut:])
            break
        else:
            raise LookupError(f"{spec}: no module of it can be imported")
    module = found
    try:
        for attribute in path.split("."):
            found = getattr(found, attribute)
    except AttributeError:  # pstats names a method by its name alone: look in the classes
        methods = [
            vars(cls)[path] for cls in vars(module).values()
            if isinstance(cls, type) and cls.__module__ == module.__name__ and path in vars(cls)
        ]  # fmt: skip
        if len(methods) != 1:
            raise LookupError(f"{spec}: {module.__name__} has no function {path!r}") from None
        found = methods[0]
    found = getattr(found, "__func__", found)  # a classmethod or staticmethod
    if not hasattr(found, "__code__"):
        raise LookupError(f"{spec}: not a Python function (line_profiler times Python lines)")
    return found


def _line_profiler() -> Any:
    extra = os.environ.get("ALPHAPULSE_PERF_LINE_PROFILER")
    if extra and extra not in sys.path:
        sys.path.append(extra)  # last: this environment's packages come first
    return importlib.import_module("line_profiler")


def _lines(
    benchmark_dir: str, name: str, index: int, min_time: float, max_calls: int,
    specs: list[str], out_txt: str, out_json: str,
) -> dict[str, Any]:  # fmt: skip
    line_profiler = _line_profiler()
    try:
        benchmark = _set_up(benchmark_dir, name, index)
    except _Skipped as why:
        return {"status": "skipped", "calls": 0, "message": str(why)}
    try:
        if type(benchmark).__name__ == "TimerawBenchmark":
            other = "line-level profiles time this process; a timeraw_ benchmark runs in others"
            return {"status": "skipped", "calls": 0, "message": other}
        functions, missing = [], []
        for spec in specs:  # a function of one commit may not exist at another
            try:
                functions.append(_function(spec))
            except (LookupError, AttributeError, ImportError) as err:
                missing.append(str(err))
        if not functions:
            return {"status": "failed", "calls": 0, "message": "--lines: " + "; ".join(missing)}
        args = tuple(benchmark._build_params())
        func = benchmark.func
        started = time.perf_counter()
        func(*args)
        calls = _calls_for(time.perf_counter() - started, min_time, max_calls)
        profiler = line_profiler.LineProfiler(*functions)
        profiler.enable_by_count()
        for _ in range(calls):
            func(*args)
        profiler.disable_by_count()
        stats = profiler.get_stats()
        with open(out_txt, "w") as f:
            profiler.print_stats(stream=f, output_unit=1e-6, stripzeros=False)
        timed = []
        for (filename, first_line, function), entries in stats.timings.items():
            source = {n: linecache.getline(filename, n).rstrip() for n, _, _ in entries}
            timed.append({
                "file": filename, "first_line": first_line, "function": function,
                "lines": [[n, hits, t * stats.unit, source[n]] for n, hits, t in entries],
            })  # fmt: skip
        with open(out_json, "w") as f:
            json.dump({"calls": calls, "functions": timed, "missing": missing}, f)
        return {"status": "ok", "calls": calls, "message": ""}
    except NotImplementedError as err:
        return {"status": "skipped", "calls": 0, "message": f"skipped: {err!r}"}
    finally:
        benchmark.do_teardown()


def main(argv: list[str]) -> int:
    if argv[:1] == ["list"] and len(argv) == 3:
        _list(argv[1], argv[2])
        return 0
    if argv[:1] == ["lines"] and len(argv) == 10:
        _, benchmark_dir, name, index, min_time, max_calls, specs, out_txt, out_json, result = argv
        try:
            with open(specs) as f:
                asked = json.load(f)
            outcome = _lines(
                benchmark_dir, name, int(index), float(min_time), int(max_calls), asked,
                out_txt, out_json,
            )  # fmt: skip
        except Exception:  # the benchmark's own failure, reported back whole
            outcome = {"status": "failed", "calls": 0, "message": traceback.format_exc()}
        with open(result, "w") as f:
            json.dump(outcome, f)
        return 0
    if argv[:1] == ["profile"] and len(argv) == 8:
        _, benchmark_dir, name, index, min_time, max_calls, out, result = argv
        try:
            outcome = _profile(
                benchmark_dir, name, int(index), float(min_time), int(max_calls), out
            )
        except Exception:  # the benchmark's own failure, reported back whole
            outcome = {"status": "failed", "calls": 0, "message": traceback.format_exc()}
        with open(result, "w") as f:
            json.dump(outcome, f)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
