"""The records the helper reads asv's results into (one value of one benchmark, combination,
commit, machine and env), the benchmarks' attributes, and the error that names a file.

How asv lays its files out, and how they are read, is `loading`'s documentation.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RESULTS_FORMAT", "BenchmarkInfo", "Outcome", "Record", "ResultsError", "label_of"]

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
