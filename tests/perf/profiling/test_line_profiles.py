"""Line-level profiles: the runner under line_profiler, lines paired across commits, rendering."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import alphapulse.detection
from alphapulse_perf.profiling import asv_runner
from alphapulse_perf.profiling.capture import FunctionKey
from alphapulse_perf.profiling.diff_render import render_line_diff
from alphapulse_perf.profiling.line_diff import function_spec, pair_lines

ROOT = Path(__file__).resolve().parents[3]


def runner(tmp_path: Path, bench: str, index: int, specs: list[str]) -> tuple[dict[str, Any], Path]:
    """The profile runner's `lines` mode, in this environment (asv runs it in its own)."""
    (tmp_path / "specs.json").write_text(json.dumps(specs))
    txt, data, result = tmp_path / "l.txt", tmp_path / "l.json", tmp_path / "r.json"
    subprocess.run(
        [sys.executable, str(asv_runner.RUNNER), "lines", str(ROOT / "benchmarks"), bench,
         str(index), "0.05", "50", str(tmp_path / "specs.json"), str(txt), str(data),
         str(result)],
        cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True,
        timeout=120,
    )  # fmt: skip
    return json.loads(result.read_text()), data


def test_the_runner_times_the_named_functions_line_by_line(tmp_path: Path) -> None:
    specs = ["alphapulse.patterns.pattern_matrix", "alphapulse.streaming:update", "no.such:x"]
    outcome, data = runner(tmp_path, "bench_stages.Stages.time_patterns", 0, specs)
    assert outcome["status"] == "ok" and outcome["calls"] >= 1
    found = json.loads(data.read_text())
    names = [f["function"] for f in found["functions"]]
    assert names[0] == "pattern_matrix" and any(n.endswith("update") for n in names)
    lines = found["functions"][0]["lines"]
    assert sum(hits for _, hits, _, _ in lines) > 0 and all(len(x) == 4 for x in lines)
    assert found["missing"] == ["No module named 'no'"]  # named, the others timed
    assert "Function: pattern_matrix" in (tmp_path / "l.txt").read_text()


def test_a_timeraw_benchmark_is_skipped_and_nothing_found_fails(tmp_path: Path) -> None:
    outcome, _ = runner(tmp_path, "bench_cold_start.ColdStart.timeraw_import", -1, ["a.b:c"])
    assert outcome["status"] == "skipped" and "timeraw_" in outcome["message"]
    outcome, _ = runner(tmp_path, "bench_stages.Stages.time_patterns", 0, ["no.such:x"])
    assert outcome["status"] == "failed" and "--lines" in outcome["message"]


def test_a_function_is_named_by_its_module_and_name() -> None:
    code = alphapulse.detection.scan.__code__
    key = FunctionKey(code.co_filename, code.co_firstlineno, "scan")
    assert function_spec(key) == "alphapulse.detection:scan"
    assert function_spec(FunctionKey("~", 0, "<built-in method numpy.array>")) is None


def lines_file(calls: int, *lines: tuple[int, float, str]) -> dict[str, Any]:
    rows = [[n, 1, t, src] for n, t, src in lines]
    timed = {"file": "/x/alphapulse/p.py", "first_line": 1, "function": "f", "lines": rows}
    return {"calls": calls, "functions": [timed]}


def test_lines_pair_by_their_text_when_their_numbers_move() -> None:
    before = lines_file(10, (3, 1.0, "a = g(x)"), (4, 2.0, "return a"))
    after = lines_file(10, (5, 1.0, "a = g(x)"), (6, 3.0, "a = a + h(a)"), (7, 2.0, "return a"))
    (f,) = pair_lines(before, after)
    assert f.function == "p.py:f"
    got = [(c.source, c.before, c.after, c.line_after) for c in f.lines]
    assert got == [("a = g(x)", 0.1, 0.1, 5), ("a = a + h(a)", None, 0.3, 6),
                   ("return a", 0.2, 0.2, 7)]  # fmt: skip


def test_a_line_gone_at_the_after_commit_is_kept() -> None:
    (f,) = pair_lines(lines_file(1, (3, 1.0, "old()")), lines_file(1, (3, 1.0, "new()")))
    assert {(c.source, c.before, c.after) for c in f.lines} == {
        ("new()", None, 1.0),
        ("old()", 1.0, None),
    }


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_the_line_table_reads_before_and_after(fmt: str) -> None:
    before = lines_file(1000, (3, 0.5, "a = g(x)"))
    after = lines_file(1000, (3, 0.5, "a = g(x)"), (4, 1.5, "a = a | h(a)"))
    shown = render_line_diff(pair_lines(before, after), fmt)
    assert "a = a" in shown and "1.500" in shown and "+1.500" in shown  # us per call
    if fmt == "markdown":
        assert "| line | before | after | change | source |" in shown
        assert r"a = a \| h(a)" in shown  # the table writer escapes it
