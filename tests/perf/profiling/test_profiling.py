"""`profile` (decorator and context manager) and `ContinuousProfiler`, on real detection work.

Every capture here profiles `alphapulse.scan` / `detect` computing on synthetic candles: real
work, never a sleep standing in for it.
"""

from __future__ import annotations

import asyncio
import pstats
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import alphapulse as ap
from alphapulse_perf.profiling import ContinuousProfiler, Profiling, profile
from alphapulse_perf.profiling.capture import FunctionKey, load_capture

BATCH = ap.synthetic_batch(ap.SYMBOLS[:4], 300)
CANDLES = ap.synthetic_candles("BTCUSDT", 300)


def scan_recursively(depth: int) -> int:
    """Real recursion around real work: 2**depth scans, 2**(depth+1) - 1 calls, 1 primitive."""
    if depth == 0:
        return len(ap.scan(BATCH))
    return scan_recursively(depth - 1) + scan_recursively(depth - 1)


def table(txt: str, by: str) -> list[list[str]]:
    """The rows of one table of a `.txt` summary: [time, other, share, calls, primitive, fn]."""
    lines = txt.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"top \d+ by {by} time", line))
    rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        rows.append(re.split(r"\s{2,}", line.strip(), maxsplit=5))
    return rows


def seconds(cell: str) -> float:
    value, unit = cell.split()
    return float(value) * {"s": 1.0, "ms": 1e-3, "us": 1e-6}[unit]


class TestProfileDecorator:
    def test_bare_decorator_runs_once_and_writes_a_named_capture(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        runs = []

        @profile
        def refresh(depth: int) -> int:
            runs.append(depth)
            return scan_recursively(depth)

        assert not (tmp_path / "profiles").exists()  # nothing before the first call
        assert refresh(1) == 2 * len(ap.SYMBOLS[:4])
        assert runs == [1]
        name = "TestProfileDecorator.test_bare_decorator_runs_once_and_writes_a_named_capture"
        written = sorted(p.name for p in (tmp_path / "profiles").iterdir())
        assert written == [f"{name}.refresh-1.prof", f"{name}.refresh-1.txt"]
        assert refresh.__name__ == "refresh"  # functools.wraps

    def test_summary_is_sorted_and_its_counts_are_pstats_counts(self, tmp_path: Path) -> None:
        work = profile(name="recursive", out_dir=tmp_path, top=12)(scan_recursively)
        work(2)
        txt = (tmp_path / "recursive-1.txt").read_text()
        stats = pstats.Stats(str(tmp_path / "recursive-1.prof")).stats  # type: ignore[attr-defined]
        by_label = {FunctionKey(*key).label: value for key, value in stats.items()}
        for by, column in (("cumulative", 0), ("own", 0)):
            rows = table(txt, by)
            assert len(rows) == 12
            times = [seconds(r[column]) for r in rows]
            assert times == sorted(times, reverse=True), f"{by} table not sorted"
            for row in rows:
                cc, nc, tt, ct, _ = by_label[row[5]]
                assert (int(row[3].replace(",", "")), int(row[4].replace(",", ""))) == (nc, cc)
                assert seconds(row[0]) == pytest.approx(ct if by == "cumulative" else tt, abs=2e-6)
        cumulative = {r[5]: r for r in table(txt, "cumulative")}
        recursive = next(label for label in cumulative if label.endswith("(scan_recursively)"))
        assert cumulative[recursive][3:5] == ["7", "1"]  # all calls, primitive calls
        assert cumulative[label_of(ap.scan)][3:5] == ["4", "4"]
        # The outermost call is the capture's entry, although the function calls itself.
        assert f"entry    {label_of(scan_recursively)}: 1 calls, " in txt

    def test_exception_passes_through_and_the_capture_is_written(self, tmp_path: Path) -> None:
        error = ValueError("bad candle")

        @profile(name="failing", out_dir=tmp_path)
        def failing() -> None:
            ap.scan(BATCH)
            raise error

        with pytest.raises(ValueError) as raised:
            failing()
        assert raised.value is error
        txt = (tmp_path / "failing-1.txt").read_text()
        assert label_of(ap.scan) in txt

    def test_names_never_collide_across_calls_and_threads(self, tmp_path: Path) -> None:
        @profile(name="same", out_dir=tmp_path)
        def work() -> None:
            ap.detect(CANDLES)

        work()
        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        names = sorted(p.name for p in tmp_path.glob("*.prof"))
        assert names == sorted(f"same-{n}.prof" for n in range(1, 6))
        for path in tmp_path.glob("*.prof"):
            capture = load_capture(path)
            assert capture.entry is not None and capture.entry.key.name == "work"
            assert label_of(ap.detect) in {f.key.label for f in capture.functions.values()}

    def test_a_capture_that_cannot_be_written_warns_and_the_result_passes(
        self, tmp_path: Path
    ) -> None:
        blocked = tmp_path / "file"
        blocked.write_text("not a directory")

        @profile(out_dir=blocked)
        def work() -> int:
            return len(ap.scan(BATCH))

        with pytest.warns(RuntimeWarning, match="capture not written"):
            assert work() == 4

    def test_nested_profile_warns_and_the_outer_capture_holds_the_work(
        self, tmp_path: Path
    ) -> None:
        inner = profile(name="inner", out_dir=tmp_path)(ap.scan)

        @profile(name="outer", out_dir=tmp_path)
        def outer() -> None:
            inner(BATCH)

        with pytest.warns(RuntimeWarning, match="'outer' is already running"):
            outer()
        assert sorted(p.name for p in tmp_path.glob("*.prof")) == ["outer-1.prof"]
        assert label_of(ap.scan) in (tmp_path / "outer-1.txt").read_text()

    def test_generator_functions_are_refused(self) -> None:
        def candles() -> object:
            yield ap.scan(BATCH)

        with pytest.raises(TypeError, match="generator function"):
            profile(candles)

    @pytest.mark.parametrize("top", [0, -1, True, 2.5])
    def test_top_must_be_a_positive_integer(self, top: object) -> None:
        with pytest.raises(ValueError, match="`top`"):
            profile("x", top=top)  # type: ignore[arg-type]

    def test_name_is_given_once(self) -> None:
        with pytest.raises(TypeError, match="once"):
            profile("a", name="b")


class TestProfileAsync:
    def test_capture_spans_awaits_and_holds_interleaved_tasks(self, tmp_path: Path) -> None:
        @profile(name="refresh", out_dir=tmp_path)
        async def refresh() -> int:
            found = 0
            for _ in range(3):
                found += len(ap.scan(BATCH))
                await asyncio.sleep(0)  # hands the loop to the other task
            return found

        async def other() -> None:
            for _ in range(3):
                ap.detect(CANDLES)
                await asyncio.sleep(0)

        async def both() -> int:
            found, _ = await asyncio.gather(refresh(), other())
            return found

        assert asyncio.run(both()) == 12
        capture = load_capture(tmp_path / "refresh-1.prof")
        calls = {f.key.label: f.calls for f in capture.functions.values()}
        assert calls[label_of(ap.scan)] == 3  # the work after each await is in the capture
        assert calls[label_of(ap.detect)] >= 1  # the loop thread's other task, as documented
        entry = capture.entry
        assert entry is not None and entry.key.name == "refresh"

    def test_async_exception_passes_through(self, tmp_path: Path) -> None:
        @profile(name="failing", out_dir=tmp_path)
        async def failing() -> None:
            ap.scan(BATCH)
            await asyncio.sleep(0)
            raise KeyError("BTCUSDT")

        with pytest.raises(KeyError, match="BTCUSDT"):
            asyncio.run(failing())
        assert label_of(ap.scan) in (tmp_path / "failing-1.txt").read_text()


class TestProfileContextManager:
    def test_block_is_captured_and_the_paths_are_kept(self, tmp_path: Path) -> None:
        with profile("block", out_dir=tmp_path) as block:
            ap.scan(BATCH)
            ap.detect(CANDLES)
        assert isinstance(block, Profiling)
        assert block.last is not None and block.last.prof == tmp_path / "block-1.prof"
        capture = load_capture(block.last.prof)
        labels = {f.key.label for f in capture.roots}
        assert {label_of(ap.scan), label_of(ap.detect)} <= labels
        assert not any("profiling.py" in label for label in labels)  # the wrapper is left out

    def test_exception_in_the_block_propagates_and_is_captured(self, tmp_path: Path) -> None:
        with pytest.raises(ZeroDivisionError), profile("block", out_dir=tmp_path):
            ap.scan(BATCH)
            _ = 1 / 0
        assert label_of(ap.scan) in (tmp_path / "block-1.txt").read_text()


def test_importing_writes_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import alphapulse_perf.profiling.decorator"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.iterdir()) == []


class TestContinuousProfiler:
    def test_windows_and_retention(self, tmp_path: Path) -> None:
        profiler = ContinuousProfiler(tmp_path, window=0.1, keep=2, interval=0.002, name="live")
        profiler.start()
        deadline = time.monotonic() + 30  # a guard, never reached on a working profiler
        while profiler.windows_written < 4 and time.monotonic() < deadline:
            ap.scan(BATCH)  # the process's work: what the windows sample
        profiler.stop()
        assert not profiler.running
        written = profiler.windows_written
        assert written >= 4
        kept = profiler.captures
        assert [p.prof.name for p in kept] == [f"live-{written - 1}.prof", f"live-{written}.prof"]
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            name for p in kept for name in (p.prof.name, p.txt.name)
        )
        busiest = load_capture(kept[0].prof)
        labels = {f.key.label for f in busiest.functions.values()}
        assert "<thread MainThread>" in labels
        assert any(label.startswith("alphapulse/") for label in labels)
        assert "calls count samples" in kept[0].txt.read_text()

    def test_start_and_stop_from_other_threads(self, tmp_path: Path) -> None:
        profiler = ContinuousProfiler(tmp_path, window=0.05, keep=3, interval=0.002)
        starter = threading.Thread(target=profiler.start)
        starter.start()
        starter.join()
        assert profiler.running
        with pytest.raises(RuntimeError, match="already running"):
            profiler.start()
        deadline = time.monotonic() + 30
        while profiler.windows_written < 2 and time.monotonic() < deadline:
            ap.detect(CANDLES)
        stoppers = [threading.Thread(target=profiler.stop) for _ in range(3)]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        assert not profiler.running
        assert not any(t.name == "alphapulse-perf-sampler" for t in threading.enumerate())
        written = profiler.windows_written
        ap.detect(CANDLES)
        assert profiler.windows_written == written  # stopped means stopped
        profiler.stop()  # again: nothing

    @pytest.mark.parametrize(
        ("options", "message"),
        [
            pytest.param({"window": 0}, "`window`", id="window"),
            pytest.param({"interval": 0}, "`interval`", id="interval"),
            pytest.param({"window": 1, "interval": 2}, "`interval`", id="interval-over-window"),
            pytest.param({"keep": 0}, "`keep`", id="keep"),
        ],
    )
    def test_bad_settings(self, tmp_path: Path, options: dict[str, float], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            ContinuousProfiler(tmp_path, **options)  # type: ignore[arg-type]


def label_of(func: object) -> str:
    """The label a capture gives `func` (`alphapulse/detection.py:130(scan)`)."""
    code = func.__code__  # type: ignore[attr-defined]
    return FunctionKey(code.co_filename, code.co_firstlineno, code.co_name).label
