"""One row of a run file read cell by cell, and the small readers of asv's JSON shapes; every
problem a `ResultsError` naming the file, the benchmark, the column and the combination.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from alphapulse_perf.results.asv_json import JSONFileError, is_overflow, read_json
from alphapulse_perf.results.records import BenchmarkInfo, ResultsError

__all__ = [
    "POSITIVE",
    "Row",
    "interval",
    "kind_of",
    "param_lists",
    "quartiles",
    "read_json_file",
    "require",
    "samples_of",
    "strings",
]


def read_json_file(path: Path) -> Any:
    try:
        return read_json(path)
    except JSONFileError as err:
        raise ResultsError(path, err.problem) from None


def require(path: Path, data: Any, key: str, kind: type | tuple[type, ...]) -> Any:
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


def strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def param_lists(value: Any) -> bool:
    """asv's `params`: one list of repr strings per parameter."""
    return isinstance(value, list) and all(strings(v) for v in value)


def kind_of(name: str, info: BenchmarkInfo | None) -> str:
    """asv's benchmark type, from benchmarks.json or else from the method's prefix."""
    if info is not None and info.type:
        return info.type
    method = name.rsplit(".", 1)[-1]
    if method.startswith(("time_", "timeraw_")):
        return "time"
    return "peakmemory" if method.startswith("peakmem_") else ""


class Row:
    """One benchmark's row of a run file, validated column by column; errors name the cell."""

    def __init__(self, path: Path, name: str, row: Any, columns: Sequence[str]) -> None:
        self.path, self.name = path, name
        if not isinstance(row, list) or not row:
            raise self.error("the row should be a non-empty list")
        if len(row) > len(columns):
            raise self.error(f"{len(row)} cells for {len(columns)} result_columns")
        self.cells = dict(zip(columns, row, strict=False))  # asv drops trailing empty columns
        params = self.cells.get("params", [])  # absent: dropped as a trailing empty column
        if not param_lists(params):
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


def interval(row: Row, k: int, a_column: str, b_column: str, a: Any, b: Any) -> Any:
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


def samples_of(row: Row, k: int, value: Any) -> tuple[float, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise row.error(f"should be a list of samples, got {value!r}", "samples", k)
    return tuple(row.finite("samples", s, k) for s in value)  # type: ignore[misc]


POSITIVE = ("time", "peakmemory", "memory")  # nothing takes no time or no memory


def quartiles(row: Row, k: int, q25: Any, q75: Any) -> tuple[float, float] | None:
    low = row.finite("stats_q_25", q25, k)
    high = row.finite("stats_q_75", q75, k)
    if low is None or high is None:
        return None
    if low > high:
        raise row.error(f"q25 {low!r} is above q75 {high!r}", "stats_q_25", k)
    return (low, high)
