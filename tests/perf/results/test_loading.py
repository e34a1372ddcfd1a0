"""The reader of asv's results: every quirk of the format, and errors that name the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from alphapulse_perf.results import (
    Outcome,
    ResultsError,
    load_benchmarks,
    load_records,
    machines,
)

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"


def test_records_of_every_combination_in_commit_order(results_dir: Path) -> None:
    records = load_records(results_dir)
    assert [r.commit[0] for r in records] == ["a"] * 4 + ["b"] * 3
    first = [r for r in records if r.commit[0] == "a" and r.benchmark == SINGLE]
    assert [r.params for r in first] == [("100",), ("1000",)]
    assert first[1].value == 0.002 and first[1].outcome is Outcome.OK
    assert first[1].ci_99 == (0.0019, 0.0021)
    assert first[1].q25_q75 == (0.00195, 0.00205)
    assert first[1].samples == (0.002, 0.0021, 0.0019)
    assert first[1].repeat == 10
    assert first[1].unit == "seconds" and first[1].type == "time" and first[1].version == "1"
    assert first[1].label == f"{SINGLE}(candles=1000)"


def test_failed_skipped_infinite_and_unparameterised(results_dir: Path) -> None:
    by = {(r.commit[0], r.benchmark, r.params): r for r in load_records(results_dir)}
    assert by["b", SINGLE, ("100",)].outcome is Outcome.FAILED
    assert by["b", SINGLE, ("1000",)].outcome is Outcome.SKIPPED
    assert by["b", SINGLE, ("1000",)].value is None
    track = by["b", "bench_multi_symbol.MultiSymbolScan.track_candles_per_second", ("10",)]
    assert track.value == float("inf") and track.samples is None and track.ci_99 is None
    cold = by["a", "bench_cold_start.ColdStart.timeraw_import", ()]
    assert cold.value == 0.1 and cold.label == "bench_cold_start.ColdStart.timeraw_import"


def test_machines_and_benchmarks(results_dir: Path) -> None:
    assert machines(results_dir) == ["m1"]
    info = load_benchmarks(results_dir)[SINGLE]
    assert info.combinations() == [("100",), ("1000",)]


def corrupt(results_dir: Path, text: str) -> Path:
    path = results_dir / "m1" / "aaaaaaaa-env.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("{not json", "is not valid JSON", id="syntax"),
        pytest.param(json.dumps({"version": 1}), "results format version 1", id="old-format"),
        pytest.param(json.dumps({"version": 2}), "has no key 'commit_hash'", id="no-commit"),
        pytest.param(
            json.dumps({"version": 2, "commit_hash": "a" * 40, "env_name": "e", "date": 1,
                        "result_columns": ["result", "params"],
                        "results": {SINGLE: [[1.0], [["100", "1000"]]]}}),
            "1 results for 2 parameter combinations",
            id="count",
        ),
        pytest.param(
            json.dumps({"version": 2, "commit_hash": "a" * 40, "env_name": "e", "date": "today",
                        "result_columns": [], "results": {}}),
            "key 'date' should be int or float, got str",
            id="type",
        ),
    ],
)  # fmt: skip
def test_bad_files_name_the_file_and_the_problem(
    results_dir: Path, text: str, problem: str
) -> None:
    path = corrupt(results_dir, text)
    with pytest.raises(ResultsError, match=re.escape(problem)) as err:
        load_records(results_dir)
    assert err.value.path == path
    assert str(path) in str(err.value)


def test_missing_directory_and_machine(tmp_path: Path) -> None:
    with pytest.raises(ResultsError, match="is not a directory"):
        machines(tmp_path / "nope")
    (tmp_path / "benchmarks.json").write_text("{}")
    with pytest.raises(ResultsError, match=r"has no machine\.json"):
        load_records(tmp_path, "ghost")


def test_the_reader_never_writes(results_dir: Path) -> None:
    before = {p: p.read_bytes() for p in results_dir.rglob("*") if p.is_file()}
    load_records(results_dir)
    assert {p: p.read_bytes() for p in results_dir.rglob("*") if p.is_file()} == before
