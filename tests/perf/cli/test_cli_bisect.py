"""`alphapulse-perf bisect` over a real git history, its measurements faked."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import BENCHMARKS, run_file, write_results

from alphapulse_perf.cli import bisect as bisect_cli
from alphapulse_perf.cli import main

COUNT = "bench_instructions.Instructions.track_instructions"
CYCLES = "bench_instructions.Cycles.track_cycles"
TIMING = "bench_single_symbol.SingleSymbolDetection.time_detect"
CONFIG = f"""\
[tool.alphapulse_perf]
tolerance = 0.1
[[tool.alphapulse_perf.benchmarks]]
match = "instructions"
tolerance = 0.01
deterministic = true
[tool.alphapulse_perf.beside]
"{COUNT}(workload='detect')" = "{TIMING}(candles=1000)"
"""


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    """A repository of 9 commits, a results folder (machine m1) and settings in it."""
    root = tmp_path / "repo"
    root.mkdir()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    commits = []
    for k in range(9):
        subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", f"c{k}"], check=True)
        head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
        commits.append(head.stdout.strip())
    write_results(root / "results", {})
    listed = dict(BENCHMARKS)
    listed[COUNT] = {
        "name": COUNT, "type": "track", "unit": "instructions", "param_names": ["workload"],
        "params": [["'detect'", "'scan'"]], "version": "1",
    }  # fmt: skip
    listed[CYCLES] = {**listed[COUNT], "name": CYCLES, "unit": "cycles"}
    (root / "results" / "benchmarks.json").write_text(json.dumps(listed))
    (root / "pyproject.toml").write_text(CONFIG)
    return root, commits


class FakeBatch:
    """`measure_batch` whose detect count grows by 3 % from commit `step` on, and whose detect
    cycles grow by 5 % from commit `cycles_step` on (the counts unchanged there)."""

    def __init__(self, commits: list[str], step: int, cycles_step: int = 9) -> None:
        self.values = {c: 6e6 * (1.03 if k >= step else 1.0) for k, c in enumerate(commits)}
        self.cycles = {c: 1e7 * (1.05 if k >= cycles_step else 1.0) for k, c in enumerate(commits)}
        self.asked: list[tuple[str, list[str]]] = []

    def __call__(
        self, repo: Path, commits: Sequence[str], benchmarks: Sequence[str], **options: Any
    ) -> float:
        (commit,) = commits
        self.asked.append((commit, list(benchmarks)))
        row = {
            COUNT: [[self.values[commit], 5e6], [["'detect'", "'scan'"]], "1"],
            CYCLES: [[self.cycles[commit], 9e6], [["'detect'", "'scan'"]], "1"],
        }
        write_results(options["folder"] / "results", {f"{commit[:8]}-env.json": run_file(
            commit, 1, row)}, options["machine"])  # fmt: skip
        return 7.0


def bisect(root: Path, *args: str) -> list[str]:
    return ["bisect", *args, "--repo", str(root), "--results", str(root / "results"),
            "--config", str(root / "pyproject.toml")]  # fmt: skip


def test_the_commit_that_moved_the_count_is_named(
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, commits = repo
    fake = FakeBatch(commits, 6)
    monkeypatch.setattr(bisect_cli, "measure_batch", fake)
    argv = bisect(root, "track_instructions(workload='detect')", commits[0], commits[-1])
    assert main([*argv, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["culprit"] == commits[6]
    assert (found["before"], found["after"]) == (6e6, 6e6 * 1.03)
    assert [m["commit"] for m in found["measured"]] == [c for c, _ in fake.asked]
    assert len(fake.asked) == 5  # GOOD, BAD, then 3 of the 7 between
    assert {tuple(b) for _, b in fake.asked} == {(f"{COUNT}('detect')",)}
    assert (root / ".asv" / "bisect").is_dir()  # never asv's results


def test_a_timing_is_bisected_by_the_count_beside_it(
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, commits = repo
    monkeypatch.setattr(bisect_cli, "measure_batch", FakeBatch(commits, 2))
    assert main(bisect(root, f"{TIMING}(candles=1000)", commits[0], "HEAD")) == 0
    captured = capsys.readouterr()
    assert f"culprit: {commits[2]}" in captured.out
    assert "+3.00%" in captured.out and "commits measured" in captured.out
    assert f"is not a series of instructions: bisecting the same workload's {COUNT}" in captured.err


def test_cycles_are_bisected_for_a_count_or_a_timing_of_the_workload(
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, commits = repo
    fake = FakeBatch(commits, 9, cycles_step=3)  # a layout change: the count never moves
    monkeypatch.setattr(bisect_cli, "measure_batch", fake)
    for asked in (f"{COUNT}(workload='detect')", f"{TIMING}(candles=1000)"):
        fake.asked.clear()
        argv = bisect(root, asked, commits[0], commits[-1])
        assert main([*argv, "--metric", "cycles", "--format", "json"]) == 0
        found = json.loads(capsys.readouterr().out)
        assert found["culprit"] == commits[3]
        assert (found["before"], found["after"]) == (1e7, 1e7 * 1.05)
        assert {tuple(b) for _, b in fake.asked} == {(f"{CYCLES}('detect')",)}
    argv = bisect(root, f"{COUNT}(workload='detect')", commits[0], commits[-1])
    assert main(argv) == 2  # the count itself did not move
    assert "nothing to bisect" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("time_detect(candles=100)", "0", "8"), "is not a series of instructions"),
        (("track_instructions", "0", "8"), "matches several"),
        (("workload='detect')", "8", "0"), "is not an ancestor"),
        (("workload='detect')", "0", "0"), "two commits"),
        (("workload='detect')", "0", "3"), "nothing to bisect"),
    ],
)
def test_what_cannot_be_bisected_is_a_usage_error(
    repo: tuple[Path, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, str, str],
    message: str,
) -> None:
    root, commits = repo
    monkeypatch.setattr(bisect_cli, "measure_batch", FakeBatch(commits, 6))
    name, good, bad = args
    assert main(bisect(root, name, commits[int(good)], commits[int(bad)])) == 2
    assert message in capsys.readouterr().err
