"""Records and settings built in memory, for the tests of decisions and reports."""

from __future__ import annotations

import re

from alphapulse_perf.regression.settings import Direction, Rule, Settings
from alphapulse_perf.results import Outcome, Record

# Ten samples of a quiet timing, and a history with one step (x2 after the fourth commit).
FAST = (1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.02, 0.98)
SETTINGS = Settings(
    tolerance=0.10,
    rules=(
        Rule(re.compile("per_second"), direction=Direction.HIGHER),
        Rule(re.compile("instructions"), tolerance=0.01, deterministic=True),
        Rule(re.compile("cycles"), tolerance=0.02, deterministic=True),
    ),
)


def rec(
    value: float | None,
    samples: tuple[float, ...] | None = None,
    *,
    commit: str = "a" * 40,
    name: str = "b.Bench.time_x",
    outcome: Outcome = Outcome.OK,
    version: str = "1",
    ci: tuple[float, float] | None = None,
    params: tuple[str, ...] = ("10",),
) -> Record:
    return Record(
        machine="m1", env="env", commit=commit, date=1, benchmark=name, params=params,
        param_names=("n",), outcome=outcome, value=value, ci_99=ci, q25_q75=None,
        samples=samples, repeat=None, unit="seconds", type="time", version=version,
    )  # fmt: skip


def scaled(factor: float) -> tuple[float, ...]:
    return tuple(x * factor for x in FAST)


COMMITS = [f"{k:x}" * 40 for k in range(1, 9)]
LEVELS = [1.0, 1.01, 0.99, 1.0, 2.0, 2.02, 1.98, 2.0]
