"""Each workload's deterministic figures beside its timing: the rows of the report's table and
what corroboration reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alphapulse_perf.regression.compare import Comparison
from alphapulse_perf.regression.settings import Settings

__all__ = ["Beside", "pair_counts"]


@dataclass(frozen=True)
class Beside:
    """One workload's deterministic figures beside its timing: its instruction count, its cycle
    estimate (the series of unit `cycles` with the count's parameters) and the timing settings'
    `beside` names for the count, from the same machine and environment."""

    count: Comparison
    cycles: Comparison | None
    timing: Comparison | None


def pair_counts(comparisons: Sequence[Comparison], settings: Settings) -> tuple[Beside, ...]:
    """Every instruction count (unit `instructions`) with its cycles and its timing."""
    timing_of = dict(settings.beside)
    by_label = {(c.machine, c.env, c.label): c for c in comparisons}
    cycles = {(c.machine, c.env, c.params): c for c in comparisons if c.unit == "cycles"}
    return tuple(
        Beside(
            c,
            cycles.get((c.machine, c.env, c.params)),
            by_label.get((c.machine, c.env, timing_of.get(c.label, ""))),
        )
        for c in comparisons
        if c.unit == "instructions"
    )
