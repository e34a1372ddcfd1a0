"""Trends as text: one block per series with steps, then a count of the steady ones."""

from __future__ import annotations

from alphapulse_perf.trend import Step, Trend
from alphapulse_perf.units import format_value

__all__ = ["describe_step", "render_trends"]


def describe_step(step: Step, unit: str) -> str:
    """`44444444..55555555: 1 ms -> 2 ms (2.00x, worse)`: the last commit at the old level, the
    first at the new one, the levels and their ratio (new / old)."""
    kind = "worse" if step.worse else "better"
    return (
        f"{step.previous[:8]}..{step.commit[:8]}: {format_value(step.before, unit)} -> "
        f"{format_value(step.after, unit)} ({step.ratio:.2f}x, {kind})"
    )


def render_trends(trends: list[Trend]) -> str:
    lines = []
    steady = 0
    for t in trends:
        if not t.steps:
            steady += 1
            continue
        lines.append(f"{t.label} [{t.machine}] ({t.points} commits)")
        lines.extend(f"  {describe_step(s, t.unit)}" for s in t.steps)
    lines.append(f"{len(trends)} series, {len(trends) - steady} with steps, {steady} steady")
    return "\n".join(lines) + "\n"
