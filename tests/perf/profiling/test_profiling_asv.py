"""`alphapulse-perf profile` and `profile-diff --bench`: selection, then real asv in a clone.

The slow tests clone this repository into a temporary directory with two commits on top: the
working tree's suite, then one whose `detect_patterns` runs three times (real work, not a sleep).
asv builds its environment inside the clone; HOME points into the temporary directory too, so the
user's `~/.asv-machine.json` and environments are left alone.
"""

from __future__ import annotations

import os
import pstats
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alphapulse_perf.cli import main
from alphapulse_perf.profiling.asv_runner import BenchmarkCase, select_cases
from scripts.asv_clone import make_clone

LISTING: list[dict[str, Any]] = [
    {"name": "bench_single_symbol.SingleSymbolDetection.time_detect",
     "params": [["100", "1000", "8760"]], "param_names": ["candles"]},
    {"name": "bench_grid.Grid.time_scan", "params": [["10", "100"], ["'1h'", "'4h'"]],
     "param_names": ["symbols", "timeframe"]},
    {"name": "bench_streaming.StreamingUpdate.time_update", "params": [], "param_names": []},
]  # fmt: skip


class TestSelect:
    @pytest.mark.parametrize(
        ("pattern", "labels"),
        [
            pytest.param("time_detect(1000)", ["time_detect(1000)"], id="parentheses-plain"),
            pytest.param(r"time_detect\(1000\)", ["time_detect(1000)"], id="parentheses-escaped"),
            pytest.param("time_detect(100)", ["time_detect(100)"], id="not-a-prefix"),
            pytest.param(
                "time_detect",
                ["time_detect(100)", "time_detect(1000)", "time_detect(8760)"],
                id="all-combinations",
            ),
            pytest.param("time_detect(1000", ["time_detect(1000)"], id="unbalanced-is-text"),
            pytest.param("Grid.time_scan(10, '4h')", ["time_scan(10, '4h')"], id="two-params"),
            pytest.param(
                r"time_scan\(100, ",
                ["time_scan(100, '1h')", "time_scan(100, '4h')"],
                id="regex-on-label",
            ),
            pytest.param("Streaming", ["time_update"], id="no-params"),
            pytest.param("nothing", [], id="none"),
        ],
    )
    def test_patterns(self, pattern: str, labels: list[str]) -> None:
        chosen = [c.label.split(".")[-1] for c in select_cases(LISTING, pattern)]
        assert chosen == labels

    def test_indexes_are_asv_order(self) -> None:
        (case,) = select_cases(LISTING, "time_scan(100, '1h')")
        assert case.index == 2  # row-major: (10,1h) (10,4h) (100,1h) (100,4h)

    def test_file_stems(self) -> None:
        case = BenchmarkCase("b.G.time_scan", 3, ("100", "'4h'"), ("symbols", "timeframe"))
        assert case.stem == "b.G.time_scan(symbols=100,timeframe=4h)"
        assert BenchmarkCase("b.S.time_update", -1, (), ()).stem == "b.S.time_update"


BENCH = "bench_stages.Stages.time_patterns"
PROBE = """
class Probe:
    params = [[1, 2]]
    param_names = ["n"]

    def setup(self, n):
        if n == 2:
            raise NotImplementedError("not in this commit")

    def time_fails(self, n):
        raise RuntimeError("probe failure")
"""


@pytest.fixture(scope="module")
def clone(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, list[str]]]:
    made = make_clone(tmp_path_factory.mktemp("asv-profile"), {"bench_profiling_probe.py": PROBE})
    user_home = os.environ.get("HOME")
    os.environ["HOME"] = str(made.home)  # asv, run in process by the command, reads it
    try:
        yield made.repo, [made.fast, made.slow]
    finally:
        if user_home is None:
            del os.environ["HOME"]
        else:
            os.environ["HOME"] = user_home
    assert not (made.home / ".asv-machine.json").exists()  # profiling needs no machine file


@pytest.mark.slow
def test_profile_writes_a_capture_per_combination(
    clone: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, (fast, _) = clone
    out = tmp_path / "out"
    args = ["profile", "Stages.time_patterns", "--commit", fast, "--repo", str(repo),
            "--out", str(out), "--min-time", "0.2"]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    for symbols in (1, 100):
        stem = f"{out}/{BENCH}(symbols={symbols})"
        stats = pstats.Stats(f"{stem}.prof")
        entry = [k for k, v in stats.stats.items() if not v[4]]  # type: ignore[attr-defined]
        assert any(k[2] == "time_patterns" for k in entry)
        txt = Path(f"{stem}.txt").read_text()
        assert f"{BENCH}({symbols}) at {fast[:8]}" in txt
        assert "alphapulse/patterns/__init__.py" in txt and "(detect_patterns)" in txt
        assert "<svg" in Path(f"{stem}.svg").read_text()
    assert f"{BENCH}(1): " in capsys.readouterr().out


@pytest.mark.slow
def test_profile_diff_ranks_the_slower_function_first(
    clone: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, (fast, slow) = clone
    out = tmp_path / "out"
    args = ["profile-diff", "--bench", "Stages.time_patterns(1)", "--from", fast, "--to", slow,
            "--repo", str(repo), "--out", str(out), "--min-time", "0.3",
            "--format", "markdown"]  # fmt: skip
    assert main(args) == 0
    captured = capsys.readouterr()
    first = next(line for line in captured.out.splitlines() if line.startswith("| 1 |"))
    # The three-times wrapper is new in patterns/__init__.py and carries the extra work.
    assert "alphapulse/patterns/__init__.py" in first and "(detect_patterns)` (new)" in first
    picture = out / f"{BENCH}(symbols=1).{fast[:8]}-{slow[:8]}.svg"
    assert f"flame graph: {picture}" in captured.err
    assert 'class="offender"' in picture.read_text()


@pytest.mark.slow
def test_the_lines_of_the_slower_function_are_timed_at_both_commits(
    clone: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, (fast, slow) = clone
    out = tmp_path / "out"
    args = [
        "profile",
        "Stages.time_patterns(1)",
        "--commit",
        slow,
        "--repo",
        str(repo),
        "--out",
        str(out),
        "--min-time",
        "0.2",
        "--lines",
        "alphapulse.patterns.pattern_matrix",
    ]
    assert main(args) == 0, capsys.readouterr().err
    report = (out / f"{BENCH}(symbols=1).lines.txt").read_text()
    assert "Function: pattern_matrix" in report and "% Time" in report  # line_profiler's own
    capsys.readouterr()
    args = ["profile-diff", "--bench", "Stages.time_patterns(1)", "--from", fast, "--to", slow,
            "--repo", str(repo), "--out", str(tmp_path / "diff"), "--min-time", "0.3",
            "--lines", "1"]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    shown = capsys.readouterr().out
    # The culprit: the wrapper's call, three times per call of the benchmark, at `slow` only.
    culprit = next(
        line for line in shown.splitlines() if "_detect_patterns_once(open, high" in line
    )
    assert culprit.split()[1] == "-" and float(culprit.split()[2]) > 0, culprit
    assert "lines of __init__.py:detect_patterns" in shown


@pytest.mark.slow
def test_unknown_benchmark_exits_2(
    clone: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, (fast, _) = clone
    args = ["profile", "NoSuchBenchmark", "--commit", fast, "--repo", str(repo),
            "--out", str(tmp_path)]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "no benchmark" in err and "'NoSuchBenchmark'" in err


@pytest.mark.slow
def test_failures_and_skips_are_reported_and_exit_1(
    clone: tuple[Path, list[str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, (fast, _) = clone
    args = ["profile", "Probe.time_fails", "--commit", fast, "--repo", str(repo),
            "--out", str(tmp_path)]  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "bench_profiling_probe.Probe.time_fails(1): failed:" in err
    assert "RuntimeError: probe failure" in err
    assert "bench_profiling_probe.Probe.time_fails(2): skipped" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_timeraw_benchmarks_are_profiled_in_fresh_interpreters(
    clone: tuple[Path, list[str]], tmp_path: Path
) -> None:
    repo, (fast, _) = clone
    args = ["profile", "ColdStart.timeraw_import$", "--commit", fast, "--repo", str(repo),
            "--out", str(tmp_path), "--min-time", "0.1"]  # fmt: skip
    assert main(args) == 0
    txt = (tmp_path / "bench_cold_start.ColdStart.timeraw_import.txt").read_text()
    assert "entry    <timeraw>:1(<module>)" in txt
    assert "alphapulse/__init__.py" in txt  # the import it times, profiled
