"""Decide, per series (machine, env, benchmark, params), what changed between two commits.

Decision order for one series (first that applies):
- no usable record at the target (absent or skipped) but one at the baseline -> `missing`
- the target failed (asv stored null)                                          -> `failed`
- no usable record at the baseline                                             -> `new`
- the benchmark's version differs, or a value is not finite (`--quick`)        -> `incomparable`
- the change stays within the tolerance                                        -> `unchanged`
- beyond it and real (stats.significance, or `deterministic` in the settings): bad direction
  -> `regressed`, good -> `improved`
- beyond it but not shown real                                                 -> `noisy`
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from alphapulse_perf.results import Outcome, Record
from alphapulse_perf.settings import Direction, Settings
from alphapulse_perf.stats import Evidence, Significance, significance

__all__ = ["Comparison", "Status", "classify", "compare_commits", "series_order"]

SeriesKey = tuple[str, str, str, tuple[str, ...]]


class Status(enum.Enum):
    REGRESSED = "regressed"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    NOISY = "noisy"
    NEW = "new"
    MISSING = "missing"
    FAILED = "failed"
    INCOMPARABLE = "incomparable"


@dataclass(frozen=True)
class Comparison:
    machine: str
    env: str
    benchmark: str
    params: tuple[str, ...]
    param_names: tuple[str, ...]
    label: str
    unit: str
    baseline: float | None
    current: float | None
    ratio: float | None  # current / baseline
    status: Status
    direction: Direction
    tolerance: float
    significance: Significance | None = None
    reason: str = ""

    @property
    def params_dict(self) -> dict[str, str]:
        return dict(zip(self.param_names, self.params, strict=True))


def _usable(record: Record | None) -> bool:
    return record is not None and record.outcome is not Outcome.SKIPPED


def _beyond(ratio: float, tolerance: float, direction: Direction) -> tuple[bool, bool]:
    """(worse beyond tolerance, better beyond tolerance); symmetric in log space."""
    factor = 1 + tolerance
    worse_up = direction is Direction.LOWER
    up, down = ratio > factor, ratio < 1 / factor
    return (up, down) if worse_up else (down, up)


def classify(
    before: Record | None,
    after: Record | None,
    settings: Settings,
    rounds: int = 1,
) -> Comparison:
    """One series' status between `before` (baseline) and `after` (target)."""
    some = after if after is not None else before
    if some is None:
        raise ValueError("classify needs at least one record")
    direction = settings.direction_for(some.label)
    tolerance = settings.tolerance_for(some.label)
    base = before.value if before is not None and before.outcome is Outcome.OK else None
    cur = after.value if after is not None and after.outcome is Outcome.OK else None
    ratio = cur / base if cur is not None and base is not None and base != 0 else None

    def made(status: Status, reason: str = "", sig: Significance | None = None) -> Comparison:
        return Comparison(
            some.machine, some.env, some.benchmark, some.params, some.param_names, some.label,
            some.unit, base, cur, ratio, status, direction, tolerance, sig, reason,
        )  # fmt: skip

    if not _usable(after):
        return made(Status.MISSING, "no result at the target")
    assert after is not None
    if after.outcome is Outcome.FAILED:
        return made(Status.FAILED, "the benchmark failed at the target")
    if not _usable(before) or base is None:
        return made(Status.NEW, "no result at the baseline")
    assert before is not None and cur is not None
    if before.version is not None and after.version is not None and before.version != after.version:
        return made(Status.INCOMPARABLE, f"benchmark version {before.version} -> {after.version}")
    if not (math.isfinite(base) and math.isfinite(cur)) or ratio is None or ratio <= 0:
        return made(Status.INCOMPARABLE, "a value is not a finite measurement (asv --quick?)")
    worse, better = _beyond(ratio, tolerance, direction)
    if not (worse or better):
        return made(Status.UNCHANGED)
    if settings.deterministic_for(some.label):
        sig = Significance(True, Evidence.DETERMINISTIC)
    else:
        sig = significance(
            before.samples, after.samples, before.ci_99, after.ci_99, rounds,
            settings.p_threshold, settings.round_margin * tolerance,
        )  # fmt: skip
    if not sig.real:
        return made(Status.NOISY, _why_not(sig), sig)
    return made(Status.REGRESSED if worse else Status.IMPROVED, "", sig)


def _why_not(sig: Significance) -> str:
    if sig.evidence is Evidence.SAMPLES:
        if sig.rounds_agree is False:
            return f"not every round agrees (Mann-Whitney p={sig.p:.2g})"
        return f"Mann-Whitney p={sig.p:.2g}"
    if sig.evidence is Evidence.CI:
        return "the 99 % confidence intervals overlap"
    return "no statistics recorded (a track read once per process); see deterministic in settings"


def series_order(key: SeriesKey) -> tuple[str, str, str, tuple[tuple[int, float, str], ...]]:
    """Series sorted by name, then parameters by value (numbers as numbers: 25 before 100)."""

    def value(p: str) -> tuple[int, float, str]:
        try:
            return (0, float(p), p)
        except ValueError:
            return (1, 0.0, p)

    machine, env, benchmark, params = key
    return (machine, env, benchmark, tuple(value(p) for p in params))


def compare_commits(
    records: Iterable[Record],
    baseline: str,
    target: str,
    settings: Settings,
    rounds: Mapping[str, int] | None = None,
) -> list[Comparison]:
    """Every series with a record at `baseline` or `target` (full commit hashes), sorted."""
    before: dict[SeriesKey, Record] = {}
    after: dict[SeriesKey, Record] = {}
    for record in records:
        if record.commit == baseline:
            before[record.key] = record
        if record.commit == target:
            after[record.key] = record
    comparisons = []
    for key in sorted(before.keys() | after.keys(), key=series_order):
        if not (_usable(before.get(key)) or _usable(after.get(key))):
            continue  # skipped on both sides: nothing to say
        comparisons.append(
            classify(before.get(key), after.get(key), settings, (rounds or {}).get(key[2], 1))
        )
    return comparisons
