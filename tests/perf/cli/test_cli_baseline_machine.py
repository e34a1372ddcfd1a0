"""`check --baseline-machine NAME`: counts measured on another host compared, timings never."""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from builders import SETTINGS, rec
from conftest import BENCHMARKS, run_file, write_results

from alphapulse_perf.cli import main
from alphapulse_perf.regression.across import across_machines

TIMING = "bench_single_symbol.SingleSymbolDetection.time_detect"
COUNT = "bench_instructions.Instructions.track_instructions"
OLD, NEW = "a" * 40, "b" * 40
FAST = [0.0010, 0.00101, 0.00099, 0.00102, 0.00098, 0.0010, 0.00101, 0.00099, 0.00102, 0.00098]


def row(seconds: float, instructions: float) -> dict[str, list[Any]]:
    samples = [x * seconds / 0.001 for x in FAST]
    value = sorted(samples)[5]
    return {
        TIMING: [
            [value, value], [["100", "1000"]], "1", 1, 1.0, [value * 0.9] * 2, [value * 1.1] * 2,
            None, None, [10, 10], [10, 10], [samples, samples],
        ],
        COUNT: [[instructions], [["'detect'"]], "1"],
    }  # fmt: skip


@pytest.fixture
def results(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    # The reference host is three times slower; its counts are this host's.
    write_results(root, {"aaaaaaaa-env.json": run_file(OLD, 1, row(0.003, 6e6))}, "reference")
    here = {
        "aaaaaaaa-env.json": run_file(OLD, 1, row(0.001, 6e6)),
        "bbbbbbbb-env.json": run_file(NEW, 2, row(0.001, 6.3e6)),
    }
    write_results(root, here, "here")
    listed = dict(BENCHMARKS)
    listed[COUNT] = {
        "name": COUNT, "type": "track", "unit": "instructions", "param_names": ["workload"],
        "params": [["'detect'"]], "version": "1",
    }  # fmt: skip
    (root / "benchmarks.json").write_text(json.dumps(listed))
    return root


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [tool.alphapulse_perf]
            tolerance = 0.1
            [[tool.alphapulse_perf.benchmarks]]
            match = "instructions"
            tolerance = 0.01
            deterministic = true
            [[tool.alphapulse_perf.budgets]]
            match = "time_detect"
            max = 0.0001
            """
        )
    )
    return path


def check(results: Path, config: Path, *extra: str) -> list[str]:
    return ["check", "--results", str(results), "--config", str(config), *extra]


def test_only_the_counts_of_the_same_commit_are_compared(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(results, config, "--baseline", OLD, "--commit", OLD, "--machine", "here")
    assert main([*argv, "--baseline-machine", "reference"]) == 0
    out = capsys.readouterr().out
    assert "compared 1 of the baseline's 1 series" in out
    assert "baseline measured on machine reference: only the deterministic" in out
    assert "track_instructions" in out and "time_detect" not in out  # nor its budget


def test_a_count_that_grew_since_the_reference_commit_is_a_regression(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(results, config, "--baseline", OLD, "--commit", NEW, "--machine", "here")
    assert main([*argv, "--baseline-machine", "reference", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    coverage = {"baseline_series": 1, "compared": 1, "baseline_machine": "reference"}
    assert report["coverage"] == coverage
    assert report["failing"]["regressed"] == [f"{COUNT}(workload='detect')"]
    assert report["budgets"] == []


def test_without_the_option_the_machines_are_checked_apart(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(results, config, "--baseline", OLD, "--commit", OLD, "--machine", "here")
    main([*argv, "--format", "json"])
    assert "baseline_machine" not in json.loads(capsys.readouterr().out)["coverage"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--machine", "here", "--baseline-machine", "here"), "is the target's machine too"),
        (("--machine", "here", "--baseline-machine", "elsewhere"), "no machine 'elsewhere'"),
        (("--baseline-machine", "reference"), "holds 2 machines"),
    ],
)
def test_machines_that_cannot_be_crossed_are_usage_errors(
    results: Path,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    extra: tuple[str, ...],
    message: str,
) -> None:
    assert main([*check(results, config, "--baseline", OLD, "--commit", OLD), *extra]) == 2
    assert message in capsys.readouterr().err


def test_a_baseline_the_other_machine_never_measured_is_named(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = check(results, config, "--baseline", NEW, "--commit", NEW, "--machine", "here")
    assert main([*argv, "--baseline-machine", "reference"]) == 2
    assert "has no results in" in (err := capsys.readouterr().err) and "machine reference" in err


def test_the_sides_split_by_machine_when_the_commit_is_the_same() -> None:
    there = [rec(3.0, name="b.B.time_x"), rec(6e6, name="b.B.track_instructions")]
    here = [rec(1.0, name="b.B.time_x"), rec(6.1e6, name="b.B.track_instructions")]
    records = [*(dataclasses.replace(r, machine="reference") for r in there), *here]
    before, after = across_machines(records, OLD, OLD, "reference", SETTINGS)
    assert [(r.machine, r.value) for r in before] == [("m1", 6e6)]
    assert [(r.machine, r.value) for r in after] == [("m1", 6.1e6)]
