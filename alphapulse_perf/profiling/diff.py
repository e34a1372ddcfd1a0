"""Two captures compared: which functions' time changed most (`alphapulse-perf profile-diff`).

Matching. A function is the same in both captures when its file (as `short_path` shows it) and
name are: line numbers move with every edit above a function, so they only tell apart functions of
one name in one file (the k-th by line in one capture is the k-th in the other).

Normalisation, so captures of different lengths compare fairly:
- `per-call` (chosen by `auto` when both captures have the same entry, the root holding most
  time): every time and call count is divided by the calls of that entry. A benchmark profiled
  for 300 iterations at one commit and 200 at another compares per iteration; a function
  profiled once per capture compares as it is; two windows of the continuous profiler compare
  per sample of their busiest thread.
- `share` (chosen by `auto` otherwise): the after capture is scaled to the before's total, so
  times compare as shares of each capture's total, in the before's seconds.
- `none`: times as captured.

Attribution, the default ranking. A function that got slower makes its callers slower too, so
ranking by the change of cumulative time puts the entry first and the culprit somewhere below;
ranking by own time puts numpy's built-ins first. The attributed change of a function is
1. the change of its own time beyond what its change in calls explains, plus
2. the change in how often it calls each callee (per call of itself), valued at that callee's
   cumulative time per call in the before capture.
A function called more often passes that cost up to the caller that calls it more; a function
slower per call keeps it. A new function carries its whole cost (its callers are not charged for
calling it), a vanished one its whole saving. Over a tree of calls the attributed changes add up to
the change of the total; recursion and functions with several callers make that approximate.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from alphapulse_perf.profiling.capture import Capture, FunctionKey, FunctionStat, short_path
from alphapulse_perf.profiling.text import format_time, time_unit

__all__ = [
    "DiffRow",
    "Normalisation",
    "ProfileDiff",
    "Side",
    "Status",
    "compare_captures",
    "offender_marks",
    "offenders",
]

MatchKey = tuple[str, str, int]
SORTS = ("attributed", "own", "cumulative")


class Normalisation(enum.Enum):
    AUTO = "auto"
    PER_CALL = "per-call"
    SHARE = "share"
    NONE = "none"


class Status(enum.Enum):
    CHANGED = "changed"  # in both captures (its figures may still be equal)
    NEW = "new"
    VANISHED = "vanished"


@dataclass(frozen=True)
class Side:
    """One function in one capture, normalised."""

    key: FunctionKey
    own: float
    cumulative: float
    calls: float
    share: float  # cumulative time over the capture's total (not normalised: a fraction)


@dataclass(frozen=True)
class DiffRow:
    function: str
    status: Status
    before: Side | None
    after: Side | None
    attributed: float

    @property
    def own_change(self) -> float:
        return _own(self.after) - _own(self.before)

    @property
    def cumulative_change(self) -> float:
        return _cumulative(self.after) - _cumulative(self.before)


@dataclass(frozen=True)
class ProfileDiff:
    before: str
    after: str
    normalisation: Normalisation  # never AUTO: what was used
    unit: str  # what the normalised figures are, for the reader
    total_before: float
    total_after: float
    rows: tuple[DiffRow, ...]  # every function, most changed first (by `sort`)
    sort: str


def _own(side: Side | None) -> float:
    return side.own if side is not None else 0.0


def _cumulative(side: Side | None) -> float:
    return side.cumulative if side is not None else 0.0


def _match_keys(capture: Capture) -> dict[MatchKey, FunctionStat]:
    """Functions by (file as shown, name, rank by line among that file's functions of that name)."""
    groups: dict[tuple[str, str], list[FunctionStat]] = defaultdict(list)
    for f in capture.functions.values():
        groups[("~" if f.key.builtin else short_path(f.key.file), f.key.name)].append(f)
    return {
        (file, name, k): f
        for (file, name), stats in groups.items()
        for k, f in enumerate(sorted(stats, key=lambda s: s.key.line))
    }


def _same_entry(before: Capture, after: Capture) -> bool:
    b, a = before.entry, after.entry
    if b is None or a is None:
        return False
    b_file = "~" if b.key.builtin else short_path(b.key.file)
    a_file = "~" if a.key.builtin else short_path(a.key.file)
    return (b_file, b.key.name) == (a_file, a.key.name)


def _scales(
    before: Capture, after: Capture, how: Normalisation
) -> tuple[Normalisation, str, tuple[float, float], tuple[float, float]]:
    """(normalisation used, its description, time factors, call factors) for before and after."""
    if how is Normalisation.AUTO:
        how = Normalisation.PER_CALL if _same_entry(before, after) else Normalisation.SHARE
    if how is Normalisation.PER_CALL:
        b, a = before.entry, after.entry
        if b is None or a is None or not _same_entry(before, after):
            raise ValueError(
                "per-call normalisation needs the same entry function in both captures "
                f"({b.key.label if b else 'none'} against {a.key.label if a else 'none'})"
            )
        calls = before.root_calls(b), after.root_calls(a)
        unit = f"per call of {a.key.label} ({calls[0]:,} calls before, {calls[1]:,} after)"
        factors = (1.0 / max(calls[0], 1), 1.0 / max(calls[1], 1))
        return how, unit, factors, factors
    if how is Normalisation.SHARE:
        scale = before.total / after.total if after.total > 0 else 1.0
        unit = f"after scaled to the before's total (x{scale:.3g}): shares, in the before's time"
        return how, unit, (1.0, scale), (1.0, 1.0)
    return how, "as captured", (1.0, 1.0), (1.0, 1.0)


def _side(f: FunctionStat | None, time: float, calls: float, total: float) -> Side | None:
    if f is None:
        return None
    share = f.cumulative / total if total > 0 else 0.0
    return Side(f.key, f.own * time, f.cumulative * time, f.calls * calls, share)


def _callee_calls(
    capture: Capture, f: FunctionStat, index: Mapping[FunctionKey, MatchKey], calls: float
) -> dict[MatchKey, float]:
    """The calls `f` makes to each other function (self-recursion left out), normalised."""
    return {
        index[callee]: edge.calls * calls
        for callee, edge in capture.callees(f.key).items()
        if callee != f.key
    }


def compare_captures(
    before: Capture,
    after: Capture,
    normalisation: Normalisation = Normalisation.AUTO,
    sort: str = "attributed",
) -> ProfileDiff:
    """Every function of either capture with its figures before and after and its attributed
    change (see the module's documentation), sorted by the size of the change in `sort`
    ("attributed", "own" or "cumulative"), largest first."""
    if sort not in SORTS:
        raise ValueError(f"`sort` must be one of {', '.join(SORTS)}, not {sort!r}")
    used, unit, (tb, ta), (cb, ca) = _scales(before, after, normalisation)
    old, new = _match_keys(before), _match_keys(after)
    old_index = {f.key: k for k, f in old.items()}
    new_index = {f.key: k for k, f in new.items()}

    def per_call_before(k: MatchKey) -> float:
        """The before cost of one call of `k`, when it is in both captures (else 0: see doc)."""
        f = old.get(k)
        if f is None or k not in new or f.primitive == 0:
            return 0.0
        return (f.cumulative * tb) / (f.primitive * cb)

    rows = []
    for k in sorted(old.keys() | new.keys()):
        b, a = old.get(k), new.get(k)
        if b is not None and a is not None:
            rate = (a.calls * ca) / (b.calls * cb) if b.calls else 0.0
            calls_b = _callee_calls(before, b, old_index, cb)
            calls_a = _callee_calls(after, a, new_index, ca)
            attributed = a.own * ta - b.own * tb * rate
            attributed += sum(
                (calls_a.get(c, 0.0) - calls_b.get(c, 0.0) * rate) * per_call_before(c)
                for c in calls_a.keys() | calls_b.keys()
            )
            status = Status.CHANGED
        elif a is not None:
            calls_a = _callee_calls(after, a, new_index, ca)
            attributed = a.own * ta + sum(n * per_call_before(c) for c, n in calls_a.items())
            status = Status.NEW
        else:
            assert b is not None
            calls_b = _callee_calls(before, b, old_index, cb)
            attributed = -b.own * tb - sum(n * per_call_before(c) for c, n in calls_b.items())
            status = Status.VANISHED
        shown = a if a is not None else b
        assert shown is not None
        rows.append(
            DiffRow(
                shown.key.label,
                status,
                _side(b, tb, cb, before.total),
                _side(a, ta, ca, after.total),
                attributed,
            )
        )
    rows.sort(key=lambda r: (-abs(_change(r, sort)), r.function))
    return ProfileDiff(
        before.source,
        after.source,
        used,
        unit,
        before.total * tb,
        after.total * ta,
        tuple(rows),
        sort,
    )


def _change(row: DiffRow, sort: str) -> float:
    if sort == "own":
        return row.own_change
    if sort == "cumulative":
        return row.cumulative_change
    return row.attributed


def offenders(diff: ProfileDiff, n: int = 5, relative: float = 0.1) -> list[DiffRow]:
    """The `n` functions that got slower by most, worst first.

    Only changes of at least `relative` times the worst one count: below that they are the
    timer's and the machine's noise, and marking them would hide the real offender among them.
    """
    slower = [r for r in diff.rows if r.attributed > 0 and r.after is not None]
    slower.sort(key=lambda r: (-r.attributed, r.function))
    if not slower:
        return []
    floor = relative * slower[0].attributed
    return [r for r in slower if r.attributed >= floor][:n]


def offender_marks(diff: ProfileDiff, n: int = 5) -> dict[FunctionKey, str]:
    """The top offenders' functions in the after capture, each with its note for a flame graph."""
    marks = {}
    for row in offenders(diff, n):
        assert row.after is not None
        unit = time_unit([row.attributed])
        marks[row.after.key] = f"{format_time(row.attributed, unit, signed=True)} attributed"
    return marks
