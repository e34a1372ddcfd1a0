"""Each status of the decision, the direction, the tolerance, and the budgets."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from builders import FAST, SETTINGS, rec, scaled

from alphapulse_perf.regression.budgets import BudgetStatus, check_budgets
from alphapulse_perf.regression.compare import Status, classify, compare_commits
from alphapulse_perf.regression.settings import Budget, Direction, Rule
from alphapulse_perf.regression.stats import Evidence
from alphapulse_perf.results import Outcome, Record


@pytest.mark.parametrize(
    ("before", "after", "status"),
    [
        pytest.param(rec(1.0, FAST), rec(1.3, scaled(1.3)), Status.REGRESSED, id="regressed"),
        pytest.param(rec(1.0, FAST), rec(0.7, scaled(0.7)), Status.IMPROVED, id="improved"),
        pytest.param(rec(1.0, FAST), rec(1.05, scaled(1.05)), Status.UNCHANGED, id="in-tolerance"),
        pytest.param(
            rec(1.0, FAST),
            rec(1.2, scaled(0.999)[:5] + scaled(1.4)[5:]),
            Status.NOISY,
            id="noisy-rounds-disagree",
        ),
        pytest.param(
            rec(1.0, ci=(0.5, 1.5)), rec(1.3, ci=(1.0, 1.6)), Status.NOISY, id="noisy-ci-overlap"
        ),
        pytest.param(
            rec(1.0, ci=(0.9, 1.1)), rec(1.3, ci=(1.2, 1.4)), Status.REGRESSED, id="ci-apart"
        ),
        pytest.param(None, rec(1.0), Status.NEW, id="new"),
        pytest.param(rec(None, outcome=Outcome.FAILED), rec(1.0), Status.NEW, id="new-was-failed"),
        pytest.param(rec(1.0), None, Status.MISSING, id="missing"),
        pytest.param(rec(1.0), rec(None, outcome=Outcome.SKIPPED), Status.MISSING, id="skipped"),
        pytest.param(rec(1.0), rec(None, outcome=Outcome.FAILED), Status.BROKEN, id="broken"),
        pytest.param(
            rec(None, outcome=Outcome.FAILED),
            rec(None, outcome=Outcome.FAILED),
            Status.FAILED,
            id="failed-both",
        ),
        pytest.param(None, rec(None, outcome=Outcome.FAILED), Status.FAILED, id="failed-new"),
        pytest.param(rec(1.0), rec(2.0, version="2"), Status.INCOMPARABLE, id="version"),
        pytest.param(rec(1.0), rec(float("inf")), Status.INCOMPARABLE, id="quick-infinity"),
    ],
)
def test_each_status(before: Record | None, after: Record | None, status: Status) -> None:
    assert classify(before, after, SETTINGS, rounds=2).status is status


def test_a_large_change_without_statistics_is_noisy_not_a_regression() -> None:
    c = classify(rec(1.0), rec(1.2), SETTINGS)
    assert (c.status, c.ratio) == (Status.NOISY, pytest.approx(1.2))
    assert "no statistics" in c.reason


@pytest.mark.parametrize(
    ("after", "status"),
    [
        pytest.param(1.015, Status.REGRESSED, id="beyond-1-percent"),
        pytest.param(0.98, Status.IMPROVED, id="better"),
        pytest.param(1.009, Status.UNCHANGED, id="within-1-percent"),
    ],
)
def test_a_deterministic_benchmark_is_decided_by_its_tolerance_alone(
    after: float, status: Status
) -> None:
    name = "b.Counts.track_instructions"
    c = classify(rec(1e6, name=name), rec(after * 1e6, name=name), SETTINGS)
    assert (c.status, c.tolerance) == (status, 0.01)
    if status is not Status.UNCHANGED:
        assert c.significance is not None and c.significance.evidence is Evidence.DETERMINISTIC


@pytest.mark.parametrize(
    ("after", "status"),
    [
        pytest.param(0.8, Status.REGRESSED, id="fewer-per-second"),
        pytest.param(1.25, Status.IMPROVED, id="more-per-second"),
        pytest.param(0.95, Status.UNCHANGED, id="within"),
    ],
)
def test_throughput_is_higher_better(after: float, status: Status) -> None:
    name = "b.Scan.track_candles_per_second"
    settings = replace(
        SETTINGS, rules=(Rule(re.compile(name), deterministic=True), *SETTINGS.rules)
    )
    c = classify(rec(1.0, name=name), rec(after, name=name), settings)
    assert (c.status, c.direction) == (status, Direction.HIGHER)


def test_the_tolerance_comes_from_the_first_matching_rule() -> None:
    loose = replace(SETTINGS, rules=(Rule(re.compile(r"time_x\(n=10\)"), tolerance=0.5),))
    assert classify(rec(1.0, FAST), rec(1.3, scaled(1.3)), loose).status is Status.UNCHANGED
    other = rec(1.0, FAST, params=("20",)), rec(1.3, scaled(1.3), params=("20",))
    assert classify(*other, loose, rounds=2).status is Status.REGRESSED


def test_compare_commits_pairs_series_and_orders_parameters_as_numbers() -> None:
    b, t = "a" * 40, "b" * 40
    records = [
        rec(1.0, commit=b, params=("100",)),
        rec(1.0, commit=b, params=("25",)),
        rec(1.0, commit=t, params=("100",)),
        rec(1.0, commit=t, params=("25",)),
        rec(None, commit=b, params=("7",), outcome=Outcome.SKIPPED),
        rec(None, commit=t, params=("7",), outcome=Outcome.SKIPPED),
        rec(1.0, commit="c" * 40, params=("25",)),
    ]
    comparisons = compare_commits(records, b, t, SETTINGS)
    assert [(c.params, c.status) for c in comparisons] == [
        (("25",), Status.UNCHANGED),
        (("100",), Status.UNCHANGED),
    ]


def test_budgets_on_the_target_alone() -> None:
    budgets = (
        Budget(re.compile("time_x$"), (("n", ("10", "100")),), max=0.1),
        Budget(re.compile("nothing_matches"), max=1.0),
    )
    records = [
        rec(0.05, params=("10",)),
        rec(0.2, params=("100",)),
        rec(0.2, params=("5",)),  # not a budgeted parameter
    ]
    checks = check_budgets(records, budgets)
    assert [(c.label, c.status) for c in checks] == [
        ("b.Bench.time_x(n=10)", BudgetStatus.HELD),
        ("b.Bench.time_x(n=100)", BudgetStatus.BROKEN),
        ("nothing_matches", BudgetStatus.UNMATCHED),
    ]
    failed = check_budgets([rec(None, outcome=Outcome.FAILED)], budgets[:1])
    assert [(c.status, c.fails) for c in failed] == [(BudgetStatus.UNMEASURED, True)]
    low = check_budgets([rec(5.0)], (Budget(re.compile("time_x"), min=10.0),))
    assert low[0].status is BudgetStatus.BROKEN
