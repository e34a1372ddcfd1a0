"""`alphapulse-perf report`: one commit's figures, and the exit codes of the CLI boundary."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import run_file, write_results

from alphapulse_perf.cli import main

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"


def test_report_prints_the_commit_table(
    repo: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, commit = repo
    results = write_results(
        tmp_path / "results",
        {
            f"{commit[:8]}-env.json": run_file(
                commit, 1, {SINGLE: [[0.0015, None], [["100", "1000"]], "1"]}
            )
        },
    )
    code = main(["report", "--results", str(results), "--repo", str(root)])
    assert code == 0
    assert capsys.readouterr().out == textwrap.dedent(f"""\
        commit {commit[:8]} on machine m1 (virtualenv-py3.11)

        {SINGLE}(candles=100)   1.5 ms
        {SINGLE}(candles=1000)  failed
        """)


def test_no_results_for_the_commit_exits_2(repo: tuple[Path, str], results_dir: Path) -> None:
    root, _ = repo
    assert main(["report", "--results", str(results_dir), "--repo", str(root)]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--machine", "ghost"], "no machine 'ghost'", id="machine"),
        pytest.param(["--commit", "nope"], "'nope' is neither a named baseline", id="revision"),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    repo: tuple[Path, str],
    results_dir: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    root, _ = repo
    assert main(["report", "--results", str(results_dir), "--repo", str(root), *args]) == 2
    assert message in capsys.readouterr().err


def test_unreadable_results_exit_2_naming_the_file(
    repo: tuple[Path, str], results_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = repo
    (results_dir / "benchmarks.json").write_text("[")
    assert main(["report", "--results", str(results_dir), "--repo", str(root)]) == 2
    assert f"{results_dir / 'benchmarks.json'}: is not valid JSON" in capsys.readouterr().err
