"""The pieces every format of a check report is made of: one cell, one line, one list at a time."""

from __future__ import annotations

import re
import shlex

from alphapulse_perf.regression.bisect import METRICS
from alphapulse_perf.regression.budgets import BudgetCheck, BudgetStatus
from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.regression.compare import Comparison, Status
from alphapulse_perf.regression.stats import Evidence
from alphapulse_perf.report.units import format_value

__all__ = [
    "BESIDE_HEADER",
    "beside_rows",
    "budget_line",
    "change_text",
    "coverage_lines",
    "detectable_text",
    "evidence_text",
    "failing_lines",
    "limit_text",
    "next_steps",
    "note_text",
    "ratio_text",
    "revision_text",
    "series_text",
    "several_envs",
    "summary_text",
    "workload_text",
]


def ratio_text(c: Comparison) -> str:
    return f"{c.ratio:.2f}x" if c.ratio is not None else "-"


def change_text(c: Comparison | None) -> str:
    """A ratio as a signed percentage with two decimals: instruction counts move by 0.1 %."""
    return f"{(c.ratio - 1) * 100:+.2f} %" if c is not None and c.ratio is not None else "-"


def workload_text(c: Comparison) -> str:
    """The count's parameters (`detect`), or its label when it has none."""
    return ", ".join(p.strip("'\"") for p in c.params) or c.label


def beside_rows(report: CheckReport) -> list[list[str]]:
    rows = []
    for row in report.beside:
        count, cycles, timing = row.count, row.cycles, row.timing
        rows.append([
            workload_text(count), format_value(count.current, count.unit), change_text(count),
            count.status.value,
            format_value(cycles.current, cycles.unit) if cycles else "-", change_text(cycles),
            cycles.status.value if cycles else "-",
            timing.label if timing else "-", change_text(timing),
            timing.status.value if timing else "-",
        ])  # fmt: skip
    return rows


BESIDE_HEADER = [
    "workload", "instructions", "change", "status", "cycles", "change", "status", "timing",
    "change", "status",
]  # fmt: skip


def revision_text(report: CheckReport, which: str) -> str:
    rev = report.baseline if which == "baseline" else report.target
    short = rev.commit[:8]
    return short if rev.name in (rev.commit, short) else f"{rev.name} ({short})"


def summary_text(report: CheckReport) -> str:
    parts = [f"{report.count(s)} {s.value}" for s in Status if report.count(s)]
    broken = len(report.broken_budgets)
    parts.append(f"{broken} budget{'s' if broken != 1 else ''} broken of {len(report.budgets)}")
    return (
        f"{report.verdict.upper()}: {', '.join(parts)}"
        f" ({revision_text(report, 'target')} against {revision_text(report, 'baseline')})"
    )


def coverage_lines(report: CheckReport) -> list[str]:
    """Lines saying how much was compared, which envs were paired and how the machine drifted."""
    cov = report.coverage
    lines = [f"compared {report.compared} of the baseline's {report.baseline_series} series"]
    if cov.baseline_machine:
        lines.append(
            f"baseline measured on machine {cov.baseline_machine}: only the deterministic"
            " benchmarks (instruction counts) were compared, and no budget was checked"
        )
    lines += [f"env changed on {m}: {old} -> {new}" for m, old, new in cov.env_changes]
    lines += [
        f"machine drift: control {d.control} moved {d.ratio:.2f}x"
        + (f" [{d.machine}/{d.env}]" if several_envs(report) else "")
        for d in report.drift
    ]
    if report.blind:
        shown = ", ".join(f"{c.label} (sees {detectable_text(c)})" for c in report.blind)
        lines.append(f"blind at their tolerance: {shown}")
    return lines


def detectable_text(c: Comparison) -> str:
    return f"{(c.detectable - 1) * 100:+.0f} %" if c.detectable is not None else "-"


def failing_lines(report: CheckReport) -> list[str]:
    """One line per finding that fails the check, besides regressions and budgets."""
    several = several_envs(report)
    return [f"broken: {series_text(c, several)}: {c.reason}" for c in report.broken] + [
        f"missing: {series_text(c, several)}: a rule or budget names it, and it has no result"
        " at the target"
        for c in report.missing
    ]


def note_text(c: Comparison) -> str:
    if c.status is Status.UNCHANGED:
        return ""
    evidence = evidence_text(c)
    if c.drift is not None or c.machine_moved:
        return f"{c.reason} ({evidence})"
    return evidence


def evidence_text(c: Comparison) -> str:
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


def series_text(c: Comparison, several: bool) -> str:
    return f"{c.label} [{c.machine}/{c.env}]" if several else c.label


def several_envs(report: CheckReport) -> bool:
    return len({(c.machine, c.env) for c in report.comparisons}) > 1


def limit_text(b: BudgetCheck) -> str:
    bounds = []
    if b.budget.min is not None:
        bounds.append(f">= {format_value(b.budget.min, b.unit)}")
    if b.budget.max is not None:
        bounds.append(f"<= {format_value(b.budget.max, b.unit)}")
    return " and ".join(bounds)


def budget_line(b: BudgetCheck) -> str:
    if b.status is BudgetStatus.UNMATCHED:
        return f"{b.label}: budget has no result at the target (budget {limit_text(b)})"
    value = format_value(b.value, b.unit) if b.value is not None else "-"
    return f"{b.label}: {value}, budget {limit_text(b)}"


def next_steps(comparison: Comparison, baseline: str, target: str) -> list[str]:
    """The commands that bisect a regression and show where its time went."""
    regex = "^" + re.escape(comparison.benchmark) + "$"
    bench = comparison.benchmark
    if comparison.params:
        bench += "(" + ", ".join(comparison.params) + ")"
    profile = (
        f"alphapulse-perf profile-diff --bench {shlex.quote(bench)}"
        f" --from {baseline[:8]} --to {target[:8]}"
    )
    if comparison.unit in METRICS:  # exact: a bisection needs one value per commit
        metric = "" if comparison.unit == "instructions" else f" --metric {comparison.unit}"
        bisect = (
            f"alphapulse-perf bisect {shlex.quote(comparison.label)} {baseline[:8]} {target[:8]}"
            f"{metric}"
        )
        return [bisect, profile]
    find = f"asv find -m {comparison.machine} {baseline[:8]}..{target[:8]} {shlex.quote(regex)}"
    return [find, profile]
