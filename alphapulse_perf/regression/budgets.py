"""Absolute budgets (settings' `budgets`), checked on the target commit alone.

A budget holds when every matching series' value lies within its bounds. A matching series that
failed at the target is `unmeasured`, reported and not passed: a benchmark that stopped running
must not make its budget look kept. A budget that matches nothing at the target (a typo in the
regex, a benchmark renamed, missing or skipped there) is `unmatched`: "budget has no result", and
that fails too, or a budget could silently stop guarding anything.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from alphapulse_perf.regression.compare import series_order
from alphapulse_perf.regression.settings import Budget
from alphapulse_perf.results import Outcome, Record

__all__ = ["BudgetCheck", "BudgetStatus", "check_budgets"]


class BudgetStatus(enum.Enum):
    HELD = "held"
    BROKEN = "broken"
    UNMEASURED = "unmeasured"
    UNMATCHED = "unmatched"


@dataclass(frozen=True)
class BudgetCheck:
    budget: Budget
    status: BudgetStatus
    label: str  # the series (or the budget's regex when nothing matched)
    machine: str
    env: str
    value: float | None
    unit: str

    @property
    def fails(self) -> bool:
        return self.status is not BudgetStatus.HELD


def _within(budget: Budget, value: float) -> bool:
    low_ok = budget.min is None or value >= budget.min
    high_ok = budget.max is None or value <= budget.max
    return low_ok and high_ok


def check_budgets(records: Iterable[Record], budgets: Iterable[Budget]) -> list[BudgetCheck]:
    """One check per (budget, matching series) of the target's records; unmatched budgets too."""
    chosen = [r for r in records if r.outcome is not Outcome.SKIPPED]
    checks = []
    for budget in budgets:
        matched = [r for r in chosen if budget.applies(r.benchmark, r.param_names, r.params)]
        if not matched:
            checks.append(
                BudgetCheck(budget, BudgetStatus.UNMATCHED, budget.match.pattern, "", "", None, "")
            )
        for r in sorted(matched, key=lambda r: series_order(r.key)):
            if r.outcome is Outcome.FAILED or r.value is None:
                status = BudgetStatus.UNMEASURED
            else:
                status = BudgetStatus.HELD if _within(budget, r.value) else BudgetStatus.BROKEN
            checks.append(BudgetCheck(budget, status, r.label, r.machine, r.env, r.value, r.unit))
    return checks
