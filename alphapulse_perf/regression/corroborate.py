"""Corroboration: a timing regression that its workload's deterministic figures do not back.

A change of the code that makes a workload slower changes the work it does (its instruction
count) or its memory traffic (its cycle estimate, from a simulated cache); load on the machine
changes neither. With `corroborate = true` in the settings, a timing flagged `regressed` whose
instruction count and cycle estimate (the `beside` row of its workload) are both unchanged within
their tolerances is reported `noisy`, with the reason "counts and cycles unchanged", unless it
moved by more than `corroborate_above` (a factor, 1.5 by default): no machine's load explains a
workload 1.5 times slower, and what the simulation cannot see (a slower system call, a lock, the
real cache's prefetchers) must not hide behind it.

A timing without both figures beside it, or whose figures are missing, is left as it was.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from alphapulse_perf.regression.beside import Beside
from alphapulse_perf.regression.compare import Comparison, Status, beyond

__all__ = ["UNBACKED", "corroborate"]

UNBACKED = "counts and cycles unchanged"


def corroborate(
    comparisons: Sequence[Comparison], beside: Sequence[Beside], above: float
) -> list[Comparison]:
    """`comparisons` with each timing regression that its `beside` row does not back made
    `noisy`: the count and the cycles unchanged, the timing moved by no more than `above`."""
    unbacked = set()
    for row in beside:
        timing, figures = row.timing, (row.count, row.cycles)
        if timing is None or timing.status is not Status.REGRESSED or timing.ratio is None:
            continue
        if any(f is None or f.status is not Status.UNCHANGED for f in figures):
            continue
        far, _ = beyond(timing.ratio, above - 1, timing.direction)
        if not far:
            unbacked.add((timing.machine, timing.env, timing.label))
    return [
        dataclasses.replace(c, status=Status.NOISY, reason=UNBACKED)
        if (c.machine, c.env, c.label) in unbacked
        else c
        for c in comparisons
    ]
