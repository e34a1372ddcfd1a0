"""A `CheckReport` as text, for a terminal."""

from __future__ import annotations

from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.report.check_parts import (
    BESIDE_HEADER,
    beside_rows,
    budget_line,
    coverage_lines,
    failing_lines,
    next_steps,
    note_text,
    ratio_text,
    series_text,
    several_envs,
    summary_text,
)
from alphapulse_perf.report.tables import text_table
from alphapulse_perf.report.units import format_value

__all__ = ["render_text"]


def render_text(report: CheckReport) -> str:
    several = several_envs(report)
    lines = [f"check: {summary_text(report)}", *coverage_lines(report), ""]
    failing = failing_lines(report)
    if failing:
        lines += [*failing, ""]
    if report.comparisons:
        rows = [["status", "benchmark", "baseline", "current", "ratio", "note"]]
        for c in report.comparisons:
            rows.append([
                c.status.value, series_text(c, several), format_value(c.baseline, c.unit),
                format_value(c.current, c.unit), ratio_text(c), note_text(c),
            ])  # fmt: skip
        lines += [*text_table(rows), ""]
    if report.beside:
        lines.append("instruction counts and cycles (deterministic) beside the timings:")
        lines += ["  " + row for row in text_table([BESIDE_HEADER, *beside_rows(report)])]
        lines.append("")
    if report.budgets:
        lines.append("budgets:")
        lines += [f"  {b.status.value}: {budget_line(b)}" for b in report.budgets]
        lines.append("")
    for c in report.regressions:
        lines.append(f"next steps for {series_text(c, several)}:")
        lines += [
            f"  {step}" for step in next_steps(c, report.baseline.commit, report.target.commit)
        ]
        lines.append("")
    return "\n".join(lines)
