"""`alphapulse-perf check`, `baseline`: exit codes, baselines by name, files written."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import run_file, write_results

from alphapulse_perf.cli import main

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"
TRACK = "bench_multi_symbol.MultiSymbolScan.track_candles_per_second"
BASE, SAME, SLOW = "a" * 40, "b" * 40, "c" * 40
FAST = [0.0010, 0.00101, 0.00099, 0.00102, 0.00098, 0.0010, 0.00101, 0.00099, 0.00102, 0.00098]


def row(factor: float, per_second: float = 1.5e6) -> dict[str, list[Any]]:
    samples = [x * factor for x in FAST]
    value = sorted(samples)[5]
    return {
        SINGLE: [
            [value, value * 10], [["100", "1000"]], "1", 1, 1.0, [value * 0.9, value * 9],
            [value * 1.1, value * 11], None, None, [10, 10], [10, 10],
            [samples, [s * 10 for s in samples]],
        ],
        TRACK: [[per_second], [["10"]], "1"],
    }  # fmt: skip


@pytest.fixture
def results(tmp_path: Path) -> Path:
    bench = write_results(
        tmp_path / "results",
        {
            "aaaaaaaa-env.json": run_file(BASE, 1, row(1.0)),
            "bbbbbbbb-env.json": run_file(SAME, 2, row(1.0)),
            "cccccccc-env.json": run_file(SLOW, 3, row(1.5, per_second=1.6e6)),
        },
    )
    data = json.loads((bench / "benchmarks.json").read_text())
    data[SINGLE]["rounds"] = 2
    (bench / "benchmarks.json").write_text(json.dumps(data))
    return bench


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [tool.alphapulse_perf]
            tolerance = 0.1
            [[tool.alphapulse_perf.benchmarks]]
            match = "per_second"
            direction = "higher"
            """
        )
    )
    return path


def check(results: Path, config: Path, *extra: str) -> int:
    return main(["check", "--results", str(results), "--config", str(config), *extra])


def test_a_a_passes_and_a_slow_commit_fails(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(results, config, "--baseline", "aaaaaaaa", "--commit", "bbbbbbbb") == 0
    assert capsys.readouterr().out.startswith("check: PASS: 3 unchanged")
    assert check(results, config, "--baseline", "aaaaaaaa", "--commit", "cccccccc") == 1
    out = capsys.readouterr().out
    assert out.startswith("check: FAIL: 2 regressed, 1 unchanged")  # throughput up: within 10 %


def test_json_to_a_file(results: Path, config: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.json"
    args = ["--baseline", BASE, "--commit", SLOW, "--format", "json", "--output", str(out)]
    assert check(results, config, *args) == 1
    data = json.loads(out.read_text())
    assert data["verdict"] == "fail"
    assert [(b["params"], b["status"]) for b in data["benchmarks"]] == [
        ({"symbols": "10"}, "unchanged"),
        ({"candles": "100"}, "regressed"),
        ({"candles": "1000"}, "regressed"),
    ]


def test_a_broken_budget_fails_on_its_own(results: Path, tmp_path: Path) -> None:
    config = tmp_path / "budget.toml"
    config.write_text(
        '[tool.alphapulse_perf]\n[[tool.alphapulse_perf.budgets]]\nmatch = "time_detect"\n'
        "params = { candles = 1000 }\nmax = 0.005\n"
    )
    assert check(results, config, "--baseline", "aaaaaaaa", "--commit", "bbbbbbbb") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--commit", "bbbbbbbb"], "no baseline: pass --baseline", id="no-baseline"),
        pytest.param(
            ["--baseline", "nope", "--commit", "bbbbbbbb"], "'nope' is neither", id="unknown"
        ),
        pytest.param(
            ["--baseline", "aaaaaaaa", "--commit", "bbbbbbbb", "--machine", "m9"],
            "no machine 'm9'",
            id="machine",
        ),
    ],
)
def test_bad_usage_exits_2(
    results: Path,
    config: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    assert check(results, config, "--repo", str(tmp_path), *args) == 2
    assert message in capsys.readouterr().err


def test_unreadable_results_and_settings_exit_2(
    results: Path, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A broken file of another commit is not read; one of the target's is an error.
    (results / "m1" / "dddddddd-env.json").write_text("{")
    assert check(results, config, "--baseline", "aaaaaaaa", "--commit", "bbbbbbbb") != 2
    capsys.readouterr()
    (results / "m1" / "bbbbbbbb-other-env.json").write_text("{")
    assert check(results, config, "--baseline", "aaaaaaaa", "--commit", "bbbbbbbb") == 2
    assert "bbbbbbbb-other-env.json: is not valid JSON" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text("[tool.alphapulse_perf]\ntolerence = 0.1\n")
    assert check(results, bad, "--baseline", "aaaaaaaa") == 2
    assert "tolerence: unknown key" in capsys.readouterr().err


def test_baseline_set_list_rm_and_check_by_name(
    results: Path, config: Path, repo: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, commit = repo
    common = ["--results", str(results), "--config", str(config), "--repo", str(root)]
    assert main(["baseline", "set", "release-1.0", "HEAD", *common]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"baseline release-1.0 -> {commit[:8]}\n"
    assert f"{commit[:8]} has no results in" in captured.err
    assert main(["baseline", "list", *common]) == 0
    assert capsys.readouterr().out == f"release-1.0\t{commit}  (no results)\n"
    # A named baseline pointing at a commit with results is used by name.
    stored = json.loads((results / "baselines.json").read_text())
    stored["baselines"]["good"] = {"commit": BASE}
    (results / "baselines.json").write_text(json.dumps(stored))
    assert check(results, config, "--baseline", "good", "--commit", "cccccccc") == 1
    assert "against good (aaaaaaaa)" in capsys.readouterr().out
    assert main(["baseline", "rm", "release-1.0", *common]) == 0
    assert main(["baseline", "rm", "release-1.0", *common]) == 2
    assert "no baseline named 'release-1.0'" in capsys.readouterr().err
    assert main(["baseline", "set", "x", "no-such-rev", *common]) == 2
