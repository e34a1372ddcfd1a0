"""A `CheckReport` as Markdown, for a pull request's comment."""

from __future__ import annotations

from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.report.check_parts import (
    BESIDE_HEADER,
    beside_rows,
    budget_line,
    coverage_lines,
    evidence_text,
    failing_lines,
    limit_text,
    next_steps,
    note_text,
    ratio_text,
    series_text,
    several_envs,
    summary_text,
)
from alphapulse_perf.report.tables import markdown_table
from alphapulse_perf.report.units import format_value

__all__ = ["render_markdown"]


def render_markdown(report: CheckReport) -> str:
    several = several_envs(report)
    mark = ":white_check_mark:" if report.passed else ":x:"
    lines = [f"{mark} **Performance check {summary_text(report)}**", ""]
    lines += [*(f"- {line}" for line in coverage_lines(report)), ""]
    failing = failing_lines(report)
    if failing:
        lines += ["### Broken or missing", "", *(f"- `{line}`" for line in failing), ""]
    if report.regressions:
        lines += ["### Regressions", ""]
        lines += markdown_table(
            ["benchmark", "baseline", "current", "ratio", "tolerance", "evidence"],
            [[f"`{series_text(c, several)}`", format_value(c.baseline, c.unit),
              format_value(c.current, c.unit), ratio_text(c), f"{c.tolerance:.0%}",
              evidence_text(c)]
             for c in report.regressions],
        )  # fmt: skip
        lines += ["", "Next steps:", ""]
        for c in report.regressions:
            steps = next_steps(c, report.baseline.commit, report.target.commit)
            lines.append(f"- `{series_text(c, several)}`: bisect with `{steps[0]}`,"
                         f" then compare profiles with `{steps[1]}`")  # fmt: skip
        lines.append("")
    if report.broken_budgets:
        lines += ["### Budgets broken", ""]
        lines += markdown_table(
            ["benchmark", "value", "budget", "status"],
            [[f"`{b.label}`", format_value(b.value, b.unit) if b.value is not None else "-",
              limit_text(b), b.status.value] for b in report.broken_budgets],
        )  # fmt: skip
        lines.append("")
    if report.beside:
        lines += ["### Instruction counts and cycles beside the timings", ""]
        lines += markdown_table(
            BESIDE_HEADER,
            [[f"`{row[0]}`", *row[1:7], f"`{row[7]}`" if row[7] != "-" else "-", *row[8:]]
             for row in beside_rows(report)],
        )  # fmt: skip
        lines += ["", "Counts and cycles are deterministic (the tolerance alone decides); the"
                  " counts miss cache and memory effects, which the cycles estimate from a"
                  " simulated cache and the timings see.", ""]  # fmt: skip
    lines += [f"<details><summary>All {len(report.comparisons)} benchmarks"
              f" and {len(report.budgets)} budget checks</summary>", ""]  # fmt: skip
    lines += markdown_table(
        ["status", "benchmark", "baseline", "current", "ratio", "note"],
        [[c.status.value, f"`{series_text(c, several)}`", format_value(c.baseline, c.unit),
          format_value(c.current, c.unit), ratio_text(c), note_text(c)]
         for c in report.comparisons],
    )  # fmt: skip
    if report.budgets:
        lines.append("")
        lines += markdown_table(
            ["budget", "status"],
            [[f"`{budget_line(b)}`", b.status.value] for b in report.budgets],
        )
    lines += ["", "</details>", ""]
    return "\n".join(lines)
