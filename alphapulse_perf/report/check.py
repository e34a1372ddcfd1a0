"""A `CheckReport` in one of its formats: text (a terminal, `check_text`), Markdown (a PR comment,
`check_markdown`) or JSON (DESIGN.md's contract, `check_json`); and why nothing could be compared.

Renderers only turn data into strings; every decision was taken in `regression`.
"""

from __future__ import annotations

from collections.abc import Callable

from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.report.check_json import check_data, render_json
from alphapulse_perf.report.check_markdown import render_markdown
from alphapulse_perf.report.check_parts import revision_text
from alphapulse_perf.report.check_text import render_text

__all__ = [
    "FORMATS",
    "check_data",
    "render_check",
    "render_json",
    "render_markdown",
    "render_nothing_compared",
    "render_text",
]


def render_nothing_compared(report: CheckReport) -> str:
    """Why a check that compared nothing cannot give a verdict: what each side holds."""

    def side(envs: tuple[tuple[str, str], ...]) -> str:
        return ", ".join(f"{m}/{e}" for m, e in envs) or "no results"

    target_series = sum(1 for c in report.comparisons if c.current is not None)
    shared = sum(1 for c in report.comparisons if c.baseline is not None and c.current is not None)
    return (
        f"nothing to compare: none of the baseline's {report.baseline_series} series"
        f" has a comparable result at the target ({target_series} series there, {shared} shared)\n"
        f"  baseline {revision_text(report, 'baseline')}: {side(report.coverage.baseline_envs)}\n"
        f"  target {revision_text(report, 'target')}: {side(report.coverage.target_envs)}\n"
        "  envs pair by equal names unless each side has exactly one; pick them with --env REGEX,"
        " the machine with --machine\n"
    )


FORMATS: dict[str, Callable[[CheckReport], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render_check(report: CheckReport, fmt: str) -> str:
    """The report in one of `FORMATS`."""
    return FORMATS[fmt](report)
