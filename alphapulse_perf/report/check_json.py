"""A `CheckReport` as JSON: DESIGN.md's contract (`verdict`, `benchmarks` with name, params,
baseline, current, ratio and status), versioned."""

from __future__ import annotations

import json
from typing import Any

from alphapulse_perf.regression.budgets import BudgetCheck, BudgetStatus
from alphapulse_perf.regression.check import CheckReport
from alphapulse_perf.regression.compare import Comparison, Status
from alphapulse_perf.report.check_parts import next_steps
from alphapulse_perf.report.units import json_number

__all__ = ["JSON_FORMAT_VERSION", "check_data", "render_json"]

# Version 1: verdict, baseline, target, summary, benchmarks, budgets, beside.
# Version 2: status `broken`; coverage, env_changes, drift, blind; per benchmark `detectable`,
# `control`, `baseline_env`, `drift`; `failing` (what fails the check). Later, without a new
# version (a key added): coverage's `baseline_machine`, only with --baseline-machine; `cycles`
# in each item of `beside` (the workload's cycle estimate, or null).
JSON_FORMAT_VERSION = 2


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
    machine = report.coverage.baseline_machine
    across = {"baseline_machine": machine} if machine else {}
    return {
        "format_version": JSON_FORMAT_VERSION,
        "verdict": report.verdict,
        "baseline": {"name": report.baseline.name, "commit": report.baseline.commit},
        "target": {"name": report.target.name, "commit": report.target.commit},
        "summary": {s.value: report.count(s) for s in Status},
        "coverage": {
            "baseline_series": report.baseline_series,
            "compared": report.compared,
            **across,
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
            {
                "instructions": row.count.label,
                "cycles": row.cycles.label if row.cycles else None,
                "timing": row.timing.label if row.timing else None,
            }
            for row in report.beside
        ],
    }


def render_json(report: CheckReport) -> str:
    return json.dumps(check_data(report), indent=2, allow_nan=False) + "\n"
