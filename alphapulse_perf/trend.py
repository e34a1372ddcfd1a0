"""Steps in each series' history: where a benchmark got faster or slower, and by how much.

Reuses asv's step detection (`asv.step_detect.detect_steps`, the piecewise-constant fit behind
`asv publish`'s regressions page) so that this list and asv's pages agree. A step is kept when its
size exceeds the series' tolerance from the settings; smaller steps are the fit following noise.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from alphapulse_perf.compare import SeriesKey, series_order
from alphapulse_perf.results import Outcome, Record
from alphapulse_perf.settings import Direction, Settings

__all__ = ["Step", "Trend", "find_steps", "trends"]


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
class Trend:
    label: str
    machine: str
    env: str
    unit: str
    points: int
    steps: tuple[Step, ...]


def find_steps(
    values: list[float], commits: list[str], tolerance: float, direction: Direction
) -> list[Step]:
    """The level changes of one series (oldest first) larger than `tolerance`."""
    from asv.step_detect import detect_steps  # type: ignore[import-untyped]  # asv==0.6.6

    if len(values) < 2:
        return []
    segments = detect_steps(values)
    steps = []
    for (_, end, before, _, _), (start, _, after, _, _) in itertools.pairwise(segments):
        if before <= 0 or abs(math.log(after / before)) <= math.log1p(tolerance):
            continue
        up = after > before
        worse = up if direction is Direction.LOWER else not up
        steps.append(Step(commits[start], commits[end - 1], before, after, worse))
    return steps


def trends(
    records: Iterable[Record], settings: Settings, pattern: str | None = None
) -> list[Trend]:
    """Every series whose label matches `pattern` (re.search), with its steps."""
    regex = re.compile(pattern) if pattern else None
    series: dict[SeriesKey, list[Record]] = {}
    for r in records:
        measured = r.outcome is Outcome.OK and r.value is not None and math.isfinite(r.value)
        if measured and (regex is None or regex.search(r.label)):
            series.setdefault(r.key, []).append(r)
    found = []
    for key in sorted(series, key=series_order):
        history = sorted(series[key], key=lambda r: (r.date, r.commit))
        last = history[-1]
        steps = find_steps(
            [r.value for r in history if r.value is not None],
            [r.commit for r in history],
            settings.tolerance_for(last.label),
            settings.direction_for(last.label),
        )
        found.append(
            Trend(last.label, last.machine, last.env, last.unit, len(history), tuple(steps))
        )
    return found
