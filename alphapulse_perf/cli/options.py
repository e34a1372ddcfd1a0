"""Each subcommand's options as a typed value, built once from argparse's namespace.

The parser (`parser.py`) says how options are spelt on the command line; these classes say what a
command receives, so that mypy checks every use and a command cannot read an option it was not
given. `options_of` fails loudly when the two disagree (a test builds every command's options).
"""

from __future__ import annotations

import argparse
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "BaselineOptions",
    "BisectOptions",
    "CheckOptions",
    "MachineOptions",
    "MergeOptions",
    "ProfileDiffOptions",
    "ProfileOptions",
    "PublishOptions",
    "ReportOptions",
    "ShardOptions",
    "TrendOptions",
    "options_of",
]

Options = TypeVar("Options")


def options_of(cls: type[Options], args: argparse.Namespace) -> Options:
    """`cls` (one of the dataclasses below) filled from the parsed options of the same names."""
    given = vars(args)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    required = [f.name for f in fields if f.default is dataclasses.MISSING]
    missing = [name for name in required if name not in given]
    if missing:  # the parser and the class disagree: a bug, not the user's
        raise TypeError(f"{cls.__name__}: the parser gives no {', '.join(missing)}")
    values: dict[str, Any] = {f.name: given[f.name] for f in fields if f.name in given}
    return cls(**values)


@dataclass(frozen=True, kw_only=True)
class _Located:
    """Where results, settings and the repository are (`--results`, `--config`, `--repo`)."""

    results: Path | None
    config: Path | None
    repo: Path


@dataclass(frozen=True, kw_only=True)
class ReportOptions(_Located):
    machine: str | None
    commit: str
    format: str
    env: re.Pattern[str] | None


@dataclass(frozen=True, kw_only=True)
class CheckOptions(_Located):
    """`check` and `confirm` (the last two are confirm's: None for check)."""

    baseline: str | None
    commit: str
    machine: str | None
    baseline_machine: str | None
    rounds: int | None
    output: Path | None
    format: str
    env: re.Pattern[str] | None
    into: Path | None = None
    second_batch: Path | None = None


@dataclass(frozen=True, kw_only=True)
class BaselineOptions(_Located):
    action: str  # set, list, rm
    name: str | None = None
    rev: str | None = None


@dataclass(frozen=True, kw_only=True)
class TrendOptions(_Located):
    regex: str | None
    machine: str | None
    plot: Path | None
    format: str
    env: re.Pattern[str] | None


@dataclass(frozen=True, kw_only=True)
class MachineOptions(_Located):
    action: str  # check
    machine: str | None


@dataclass(frozen=True, kw_only=True)
class ShardOptions(_Located):
    k: int
    n: int
    machine: str | None
    match: re.Pattern[str] | None
    only: re.Pattern[str] | None
    benchmarks: Path


@dataclass(frozen=True, kw_only=True)
class BisectOptions(_Located):
    benchmark: str
    good: str
    bad: str
    metric: str
    machine: str | None
    format: str


@dataclass(frozen=True, kw_only=True)
class ProfileOptions:
    regex: str
    commit: str
    out: Path | None
    repo: Path
    min_time: float
    lines: list[str] | None


@dataclass(frozen=True, kw_only=True)
class ProfileDiffOptions:
    captures: list[str]
    bench: str | None
    from_rev: str | None
    to_rev: str | None
    out: Path
    format: str
    output: Path | None
    top: int
    sort: str
    normalise: str
    flamegraph: Path | None
    mark: int
    repo: Path
    min_time: float
    lines: int


@dataclass(frozen=True, kw_only=True)
class MergeOptions:
    folders: list[Path]
    into: Path


@dataclass(frozen=True, kw_only=True)
class PublishOptions:
    repo: Path
    html: Path
    cache: Path
