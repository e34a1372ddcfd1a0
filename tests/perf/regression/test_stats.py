"""The significance rule: Mann-Whitney and every round agreeing; else CIs; else the tolerance."""

from __future__ import annotations

import pytest

from alphapulse_perf.regression.stats import (
    Evidence,
    can_reach,
    mann_whitney_p,
    rounds_agree,
    significance,
    split_rounds,
)

FAST = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.02, 0.98]


def test_split_rounds_cuts_in_order() -> None:
    assert split_rounds([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]
    assert split_rounds([1, 2, 3], 2) == [[1, 2, 3]]  # uneven: rounds unknown
    assert split_rounds([1, 2, float("nan"), 4], 1) == [[1, 2, 4]]


def test_can_reach_follows_asv() -> None:
    assert not can_reach(3, 3, 0.002)  # 1/C(6,3) = 0.05
    assert can_reach(6, 6, 0.002)  # 1/C(12,6) ~ 0.001
    assert not can_reach(0, 10, 0.002)


def test_mann_whitney_is_asvs() -> None:
    assert mann_whitney_p(FAST, [x * 1.5 for x in FAST]) < 0.002
    assert mann_whitney_p(FAST, FAST) == pytest.approx(1.0)


def test_a_shift_seen_in_every_round_is_real() -> None:
    sig = significance(FAST, [x * 1.3 for x in FAST], None, None, rounds=2, p_threshold=0.002)
    assert (sig.real, sig.evidence, sig.rounds_agree) == (True, Evidence.SAMPLES, True)


def test_rounds_that_barely_clear_each_other_are_not_enough_with_a_margin() -> None:
    # Measured in an A/A pair under load: every round of one side 1-8 % above every round of the
    # other but the closest two only 1 % apart; asked to clear by 5 %, they do not.
    before = [[1.01], [1.08], [1.03], [1.00]]
    after = [[0.92], [0.99], [0.52], [0.91]]
    assert rounds_agree(before, after)
    assert not rounds_agree(before, after, margin=0.05)
    assert rounds_agree(before, [[0.90], [0.94], [0.52], [0.91]], margin=0.05)


def test_one_fast_process_is_enough_to_doubt_even_when_mann_whitney_is_sure() -> None:
    # Four processes a side; three of the target's are 40 % slow, one is as fast as the baseline.
    before = FAST * 4
    after = [x * 0.999 for x in FAST] + [x * 1.4 for x in FAST] * 3
    assert not rounds_agree(split_rounds(before, 4), split_rounds(after, 4))
    sig = significance(before, after, None, None, rounds=4, p_threshold=0.002)
    assert sig.evidence is Evidence.SAMPLES and sig.p is not None and sig.p < 0.002
    assert (sig.real, sig.rounds_agree) == (False, False)


def test_too_few_samples_fall_back_to_the_intervals() -> None:
    apart = significance([1.0, 1.1], [2.0, 2.1], (0.9, 1.2), (1.9, 2.2), 1, 0.002)
    overlap = significance([1.0, 1.1], [2.0, 2.1], (0.9, 2.0), (1.9, 2.2), 1, 0.002)
    assert (apart.real, apart.evidence) == (True, Evidence.CI)
    assert (overlap.real, overlap.evidence) == (False, Evidence.CI)


def test_no_statistics_at_all_show_nothing_real() -> None:
    assert significance(None, None, None, None, 1, 0.002).evidence is Evidence.NONE
    assert not significance(None, None, None, None, 1, 0.002).real
    assert not significance(None, None, (1.0, 2.0), None, 1, 0.002).real
