"""A `CheckReport` as text (terminal), Markdown (a PR comment) or JSON (DESIGN.md's contract).

Renderers only turn data into strings; every decision was taken in compare.py and budgets.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from alphapulse_perf.regression.budgets import BudgetCheck, BudgetStatus
from alphapulse_perf.regression.check import CheckReport, next_steps
from alphapulse_perf.regression.compare import Comparison, Status
from alphapulse_perf.regression.stats import Evidence
from alphapulse_perf.report.tables import markdown_table, text_table
from alphapulse_perf.report.units import format_value, json_number

__all__ = [
    "FORMATS",
    "check_data",
    "render_check",
    "render_json",
    "render_markdown",
    "render_nothing_compared",
    "render_text",
]

# Version 1: verdict, baseline, target, summary, benchmarks, budgets, beside.
# Version 2: status `broken`; coverage, env_changes, drift, blind; per benchmark `detectable`,
# `control`, `baseline_env`, `drift`; `failing` (what fails the check).
JSON_FORMAT_VERSION = 2


def _ratio(c: Comparison) -> str:
    return f"{c.ratio:.2f}x" if c.ratio is not None else "-"


def _change(c: Comparison | None) -> str:
    """A ratio as a signed percentage with two decimals: instruction counts move by 0.1 %."""
    return f"{(c.ratio - 1) * 100:+.2f} %" if c is not None and c.ratio is not None else "-"


def _workload(c: Comparison) -> str:
    """The count's parameters (`detect`), or its label when it has none."""
    return ", ".join(p.strip("'\"") for p in c.params) or c.label


def _beside_rows(report: CheckReport) -> list[list[str]]:
    rows = []
    for count, timing in report.beside:
        rows.append([
            _workload(count), format_value(count.current, count.unit), _change(count),
            count.status.value, timing.label if timing else "-", _change(timing),
            timing.status.value if timing else "-",
        ])  # fmt: skip
    return rows


BESIDE_HEADER = ["workload", "instructions", "change", "status", "timing", "change", "status"]


def _revision(report: CheckReport, which: str) -> str:
    rev = report.baseline if which == "baseline" else report.target
    short = rev.commit[:8]
    return short if rev.name in (rev.commit, short) else f"{rev.name} ({short})"


def _summary(report: CheckReport) -> str:
    parts = [f"{report.count(s)} {s.value}" for s in Status if report.count(s)]
    broken = len(report.broken_budgets)
    parts.append(f"{broken} budget{'s' if broken != 1 else ''} broken of {len(report.budgets)}")
    return (
        f"{report.verdict.upper()}: {', '.join(parts)}"
        f" ({_revision(report, 'target')} against {_revision(report, 'baseline')})"
    )


def _coverage(report: CheckReport) -> list[str]:
    """Lines saying how much was compared, which envs were paired and how the machine drifted."""
    cov = report.coverage
    lines = [f"compared {report.compared} of the baseline's {report.baseline_series} series"]
    lines += [f"env changed on {m}: {old} -> {new}" for m, old, new in cov.env_changes]
    lines += [
        f"machine drift: control {d.control} moved {d.ratio:.2f}x"
        + (f" [{d.machine}/{d.env}]" if _several(report) else "")
        for d in report.drift
    ]
    if report.blind:
        shown = ", ".join(f"{c.label} (sees {_detectable(c)})" for c in report.blind)
        lines.append(f"blind at their tolerance: {shown}")
    return lines


def _detectable(c: Comparison) -> str:
    return f"{(c.detectable - 1) * 100:+.0f} %" if c.detectable is not None else "-"


def _failing(report: CheckReport) -> list[str]:
    """One line per finding that fails the check, besides regressions and budgets."""
    several = _several(report)
    return [f"broken: {_series(c, several)}: {c.reason}" for c in report.broken] + [
        f"missing: {_series(c, several)}: a rule or budget names it, and it has no result at the"
        " target"
        for c in report.missing
    ]


def _note(c: Comparison) -> str:
    if c.status is Status.UNCHANGED:
        return ""
    evidence = _evidence(c)
    if c.drift is not None or c.machine_moved:
        return f"{c.reason} ({evidence})"
    return evidence


def _evidence(c: Comparison) -> str:
    sig = c.significance
    if sig is None:
        return c.reason
    if sig.evidence is Evidence.SAMPLES:
        text = f"Mann-Whitney p={sig.p:.2g}"
        return text if sig.rounds_agree else f"{text}, rounds disagree"
    if sig.evidence is Evidence.CI:
        return "99 % CIs apart" if sig.real else "99 % CIs overlap"
    if sig.evidence is Evidence.DETERMINISTIC:
        return "deterministic: tolerance alone"
    return "no statistics recorded"


def _series(c: Comparison, several: bool) -> str:
    return f"{c.label} [{c.machine}/{c.env}]" if several else c.label


def _several(report: CheckReport) -> bool:
    return len({(c.machine, c.env) for c in report.comparisons}) > 1


def _limit(b: BudgetCheck) -> str:
    bounds = []
    if b.budget.min is not None:
        bounds.append(f">= {format_value(b.budget.min, b.unit)}")
    if b.budget.max is not None:
        bounds.append(f"<= {format_value(b.budget.max, b.unit)}")
    return " and ".join(bounds)


def _budget_line(b: BudgetCheck) -> str:
    if b.status is BudgetStatus.UNMATCHED:
        return f"{b.label}: budget has no result at the target (budget {_limit(b)})"
    value = format_value(b.value, b.unit) if b.value is not None else "-"
    return f"{b.label}: {value}, budget {_limit(b)}"


def render_text(report: CheckReport) -> str:
    several = _several(report)
    lines = [f"check: {_summary(report)}", *_coverage(report), ""]
    failing = _failing(report)
    if failing:
        lines += [*failing, ""]
    if report.comparisons:
        rows = [["status", "benchmark", "baseline", "current", "ratio", "note"]]
        for c in report.comparisons:
            rows.append([
                c.status.value, _series(c, several), format_value(c.baseline, c.unit),
                format_value(c.current, c.unit), _ratio(c), _note(c),
            ])  # fmt: skip
        lines += [*text_table(rows), ""]
    if report.beside:
        lines.append("instruction counts (deterministic) beside the timings:")
        lines += ["  " + row for row in text_table([BESIDE_HEADER, *_beside_rows(report)])]
        lines.append("")
    if report.budgets:
        lines.append("budgets:")
        lines += [f"  {b.status.value}: {_budget_line(b)}" for b in report.budgets]
        lines.append("")
    for c in report.regressions:
        lines.append(f"next steps for {_series(c, several)}:")
        lines += [
            f"  {step}" for step in next_steps(c, report.baseline.commit, report.target.commit)
        ]
        lines.append("")
    return "\n".join(lines)


def render_markdown(report: CheckReport) -> str:
    several = _several(report)
    mark = ":white_check_mark:" if report.passed else ":x:"
    lines = [f"{mark} **Performance check {_summary(report)}**", ""]
    lines += [*(f"- {line}" for line in _coverage(report)), ""]
    failing = _failing(report)
    if failing:
        lines += ["### Broken or missing", "", *(f"- `{line}`" for line in failing), ""]
    if report.regressions:
        lines += ["### Regressions", ""]
        lines += markdown_table(
            ["benchmark", "baseline", "current", "ratio", "tolerance", "evidence"],
            [[f"`{_series(c, several)}`", format_value(c.baseline, c.unit),
              format_value(c.current, c.unit), _ratio(c), f"{c.tolerance:.0%}", _evidence(c)]
             for c in report.regressions],
        )  # fmt: skip
        lines += ["", "Next steps:", ""]
        for c in report.regressions:
            steps = next_steps(c, report.baseline.commit, report.target.commit)
            lines.append(f"- `{_series(c, several)}`: bisect with `{steps[0]}`,"
                         f" then compare profiles with `{steps[1]}`")  # fmt: skip
        lines.append("")
    if report.broken_budgets:
        lines += ["### Budgets broken", ""]
        lines += markdown_table(
            ["benchmark", "value", "budget", "status"],
            [[f"`{b.label}`", format_value(b.value, b.unit) if b.value is not None else "-",
              _limit(b), b.status.value] for b in report.broken_budgets],
        )  # fmt: skip
        lines.append("")
    if report.beside:
        lines += ["### Instruction counts beside the timings", ""]
        lines += markdown_table(
            BESIDE_HEADER,
            [[f"`{row[0]}`", *row[1:4], f"`{row[4]}`" if row[4] != "-" else "-", *row[5:]]
             for row in _beside_rows(report)],
        )  # fmt: skip
        lines += ["", "Counts are deterministic (the tolerance alone decides); they miss cache"
                  " and memory effects, which the timings see.", ""]  # fmt: skip
    lines += [f"<details><summary>All {len(report.comparisons)} benchmarks"
              f" and {len(report.budgets)} budget checks</summary>", ""]  # fmt: skip
    lines += markdown_table(
        ["status", "benchmark", "baseline", "current", "ratio", "note"],
        [[c.status.value, f"`{_series(c, several)}`", format_value(c.baseline, c.unit),
          format_value(c.current, c.unit), _ratio(c), _note(c)]
         for c in report.comparisons],
    )  # fmt: skip
    if report.budgets:
        lines.append("")
        lines += markdown_table(
            ["budget", "status"],
            [[f"`{_budget_line(b)}`", b.status.value] for b in report.budgets],
        )
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _json_comparison(c: Comparison, report: CheckReport) -> dict[str, Any]:
    sig = c.significance
    return {
        "name": c.benchmark,
        "params": c.params_dict,
        "label": c.label,
        "machine": c.machine,
        "env": c.env,
        "unit": c.unit,
        "baseline": json_number(c.baseline),
        "current": json_number(c.current),
        "ratio": json_number(c.ratio),
        "status": c.status.value,
        "direction": c.direction.value,
        "tolerance": c.tolerance,
        "evidence": sig.evidence.value if sig is not None else None,
        "p": sig.p if sig is not None else None,
        "reason": c.reason,
        "detectable": json_number(c.detectable),
        "control": c.control,
        "baseline_env": c.baseline_env or c.env,
        "drift": c.drift,
        "next_steps": (
            next_steps(c, report.baseline.commit, report.target.commit)
            if c.status is Status.REGRESSED
            else []
        ),
    }


def _json_budget(b: BudgetCheck) -> dict[str, Any]:
    return {
        "match": b.budget.match.pattern,
        "series": b.label if b.status is not BudgetStatus.UNMATCHED else None,
        "machine": b.machine or None,
        "env": b.env or None,
        "value": json_number(b.value),
        "max": b.budget.max,
        "min": b.budget.min,
        "status": b.status.value,
    }


def check_data(report: CheckReport) -> dict[str, Any]:
    """The JSON document of `report`, as a dict (confirm embeds it)."""
    return {
        "format_version": JSON_FORMAT_VERSION,
        "verdict": report.verdict,
        "baseline": {"name": report.baseline.name, "commit": report.baseline.commit},
        "target": {"name": report.target.name, "commit": report.target.commit},
        "summary": {s.value: report.count(s) for s in Status},
        "coverage": {
            "baseline_series": report.baseline_series,
            "compared": report.compared,
        },
        "env_changes": [
            {"machine": m, "baseline": old, "target": new}
            for m, old, new in report.coverage.env_changes
        ],
        "drift": [
            {"machine": d.machine, "env": d.env, "control": d.control, "ratio": d.ratio}
            for d in report.drift
        ],
        "blind": [c.label for c in report.blind],
        "failing": {
            "regressed": [c.label for c in report.regressions],
            "broken": [c.label for c in report.broken],
            "missing": [c.label for c in report.missing],
            "budgets": [b.label for b in report.broken_budgets],
        },
        "benchmarks": [_json_comparison(c, report) for c in report.comparisons],
        "budgets": [_json_budget(b) for b in report.budgets],
        "beside": [
            {"instructions": count.label, "timing": timing.label if timing else None}
            for count, timing in report.beside
        ],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(check_data(report), indent=2, allow_nan=False) + "\n"


def render_nothing_compared(report: CheckReport) -> str:
    """Why a check that compared nothing cannot give a verdict: what each side holds."""

    def side(envs: tuple[tuple[str, str], ...]) -> str:
        return ", ".join(f"{m}/{e}" for m, e in envs) or "no results"

    target_series = sum(1 for c in report.comparisons if c.current is not None)
    shared = sum(1 for c in report.comparisons if c.baseline is not None and c.current is not None)
    return (
        f"nothing to compare: none of the baseline's {report.baseline_series} series"
        f" has a comparable result at the target ({target_series} series there, {shared} shared)\n"
        f"  baseline {_revision(report, 'baseline')}: {side(report.coverage.baseline_envs)}\n"
        f"  target {_revision(report, 'target')}: {side(report.coverage.target_envs)}\n"
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
