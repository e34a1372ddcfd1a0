"""`alphapulse-perf confirm`: a timing regression stands only when a second batch shows it too.

A busy runner can slow one side of a batch for its whole duration (another job's burst, a cache
shared with a neighbour), and then every round of one side lies beyond every round of the other:
the check's rules cannot tell that from a real slowdown. Load of that kind does not repeat
itself at the same place in a second batch measured minutes later, while a real slowdown does.

So the check's flagged timing regressions (deterministic benchmarks, instruction counts, need no
second look) are measured again, base and head in a fresh interleaved batch with the controls
beside them, and checked with the same rules. This module decides from the two check reports;
measuring the second batch is `asv_batch.measure_batch`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.regression.compare import COMPARED, Comparison, Status
from alphapulse_perf.regression.settings import Settings

__all__ = [
    "Confirmation",
    "asv_name",
    "remeasured",
    "timing_regressions",
    "worth_a_second_batch",
]


def timing_regressions(
    report: CheckReport, settings: Settings, machine: str | None
) -> tuple[Comparison, ...]:
    """The regressions of `report` on `machine` (None: every machine) that a second batch can
    confirm: timings, not the deterministic benchmarks (which repeat exactly: a second look
    would say the same)."""
    return tuple(
        c
        for c in report.regressions
        if machine in (None, c.machine) and not settings.deterministic_for(c.label)
    )


def worth_a_second_batch(report: CheckReport, flagged: Sequence[Comparison]) -> bool:
    """Whether a second batch can change the verdict: something was flagged, and nothing else
    fails (a broken benchmark, a missing one, a budget, a deterministic regression)."""
    others = [c for c in report.regressions if all(c is not f for f in flagged)]
    return bool(flagged) and not (
        others or report.broken or report.missing or report.broken_budgets
    )


def asv_name(c: Comparison) -> str:
    """The benchmark combination as `asv run -b` matches it: `name(p1, p2)`, or the name."""
    return f"{c.benchmark}({', '.join(c.params)})" if c.params else c.benchmark


def remeasured(report: CheckReport, flagged: Sequence[Comparison]) -> tuple[str, ...]:
    """What the second batch measures (asv names): the flagged timings, and the controls of
    their machine, so that the second batch has its own measure of the machine's drift."""
    machines = {c.machine for c in flagged}
    controls = [c for c in report.comparisons if c.control and c.machine in machines]
    return tuple(sorted({asv_name(c) for c in [*flagged, *controls]}))


@dataclass(frozen=True)
class Confirmation:
    """The check of the first batch, the flagged timings, and the second batch's check."""

    first: CheckReport
    flagged: tuple[Comparison, ...]  # the first batch's timing regressions on this machine
    second: CheckReport | None  # None: not measured again (see `worth_a_second_batch`)
    remeasured: tuple[str, ...] = ()  # asv names of what the second batch measured
    seconds: float | None = 0.0  # what measuring the second batch took; None: measured elsewhere

    def _in_second(self, c: Comparison) -> Comparison | None:
        if self.second is None:
            return None
        key = (c.machine, c.label)
        return next((s for s in self.second.comparisons if (s.machine, s.label) == key), None)

    def second_look(self) -> list[tuple[Comparison, Comparison | None]]:
        """Each flagged timing with its comparison in the second batch (None: not measured)."""
        return [(c, self._in_second(c)) for c in self.flagged]

    @property
    def confirmed(self) -> list[Comparison]:
        """Flagged in the first batch and regressed in the second."""
        return [c for c, again in self.second_look() if again and again.status is Status.REGRESSED]

    @property
    def cleared(self) -> list[Comparison]:
        """Flagged in the first batch, compared in the second and not regressed there."""
        return [
            c for c, again in self.second_look()
            if again and again.status in COMPARED and again.status is not Status.REGRESSED
        ]  # fmt: skip

    @property
    def unmeasured(self) -> list[Comparison]:
        """Flagged, but the second batch has nothing to compare (it failed, or skipped it):
        no evidence either way, so the first verdict stands."""
        seen = {id(c) for c in [*self.confirmed, *self.cleared]}
        return [c for c in self.flagged if id(c) not in seen]

    @property
    def passed(self) -> bool:
        """The first check's verdict with its cleared timing regressions taken out."""
        cleared = {id(c) for c in self.cleared}
        first = self.first
        standing = [c for c in first.regressions if id(c) not in cleared]
        return not (standing or first.broken or first.missing or first.broken_budgets)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"
