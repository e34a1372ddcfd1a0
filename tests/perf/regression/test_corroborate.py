"""Corroboration: a timing regression its workload's count and cycles do not back is noisy."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import FAST, SETTINGS, rec, scaled

from alphapulse_perf.regression.check import Revision, run_check
from alphapulse_perf.regression.compare import Status
from alphapulse_perf.regression.corroborate import UNBACKED
from alphapulse_perf.regression.settings import Settings, SettingsError, parse_settings

BASE, HEAD = "a" * 40, "b" * 40
COUNT, CYCLES = "b.Instructions.track_instructions", "b.Cycles.track_cycles"
TIMING = "b.Bench.time_x(n=10)"
ON = replace(SETTINGS, beside=((f"{COUNT}(n='detect')", TIMING),), corroborate=True)


def timing_status(
    slower: float, count: float = 1.0, cycles: float | None = 1.0, settings: Settings = ON
) -> tuple[Status, str]:
    """The status and reason of a timing `slower` times the baseline, its workload's count and
    cycles moved by the factors given (None: no cycles recorded)."""
    records = [
        rec(0.001, FAST, commit=BASE),
        rec(0.001 * slower, scaled(slower), commit=HEAD),
        rec(1e6, name=COUNT, params=("'detect'",), commit=BASE),
        rec(1e6 * count, name=COUNT, params=("'detect'",), commit=HEAD),
    ]
    if cycles is not None:
        records += [
            rec(2e6, name=CYCLES, params=("'detect'",), commit=BASE),
            rec(2e6 * cycles, name=CYCLES, params=("'detect'",), commit=HEAD),
        ]
    unit = {COUNT: "instructions", CYCLES: "cycles"}
    records = [replace(r, unit=unit[r.benchmark]) if r.benchmark in unit else r for r in records]
    report = run_check(records, Revision(BASE, BASE), Revision(HEAD, HEAD), settings, {})
    (timing,) = [c for c in report.comparisons if c.label == TIMING]
    (row,) = [r for r in report.beside if r.count.params == ("'detect'",)]
    assert row.timing == timing  # the table shows the corroborated status
    return timing.status, timing.reason


def test_a_timing_alone_is_noisy_with_the_reason() -> None:
    assert timing_status(1.3) == (Status.NOISY, UNBACKED)


@pytest.mark.parametrize(
    ("slower", "count", "cycles", "why"),
    [
        (1.3, 1.02, 1.0, "the count moved"),
        (1.3, 1.0, 1.05, "the cycles moved"),
        (1.3, 1.0, None, "no cycles to corroborate with"),
        (1.6, 1.0, 1.0, "beyond corroborate_above (1.5)"),
    ],
)
def test_a_backed_or_large_regression_stands(
    slower: float, count: float, cycles: float | None, why: str
) -> None:
    assert timing_status(slower, count, cycles)[0] is Status.REGRESSED, why


def test_off_by_default() -> None:
    assert timing_status(1.3, settings=replace(ON, corroborate=False))[0] is Status.REGRESSED


def test_the_settings() -> None:
    parsed = parse_settings({"corroborate": True, "corroborate_above": 2.0}, "pyproject.toml")
    assert (parsed.corroborate, parsed.corroborate_above) == (True, 2.0)
    assert parse_settings({}, "pyproject.toml").corroborate is False
    with pytest.raises(SettingsError, match=r"corroborate_above.*factor above 1"):
        parse_settings({"corroborate_above": 0.5}, "pyproject.toml")
    with pytest.raises(SettingsError, match=r"corroborate.*true or false"):
        parse_settings({"corroborate": "yes"}, "pyproject.toml")
