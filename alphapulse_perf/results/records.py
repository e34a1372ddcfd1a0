"""Read asv's results directory into plain records (read-only: asv owns these files).

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

import enum
import itertools
import math
import os
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf.results.asv_json import JSONFileError, is_overflow, read_json

__all__ = [
    "BenchmarkInfo",
    "Outcome",
    "Record",
    "ResultsError",
    "commit_prefix",
    "full_hashes",
    "label_of",
    "load_benchmarks",
    "load_records",
    "machine_info",
    "machines",
    "run_files",
]

RESULTS_FORMAT = 2


class ResultsError(ValueError):
    """A results file that cannot be read, or that contradicts the others; names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class Outcome(enum.Enum):
    OK = "ok"
    FAILED = "failed"  # raised or timed out: asv stores null
    SKIPPED = "skipped"  # NotImplementedError in setup: asv stores NaN


@dataclass(frozen=True)
class BenchmarkInfo:
    name: str
    type: str  # time, peakmemory, track, memory
    unit: str
    param_names: tuple[str, ...]
    params: tuple[tuple[str, ...], ...]  # repr strings, per parameter
    version: str
    rounds: int = 1  # processes asv runs each benchmark in (`asv run -a rounds=N` overrides)

    def combinations(self) -> list[tuple[str, ...]]:
        """The parameter combinations in asv's order (row-major cartesian product)."""
        return list(itertools.product(*self.params)) if self.params else [()]

    def labels(self) -> list[str]:
        """The label of each combination, in asv's order."""
        return [label_of(self.name, self.param_names, c) for c in self.combinations()]


@dataclass(frozen=True)
class Record:
    """One value of one benchmark for one parameter combination, commit, machine and env."""

    machine: str
    env: str
    commit: str
    date: int  # commit time, ms since the epoch
    benchmark: str
    params: tuple[str, ...]  # repr strings, in the order of `param_names`
    param_names: tuple[str, ...]
    outcome: Outcome
    value: float | None
    ci_99: tuple[float, float] | None
    q25_q75: tuple[float, float] | None
    samples: tuple[float, ...] | None
    repeat: int | None
    unit: str
    type: str
    version: str | None

    @property
    def key(self) -> tuple[str, str, str, tuple[str, ...]]:
        """What makes a series: machine, env, benchmark, parameters."""
        return (self.machine, self.env, self.benchmark, self.params)

    @property
    def label(self) -> str:
        """`name(param=value, ...)`, as a person reads it."""
        return label_of(self.benchmark, self.param_names, self.params)


def label_of(benchmark: str, param_names: Sequence[str], params: Sequence[str]) -> str:
    """`name(param=value, ...)`: how every report and settings rule names a series."""
    if not params:
        return benchmark
    inner = ", ".join(f"{n}={v}" for n, v in zip(param_names, params, strict=True))
    return f"{benchmark}({inner})"


def _read_json(path: Path) -> Any:
    try:
        return read_json(path)
    except JSONFileError as err:
        raise ResultsError(path, err.problem) from None


def _require(path: Path, data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ResultsError(path, f"has no key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ResultsError(
            path, f"key {key!r} should be {_kind_name(kind)}, got {type(value).__name__}"
        )
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _param_lists(value: Any) -> bool:
    """asv's `params`: one list of repr strings per parameter."""
    return isinstance(value, list) and all(_strings(v) for v in value)


_TYPES = ("time", "track", "memory", "peakmemory", "")  # asv_runner's; "" when not written


def load_benchmarks(results_dir: Path) -> dict[str, BenchmarkInfo]:
    """`results/benchmarks.json`: the attributes of every benchmark asv discovered."""
    path = results_dir / "benchmarks.json"
    data = _read_json(path)
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
        if not _param_lists(params):
            raise ResultsError(path, f"{where}: 'params' should be a list of lists of strings")
        if not _strings(names) or len(names) != len(params):
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


def machines(results_dir: Path) -> list[str]:
    """The machines with a `machine.json` under `results_dir`."""
    if not results_dir.is_dir():
        raise ResultsError(results_dir, "is not a directory")
    found = []
    for folder in _listing(results_dir):
        described = folder / "machine.json"
        if described.is_symlink() or (described.exists() and not described.is_file()):
            raise ResultsError(described, "is not a regular file (asv writes one there)")
        if described.is_file():
            machine_info(described)
            found.append(folder.name)
    return found


def machine_info(path: Path) -> dict[str, str]:
    """A `machine.json`: asv's description of the host (`cpu`, `num_cpu`, `ram`, `os`...), all
    strings, with `"version": 1`."""
    data = _read_json(path)
    if not isinstance(data, dict):
        raise ResultsError(path, "should hold an object describing the machine")
    version = data.get("version")
    if version != 1 or isinstance(version, bool):
        raise ResultsError(path, f"has machine format version {version!r}; asv writes 1")
    info = {key: value for key, value in data.items() if key != "version"}
    for key, value in info.items():
        if not isinstance(value, str):
            raise ResultsError(path, f"key {key!r} should be a string, got {value!r}")
    return info


def _listing(folder: Path) -> list[Path]:
    """The entries of `folder`; unlike `glob`, which sees nothing, a folder that cannot be read
    (permission denied) is an error, and so is a machine folder inside it that cannot."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        raise ResultsError(folder, f"cannot be listed ({err.strerror or err})") from None
    for entry in entries:
        if entry.is_dir() and not os.access(entry, os.R_OK | os.X_OK):
            raise ResultsError(entry, "cannot be listed (permission denied)")
    return entries


def _kind(name: str, info: BenchmarkInfo | None) -> str:
    """asv's benchmark type, from benchmarks.json or else from the method's prefix."""
    if info is not None and info.type:
        return info.type
    method = name.rsplit(".", 1)[-1]
    if method.startswith(("time_", "timeraw_")):
        return "time"
    return "peakmemory" if method.startswith("peakmem_") else ""


class _Row:
    """One benchmark's row of a run file, validated column by column; errors name the cell."""

    def __init__(self, path: Path, name: str, row: Any, columns: Sequence[str]) -> None:
        self.path, self.name = path, name
        if not isinstance(row, list) or not row:
            raise self.error("the row should be a non-empty list")
        if len(row) > len(columns):
            raise self.error(f"{len(row)} cells for {len(columns)} result_columns")
        self.cells = dict(zip(columns, row, strict=False))  # asv drops trailing empty columns
        params = self.cells.get("params", [])  # absent: dropped as a trailing empty column
        if not _param_lists(params):
            raise self.error("column 'params' should be a list of lists of strings")
        self.params = [tuple(values) for values in params]
        self.combinations = list(itertools.product(*self.params))
        version = self.cells.get("version")
        if version is not None and not isinstance(version, str):
            raise self.error(f"column 'version' should be a string, got {version!r}")
        self.version: str | None = version
        for column in ("started_at", "duration"):
            self.finite(column, self.cells.get(column))
        duration = self.cells.get("duration")
        if duration is not None and duration < 0:
            raise self.error(f"a negative duration {duration!r}", "duration")

    def error(self, problem: str, column: str | None = None, k: int | None = None) -> ResultsError:
        where = f"benchmark {self.name!r}"
        if column is not None:
            where += f", column {column!r}"
        if k is not None and self.params:
            where += f", combination {k} {self.combinations[k]!r}"
        return ResultsError(self.path, f"{where}: {problem}")

    def per_combination(self, column: str) -> list[Any]:
        """The column's value for each combination (asv writes a list; a lone scalar is read as
        the value of an unparameterised benchmark)."""
        value = self.cells.get(column)
        count = len(self.combinations)
        if value is None:
            return [None] * count
        if not isinstance(value, list):
            if count == 1 and column != "samples":
                return [value]
            raise self.error(f"should be a list of {count} values, got {value!r}", column)
        if len(value) != count:
            noun = "results" if column == "result" else "values"
            raise self.error(f"{len(value)} {noun} for {count} parameter combinations", column)
        return value

    def number(self, column: str, value: Any, k: int | None = None) -> float | None:
        """None, or a number (NaN and +-Infinity as asv writes them); a data error otherwise."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"{value!r} is not a number", column, k)
        if is_overflow(value):
            raise self.error("a number beyond float range", column, k)
        return float(value)

    def finite(self, column: str, value: Any, k: int | None = None) -> float | None:
        number = self.number(column, value, k)
        if number is not None and not math.isfinite(number):
            raise self.error(f"{value!r} where asv writes a finite number", column, k)
        return number


def _interval(row: _Row, k: int, a_column: str, b_column: str, a: Any, b: Any) -> Any:
    """A (low, high) pair of columns, or None; the CI's ends may be asv's -inf / +inf."""
    low, high = row.number(a_column, a, k), row.number(b_column, b, k)
    if low is None or high is None:
        return None
    if math.isnan(low) or low == math.inf:
        raise row.error(f"{a!r} cannot be the low end of an interval", a_column, k)
    if math.isnan(high) or high == -math.inf:
        raise row.error(f"{b!r} cannot be the high end of an interval", b_column, k)
    if low > high:
        raise row.error(
            f"the interval's low end {low!r} is above its high end {high!r}", a_column, k
        )
    return (low, high)


def _samples(row: _Row, k: int, value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise row.error(f"should be a list of samples, got {value!r}", "samples", k)
    return tuple(row.finite("samples", s, k) for s in value)  # type: ignore[misc]


def _commit_of(path: Path, data: Any) -> str:
    """The run's full commit hash, which must start with the file name's (asv names it so)."""
    commit: str = _require(path, data, "commit_hash", str)
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
    data = _read_json(path)
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
    env = _require(path, data, "env_name", str)
    if not env:
        raise ResultsError(path, "env_name is empty")
    date = _require(path, data, "date", (int, float))
    if not math.isfinite(date) or is_overflow(date):
        raise ResultsError(path, f"date {date!r} is not a finite time")
    columns = _require(path, data, "result_columns", list)
    if not _strings(columns) or "result" not in columns:
        raise ResultsError(path, "result_columns should be a list of names with 'result'")
    results = _require(path, data, "results", dict)
    for key, kind in _RUN_METADATA.items():
        if key in data:
            _require(path, data, key, kind)
    records: list[Record] = []
    for name, raw_row in results.items():
        if wanted is None or wanted(name):
            row = _Row(path, name, raw_row, columns)
            info = benchmarks.get(name)
            records += _records_of_row(row, machine, env, commit, int(date), info, samples)
    return commit, env, records


def _records_of_row(
    row: _Row,
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
    kind = _kind(name, info)
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
            if kind in _POSITIVE and value <= 0:
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
            ci_99=_interval(row, k, "stats_ci_99_a", "stats_ci_99_b", ci_a[k], ci_b[k]),
            q25_q75=_quartiles(row, k, q25[k], q75[k]),
            samples=_samples(row, k, samples[k]),
            repeat=int(repeat) if repeat is not None else None,
            unit=info.unit if info else "",
            type=kind,
            version=row.version,
        )


_POSITIVE = ("time", "peakmemory", "memory")  # nothing takes no time or no memory


def _quartiles(row: _Row, k: int, q25: Any, q75: Any) -> tuple[float, float] | None:
    low = row.finite("stats_q_25", q25, k)
    high = row.finite("stats_q_75", q75, k)
    if low is None or high is None:
        return None
    if low > high:
        raise row.error(f"q25 {low!r} is above q75 {high!r}", "stats_q_25", k)
    return (low, high)


_RUN_FILE = re.compile(r"[^.].*-.*\.json")


def run_files(results_dir: Path, machine: str | None = None) -> list[Path]:
    """Every run file (`<commit>-<env>.json`) of one machine, or of every machine."""
    chosen = [machine] if machine else machines(results_dir)
    files = []
    for name in chosen:
        folder = results_dir / name
        if not (folder / "machine.json").is_file():
            raise ResultsError(folder, "has no machine.json: not a machine of these results")
        # `<commit>-<env>.json` (not machine.json), as asv's own glob finds them
        files += [p for p in _listing(folder) if _RUN_FILE.fullmatch(p.name)]
    return files


def commit_prefix(path: Path) -> str:
    """The commit hash a run file's name starts with (asv's `hash_length` characters)."""
    return path.name.split("-", 1)[0]


def full_hashes(paths: Iterable[Path], rev: str) -> set[str]:
    """The full commit hashes starting with `rev` in the run files `paths` (only the files whose
    name's commit agrees with `rev` are read)."""
    found = set()
    for path in paths:
        prefix = commit_prefix(path)
        if prefix.startswith(rev) or rev.startswith(prefix):
            commit = _commit_of(path, _read_json(path))
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
