"""Machine drift: what the controls say about the machine, and the timings it explains.

A control is a benchmark whose code no commit of ours changes (the TA-Lib references: the same C
library on the same inputs in every run). When a control moves beyond its tolerance and the move
is real, the machine itself ran slower (or faster) for the target than for the baseline: a timing
of our code that moved by no more than the controls did cannot be told from that drift, and is
reported `noisy` instead of `regressed` (or `improved`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from alphapulse_perf.regression.compare import Comparison, Status

__all__ = ["Drift", "discount_drift", "find_drift"]


@dataclass(frozen=True)
class Drift:
    """One control that moved for real: its series and its ratio (target / baseline)."""

    machine: str
    env: str
    control: str  # the control's label
    ratio: float


def find_drift(comparisons: Iterable[Comparison]) -> list[Drift]:
    """The controls whose move is beyond their tolerance and real."""
    return [
        Drift(c.machine, c.env, c.label, c.ratio)
        for c in comparisons
        if c.machine_moved and c.ratio is not None
    ]


def _timing(c: Comparison) -> bool:
    return c.unit == "seconds" and not c.control


def discount_drift(comparisons: Sequence[Comparison], drifts: Sequence[Drift]) -> list[Comparison]:
    """`comparisons` with each timing regression (improvement) no larger than the slowest
    (fastest) control of its machine and env made `noisy`, the drift noted."""
    slower: dict[tuple[str, str], float] = {}
    faster: dict[tuple[str, str], float] = {}
    for d in drifts:
        where = (d.machine, d.env)
        if d.ratio > 1:
            slower[where] = max(d.ratio, slower.get(where, d.ratio))
        elif d.ratio < 1:
            faster[where] = min(d.ratio, faster.get(where, d.ratio))
    found = []
    for c in comparisons:
        where = (c.machine, c.env)
        drift = None
        if _timing(c) and c.ratio is not None:
            up, down = slower.get(where), faster.get(where)
            if c.status is Status.REGRESSED and up is not None and c.ratio <= up:
                drift = up
            elif c.status is Status.IMPROVED and down is not None and c.ratio >= down:
                drift = down
        if drift is None:
            found.append(c)
        else:
            reason = f"machine drift: a control moved {drift:.2f}x"
            found.append(dataclasses.replace(c, status=Status.NOISY, reason=reason, drift=drift))
    return found
