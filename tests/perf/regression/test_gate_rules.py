"""The gate's rules end to end through `main`: broken, missing, coverage, envs, controls, the
spread each timing can see, impossible values, and the exit codes (0, 1, 2, 3)."""

from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import BENCHMARKS, run_file, write_results

from alphapulse_perf.cli import gate, main

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"
COLD = "bench_cold_start.ColdStart.timeraw_import"
BASE, HEAD = "a" * 40, "b" * 40
QUIET = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.02, 0.98]


def timing(factor: float, spread: tuple[float, float] = (1.0, 1.0)) -> list[Any]:
    """An unparameterised timing row with 2 rounds of 5 samples; `spread` scales each round."""
    samples = [x * factor * 1e-3 * spread[k // 5] for k, x in enumerate(QUIET)]
    value = sorted(samples)[5]
    return [[value], [], "1", 1, 1.0, [value * 0.99], [value * 1.01], None, None, [1], [10],
            [samples]]  # fmt: skip


def single(values: list[float | None]) -> list[Any]:
    return [values, [["100", "1000"]], "1"]


def write(
    tmp_path: Path,
    base: dict[str, Any],
    head: dict[str, Any],
    envs: tuple[str, str] = ("env", "env"),
    extra: dict[str, dict[str, Any]] | None = None,
) -> Path:
    runs = {
        f"aaaaaaaa-{envs[0]}.json": {**run_file(BASE, 1, base), "env_name": envs[0]},
        f"bbbbbbbb-{envs[1]}.json": {**run_file(HEAD, 2, head), "env_name": envs[1]},
        **(extra or {}),
    }
    results = write_results(tmp_path / "results", runs)
    data = json.loads((results / "benchmarks.json").read_text())
    data[COLD]["rounds"] = 2
    data["bench_talib.TALibSingleSymbol.time_detection"] = {
        **BENCHMARKS[COLD], "name": "bench_talib.TALibSingleSymbol.time_detection", "rounds": 2
    }  # fmt: skip
    (results / "benchmarks.json").write_text(json.dumps(data))
    return results


def settings(tmp_path: Path, body: str = "") -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.alphapulse_perf]\ntolerance = 0.1\n" + textwrap.dedent(body))
    return path


def check(results: Path, config: Path, *extra: str) -> int:
    return main(
        ["check", "--results", str(results), "--config", str(config), "--baseline", BASE,
         "--commit", HEAD, *extra]
    )  # fmt: skip


def check_json(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any]]:
    code = check(results, config, "--format", "json", *extra)
    return code, json.loads(capsys.readouterr().out)


# --- broken, failed, missing, budgets ---


def test_a_benchmark_that_breaks_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), SINGLE: single([0.001, None])},
                    {COLD: timing(1.0), SINGLE: single([None, None])})  # fmt: skip
    code, report = check_json(results, settings(tmp_path), capsys)
    assert code == 1 and report["verdict"] == "fail"
    statuses = {b["label"]: b["status"] for b in report["benchmarks"]}
    assert statuses[f"{SINGLE}(candles=100)"] == "broken"
    assert statuses[f"{SINGLE}(candles=1000)"] == "failed"  # failed on both sides: shown only
    assert report["failing"]["broken"] == [f"{SINGLE}(candles=100)"]


def test_failing_on_both_sides_alone_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), SINGLE: single([None, None])},
                    {COLD: timing(1.0), SINGLE: single([None, None])})  # fmt: skip
    code, report = check_json(results, settings(tmp_path), capsys)
    assert code == 0 and report["summary"]["failed"] == 2


def test_missing_fails_only_when_a_rule_or_budget_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), SINGLE: single([0.001, 0.002])},
                    {COLD: timing(1.0)})  # fmt: skip
    assert check(results, settings(tmp_path)) == 0
    capsys.readouterr()
    named = settings(tmp_path, """\
        [[tool.alphapulse_perf.benchmarks]]
        match = "time_detect\\\\(candles=100\\\\)"
        tolerance = 0.2
        """)  # fmt: skip
    code = check(results, named)
    text = capsys.readouterr().out
    assert code == 1
    assert f"missing: {SINGLE}(candles=100): a rule or budget names it" in text
    # Listed first in the table.
    table = text.split("status ", 1)[1].splitlines()[1:]
    assert table[0].startswith("missing") and table[1].startswith("missing")


def test_a_budget_with_no_result_fails_and_fail_on_relaxes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), SINGLE: single([0.001, 0.002])},
                    {COLD: timing(1.0), SINGLE: single([0.001, math.nan])})  # fmt: skip
    budget = """\
        [[tool.alphapulse_perf.budgets]]
        match = "time_detect$"
        params = { candles = 1000 }
        max = 0.1
        """
    code = check(results, settings(tmp_path, budget))
    assert code == 1
    assert "budget has no result at the target" in capsys.readouterr().out
    relaxed = settings(tmp_path, 'fail_on = ["regressed", "broken"]\n' + textwrap.dedent(budget))
    assert check(results, relaxed) == 0


def test_fail_on_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)})
    assert check(results, settings(tmp_path, 'fail_on = ["regresed"]\n')) == 2
    assert "fail_on: should be a list of regressed, broken" in capsys.readouterr().err


# --- coverage and envs ---


def test_a_check_that_compared_nothing_exits_2_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {"bbbbbbbb-py3.12.json": {**run_file(HEAD, 2, {COLD: timing(1.0)}),
                                      "env_name": "py3.12"}}  # fmt: skip
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)}, ("py3.10", "py3.11"), extra)
    assert check(results, settings(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "nothing to compare: none of the baseline's 1 series" in err
    assert "baseline aaaaaaaa: m1/py3.10" in err
    assert "target bbbbbbbb: m1/py3.11, m1/py3.12" in err
    # --env picks one env a side: then they are paired, and the report says so.
    assert check(results, settings(tmp_path), "--env", "py3.1[01]") == 0
    out = capsys.readouterr().out
    assert "compared 1 of the baseline's 1 series" in out
    assert "env changed on m1: py3.10 -> py3.11" in out


def test_one_env_a_side_is_compared_whatever_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)}, ("req-a", "req-b"))
    code, report = check_json(results, settings(tmp_path), capsys)
    assert code == 0
    assert report["coverage"] == {"baseline_series": 1, "compared": 1}
    assert report["env_changes"] == [{"machine": "m1", "baseline": "req-a", "target": "req-b"}]
    assert report["benchmarks"][0]["baseline_env"] == "req-a"


def test_benchmarks_that_share_no_name_compare_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {SINGLE: single([0.001, 0.002])})
    assert check(results, settings(tmp_path)) == 2
    assert "(2 series there, 0 shared)" in capsys.readouterr().err


# --- controls and drift ---

CONTROL = "bench_talib.TALibSingleSymbol.time_detection"
CONTROLS = """\
    [[tool.alphapulse_perf.benchmarks]]
    match = "bench_talib\\\\.TALib"
    control = true
    """


def test_a_control_is_never_a_regression_and_its_drift_excuses_smaller_moves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), CONTROL: timing(1.0)},
                    {COLD: timing(1.2), CONTROL: timing(1.3)})  # fmt: skip
    code, report = check_json(results, settings(tmp_path, CONTROLS), capsys)
    assert code == 0
    by = {b["label"]: b for b in report["benchmarks"]}
    assert by[CONTROL]["status"] == "noisy" and by[CONTROL]["control"] is True
    assert by[COLD]["status"] == "noisy" and by[COLD]["drift"] == pytest.approx(1.3)
    assert report["drift"][0]["control"] == CONTROL
    # Without the control rule the same files fail twice.
    code, report = check_json(results, settings(tmp_path), capsys)
    assert code == 1 and len(report["failing"]["regressed"]) == 2


def test_a_regression_beyond_the_drift_still_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), CONTROL: timing(1.0)},
                    {COLD: timing(1.6), CONTROL: timing(1.2)})  # fmt: skip
    assert check(results, settings(tmp_path, CONTROLS)) == 1
    out = capsys.readouterr().out
    assert f"machine drift: control {CONTROL} moved 1.20x" in out


# --- what each timing could see ---


def test_a_timing_whose_rounds_spread_cannot_see_its_tolerance_is_listed_blind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Rounds 30 % apart on each side: the rule cannot flag a change of 10 %.
    wide = (0.85, 1.15)
    results = write(tmp_path, {COLD: timing(1.0, wide), CONTROL: timing(1.0)},
                    {COLD: timing(1.0, wide), CONTROL: timing(1.0)})  # fmt: skip
    code, report = check_json(results, settings(tmp_path), capsys)
    by = {b["label"]: b for b in report["benchmarks"]}
    assert code == 0
    assert by[COLD]["detectable"] > 1.3 and report["blind"] == [COLD]
    assert by[CONTROL]["detectable"] == pytest.approx(1.1)
    check(results, settings(tmp_path))
    assert f"blind at their tolerance: {COLD} (sees +" in capsys.readouterr().out


# --- values that cannot be measurements ---


def _raw(results: Path, text: str) -> None:
    (results / "m1" / "bbbbbbbb-env.json").write_text(text)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        pytest.param("[[0.0], [], \"1\"]", "0.0 cannot be a time measurement", id="zero-time"),
        pytest.param("[[-1e-3], [], \"1\"]", "cannot be a time measurement", id="negative-time"),
        pytest.param("[[1e400], [], \"1\"]", "a number beyond float range", id="overflow"),
        pytest.param("[[1e-3], [], 7]", "column 'version' should be a string", id="version"),
        pytest.param("[[1e-3], [], \"1\", 1, 1.0, [NaN], [1]]", "cannot be the low end",
                     id="ci-nan"),
        pytest.param("[[1e-3], [], \"1\", 1, 1.0, [2], [1]]", "low end 2.0 is above its high end",
                     id="ci-inverted"),
        pytest.param("[[1e-3], [], \"1\", 1, 1.0, [1], [2], null, null, null, null, [[1, NaN]]]",
                     "where asv writes a finite number", id="sample-nan"),
        pytest.param("[[1e-3], [], \"1\", 1, 1.0, null, null, null, null, null, null, [1, 2]]",
                     "column 'samples': 2 values for 1 parameter combinations", id="flat-samples"),
        pytest.param("[[\"fast\"], [], \"1\"]", "'fast' is not a number", id="string"),
    ],
)  # fmt: skip
def test_impossible_values_are_a_data_error_naming_file_benchmark_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cell: str, problem: str
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)})
    text = json.dumps(run_file(HEAD, 2, {})).replace(
        '"results": {}', f'"results": {{"{COLD}": {cell}}}'
    )
    _raw(results, text.replace('"env_name": "virtualenv-py3.11"', '"env_name": "env"'))
    before = {p: p.read_bytes() for p in results.rglob("*") if p.is_file()}
    assert check(results, settings(tmp_path)) == 2
    err = capsys.readouterr().err
    assert str(results / "m1" / "bbbbbbbb-env.json") in err
    assert f"benchmark {COLD!r}" in err and problem in err
    assert {p: p.read_bytes() for p in results.rglob("*") if p.is_file()} == before


def test_asvs_own_markers_keep_their_meaning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0), SINGLE: single([0.001, 0.002])}, {})
    quick = '[[1e-3], [], "1", 1, 1.0, [-Infinity], [Infinity]]'  # asv run --quick: one sample
    markers = '[[Infinity, NaN], [["100", "1000"]], "1"]'
    text = json.dumps(run_file(HEAD, 2, {})).replace(
        '"results": {}', f'"results": {{"{COLD}": {quick}, "{SINGLE}": {markers}}}'
    )
    _raw(results, text.replace('"env_name": "virtualenv-py3.11"', '"env_name": "env"'))
    code, report = check_json(results, settings(tmp_path), capsys)
    assert code == 0
    statuses = {b["label"]: b["status"] for b in report["benchmarks"]}
    assert statuses == {
        COLD: "unchanged",
        f"{SINGLE}(candles=100)": "incomparable",
        f"{SINGLE}(candles=1000)": "missing",
    }


def test_format_1_results_say_asv_update_converts_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)})
    _raw(results, json.dumps({"version": 1, "commit_hash": HEAD, "results": {}}))
    assert check(results, settings(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "bbbbbbbb-env.json: has results format version 1" in err and "`asv update`" in err


def test_two_run_files_for_one_commit_and_env_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = {"bbbbbbbb-env-copy.json": {**run_file(HEAD, 2, {COLD: timing(1.0)}), "env_name": "env"}}
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)}, extra=twin)
    assert check(results, settings(tmp_path)) == 2
    assert "a second run file for commit bbbbbbbb and env 'env'" in capsys.readouterr().err


def test_a_commit_hash_that_contradicts_the_file_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)})
    _raw(results, json.dumps({**run_file("c" * 40, 2, {}), "env_name": "env"}))
    assert check(results, settings(tmp_path)) == 2
    assert "does not match the file name's commit 'bbbbbbbb'" in capsys.readouterr().err


# --- exit codes ---


def test_an_internal_error_exits_3_with_its_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)})

    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(gate, "run_check", boom)
    assert check(results, settings(tmp_path)) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "KeyError: 'a bug'" in err and "please report" in err


# --- revisions without git, report and trend formats ---


def test_recorded_hashes_need_no_git_and_an_ambiguous_prefix_lists_its_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "b" * 8 + "c" * 32
    extra = {"bbbbbbbb-other.json": {**run_file(other, 3, {COLD: timing(1.0)}), "env_name": "x"}}
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)}, extra=extra)
    nowhere = ["--repo", str(tmp_path)]  # not a git repository
    assert main(["report", "--results", str(results), "--commit", BASE, *nowhere,
                 "--config", str(settings(tmp_path))]) == 0  # fmt: skip
    assert main(["report", "--results", str(results), "--commit", "bbbb", *nowhere]) == 2
    assert f"'bbbb' is ambiguous: it matches {HEAD[:12]}, {other[:12]}" in capsys.readouterr().err
    assert main(["baseline", "set", "old", "aaaa", "--results", str(results), *nowhere,
                 "--config", str(settings(tmp_path))]) == 0  # fmt: skip
    assert json.loads((results / "baselines.json").read_text())["baselines"]["old"] == {
        "commit": BASE
    }


def test_report_and_trend_formats_show_the_env_when_there_are_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = {"bbbbbbbb-py3.12.json": {**run_file(HEAD, 2, {COLD: timing(2.0)}),
                                      "env_name": "py3.12"}}  # fmt: skip
    results = write(tmp_path, {COLD: timing(1.0)}, {COLD: timing(1.0)}, extra=extra)
    common = ["--results", str(results), "--config", str(settings(tmp_path)), "--repo",
              str(tmp_path)]  # fmt: skip
    assert main(["report", *common, "--commit", HEAD, "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert "| benchmark | env | value |" in out and f"| {COLD} | py3.12 | 2 ms |" in out
    assert main(["report", *common, "--commit", HEAD, "--format", "json", "--env", "3.12"]) == 0
    assert [b["env"] for b in json.loads(capsys.readouterr().out)["benchmarks"]] == ["py3.12"]
    assert main(["trend", *common, "--format", "json"]) == 0
    assert {s["env"] for s in json.loads(capsys.readouterr().out)["series"]} == {"env", "py3.12"}
    assert main(["trend", *common, "timeraw"]) == 0
    assert re.search(r"\d+ series", capsys.readouterr().out)
