"""Steps over history: asv's step detection, sized, directed, and rendered."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from builders import COMMITS, LEVELS, SETTINGS, rec
from conftest import empty_config, run_file, write_results

from alphapulse_perf.cli import main
from alphapulse_perf.regression.settings import Direction
from alphapulse_perf.regression.trend import find_steps, trends
from alphapulse_perf.report.trend import render_trends
from alphapulse_perf.results import Outcome


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


@pytest.fixture
def trend_args(tmp_path: Path) -> list[str]:
    """`--results` with the LEVELS series at COMMITS (candles=100 and 1000), no settings file."""
    name = "bench_single_symbol.SingleSymbolDetection.time_detect"
    runs = {
        f"{c[:8]}-env.json": run_file(c, k, {name: [[v * 0.001, v * 0.01], [["100", "1000"]]]})
        for k, (v, c) in enumerate(zip(LEVELS, COMMITS, strict=True))
    }
    results = write_results(tmp_path / "results", runs)
    return ["--results", str(results), "--config", str(empty_config(tmp_path))]


def test_cli_trend(trend_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trend", "candles=100\\)", *trend_args]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "  44444444..55555555: 1 ms -> 2 ms (2.00x, worse)"
    )
    assert main(["trend", "(", *trend_args]) == 2
    assert "is not a regular expression" in capsys.readouterr().err


def test_history_keeps_every_commit_and_the_fit() -> None:
    records = [rec(v * 0.001, commit=c) for v, c in zip(LEVELS, COMMITS, strict=True)]
    records[2] = rec(None, commit=COMMITS[2], outcome=Outcome.FAILED)
    (trend,) = trends(records, SETTINGS)
    assert [p.commit for p in trend.history] == COMMITS
    assert trend.points == len(COMMITS) - 1  # measured ones, as before
    assert (trend.history[2].value, trend.history[2].level) == (None, None)
    levels = [p.level for p in trend.history if p.level is not None]
    assert levels[:3] == [levels[0]] * 3 and levels[3:] == [levels[-1]] * 4
    assert (levels[0], levels[-1]) == (trend.steps[0].before, trend.steps[0].after)


def test_cli_trend_plot(
    trend_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plots = tmp_path / "plots"
    assert main(["trend", "--plot", str(plots), *trend_args]) == 0
    captured = capsys.readouterr()
    assert captured.out.endswith("2 series, 2 with steps, 0 steady\n")  # the text as without
    names = ["time_detect-candles=100.svg", "time_detect-candles=1000.svg"]
    paths = [plots / "m1" / f"bench_single_symbol.SingleSymbolDetection.{n}" for n in names]
    assert captured.err.splitlines() == [f"plot: {p}" for p in paths]
    shown = "".join(ET.fromstring(paths[0].read_text()).itertext())
    assert "44444444..55555555: 1 ms -> 2 ms (2.00x, worse)" in shown
    assert sorted(p.name for p in (plots / "m1").iterdir()) == sorted(p.name for p in paths)


def test_cli_trend_plot_where_no_directory_can_be(
    trend_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "plots.svg"
    a_file.write_text("")
    assert main(["trend", "--plot", str(a_file), *trend_args]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"alphapulse-perf: --plot {a_file}: is not a directory\n"
    assert captured.out == ""  # refused before any work
    assert main(["trend", "--plot", str(a_file / "sub"), *trend_args]) == 2
    assert f"--plot {a_file / 'sub'}: cannot create" in capsys.readouterr().err
