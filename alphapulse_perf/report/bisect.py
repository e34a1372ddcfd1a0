"""A `Bisection` as text or JSON (`{"culprit", "before", "after", "measured"}`)."""

from __future__ import annotations

import json
from collections.abc import Callable

from alphapulse_perf.regression.bisect import Bisection
from alphapulse_perf.report.tables import text_table
from alphapulse_perf.report.units import format_value

__all__ = ["BISECT_FORMATS", "render_bisection"]


def render_text(found: Bisection, label: str, unit: str) -> str:
    rows = [["commit", label]] + [[c[:8], format_value(v, unit)] for c, v in found.measured]
    lines = [
        f"bisect: {found.culprit[:8]} moved {label} by {found.change:+.2%}"
        f" ({format_value(found.before, unit)} -> {format_value(found.after, unit)};"
        f" tolerance {found.tolerance:.1%})",
        f"culprit: {found.culprit}",
        f"{len(found.measured)} commits measured, in this order:",
        *text_table(rows),
    ]
    return "\n".join(lines) + "\n"


def render_json(found: Bisection, label: str, unit: str) -> str:
    data = {
        "benchmark": label,
        "unit": unit,
        "culprit": found.culprit,
        "before": found.before,
        "after": found.after,
        "tolerance": found.tolerance,
        "measured": [{"commit": c, "value": v} for c, v in found.measured],
    }
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


BISECT_FORMATS: dict[str, Callable[[Bisection, str, str], str]] = {
    "text": render_text,
    "json": render_json,
}


def render_bisection(found: Bisection, label: str, unit: str, fmt: str) -> str:
    return BISECT_FORMATS[fmt](found, label, unit)
