"""asv's results directory read into records (read-only: asv owns these files).

Layout (asv 0.6, results format version 2):

    results/benchmarks.json                     every benchmark's attributes
    results/<machine>/machine.json              the machine's description
    results/<machine>/<commit8>-<env>.json      one run of one commit in one environment

A run file maps each benchmark to a row whose columns `result_columns` names (result, params,
version, started_at, duration, stats_ci_99_a, stats_ci_99_b, stats_q_25, stats_q_75,
stats_number, stats_repeat, samples, profile); asv drops trailing empty columns. `result` holds one
value per parameter combination (the flattened cartesian product of `params`): a number, null for a
failure, NaN for a skip. The files are not strict JSON (NaN, Infinity). Parameters are repr strings.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from alphapulse_perf.results.asv_json import is_overflow
from alphapulse_perf.results.cells import (
    POSITIVE,
    Row,
    interval,
    kind_of,
    param_lists,
    quartiles,
    read_json_file,
    require,
    samples_of,
    strings,
)
from alphapulse_perf.results.folders import commit_prefix, run_files
from alphapulse_perf.results.records import (
    RESULTS_FORMAT,
    BenchmarkInfo,
    Outcome,
    Record,
    ResultsError,
)

__all__ = ["full_hashes", "load_benchmarks", "load_records", "recorded_durations"]


_TYPES = ("time", "track", "memory", "peakmemory", "")  # asv_runner's; "" when not written


def load_benchmarks(results_dir: Path) -> dict[str, BenchmarkInfo]:
    """`results/benchmarks.json`: the attributes of every benchmark asv discovered."""
    path = results_dir / "benchmarks.json"
    data = read_json_file(path)
    if not isinstance(data, dict):
        raise ResultsError(path, "should hold an object of benchmarks")
    infos = {}
    for name, attrs in data.items():
        if name == "version":
            continue
        where = f"benchmark {name!r}"
        if not isinstance(attrs, dict):
            raise ResultsError(path, f"{where} should be an object")
        params = attrs.get("params") or []
        names = attrs.get("param_names") or []
        if not param_lists(params):
            raise ResultsError(path, f"{where}: 'params' should be a list of lists of strings")
        if not strings(names) or len(names) != len(params):
            raise ResultsError(
                path, f"{where}: 'param_names' should be {len(params)} strings, got {names!r}"
            )
        rounds = attrs.get("rounds", 1)
        if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 1:
            raise ResultsError(path, f"{where}: 'rounds' should be a positive integer")
        fields = {key: attrs.get(key, "") for key in ("type", "unit", "version")}
        for key, value in fields.items():
            if not isinstance(value, str):
                raise ResultsError(path, f"{where}: {key!r} should be a string, got {value!r}")
        if fields["type"] not in _TYPES:
            known = ", ".join(t for t in _TYPES if t)
            raise ResultsError(path, f"{where}: type {fields['type']!r} is not asv's ({known})")
        infos[name] = BenchmarkInfo(
            name=name,
            type=fields["type"],
            unit=fields["unit"],
            param_names=tuple(names),
            params=tuple(tuple(values) for values in params),
            version=fields["version"],
            rounds=rounds,
        )
    return infos


def _commit_of(path: Path, data: Any) -> str:
    """The run's full commit hash, which must start with the file name's (asv names it so)."""
    commit: str = require(path, data, "commit_hash", str)
    prefix = commit_prefix(path)
    if not commit or not commit.startswith(prefix):
        raise ResultsError(
            path, f"commit_hash {commit!r} does not match the file name's commit {prefix!r}"
        )
    return commit


# The run file's other keys, not read here but asv's: each of the type asv writes.
_RUN_METADATA = {"params": dict, "python": str, "requirements": dict, "env_vars": dict,
                 "durations": dict}  # fmt: skip


def _records_of_file(
    path: Path,
    machine: str,
    benchmarks: dict[str, BenchmarkInfo],
    wanted: Callable[[str], bool] | None = None,
    samples: bool = True,
) -> tuple[str, str, list[Record]]:
    """The file's commit, env and records."""
    data = read_json_file(path)
    version = data.get("version") if isinstance(data, dict) else None
    if version == 1:
        raise ResultsError(
            path,
            "has results format version 1 (asv before 0.5); `asv update` converts the"
            f" results directory to format {RESULTS_FORMAT}, which this reader knows",
        )
    if version != RESULTS_FORMAT:
        raise ResultsError(
            path, f"has results format version {version!r}; this reader knows {RESULTS_FORMAT}"
        )
    commit = _commit_of(path, data)
    env = require(path, data, "env_name", str)
    if not env:
        raise ResultsError(path, "env_name is empty")
    date = require(path, data, "date", (int, float))
    if not math.isfinite(date) or is_overflow(date):
        raise ResultsError(path, f"date {date!r} is not a finite time")
    columns = require(path, data, "result_columns", list)
    if not strings(columns) or "result" not in columns:
        raise ResultsError(path, "result_columns should be a list of names with 'result'")
    results = require(path, data, "results", dict)
    for key, kind in _RUN_METADATA.items():
        if key in data:
            require(path, data, key, kind)
    records: list[Record] = []
    for name, raw_row in results.items():
        if wanted is None or wanted(name):
            row = Row(path, name, raw_row, columns)
            info = benchmarks.get(name)
            records += _records_of_row(row, machine, env, commit, int(date), info, samples)
    return commit, env, records


def _records_of_row(
    row: Row,
    machine: str,
    env: str,
    commit: str,
    date: int,
    info: BenchmarkInfo | None,
    with_samples: bool,
) -> Iterator[Record]:
    name = row.name
    if info is not None and len(info.param_names) != len(row.params):
        if row.version is None or row.version == info.version:
            raise row.error(
                f"{len(row.params)} parameters, benchmarks.json names {len(info.param_names)}"
                " for the same version",
                "params",
            )
        info = None  # an older version of the benchmark: benchmarks.json describes the newest
    param_names = info.param_names if info else tuple(f"p{k}" for k in range(len(row.params)))
    kind = kind_of(name, info)
    values = row.per_combination("result")
    ci_a, ci_b, q25, q75, repeats, numbers = (
        row.per_combination(column)
        for column in ("stats_ci_99_a", "stats_ci_99_b", "stats_q_25", "stats_q_75",
                       "stats_repeat", "stats_number")
    )  # fmt: skip
    samples = row.per_combination("samples") if with_samples else [None] * len(values)
    for k, combo in enumerate(row.combinations):
        value = row.number("result", values[k], k)
        if value is None:
            outcome = Outcome.FAILED
        elif math.isnan(value):
            outcome, value = Outcome.SKIPPED, None
        else:
            outcome = Outcome.OK
            if kind in POSITIVE and value <= 0:
                raise row.error(f"{value!r} cannot be a {kind} measurement", "result", k)
        repeat = row.finite("stats_repeat", repeats[k], k)
        row.finite("stats_number", numbers[k], k)  # not used, but asv's: it must read
        yield Record(
            machine=machine,
            env=env,
            commit=commit,
            date=date,
            benchmark=name,
            params=combo,
            param_names=param_names,
            outcome=outcome,
            value=value,
            ci_99=interval(row, k, "stats_ci_99_a", "stats_ci_99_b", ci_a[k], ci_b[k]),
            q25_q75=quartiles(row, k, q25[k], q75[k]),
            samples=samples_of(row, k, samples[k]),
            repeat=int(repeat) if repeat is not None else None,
            unit=info.unit if info else "",
            type=kind,
            version=row.version,
        )


def full_hashes(paths: Iterable[Path], rev: str) -> set[str]:
    """The full commit hashes starting with `rev` in the run files `paths` (only the files whose
    name's commit agrees with `rev` are read)."""
    found = set()
    for path in paths:
        prefix = commit_prefix(path)
        if prefix.startswith(rev) or rev.startswith(prefix):
            commit = _commit_of(path, read_json_file(path))
            if commit.startswith(rev):
                found.add(commit)
    return found


def load_records(
    results_dir: Path,
    machine: str | None = None,
    commits: Collection[str] | None = None,
    *,
    wanted: Callable[[str], bool] | None = None,
    samples: bool = True,
    benchmarks: dict[str, BenchmarkInfo] | None = None,
) -> list[Record]:
    """Every record of every run file (of one machine, if given), oldest commit first.

    Read only what is asked: with `commits` (hashes or prefixes), only those commits' files; with
    `wanted`, only the benchmarks whose name it accepts; without `samples`, no samples (a trend
    needs none); `benchmarks` is benchmarks.json when the caller has read it already. Two files
    for one (machine, commit, env) are an error naming both: asv writes one, and a second would
    make the answer depend on which is read last.
    """
    if benchmarks is None:
        benchmarks = load_benchmarks(results_dir)
    records: list[Record] = []
    seen: dict[tuple[str, str, str], Path] = {}
    for path in run_files(results_dir, machine):
        prefix = commit_prefix(path)
        if commits is not None and not any(
            c.startswith(prefix) or prefix.startswith(c) for c in commits
        ):
            continue
        commit, env, found = _records_of_file(path, path.parent.name, benchmarks, wanted, samples)
        run = (path.parent.name, commit, env)
        if run in seen:
            raise ResultsError(
                path,
                f"a second run file for commit {commit[:8]} and env {env!r}"
                f" (the first is {seen[run]}); keep one",
            )
        seen[run] = path
        records.extend(found)
    records.sort(key=lambda r: (r.date, r.commit))
    return records


def recorded_durations(results_dir: Path, machine: str | None = None) -> dict[str, float]:
    """Each benchmark's wall time in asv's `duration` column (all its combinations), from the
    newest run file that holds it (of one machine, if given)."""
    newest: dict[str, tuple[float, float]] = {}  # name -> (date, seconds)
    for path in run_files(results_dir, machine):
        data = read_json_file(path)
        date = require(path, data, "date", (int, float))
        columns = require(path, data, "result_columns", list)
        for name, raw in require(path, data, "results", dict).items():
            row = Row(path, name, raw, columns)
            seconds = row.finite("duration", row.cells.get("duration"))
            if seconds is not None and date >= newest.get(name, (-math.inf, 0.0))[0]:
                newest[name] = (date, seconds)
    return {name: seconds for name, (_, seconds) in newest.items()}
