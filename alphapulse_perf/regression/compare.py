"""Decide, per series (machine, env, benchmark, params), what changed between two commits.

Decision order for one series (first that applies):
- no usable record at the target (absent or skipped) but one at the baseline -> `missing`
- the target failed (asv stored null) after a value at the baseline          -> `broken`
- the target failed, and the baseline had no value either                    -> `failed`
- no value at the baseline                                                   -> `new`
- the benchmark's version differs, or a value is not finite (`--quick`)      -> `incomparable`
- the change stays within the tolerance                                      -> `unchanged`
- beyond it and real (stats.significance, or `deterministic` in the settings): bad direction
  -> `regressed`, good -> `improved`; but a `control` (code that never changes between our
  commits, such as the TA-Lib references) is never either: its real move is the machine's
- beyond it but not shown real                                               -> `noisy`

Envs are paired before series are: asv names an env after its Python and requirements, so a
dependency bump renames it. With one env on each side, the two are compared whatever their names;
with more, envs pair by equal names (`pair_envs`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from alphapulse_perf.regression.settings import Direction, Settings
from alphapulse_perf.regression.stats import (
    Evidence,
    Significance,
    detectable_factor,
    significance,
    split_rounds,
)
from alphapulse_perf.results import Outcome, Record

__all__ = [
    "COMPARED",
    "Comparison",
    "EnvPairs",
    "Status",
    "beyond",
    "classify",
    "compare_commits",
    "compare_sides",
    "pair_envs",
    "series_order",
]

SeriesKey = tuple[str, str, str, tuple[str, ...]]


class Status(enum.Enum):
    REGRESSED = "regressed"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    NOISY = "noisy"
    NEW = "new"
    MISSING = "missing"
    FAILED = "failed"  # failed at the target and had no value at the baseline either
    BROKEN = "broken"  # a value at the baseline, failed at the target
    INCOMPARABLE = "incomparable"


# The statuses of a series whose two values were actually set side by side.
COMPARED = frozenset({Status.REGRESSED, Status.IMPROVED, Status.UNCHANGED, Status.NOISY})


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
    reason: str = ""  # what the statistics do not say (why missing, broken, a control, drift)
    # The smallest factor of change in the bad direction that the rule could flag, given the
    # spread of both sides' rounds (timings with rounds only).
    detectable: float | None = None
    control: bool = False
    baseline_env: str = ""  # the env at the baseline, when it differs from `env`
    drift: float | None = None  # set when a move no larger than the controls' was discounted

    @property
    def machine_moved(self) -> bool:
        """A control that moved beyond its tolerance for real: the machine drifted."""
        real = self.significance is not None and self.significance.real
        return self.control and real and self.status is Status.NOISY

    @property
    def blind(self) -> bool:
        """The series' own spread hides a change of its tolerance."""
        return self.detectable is not None and self.detectable > (1 + self.tolerance) * 1.000001

    @property
    def params_dict(self) -> dict[str, str]:
        return dict(zip(self.param_names, self.params, strict=True))


def _usable(record: Record | None) -> bool:
    return record is not None and record.outcome is not Outcome.SKIPPED


def beyond(ratio: float, tolerance: float, direction: Direction) -> tuple[bool, bool]:
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
    control = settings.control_for(some.label)
    base = before.value if before is not None and before.outcome is Outcome.OK else None
    cur = after.value if after is not None and after.outcome is Outcome.OK else None
    ratio = cur / base if cur is not None and base is not None and base != 0 else None
    margin = settings.round_margin * tolerance
    detectable = _detectable(before, after, rounds, margin, tolerance, direction)
    env_before = before.env if before is not None and after is not None else ""

    def made(status: Status, reason: str = "", sig: Significance | None = None) -> Comparison:
        return Comparison(
            some.machine, some.env, some.benchmark, some.params, some.param_names, some.label,
            some.unit, base, cur, ratio, status, direction, tolerance, sig, reason, detectable,
            control, env_before if env_before != some.env else "",
        )  # fmt: skip

    if not _usable(after):
        return made(Status.MISSING, "no result at the target")
    assert after is not None
    if after.outcome is Outcome.FAILED:
        if base is not None:
            return made(Status.BROKEN, "a value at the baseline, failed at the target")
        return made(Status.FAILED, "failed at the target, no value at the baseline")
    if base is None:
        failed = before is not None and before.outcome is Outcome.FAILED
        return made(Status.NEW, "failed at the baseline" if failed else "no result at the baseline")
    assert before is not None and cur is not None
    if before.version is not None and after.version is not None and before.version != after.version:
        return made(Status.INCOMPARABLE, f"benchmark version {before.version} -> {after.version}")
    if not (math.isfinite(base) and math.isfinite(cur)):
        return made(Status.INCOMPARABLE, "a value is not a finite measurement (asv --quick?)")
    if ratio is None or base < 0 or cur <= 0:
        return made(Status.INCOMPARABLE, "a value at or below zero has no ratio to judge")
    worse, better = beyond(ratio, tolerance, direction)
    if not (worse or better):
        return made(Status.UNCHANGED)
    if settings.deterministic_for(some.label):
        sig = Significance(True, Evidence.DETERMINISTIC)
    else:
        sig = significance(
            before.samples, after.samples, before.ci_99, after.ci_99, rounds,
            settings.p_threshold, margin,
        )  # fmt: skip
    if not sig.real:
        return made(Status.NOISY, _why_not(sig), sig)
    if control:
        return made(Status.NOISY, "a control (unchanged code): the machine moved", sig)
    return made(Status.REGRESSED if worse else Status.IMPROVED, "", sig)


def _detectable(
    before: Record | None,
    after: Record | None,
    rounds: int,
    margin: float,
    tolerance: float,
    direction: Direction,
) -> float | None:
    if before is None or after is None or before.samples is None or after.samples is None:
        return None
    if before.value is None or after.value is None:
        return None
    b, a = split_rounds(before.samples, rounds), split_rounds(after.samples, rounds)
    if len(b) < 2 or len(a) < 2:
        return None
    up = direction is Direction.LOWER
    return max(1 + tolerance, detectable_factor(b, a, before.value, after.value, margin, up))


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


EnvPairs = dict[tuple[str, str], str]  # (machine, baseline env) -> target env


def pair_envs(before: Iterable[tuple[str, str]], after: Iterable[tuple[str, str]]) -> EnvPairs:
    """Which baseline env each target env is compared with, per machine.

    `before` and `after` are the (machine, env) pairs with results. One env a side on a machine:
    those two, whatever their names. Otherwise envs of equal names.
    """

    def by_machine(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for machine, env in pairs:
            found.setdefault(machine, set()).add(env)
        return found

    old_envs, new_envs = by_machine(before), by_machine(after)
    pairs: EnvPairs = {}
    for machine in old_envs.keys() & new_envs.keys():
        old, new = old_envs[machine], new_envs[machine]
        if len(old) == 1 and len(new) == 1:
            pairs[machine, next(iter(old))] = next(iter(new))
        else:
            pairs.update({(machine, env): env for env in old & new})
    return pairs


def compare_commits(
    records: Iterable[Record],
    baseline: str,
    target: str,
    settings: Settings,
    rounds: Mapping[str, int] | None = None,
    envs: EnvPairs | None = None,
) -> list[Comparison]:
    """Every series with a record at `baseline` or `target` (full commit hashes), sorted.

    `envs` pairs the baseline's envs with the target's (default: `pair_envs` of the records).
    """
    chosen = list(records)
    before = [r for r in chosen if r.commit == baseline]
    after = [r for r in chosen if r.commit == target]
    return compare_sides(before, after, settings, rounds, envs)


def compare_sides(
    before: Sequence[Record],
    after: Sequence[Record],
    settings: Settings,
    rounds: Mapping[str, int] | None = None,
    envs: EnvPairs | None = None,
) -> list[Comparison]:
    """Every series with a record in `before` (the baseline's) or `after` (the target's)."""
    if envs is None:
        envs = pair_envs({(r.machine, r.env) for r in before}, {(r.machine, r.env) for r in after})
    old: dict[SeriesKey, Record] = {}
    for record in before:
        env = envs.get((record.machine, record.env), record.env)
        old[(record.machine, env, record.benchmark, record.params)] = record
    new = {record.key: record for record in after}
    comparisons = []
    for key in sorted(old.keys() | new.keys(), key=series_order):
        if not (_usable(old.get(key)) or _usable(new.get(key))):
            continue  # skipped on both sides: nothing to say
        comparisons.append(
            classify(old.get(key), new.get(key), settings, (rounds or {}).get(key[2], 1))
        )
    return comparisons
