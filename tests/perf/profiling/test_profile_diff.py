"""`profile-diff`: ranking on real captures of detection work, rendering on small literal ones."""

from __future__ import annotations

import ast
import inspect
import marshal
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import alphapulse as ap
from alphapulse import indicators, patterns
from alphapulse_perf.cli import main
from alphapulse_perf.profiling import profile
from alphapulse_perf.profiling.capture import CaptureError, capture_from_stats, load_capture
from alphapulse_perf.profiling.diff import Normalisation, Status, compare_captures, offender_marks
from alphapulse_perf.profiling.diff_render import render_diff_markdown, render_diff_text
from alphapulse_perf.profiling.flamegraph import build_flame, render_flamegraph

BATCH = ap.synthetic_batch(ap.SYMBOLS, 500)


def doing_its_work(func: Callable[..., Any], times: int) -> Callable[..., Any]:
    """`func` recompiled with every statement before its final `return` run `times` times.

    Real extra work, and the same function to a profiler: same file, first line and name (a
    wrapper would be a new function), as when someone's edit makes a function do more.
    """
    tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    (definition,) = tree.body
    assert isinstance(definition, ast.FunctionDef)
    *work, last = definition.body
    assert isinstance(last, ast.Return), f"{func.__name__} does not end in a return"
    if work and isinstance(work[0], ast.Expr) and isinstance(work[0].value, ast.Constant):
        work = work[1:]  # the docstring once
    definition.body = [*definition.body[:-1], *work * (times - 1), last]
    definition.decorator_list = []
    ast.increment_lineno(tree, func.__code__.co_firstlineno - 1)
    space: dict[str, Any] = {}
    exec(compile(tree, func.__code__.co_filename, "exec"), func.__globals__, space)
    slower: Callable[..., Any] = space[func.__name__]
    assert slower.__code__.co_firstlineno == func.__code__.co_firstlineno
    return slower


def detection_work(repeat: int = 10) -> None:
    """Indicators and patterns of ten symbols, through the module attributes a patch replaces."""
    for _ in range(repeat):
        indicators.compute_indicators(BATCH.open, BATCH.high, BATCH.low, BATCH.close, BATCH.volume)
        patterns.detect_patterns(BATCH.open, BATCH.high, BATCH.low, BATCH.close)


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Before: the detection work. After: the same with `compute_indicators` doing it 4 times.

    Three captures a side, alternating, and the quickest of each side kept: a burst of load on a
    shared machine slows one capture, rarely all three of a side (one of each once read the
    doubled work faster than the single one; four times the work leaves no doubt)."""
    out = tmp_path_factory.mktemp("captures")
    detection_work(1)  # first-call costs out of both
    work = profile(name="work", out_dir=out)(detection_work)
    original = indicators.compute_indicators
    slower = doing_its_work(original, 4)
    for _ in range(3):
        work()
        indicators.compute_indicators = slower
        try:
            work()
        finally:
            indicators.compute_indicators = original
    paths = [out / f"work-{k}.prof" for k in range(1, 7)]

    def quickest(side: list[Path]) -> Path:
        return min(side, key=lambda path: load_capture(path).total)

    yield quickest(paths[0::2]), quickest(paths[1::2])


class TestRealCaptures:
    def test_the_function_made_slower_ranks_first(self, captures: tuple[Path, Path]) -> None:
        before, after = (load_capture(p) for p in captures)
        diff = compare_captures(before, after)
        assert diff.normalisation is Normalisation.PER_CALL
        first = diff.rows[0]
        assert first.function.endswith("(compute_indicators)"), render_diff_text(diff)
        assert first.status is Status.CHANGED
        assert first.attributed > 0
        assert first.before is not None and first.after is not None
        assert first.after.cumulative > 1.5 * first.before.cumulative  # about 4x, less noise
        assert first.after.calls == first.before.calls  # slower per call, not called more

    def test_captures_of_different_lengths_compare_per_call(self, tmp_path: Path) -> None:
        with profile("short", out_dir=tmp_path) as short:
            for _ in range(3):
                detection_work(2)
        with profile("long", out_dir=tmp_path) as long:
            for _ in range(9):
                detection_work(2)
        assert short.last is not None and long.last is not None
        diff = compare_captures(load_capture(short.last.prof), load_capture(long.last.prof))
        assert diff.normalisation is Normalisation.PER_CALL
        assert "(3 calls before, 9 after)" in diff.unit
        rows = {r.function.split("(")[-1]: r for r in diff.rows}
        computed = rows["compute_indicators)"]
        assert computed.before is not None and computed.after is not None
        assert computed.before.calls == computed.after.calls == 2  # per call of the entry
        raw = compare_captures(
            load_capture(short.last.prof), load_capture(long.last.prof), Normalisation.NONE
        )
        # What the normalisation takes out is the calls' ratio, exactly (no timing asserted).
        normalised = diff.total_after / diff.total_before
        assert raw.total_after / raw.total_before == pytest.approx(3 * normalised)

    def test_flamegraph_marks_the_top_offender(self, captures: tuple[Path, Path]) -> None:
        before, after = (load_capture(p) for p in captures)
        marks = offender_marks(compare_captures(before, after), 3)
        svg = render_flamegraph(after, "after", marks)
        root = ET.fromstring(svg)
        ns = {"svg": "http://www.w3.org/2000/svg"}
        marked = [
            g
            for g in root.iterfind("svg:g", ns)
            if g.find("svg:rect[@class='offender']", ns) is not None
        ]
        assert marked
        titles = [g.findtext("svg:title", namespaces=ns) or "" for g in marked]
        assert any("(compute_indicators)" in t and "offender #1" in t for t in titles)


M, A, B, C = ("m.py", 1, "main"), ("m.py", 10, "a"), ("m.py", 20, "b"), ("m.py", 30, "c")
# main calls a twice and b once; after, a four times (same cost per call), c (new) once, b never.
BEFORE = {
    M: (1, 1, 0.001, 0.010, {}),
    A: (2, 2, 0.004, 0.004, {M: (2, 2, 0.004, 0.004)}),
    B: (1, 1, 0.005, 0.005, {M: (1, 1, 0.005, 0.005)}),
}
AFTER = {
    M: (1, 1, 0.001, 0.016, {}),
    A: (4, 4, 0.008, 0.008, {M: (4, 4, 0.008, 0.008)}),
    C: (1, 1, 0.007, 0.007, {M: (1, 1, 0.007, 0.007)}),
}


@pytest.fixture
def literal_files(tmp_path: Path) -> tuple[Path, Path]:
    before, after = tmp_path / "before.prof", tmp_path / "after.prof"
    before.write_bytes(marshal.dumps(BEFORE))
    after.write_bytes(marshal.dumps(AFTER))
    return before, after


class TestLiteralCaptures:
    def diff(self) -> Any:
        return compare_captures(
            capture_from_stats(BEFORE, "before.prof"), capture_from_stats(AFTER, "after.prof")
        )

    def test_attribution(self) -> None:
        attributed = {r.function: round(r.attributed, 9) for r in self.diff().rows}
        # main calls a twice as often (+2 x 2 ms); c is new (+7 ms); b vanished (-5 ms)
        assert attributed == {"m.py:30(c)": 0.007, "m.py:20(b)": -0.005,
                              "m.py:1(main)": 0.004, "m.py:10(a)": 0.0}  # fmt: skip
        # Over a tree of calls, the attributed changes add up to the change of the total.
        diff = self.diff()
        assert sum(attributed.values()) == pytest.approx(diff.total_after - diff.total_before)

    def test_text(self) -> None:
        assert render_diff_text(self.diff(), top=3) == textwrap.dedent("""\
            before  before.prof
            after   after.prof
            times   in ms, per call of m.py:1(main) (1 calls before, 1 after)
            total   10.000 ms -> 16.000 ms (+6.000 ms, +60.0%)
            ranked  by attributed change: own time per call, plus the calls made to others valued at their before cost

            top 3 of 4 functions
            attributed             own        cumulative   calls             share  function
                +7.000      - -> 7.000        - -> 7.000  - -> 1        - -> 43.8%  m.py:30(c) (new)
                -5.000      5.000 -> -        5.000 -> -  1 -> -        50.0% -> -  m.py:20(b) (vanished)
                +4.000  1.000 -> 1.000  10.000 -> 16.000  1 -> 1  100.0% -> 100.0%  m.py:1(main)
            """)  # noqa: E501

    def test_markdown(self) -> None:
        assert render_diff_markdown(self.diff(), top=2) == textwrap.dedent("""\
            - before: before.prof
            - after: after.prof
            - times: in ms, per call of m.py:1(main) (1 calls before, 1 after)
            - total: 10.000 ms -> 16.000 ms (+6.000 ms, +60.0%)
            - ranked: by attributed change: own time per call, plus the calls made to others valued at their before cost

            Top 2 of 4 functions:

            | # | function | attributed | own | cumulative | calls | share |
            |---:|---|---:|---:|---:|---:|---:|
            | 1 | `m.py:30(c)` (new) | +7.000 | - -> 7.000 | - -> 7.000 | - -> 1 | - -> 43.8% |
            | 2 | `m.py:20(b)` (vanished) | -5.000 | 5.000 -> - | 5.000 -> - | 1 -> - | 50.0% -> - |
            """)  # noqa: E501

    @pytest.mark.parametrize(
        ("sort", "order"),
        [
            pytest.param("own", ["c", "b", "a", "main"], id="own"),  # +7, -5, +4, 0 ms
            pytest.param("cumulative", ["c", "main", "b", "a"], id="cumulative"),  # +7, +6, -5, +4
        ],
    )
    def test_other_rankings(self, sort: str, order: list[str]) -> None:
        diff = compare_captures(
            capture_from_stats(BEFORE, "b"), capture_from_stats(AFTER, "a"), sort=sort
        )
        assert [r.function.split("(")[1].rstrip(")") for r in diff.rows] == order

    def test_share_normalisation_when_the_entries_differ(self) -> None:
        other = {(("n.py", 1, "other") if k == M else k): v for k, v in AFTER.items()}
        other = {
            k: (*v[:4], {(("n.py", 1, "other") if c == M else c): e for c, e in v[4].items()})
            for k, v in other.items()
        }
        diff = compare_captures(capture_from_stats(BEFORE, "b"), capture_from_stats(other, "a"))
        assert diff.normalisation is Normalisation.SHARE
        assert diff.total_after == pytest.approx(diff.total_before)

    def test_flame_tree(self) -> None:
        tree = build_flame(capture_from_stats(AFTER, "after.prof"))
        (main_node,) = tree.children
        assert main_node.value == pytest.approx(0.016)
        assert [(c.label, round(c.value, 9)) for c in main_node.children] == [
            ("m.py:10(a)", 0.008),
            ("m.py:30(c)", 0.007),
        ]


class TestCommand:
    def test_files_text(
        self, literal_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        before, after = literal_files
        assert main(["profile-diff", str(before), str(after), "--top", "1"]) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[-1].endswith("m.py:30(c) (new)")

    def test_markdown_output_and_flamegraph_files(
        self, literal_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before, after = literal_files
        table, svg = tmp_path / "diff.md", tmp_path / "after.svg"
        code = main(["profile-diff", str(before), str(after), "--format", "markdown",
                     "--output", str(table), "--flamegraph", str(svg)])  # fmt: skip
        assert code == 0
        assert capsys.readouterr().out == ""
        assert table.read_text().startswith(f"- before: {before}\n")
        assert 'class="offender"' in svg.read_text()
        ET.fromstring(svg.read_text())  # well-formed

    @pytest.mark.parametrize(
        ("content", "problem"),
        [
            pytest.param(b"", "is empty", id="empty"),
            pytest.param(b"not pstats", "is not pstats data", id="garbage"),
            pytest.param(marshal.dumps({"a": 1}), "is not pstats data", id="shape"),
            pytest.param(marshal.dumps({}), "holds no functions", id="no-functions"),
        ],
    )
    def test_unreadable_capture_exits_2_naming_the_file(
        self,
        literal_files: tuple[Path, Path],
        capsys: pytest.CaptureFixture[str],
        content: bytes,
        problem: str,
    ) -> None:
        before, after = literal_files
        after.write_bytes(content)
        assert main(["profile-diff", str(before), str(after)]) == 2
        assert f"{after}: {problem}" in capsys.readouterr().err

    def test_missing_capture_exits_2(
        self, tmp_path: Path, literal_files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
    ) -> None:
        missing = tmp_path / "nope.prof"
        assert main(["profile-diff", str(literal_files[0]), str(missing)]) == 2
        assert f"{missing}: cannot be read" in capsys.readouterr().err

    @pytest.mark.parametrize(
        "args",
        [
            pytest.param(["one.prof"], id="one-file"),
            pytest.param(["a.prof", "b.prof", "--bench", "x"], id="files-and-bench"),
            pytest.param(["--bench", "x", "--from", "HEAD"], id="bench-without-to"),
        ],
    )
    def test_bad_usage_exits_2(self, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
        assert main(["profile-diff", *args]) == 2
        assert "alphapulse-perf:" in capsys.readouterr().err

    def test_unwritable_output_exits_2_naming_the_file(
        self, literal_files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        target = tmp_path / "no" / "such" / "dir" / "diff.md"
        assert main(["profile-diff", *map(str, literal_files), "--output", str(target)]) == 2
        assert f"{target}: cannot be written" in capsys.readouterr().err

    def test_load_capture_error_is_a_value_error(self, tmp_path: Path) -> None:
        path = tmp_path / "x.prof"
        path.write_bytes(b"\x00")
        with pytest.raises(CaptureError) as raised:
            load_capture(path)
        assert raised.value.source == str(path)
