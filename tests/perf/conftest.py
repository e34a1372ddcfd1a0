"""Small asv results directories written by the tests themselves (asv 0.6 format version 2)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

COLUMNS = [
    "result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b",
    "stats_q_25", "stats_q_75", "stats_number", "stats_repeat", "samples", "profile",
]  # fmt: skip

BENCHMARKS: dict[str, Any] = {
    "bench_single_symbol.SingleSymbolDetection.time_detect": {
        "name": "bench_single_symbol.SingleSymbolDetection.time_detect",
        "type": "time",
        "unit": "seconds",
        "param_names": ["candles"],
        "params": [["100", "1000"]],
        "version": "1",
    },
    "bench_multi_symbol.MultiSymbolScan.track_candles_per_second": {
        "name": "bench_multi_symbol.MultiSymbolScan.track_candles_per_second",
        "type": "track",
        "unit": "candles/s",
        "param_names": ["symbols"],
        "params": [["10"]],
        "version": "1",
    },
    "bench_cold_start.ColdStart.timeraw_import": {
        "name": "bench_cold_start.ColdStart.timeraw_import",
        "type": "time",
        "unit": "seconds",
        "param_names": [],
        "params": [],
        "version": "1",
    },
    "version": 2,
}


def run_file(commit: str, date: int, results: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "commit_hash": commit,
        "env_name": "virtualenv-py3.11",
        "date": date,
        "params": {"machine": "m1", "python": "3.11"},
        "python": "3.11",
        "requirements": {},
        "env_vars": {},
        "result_columns": COLUMNS,
        "results": results,
        "durations": {},
        "version": 2,
    }


def write_results(root: Path, runs: dict[str, dict[str, Any]], machine: str = "m1") -> Path:
    """A results directory: benchmarks.json, machine.json, and one file per run (raw text)."""
    (root / machine).mkdir(parents=True, exist_ok=True)
    (root / "benchmarks.json").write_text(json.dumps(BENCHMARKS))
    (root / machine / "machine.json").write_text(json.dumps({"machine": machine, "version": 1}))
    for name, data in runs.items():
        (root / machine / name).write_text(json.dumps(data))
    return root


@pytest.fixture
def results_dir(tmp_path: Path) -> Path:
    single = "bench_single_symbol.SingleSymbolDetection.time_detect"
    track = "bench_multi_symbol.MultiSymbolScan.track_candles_per_second"
    cold = "bench_cold_start.ColdStart.timeraw_import"
    first = run_file(
        "a" * 40,
        1_700_000_000_000,
        {
            # Samples recorded; the profile column dropped (trailing empty columns are).
            single: [[0.001, 0.002], [["100", "1000"]], "1", 1, 2.0, [0.0009, 0.0019],
                     [0.0011, 0.0021], [0.00095, 0.00195], [0.00105, 0.00205], [10, 10],
                     [10, 10], [[0.001, 0.0011, 0.0009], [0.002, 0.0021, 0.0019]]],
            track: [[1.5e6], [["10"]], "1"],
            cold: [0.1, [], "1", 1, 1.0, [0.09], [0.11]],
        },
    )  # fmt: skip
    second = run_file(
        "b" * 40,
        1_700_000_100_000,
        {
            single: [[None, float("nan")], [["100", "1000"]], "1"],  # failed, skipped
            track: [[float("inf")], [["10"]], "1"],  # --quick writes Infinity
        },
    )
    return write_results(
        tmp_path / "results", {"aaaaaaaa-env.json": first, "bbbbbbbb-env.json": second}
    )


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A git repository with one empty commit, and that commit's hash."""
    root = tmp_path / "repo"
    root.mkdir()
    git = ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "one"], check=True)
    commit = subprocess.run(
        [*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    return root, commit


def empty_config(root: Path) -> Path:
    """A settings file without the table: the defaults, whatever pyproject.toml is nearby."""
    path = root / "none.toml"
    path.write_text("")
    return path
