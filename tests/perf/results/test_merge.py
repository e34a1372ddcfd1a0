"""`merge` and `shard` on results folders written here: the union of runners' rows, conflicts
named, nothing written on a conflict, inputs untouched; shards that cover the suite once."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import BENCHMARKS, run_file, write_results

from alphapulse_perf.cli import main
from alphapulse_perf.regression.shard import asv_selection, shards
from alphapulse_perf.results import load_records
from alphapulse_perf.results.merge import ALL_COLUMNS

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"
TRACK = "bench_multi_symbol.MultiSymbolScan.track_candles_per_second"
COLD = "bench_cold_start.ColdStart.timeraw_import"
ROWS: dict[str, list[Any]] = {
    SINGLE: [[0.001, 0.002], [["100", "1000"]], "1", 1, 2.0],
    TRACK: [[1.5e6], [["10"]], "1", 1, 1.0],
    COLD: [0.1, [], "1", 1, 3.0],
}


def runner(root: Path, names: list[str], build: float = 10.0) -> Path:
    """One runner's results: commit a's run file with `names` only."""
    data = run_file("a" * 40, 1_700_000_000_000, {n: ROWS[n] for n in names})
    data["durations"] = {"<build>": build}
    return write_results(root, {"aaaaaaaa-env.json": data})


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.json"))}


def test_runners_rows_become_one_run_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = (
        runner(tmp_path / "one", [SINGLE], 10.0),
        runner(tmp_path / "two", [TRACK, COLD], 12.0),
    )
    before = snapshot(one), snapshot(two)
    into = tmp_path / "merged"
    assert main(["merge", str(one), str(two), "--into", str(into)]) == 0
    assert capsys.readouterr().out == f"{into}: 1 run files from 2 folders\n"
    assert (snapshot(one), snapshot(two)) == before  # the inputs are never written
    data = json.loads((into / "m1" / "aaaaaaaa-env.json").read_text())
    assert sorted(data["results"]) == sorted([SINGLE, TRACK, COLD])
    assert data["result_columns"] == list(ALL_COLUMNS)
    assert data["durations"] == {"<build>": 12.0}  # the longest build
    merged = {(r.benchmark, r.params): r.value for r in load_records(into)}
    assert merged == {(SINGLE, ("100",)): 0.001, (SINGLE, ("1000",)): 0.002,
                      (TRACK, ("10",)): 1.5e6, (COLD, ()): 0.1}  # fmt: skip
    # The same runners merged again into the merged folder: nothing new, nothing lost.
    assert main(["merge", str(one), str(two), "--into", str(into)]) == 0
    assert json.loads((into / "m1" / "aaaaaaaa-env.json").read_text()) == data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda d: d["results"][SINGLE][0].__setitem__(0, 0.005),
            "was measured twice with different values",
            id="two-values",
        ),
        pytest.param(lambda d: d.update(date=1), "disagree on 'date'", id="date"),
        pytest.param(lambda d: d.update(python="3.12"), "disagree on 'python'", id="python"),
    ],
)
def test_a_conflict_names_both_files_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, message: str
) -> None:
    one, two = runner(tmp_path / "one", [SINGLE]), runner(tmp_path / "two", [SINGLE, COLD])
    path = two / "m1" / "aaaaaaaa-env.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    into = tmp_path / "merged"
    assert main(["merge", str(one), str(two), "--into", str(into)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(one / "m1") in err and str(path) in err
    assert not into.exists()


def test_two_hosts_under_one_name_and_two_suites_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one, two = runner(tmp_path / "one", [SINGLE]), runner(tmp_path / "two", [COLD])
    (two / "m1" / "machine.json").write_text(
        json.dumps({"machine": "m1", "cpu": "x", "version": 1})
    )
    assert main(["merge", str(one), str(two), "--into", str(tmp_path / "m")]) == 2
    assert "m1/machine.json (two hosts under one name?) differs" in capsys.readouterr().err
    (two / "m1" / "machine.json").write_text((one / "m1" / "machine.json").read_text())
    suite = json.loads((two / "benchmarks.json").read_text())
    suite[SINGLE]["version"] = "2"
    (two / "benchmarks.json").write_text(json.dumps(suite))
    assert main(["merge", str(one), str(two), "--into", str(tmp_path / "m")]) == 2
    assert f"benchmarks.json's entry {SINGLE!r} differs" in capsys.readouterr().err
    assert main(["merge", str(one), "--into", str(one)]) == 2  # never into an input


def test_shards_cover_the_suite_once_and_balance_the_time() -> None:
    durations = {f"b{k}": float(k) for k in range(1, 11)}  # 55 s in all
    found = shards([*durations, "unrecorded"], durations, 3)
    assert sorted(n for shard in found for n in shard) == sorted([*durations, "unrecorded"])
    totals = [sum(durations.get(n, 5.5) for n in shard) for shard in found]
    assert max(totals) - min(totals) <= 10.0  # no more than the longest benchmark apart
    assert shards([*durations, "unrecorded"], durations, 3) == found  # stable
    assert shards(["x"], {}, 2) == [["x"], []]


def test_a_shards_regex_selects_its_benchmarks_and_their_combinations_only() -> None:
    regex = re.compile(asv_selection([SINGLE, COLD]))
    assert regex.search(f"{SINGLE}(1000)") and regex.search(COLD)
    assert not regex.search(f"{COLD}_and_first_detect") and not regex.search(TRACK)


def test_shard_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = runner(tmp_path / "r", [SINGLE, TRACK, COLD])
    (tmp_path / "none.toml").write_text("")
    suite = tmp_path / "shardsuite"  # a benchmark added since the last asv run
    suite.mkdir()
    (suite / "__init__.py").write_text("")
    (suite / "bench_new.py").write_text("class New:\n    def time_it(self):\n        pass\n")
    common = ["--results", str(results), "--config", str(tmp_path / "none.toml")]
    common += ["--benchmarks", str(suite)]
    selected = []
    for k in (1, 2):
        assert main(["shard", str(k), "2", *common]) == 0
        selected.append(re.compile(capsys.readouterr().out.strip()))
    names = [n for n in BENCHMARKS if n != "version"] + ["bench_new.New.time_it"]
    assert all(sum(bool(s.search(n)) for s in selected) == 1 for n in names)
    assert main(["shard", "3", "2", *common]) == 2


def test_a_shards_part_keeps_the_whole_suites_shards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = runner(tmp_path / "r", [SINGLE, TRACK, COLD])
    (tmp_path / "none.toml").write_text("")
    common = ["--results", str(results), "--config", str(tmp_path / "none.toml")]
    common += ["--benchmarks", str(tmp_path / "nosuite")]
    (tmp_path / "nosuite").mkdir()
    (tmp_path / "nosuite" / "__init__.py").write_text("")
    names = [n for n in BENCHMARKS if n != "version"]
    for k in (1, 2):
        assert main(["shard", str(k), "2", *common]) == 0
        whole = re.compile(capsys.readouterr().out.strip())
        parts = []
        for only in ("^bench_multi", "^(?!bench_multi)"):
            assert main(["shard", str(k), "2", *common, "--only", only]) == 0
            out = capsys.readouterr().out.strip()
            parts.append(re.compile(out) if out else None)  # nothing: the shard has none
        for name in names:
            in_parts = [p is not None and bool(p.search(name)) for p in parts]
            assert sum(in_parts) == bool(whole.search(name))  # the same shard, split in two
