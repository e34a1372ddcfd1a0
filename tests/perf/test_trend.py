"""Steps over history: asv's step detection, sized, directed, and rendered."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_file, write_results
from test_compare import SETTINGS, rec

from alphapulse_perf.cli import main
from alphapulse_perf.render_trend import render_trends
from alphapulse_perf.settings import Direction
from alphapulse_perf.trend import find_steps, trends

COMMITS = [f"{k:x}" * 40 for k in range(1, 9)]
LEVELS = [1.0, 1.01, 0.99, 1.0, 2.0, 2.02, 1.98, 2.0]


def test_one_step_found_with_its_commits() -> None:
    (step,) = find_steps(LEVELS, COMMITS, 0.1, Direction.LOWER)
    assert (step.previous, step.commit, step.worse) == (COMMITS[3], COMMITS[4], True)
    assert step.ratio == pytest.approx(2.0, rel=0.02)
    assert find_steps(LEVELS, COMMITS, 0.1, Direction.HIGHER)[0].worse is False
    assert find_steps(LEVELS, COMMITS, 1.5, Direction.LOWER) == []  # below the tolerance
    assert find_steps([1.0], COMMITS[:1], 0.1, Direction.LOWER) == []


def test_trends_per_series_rendered() -> None:
    records = [
        rec(v * 0.001, commit=c, params=("10",)) for v, c in zip(LEVELS, COMMITS, strict=True)
    ] + [rec(0.001, commit=c, params=("20",)) for c in COMMITS]
    found = trends(records, SETTINGS, r"n=10\)")
    assert [t.label for t in found] == ["b.Bench.time_x(n=10)"]
    assert render_trends(trends(records, SETTINGS)) == textwrap.dedent(
        """\
        b.Bench.time_x(n=10) [m1] (8 commits)
          44444444..55555555: 1 ms -> 2 ms (2.00x, worse)
        2 series, 1 with steps, 1 steady
        """
    )


def test_cli_trend(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "bench_single_symbol.SingleSymbolDetection.time_detect"
    runs = {
        f"{c[:8]}-env.json": run_file(c, k, {name: [[v * 0.001, v * 0.01], [["100", "1000"]]]})
        for k, (v, c) in enumerate(zip(LEVELS, COMMITS, strict=True))
    }
    results = write_results(tmp_path / "results", runs)
    config = tmp_path / "none.toml"
    common = ["--results", str(results), "--config", str(config)]
    assert main(["trend", "candles=100\\)", *common]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "  44444444..55555555: 1 ms -> 2 ms (2.00x, worse)"
    )
    assert main(["trend", "(", *common]) == 2
    assert "is not a regular expression" in capsys.readouterr().err
