"""Steps in each series' history: where a benchmark got faster or slower, and by how much.

Reuses asv's step detection (`asv.step_detect.detect_steps`, the piecewise-constant fit behind
`asv publish`'s regressions page) so that this list and asv's pages agree. A step is kept when its
size exceeds the series' tolerance from the settings; smaller steps are the fit following noise.
Each trend also keeps its history (value and fitted level per commit) for `trend_plot`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from alphapulse_perf._asv import from_asv
from alphapulse_perf.regression.compare import SeriesKey, series_order
from alphapulse_perf.regression.settings import Direction, Settings
from alphapulse_perf.results import Outcome, Record

__all__ = ["Point", "Step", "Trend", "find_steps", "trends"]


@dataclass(frozen=True)
class Step:
    commit: str  # the first commit at the new level
    previous: str  # the last commit at the old level
    before: float
    after: float
    worse: bool  # in the series' bad direction

    @property
    def ratio(self) -> float:
        return self.after / self.before


@dataclass(frozen=True)
class Point:
    """One commit of a series' history."""

    commit: str
    value: float | None  # None: nothing measured there (failed, skipped, infinite)
    level: float | None  # asv's fitted level there; None where `value` is


@dataclass(frozen=True)
class Trend:
    label: str
    machine: str
    env: str
    unit: str
    points: int  # commits with a measured value
    steps: tuple[Step, ...]
    history: tuple[Point, ...] = ()  # every recorded commit, oldest first


Segment = tuple[int, int, float]  # start, end (exclusive), level: one piece of asv's fit


def _fit(values: list[float]) -> list[Segment]:
    """asv's piecewise-constant fit of `values` (no missing ones)."""
    detect_steps = from_asv("asv.step_detect", "detect_steps")
    if len(values) < 2:
        return [(0, 1, values[0])] if values else []
    return [(start, end, level) for start, end, level, _, _ in detect_steps(values)]


def _steps(
    segments: list[Segment], commits: list[str], tolerance: float, direction: Direction
) -> list[Step]:
    steps = []
    for (_, end, before), (start, _, after) in itertools.pairwise(segments):
        if before <= 0 or after <= 0:  # a ratio needs two positive levels (tracks may not be)
            continue
        if abs(math.log(after) - math.log(before)) <= math.log1p(tolerance):  # no underflow
            continue
        up = after > before
        worse = up if direction is Direction.LOWER else not up
        steps.append(Step(commits[start], commits[end - 1], before, after, worse))
    return steps


def find_steps(
    values: list[float], commits: list[str], tolerance: float, direction: Direction
) -> list[Step]:
    """The level changes of one series (oldest first) larger than `tolerance`."""
    return _steps(_fit(values), commits, tolerance, direction)


def _measured(r: Record) -> float | None:
    ok = r.outcome is Outcome.OK and r.value is not None and math.isfinite(r.value)
    return r.value if ok else None


def trends(
    records: Iterable[Record], settings: Settings, pattern: str | None = None
) -> list[Trend]:
    """Every series whose label matches `pattern` (re.search) and that has a measured value,
    with its steps and its history."""
    regex = re.compile(pattern) if pattern else None
    series: dict[SeriesKey, list[Record]] = {}
    for r in records:
        if regex is None or regex.search(r.label):
            series.setdefault(r.key, []).append(r)
    found = []
    for key in sorted(series, key=series_order):
        trend = _trend(sorted(series[key], key=lambda r: (r.date, r.commit)), settings)
        if trend is not None:
            found.append(trend)
    return found


def _trend(history: list[Record], settings: Settings) -> Trend | None:
    """One series (oldest first): steps fitted on its measured values; None if it has none."""
    values = [_measured(r) for r in history]
    measured = [(r, v) for r, v in zip(history, values, strict=True) if v is not None]
    if not measured:
        return None
    last = measured[-1][0]
    segments = _fit([v for _, v in measured])
    steps = _steps(
        segments,
        [r.commit for r, _ in measured],
        settings.tolerance_for(last.label),
        settings.direction_for(last.label),
    )
    fitted = iter([level for start, end, level in segments for _ in range(start, end)])
    points = tuple(
        Point(r.commit, v, None if v is None else next(fitted))
        for r, v in zip(history, values, strict=True)
    )
    return Trend(last.label, last.machine, last.env, last.unit, len(measured), tuple(steps), points)
