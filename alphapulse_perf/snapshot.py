"""One commit's results on one machine, as a table: what the main job prints after a run."""

from __future__ import annotations

from collections.abc import Sequence

from alphapulse_perf.results import Outcome, Record
from alphapulse_perf.units import format_value


def select(records: Sequence[Record], machine: str, commit: str) -> list[Record]:
    """The records of `commit` (a full hash) on `machine`, in benchmark order."""
    chosen = [r for r in records if r.machine == machine and r.commit == commit]
    return sorted(chosen, key=lambda r: r.benchmark)  # stable: parameters keep asv's order


def render_snapshot(records: Sequence[Record], machine: str, commit: str) -> str:
    """A plain-text table of the records, one line per benchmark and parameter combination."""
    if not records:
        return f"no results for commit {commit[:8]} on machine {machine}\n"
    rows = []
    for r in records:
        shown = format_value(r.value, r.unit) if r.outcome is Outcome.OK else r.outcome.value
        rows.append((r.label, shown))
    width = max(len(label) for label, _ in rows)
    envs = sorted({r.env for r in records})
    lines = [f"commit {commit[:8]} on machine {machine} ({', '.join(envs)})", ""]
    lines += [f"{label:<{width}}  {shown}" for label, shown in rows]
    return "\n".join(lines) + "\n"
