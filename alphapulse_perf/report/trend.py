"""Trends as text, Markdown or JSON: one block per series with steps, then a count of the rest."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from alphapulse_perf.regression.trend import Step, Trend
from alphapulse_perf.report.units import format_value

__all__ = ["TREND_FORMATS", "describe_step", "render_trends"]


def describe_step(step: Step, unit: str) -> str:
    """`44444444..55555555: 1 ms -> 2 ms (2.00x, worse)`: the last commit at the old level, the
    first at the new one, the levels and their ratio (new / old)."""
    kind = "worse" if step.worse else "better"
    return (
        f"{step.previous[:8]}..{step.commit[:8]}: {format_value(step.before, unit)} -> "
        f"{format_value(step.after, unit)} ({step.ratio:.2f}x, {kind})"
    )


def _heading(t: Trend, several_envs: bool) -> str:
    where = f"{t.machine}/{t.env}" if several_envs else t.machine
    return f"{t.label} [{where}] ({t.points} commits)"


def _several_envs(trends: Sequence[Trend]) -> bool:
    return len({t.env for t in trends}) > 1


def _count(trends: Sequence[Trend]) -> str:
    stepped = sum(1 for t in trends if t.steps)
    return f"{len(trends)} series, {stepped} with steps, {len(trends) - stepped} steady"


def _text(trends: Sequence[Trend]) -> str:
    several = _several_envs(trends)
    lines = []
    for t in trends:
        if t.steps:
            lines.append(_heading(t, several))
            lines.extend(f"  {describe_step(s, t.unit)}" for s in t.steps)
    lines.append(_count(trends))
    return "\n".join(lines) + "\n"


def _markdown(trends: Sequence[Trend]) -> str:
    several = _several_envs(trends)
    lines = []
    for t in trends:
        if t.steps:
            lines += [f"**{_heading(t, several)}**", ""]
            lines += [f"- {describe_step(s, t.unit)}" for s in t.steps]
            lines.append("")
    lines.append(_count(trends))
    return "\n".join(lines) + "\n"


def _json(trends: Sequence[Trend]) -> str:
    data = [
        {
            "label": t.label,
            "machine": t.machine,
            "env": t.env,
            "unit": t.unit,
            "points": t.points,
            "steps": [
                {
                    "previous": s.previous,
                    "commit": s.commit,
                    "before": s.before,
                    "after": s.after,
                    "ratio": s.ratio,
                    "worse": s.worse,
                }
                for s in t.steps
            ],
        }
        for t in trends
    ]
    return json.dumps({"series": data}, indent=2, allow_nan=False) + "\n"


TREND_FORMATS: dict[str, Callable[[Sequence[Trend]], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
}


def render_trends(trends: Sequence[Trend], fmt: str = "text") -> str:
    return TREND_FORMATS[fmt](trends)
