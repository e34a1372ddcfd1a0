"""`confirm` on fake second batches: what is measured again, and which regressions stand."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from test_gate_rules import BASE, COLD, HEAD, settings, timing, write

from alphapulse_perf.cli import gate, main

TALIB = "bench_talib.TALibSingleSymbol.time_detection"
COUNT = "bench_instructions.Instructions.track_instructions"
CONTROL = '[[tool.alphapulse_perf.benchmarks]]\nmatch = "bench_talib"\ncontrol = true\n'
DETERMINISTIC = (
    '[[tool.alphapulse_perf.benchmarks]]\nmatch = "instructions"\ndeterministic = true\n'
)


class FakeBatch:
    """Stands in for `measure_batch`: writes the second batch's results with `head_factor`."""

    def __init__(self, head: dict[str, list[Any]]) -> None:
        self.head = head
        self.calls: list[dict[str, Any]] = []

    def __call__(
        self, repo: Path, commits: Sequence[str], benchmarks: Sequence[str], **options: Any
    ) -> float:
        self.calls.append({"commits": list(commits), "benchmarks": list(benchmarks), **options})
        base = {COLD: timing(1.0), TALIB: timing(1.0)}
        write(options["folder"].parent / options["folder"].name, base, self.head)
        return 90.0


def _first(tmp_path: Path, head_factor: float, extra: str = "") -> tuple[Path, Path]:
    results = write(
        tmp_path / "first", {COLD: timing(1.0), TALIB: timing(1.0)},
        {COLD: timing(head_factor), TALIB: timing(1.0)},
    )  # fmt: skip
    return results, settings(tmp_path, CONTROL + extra)


def confirm(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    batch: Callable[..., float],
    first_factor: float = 1.5,
    *extra: str,
) -> tuple[int, dict[str, Any]]:
    results, config = _first(tmp_path, first_factor)
    monkeypatch.setattr(gate, "measure_batch", batch)
    code = main(
        ["confirm", "--results", str(results), "--config", str(config), "--baseline", BASE,
         "--commit", HEAD, "--rounds", "2", "--repo", str(tmp_path), "--format", "json", *extra]
    )  # fmt: skip
    return code, json.loads(capsys.readouterr().out)


def test_a_regression_the_second_batch_shows_too_is_confirmed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = FakeBatch({COLD: timing(1.5), TALIB: timing(1.0)})
    code, report = confirm(tmp_path, monkeypatch, capsys, batch)
    assert code == 1
    assert report["verdict"] == "fail"
    assert (report["flagged"], report["confirmed"], report["cleared"]) == ([COLD], [COLD], [])
    (call,) = batch.calls
    assert call["commits"] == [BASE, HEAD]
    assert call["benchmarks"] == [COLD, TALIB]  # the flagged timing and the control
    assert call["rounds"] == 2 and call["machine"] == "m1"
    assert report["seconds"] == 90.0
    assert report["second"]["failing"]["regressed"] == [COLD]


def test_a_regression_the_second_batch_does_not_show_is_cleared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = FakeBatch({COLD: timing(1.01), TALIB: timing(1.0)})
    code, report = confirm(tmp_path, monkeypatch, capsys, batch)
    assert code == 0
    assert (report["verdict"], report["cleared"], report["confirmed"]) == ("pass", [COLD], [])
    assert report["first"]["verdict"] == "fail"  # the first batch's report is kept whole


def test_a_second_batch_that_failed_leaves_the_regression_standing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    failed = timing(1.0)
    failed[0] = [None]
    code, report = confirm(tmp_path, monkeypatch, capsys, FakeBatch({COLD: failed}))
    assert code == 1
    assert report["unmeasured"] == [COLD]


def test_nothing_flagged_measures_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = FakeBatch({})
    code, report = confirm(tmp_path, monkeypatch, capsys, batch, 1.0)
    assert (code, report["verdict"], report["second"]) == (0, "pass", None)
    assert batch.calls == []


def test_a_deterministic_regression_needs_no_second_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    count = [[1000.0], [], "1"]
    more = [[1200.0], [], "1"]
    results = write(tmp_path / "first", {COUNT: count, COLD: timing(1.0)},
                    {COUNT: more, COLD: timing(1.0)})  # fmt: skip
    batch = FakeBatch({})
    monkeypatch.setattr(gate, "measure_batch", batch)
    config = settings(tmp_path, DETERMINISTIC)
    code = main(["confirm", "--results", str(results), "--config", str(config),
                 "--baseline", BASE, "--commit", HEAD, "--format", "json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert (code, report["flagged"], batch.calls) == (1, [], [])
    assert report["first"]["failing"]["regressed"] == [COUNT]


def test_markdown_leads_with_the_confirmed_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    results, config = _first(tmp_path, 1.5)
    monkeypatch.setattr(gate, "measure_batch", FakeBatch({COLD: timing(1.0), TALIB: timing(1.0)}))
    code = main(["confirm", "--results", str(results), "--config", str(config), "--baseline",
                 BASE, "--commit", HEAD, "--repo", str(tmp_path),
                 "--format", "markdown"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    first_line = text.splitlines()[0]
    assert first_line.startswith(":white_check_mark: **Confirmed PASS: 0 of 1 flagged timing")
    assert f"| `{COLD}` | 1.50x | 1.00x | unchanged | cleared |" in text
    assert "<summary>The first batch's check</summary>" in text


@pytest.mark.parametrize("where", ["inside-results", "not-empty"])
def test_the_second_batch_never_goes_into_asvs_results_or_over_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:  # fmt: skip
    results, config = _first(tmp_path, 1.5)
    into = results / "confirm" if where == "inside-results" else tmp_path / "used"
    if where == "not-empty":
        (into / "results").mkdir(parents=True)
    batch = FakeBatch({})
    monkeypatch.setattr(gate, "measure_batch", batch)
    code = main(["confirm", "--results", str(results), "--config", str(config), "--baseline",
                 BASE, "--commit", HEAD, "--into", str(into)])  # fmt: skip
    assert (code, batch.calls) == (2, [])
    assert "--into" in capsys.readouterr().err


def test_no_second_batch_when_the_check_fails_on_other_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    count, more = [[1000.0], [], "1"], [[1200.0], [], "1"]
    results = write(tmp_path / "first", {COUNT: count, COLD: timing(1.0)},
                    {COUNT: more, COLD: timing(1.5)})  # fmt: skip
    batch = FakeBatch({})
    monkeypatch.setattr(gate, "measure_batch", batch)
    config = settings(tmp_path, DETERMINISTIC)
    code = main(["confirm", "--results", str(results), "--config", str(config),
                 "--baseline", BASE, "--commit", HEAD])  # fmt: skip
    text = capsys.readouterr().out
    assert (code, batch.calls) == (1, [])
    assert text.startswith(
        "confirm: FAIL: 1 flagged timing regression not measured again: the check fails on"
        " other findings\n"
    )
    assert "not measured again: stands" in text


def test_the_batch_config_is_asvs_with_absolute_paths_and_its_own_results(tmp_path: Path) -> None:
    from alphapulse_perf.results.batch import _config_copy

    repo = Path(__file__).parents[3]
    path, environment_type = _config_copy(repo, tmp_path / "batch")
    copy = json.loads(path.read_text())
    assert environment_type == "virtualenv"
    assert copy["results_dir"] == str((tmp_path / "batch" / "results").resolve())
    assert copy["repo"] == str(repo.resolve() / ".")
    assert copy["env_dir"] == str(repo.resolve() / ".asv" / "env")  # asv's own environments
    assert copy["benchmark_dir"] == str(repo.resolve() / "benchmarks")
    assert copy["matrix"]["req"]["ta-lib"] == "0.8.2"  # the rest as asv read it


def _on_two_machines(results: Path) -> Path:
    """`results` with m1's runs measured on a second runner, m2, too (two shards)."""
    (results / "m2").mkdir()
    for path in (results / "m1").iterdir():
        data = json.loads(path.read_text())
        if path.name == "machine.json":
            data["machine"] = "m2"
        (results / "m2" / path.name).write_text(json.dumps(data))
    return results


def confirm_from(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    second: Path,
    first: Path | None = None,
) -> tuple[int, dict[str, Any]]:
    results, config = _first(tmp_path, 1.5)
    monkeypatch.setattr(gate, "measure_batch", _never)
    code = main(
        ["confirm", "--results", str(first or results), "--config", str(config), "--baseline",
         BASE, "--commit", HEAD, "--rounds", "2", "--second-batch", str(second),
         "--format", "json"]
    )  # fmt: skip
    out = capsys.readouterr().out
    return code, json.loads(out) if out else {}


def _never(*args: Any, **options: Any) -> float:
    raise AssertionError("--second-batch measures nothing")


@pytest.mark.parametrize(
    ("factor", "code", "outcome"), [(1.5, 1, "confirmed"), (1.01, 0, "cleared")]
)
def test_a_second_batch_measured_elsewhere_decides_the_same_way(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    factor: float,
    code: int,
    outcome: str,
) -> None:
    second = write(tmp_path / "second", {COLD: timing(1.0)}, {COLD: timing(factor)})
    found, report = confirm_from(tmp_path, monkeypatch, capsys, second)
    assert found == code
    assert report[outcome] == [COLD] and report["seconds"] is None
    assert report["remeasured"] == [COLD]


def test_a_shard_without_a_second_batch_leaves_its_regression_standing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _on_two_machines(_first(tmp_path, 1.5)[0])
    # Runner m1 measured its flagged timing again and cleared it; m2 measured nothing again.
    second = write(tmp_path / "second", {COLD: timing(1.0)}, {COLD: timing(1.0)})
    code, report = confirm_from(tmp_path, monkeypatch, capsys, second, first)
    assert code == 1
    assert report["flagged"] == [COLD, COLD]
    assert (report["cleared"], report["unmeasured"]) == ([COLD], [COLD])
    machines = [b["machine"] for b in report["second"]["benchmarks"]]
    assert set(machines) == {"m1"}


def test_an_empty_second_batch_means_none_was_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "none").mkdir()
    code, report = confirm_from(tmp_path, monkeypatch, capsys, tmp_path / "none")
    assert code == 1
    assert (report["unmeasured"], report["second"]) == ([COLD], None)
    assert main(["confirm", "--second-batch", str(tmp_path / "missing")]) == 2
    assert "--second-batch" in capsys.readouterr().err
