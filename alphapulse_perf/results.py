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
import json
import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BenchmarkInfo",
    "Outcome",
    "Record",
    "ResultsError",
    "commit_prefix",
    "load_benchmarks",
    "load_records",
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

    def combinations(self) -> list[tuple[str, ...]]:
        """The parameter combinations in asv's order (row-major cartesian product)."""
        return list(itertools.product(*self.params)) if self.params else [()]


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
        if not self.params:
            return self.benchmark
        inner = ", ".join(f"{n}={v}" for n, v in zip(self.param_names, self.params, strict=True))
        return f"{self.benchmark}({inner})"


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ResultsError(path, f"cannot be read ({err.strerror})") from None
    try:
        return json.loads(text)  # accepts NaN and Infinity, which asv writes
    except json.JSONDecodeError as err:
        raise ResultsError(path, f"is not valid JSON (line {err.lineno}: {err.msg})") from None


def _require(path: Path, data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(data, dict) or key not in data:
        raise ResultsError(path, f"has no key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise ResultsError(
            path, f"key {key!r} should be {_kind_name(kind)}, got {type(value).__name__}"
        )
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


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
        if not isinstance(attrs, dict):
            raise ResultsError(path, f"benchmark {name!r} should be an object")
        params = attrs.get("params") or []
        infos[name] = BenchmarkInfo(
            name=name,
            type=str(attrs.get("type", "")),
            unit=str(attrs.get("unit", "")),
            param_names=tuple(attrs.get("param_names") or ()),
            params=tuple(tuple(str(v) for v in values) for values in params),
            version=str(attrs.get("version", "")),
        )
    return infos


def machines(results_dir: Path) -> list[str]:
    """The machines with a `machine.json` under `results_dir`."""
    if not results_dir.is_dir():
        raise ResultsError(results_dir, "is not a directory")
    return sorted(p.parent.name for p in results_dir.glob("*/machine.json"))


def _column(row: list[Any], columns: Sequence[str], column: str) -> Any:
    index = columns.index(column) if column in columns else None
    if index is None or index >= len(row):
        return None  # asv drops trailing empty columns
    return row[index]


def _per_combination(value: Any, count: int) -> list[Any]:
    if value is None:
        return [None] * count
    if not isinstance(value, list):
        return [value] * count
    return value


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


def _records_of_file(
    path: Path, machine: str, benchmarks: dict[str, BenchmarkInfo]
) -> Iterator[Record]:
    data = _read_json(path)
    version = data.get("version") if isinstance(data, dict) else None
    if version != RESULTS_FORMAT:
        raise ResultsError(
            path, f"has results format version {version!r}; this reader knows {RESULTS_FORMAT}"
        )
    commit = _require(path, data, "commit_hash", str)
    env = _require(path, data, "env_name", str)
    date = _require(path, data, "date", (int, float))
    columns = _require(path, data, "result_columns", list)
    if "result" not in columns:
        raise ResultsError(path, "result_columns has no 'result' column")
    results = _require(path, data, "results", dict)
    for name, row in results.items():
        if not isinstance(row, list) or not row:
            raise ResultsError(path, f"benchmark {name!r}: the row should be a non-empty list")
        info = benchmarks.get(name)
        params_column = _column(row, columns, "params") or []
        params = [tuple(str(v) for v in values) for values in params_column]
        combos = list(itertools.product(*params)) if params else [()]
        values = _per_combination(row[columns.index("result")], len(combos))
        if len(values) != len(combos):
            raise ResultsError(
                path,
                f"benchmark {name!r}: {len(values)} results"
                f" for {len(combos)} parameter combinations",
            )
        ci_a, ci_b, q25, q75, repeats, samples = (
            _per_combination(_column(row, columns, column), len(combos))
            for column in (
                "stats_ci_99_a",
                "stats_ci_99_b",
                "stats_q_25",
                "stats_q_75",
                "stats_repeat",
                "samples",
            )
        )
        run_version = _column(row, columns, "version")
        param_names = info.param_names if info else tuple(f"p{k}" for k in range(len(params)))
        if info and len(param_names) != len(params):
            raise ResultsError(
                path,
                f"benchmark {name!r}: {len(params)} parameters,"
                f" benchmarks.json names {len(param_names)}",
            )
        for k, combo in enumerate(combos):
            raw = values[k]
            value = _number(raw)
            if raw is None:
                outcome = Outcome.FAILED
            elif value is None:
                raise ResultsError(path, f"benchmark {name!r}: result {raw!r} is not a number")
            elif math.isnan(value):
                outcome, value = Outcome.SKIPPED, None
            else:
                outcome = Outcome.OK
            a, b = _number(ci_a[k]), _number(ci_b[k])
            lo, hi = _number(q25[k]), _number(q75[k])
            sample = samples[k]
            yield Record(
                machine=machine,
                env=env,
                commit=commit,
                date=int(date),
                benchmark=name,
                params=combo,
                param_names=param_names,
                outcome=outcome,
                value=value,
                ci_99=(a, b) if a is not None and b is not None else None,
                q25_q75=(lo, hi) if lo is not None and hi is not None else None,
                samples=tuple(float(s) for s in sample) if isinstance(sample, list) else None,
                repeat=int(repeats[k]) if _number(repeats[k]) is not None else None,
                unit=info.unit if info else "",
                type=info.type if info else "",
                version=str(run_version) if run_version is not None else None,
            )


def run_files(results_dir: Path, machine: str | None = None) -> list[Path]:
    """Every run file (`<commit>-<env>.json`) of one machine, or of every machine."""
    chosen = [machine] if machine else machines(results_dir)
    files = []
    for name in chosen:
        folder = results_dir / name
        if not (folder / "machine.json").is_file():
            raise ResultsError(folder, "has no machine.json: not a machine of these results")
        files += [p for p in sorted(folder.glob("*.json")) if p.name != "machine.json"]
    return files


def commit_prefix(path: Path) -> str:
    """The commit hash a run file's name starts with (asv's `hash_length` characters)."""
    return path.name.split("-", 1)[0]


def load_records(
    results_dir: Path, machine: str | None = None, commits: Collection[str] | None = None
) -> list[Record]:
    """Every record of every run file (of one machine, if given), oldest commit first.

    With `commits` (hashes or prefixes), only the files of those commits are read: a check of two
    commits need not parse a history of thousands.
    """
    benchmarks = load_benchmarks(results_dir)
    records: list[Record] = []
    for path in run_files(results_dir, machine):
        prefix = commit_prefix(path)
        if commits is None or any(c.startswith(prefix) or prefix.startswith(c) for c in commits):
            records.extend(_records_of_file(path, path.parent.name, benchmarks))
    records.sort(key=lambda r: (r.date, r.commit))
    return records
