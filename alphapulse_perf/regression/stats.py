"""Pure statistics for the checker: is a difference between two measurements real?

The unit of evidence is the process, not the sample. asv runs each time benchmark in `rounds`
processes and appends each round's samples in order; on the 2-core machines a whole process can be
fast or slow by up to +-40 % (asv-field-notes.md), so a Mann-Whitney test over all samples, which
treats them as independent, passes process-to-process noise (2 of 15 A/A runs flagged by asv). The
rule here therefore asks for two things before it calls a difference real:

1. Mann-Whitney U over all samples at `p < p_threshold` (asv's test, asv's threshold), when both
   sides have enough samples for the test to be able to reach that level; and
2. the difference holds in every round: every round of one side is worse than every round of the
   other, each round summarised by its median (so one odd process on either side cannot make it),
   and by a margin: the closest two rounds still differ by a fraction of the tolerance (settings'
   `round_margin`, a quarter of it by default). Without the margin, an A/A pair measured under
   load was flagged at 1.14x with its closest rounds 1 % apart (scripts/measure_checker.py).

Without enough samples on both sides, the 99 % confidence intervals must not overlap. With no
statistics at all (track_ and peakmem_ benchmarks), nothing shows the change is real: such a change
is not called a regression (asv's compare would let the factor alone decide; a track read once per
process moves with the process, up to +-40 % here). A benchmark whose value repeats exactly
(instruction counts) is declared `deterministic` in the settings, and the checker then skips this
test and lets the tolerance alone decide (compare.py).

Uses asv's own Mann-Whitney (`asv._stats.mann_whitney_u`, a private module of asv 0.6.6, pinned in
pyproject.toml) so that this checker and `asv compare` agree on the same samples.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from alphapulse_perf._asv import from_asv

__all__ = [
    "Evidence",
    "Significance",
    "can_reach",
    "detectable_factor",
    "mann_whitney_p",
    "rounds_agree",
    "significance",
    "split_rounds",
]


class Evidence(enum.Enum):
    SAMPLES = "samples"  # Mann-Whitney, and every round
    CI = "ci"  # 99 % confidence intervals
    NONE = "none"  # no statistics recorded: nothing shows the change is real
    DETERMINISTIC = "deterministic"  # declared exact in the settings: no test needed


@dataclass(frozen=True)
class Significance:
    """The verdict and what it rests on (`p` only for samples)."""

    real: bool
    evidence: Evidence
    p: float | None = None
    rounds_agree: bool | None = None


def split_rounds(samples: Sequence[float], rounds: int) -> list[list[float]]:
    """asv appends each round's samples in order: cut them into `rounds` runs of equal length.

    When the count does not divide evenly (a round lost samples), the result is one group: the
    rounds cannot be told apart, so none is claimed.
    """
    clean = [s for s in samples if not math.isnan(s)]
    if rounds < 2 or len(clean) % rounds or len(clean) < rounds:
        return [clean]
    size = len(clean) // rounds
    return [clean[k * size : (k + 1) * size] for k in range(rounds)]


def can_reach(m: int, n: int, p_threshold: float) -> bool:
    """Whether Mann-Whitney on m and n samples can reach `p_threshold` at all (asv's test)."""
    if m == 0 or n == 0:
        return False
    return 1 / math.comb(m + n, min(m, n)) < p_threshold


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p-value of Mann-Whitney U (asv's implementation: ties broken conservatively).

    asv is imported on first use: the CLI's other commands do not need it.
    """
    mann_whitney_u = from_asv("asv._stats", "mann_whitney_u")  # private, asv==0.6.6
    _, p = mann_whitney_u(list(a), list(b))
    return float(p)


def rounds_agree(
    before: Sequence[Sequence[float]], after: Sequence[Sequence[float]], margin: float = 0.0
) -> bool:
    """Every round of `after` lies beyond every round of `before`, by medians, with `margin` to
    spare: the closest pair of rounds still differs by the factor `1 + margin`."""
    lo_before = min(statistics.median(r) for r in before)
    hi_before = max(statistics.median(r) for r in before)
    lo_after = min(statistics.median(r) for r in after)
    hi_after = max(statistics.median(r) for r in after)
    factor = 1 + margin
    return lo_after > hi_before * factor or hi_after * factor < lo_before


def detectable_factor(
    before: Sequence[Sequence[float]],
    after: Sequence[Sequence[float]],
    before_centre: float,
    after_centre: float,
    margin: float,
    up: bool = True,
) -> float:
    """The smallest factor by which `after` must move (as a whole) for `rounds_agree` to see it.

    If the target's rounds kept their spread around a centre moved by `r`, every round of it lies
    beyond every baseline round by `1 + margin` once `r` exceeds `(1 + margin)` times the
    baseline's highest round over its centre times the target's centre over its lowest round
    (`up`: slower; otherwise the mirror image). Rounds that agree closely give `1 + margin`.
    """
    b = [statistics.median(r) for r in before]
    a = [statistics.median(r) for r in after]
    if min(*b, *a, before_centre, after_centre) <= 0:
        return math.inf  # not a timing: no shift model
    if up:
        spread = (max(b) / before_centre) * (after_centre / min(a))
    else:
        spread = (before_centre / min(b)) * (max(a) / after_centre)
    return (1 + margin) * max(spread, 1.0)


def significance(
    before_samples: Sequence[float] | None,
    after_samples: Sequence[float] | None,
    before_ci: tuple[float, float] | None,
    after_ci: tuple[float, float] | None,
    rounds: int,
    p_threshold: float,
    margin: float = 0.0,
) -> Significance:
    """Is the difference between two measurements real? See the module docstring for the rule."""
    if before_samples is not None and after_samples is not None:
        before = split_rounds(before_samples, rounds)
        after = split_rounds(after_samples, rounds)
        a = [s for r in before for s in r]
        b = [s for r in after for s in r]
        if can_reach(len(a), len(b), p_threshold):
            p = mann_whitney_p(a, b)
            agree = rounds_agree(before, after, margin)
            return Significance(p < p_threshold and agree, Evidence.SAMPLES, p, agree)
    if before_ci is not None and after_ci is not None:
        overlap = before_ci[1] >= after_ci[0] and before_ci[0] <= after_ci[1]
        return Significance(not overlap, Evidence.CI)
    if before_ci is None and after_ci is None:
        return Significance(False, Evidence.NONE)
    return Significance(False, Evidence.CI)  # one side has an interval, the other none: unknown
