"""Trends as text: one block per series with steps, then a count of the steady ones."""

from __future__ import annotations

from alphapulse_perf.trend import Trend
from alphapulse_perf.units import format_value

__all__ = ["render_trends"]


def render_trends(trends: list[Trend]) -> str:
    lines = []
    steady = 0
    for t in trends:
        if not t.steps:
            steady += 1
            continue
        lines.append(f"{t.label} [{t.machine}] ({t.points} commits)")
        for s in t.steps:
            kind = "worse" if s.worse else "better"
            lines.append(
                f"  {s.previous[:8]}..{s.commit[:8]}: {format_value(s.before, t.unit)} -> "
                f"{format_value(s.after, t.unit)} ({s.ratio:.2f}x, {kind})"
            )
    lines.append(f"{len(trends)} series, {len(trends) - steady} with steps, {steady} steady")
    return "\n".join(lines) + "\n"
