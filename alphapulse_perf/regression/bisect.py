"""`alphapulse-perf bisect`: the first commit whose deterministic metric moved, in log2(n) steps.

`asv find` bisects on timings, which a busy machine moves as much as a commit does. An instruction
count or a cycle estimate repeats exactly, so one measurement per commit decides and the search is
exact: the value at GOOD is the reference, a commit "moved" when its value differs from it by
more than the tolerance, and the culprit is the first moved commit after the last unmoved one.
With one step in the range that is the commit that made it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["METRICS", "BisectError", "Bisection", "bisect_commits"]

# The deterministic metrics the suite records, each its series' unit: instruction counts and
# estimated cycles (benchmarks/instruction_counts.py).
METRICS = ("instructions", "cycles")


class BisectError(ValueError):
    """The range cannot be bisected (nothing moved, or a commit cannot be measured)."""


@dataclass(frozen=True)
class Bisection:
    culprit: str  # full hash: the first commit whose value moved beyond the tolerance
    before: float  # the value at the commit just before it
    after: float  # the value at the culprit
    measured: tuple[tuple[str, float], ...]  # every (commit, value), in the order measured
    tolerance: float

    @property
    def change(self) -> float:
        return self.after / self.before - 1


def bisect_commits(
    commits: Sequence[str], measure: Callable[[str], float | None], tolerance: float
) -> Bisection:
    """Bisect `commits` (oldest first: GOOD, then every commit up to BAD, the last)."""
    if len(commits) < 2:
        raise BisectError("GOOD and BAD must be two commits, BAD a descendant of GOOD")
    measured: list[tuple[str, float]] = []

    def value(index: int) -> float:
        commit = commits[index]
        found = measure(commit)
        if found is None or found <= 0:
            raise BisectError(f"{commit[:8]} has no value to compare (the benchmark failed or "
                              "skipped there)")  # fmt: skip
        measured.append((commit, found))
        return found

    good = value(0)

    def moved(found: float) -> bool:
        return abs(found / good - 1) > tolerance

    bad = value(len(commits) - 1)
    if not moved(bad):
        raise BisectError(
            f"nothing to bisect: {commits[-1][:8]} ({bad:.0f}) is within {tolerance:.1%} of"
            f" {commits[0][:8]} ({good:.0f})"
        )
    low, high = 0, len(commits) - 1  # low never moved, high moved
    values = {0: good, high: bad}
    while high - low > 1:
        middle = (low + high) // 2
        values[middle] = value(middle)
        if moved(values[middle]):
            high = middle
        else:
            low = middle
    return Bisection(commits[high], values[low], values[high], tuple(measured), tolerance)
