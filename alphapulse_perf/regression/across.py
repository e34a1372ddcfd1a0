"""`check --baseline-machine NAME`: a baseline measured on another host, for the benchmarks that
do not depend on the host.

Timings of two hosts say as much about the hosts as about the commits, so they are never set
side by side. Instruction counts (and whatever else the settings declare `deterministic`) repeat
on any host of the same architecture within their tolerance: those of the baseline, recorded on
NAME, are compared with the target's on this machine, and nothing else is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from alphapulse_perf.regression.settings import Settings
from alphapulse_perf.results import Record

__all__ = ["across_machines"]


def across_machines(
    records: Sequence[Record],
    baseline: str,
    target: str,
    baseline_machine: str,
    settings: Settings,
) -> tuple[list[Record], list[Record]]:
    """The two sides of a check whose baseline (a full hash) was measured on `baseline_machine`
    and whose target on one other machine: their deterministic records, the baseline's filed
    under the target's machine so that the comparison pairs them as one machine's series.

    Split by machine, not only by commit: a commit measured on both is compared with itself.
    """
    kept = [r for r in records if settings.deterministic_for(r.label)]
    after = [r for r in kept if r.machine != baseline_machine and r.commit == target]
    here = {r.machine for r in after}
    if len(here) > 1:
        raise ValueError(f"the target's results come from several machines: {sorted(here)}")
    before = [r for r in kept if r.machine == baseline_machine and r.commit == baseline]
    if here:
        (machine,) = here
        before = [dataclasses.replace(r, machine=machine) for r in before]
    return before, after
