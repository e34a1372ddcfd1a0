"""The bisection's search on fake histories: exact, log2(n) measurements, clear refusals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alphapulse_perf.regression.bisect import BisectError, bisect_commits

COMMITS = [f"{k:02x}" * 20 for k in range(1, 17)]  # 16 commits, GOOD first


def history(step_at: int, before: float = 6e6, after: float = 6.3e6) -> dict[str, float]:
    return {c: (after if k >= step_at else before) for k, c in enumerate(COMMITS)}


@given(st.integers(min_value=1, max_value=len(COMMITS) - 1))
def test_the_one_step_is_found_in_log2_measurements(step_at: int) -> None:
    values = history(step_at)
    asked: list[str] = []

    def measure(commit: str) -> float:
        asked.append(commit)
        return values[commit]

    found = bisect_commits(COMMITS, measure, 0.01)
    assert found.culprit == COMMITS[step_at]
    assert (found.before, found.after) == (6e6, 6.3e6)
    assert len(asked) == len(set(asked))  # never the same commit twice
    assert len(asked) <= 2 + math.ceil(math.log2(len(COMMITS) - 1))
    assert [c for c, _ in found.measured] == asked
    assert found.change == pytest.approx(0.05)


def test_moves_within_the_tolerance_are_not_the_step() -> None:
    values = history(5)
    values[COMMITS[2]] = 6e6 * 1.004  # layout noise of a few tenths of a per cent
    assert bisect_commits(COMMITS, values.__getitem__, 0.01).culprit == COMMITS[5]


def test_an_improvement_is_bisected_too() -> None:
    found = bisect_commits(COMMITS, history(9, 6e6, 5e6).__getitem__, 0.01)
    assert found.culprit == COMMITS[9] and found.change < 0


def test_nothing_moved_is_refused_with_both_values() -> None:
    with pytest.raises(BisectError, match=r"nothing to bisect: .* within 1\.0% of"):
        bisect_commits(COMMITS, history(99).__getitem__, 0.01)


def test_a_commit_without_a_value_is_named() -> None:
    values: dict[str, float | None] = dict(history(3))
    values[COMMITS[7]] = None
    with pytest.raises(BisectError, match=f"{COMMITS[7][:8]} has no value"):
        bisect_commits(COMMITS, values.__getitem__, 0.01)


def test_a_range_of_one_commit_is_refused() -> None:
    with pytest.raises(BisectError, match="two commits"):
        bisect_commits(COMMITS[:1], history(1).__getitem__, 0.01)
