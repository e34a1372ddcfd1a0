"""`ContinuousProfiler`: a running process profiled in consecutive windows, one capture per window.

Why sampling and not cProfile. cProfile records only the thread that enables it, and only that
thread can stop it: a profiler rotated every window from a timer thread cannot rotate a cProfile
that lives on the application's thread, and one started from the main thread would miss the worker
threads. So this profiler samples instead: a daemon thread wakes every `interval` seconds, reads
the stack of every other thread (`sys._current_frames`) and adds the time since its previous
sample to the functions on those stacks. It profiles every thread of the process but its own,
whichever thread called `start`; start and stop are a flag and a join, safe from any thread.

What a window's capture holds. `NAME-N.prof` is pstats data like any other capture: each thread is
a root function `<thread NAME>`, own time is the time a function was seen on top of a stack,
cumulative time the time it was seen anywhere on one (wall-clock time: a thread blocked in
`select` or `Event.wait` shows that time there). Its call counts count samples, not calls: a
sampler cannot see calls, and says so in the `.txt`. `profile-diff` compares two windows per
sample of their busiest thread, so a short last window compares fairly with a full one.

Overhead, measured (`python -m scripts.measure_profiler_overhead --rounds 100 --calls 30`):
`alphapulse.scan` of 10 symbols x 1,000 candles in a loop on the main thread, 100 interleaved
rounds of 30 scans without and with the profiler, 2-core machine shared with other work, Python
3.11. At the default 10 ms interval: median slowdown +2.6 % (quartiles -4.0 % to +8.8 %: the
machine's noise is larger than the effect), and the sampler thread itself used 1.6 % of a core
(about 70 us per sample of the busy thread, plus waking up). At 1 ms: +12.4 % (quartiles +5.1 % to
+21.8 %), sampler 7.8 %. `OVERHEAD` repeats the default's figure.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, FrameType, TracebackType
from typing import Any

from alphapulse_perf.profiling.capture_files import CapturePaths, write_capture

__all__ = ["OVERHEAD", "ContinuousProfiler"]

# From `python -m scripts.measure_profiler_overhead --rounds 100 --calls 30` (module docstring).
OVERHEAD = "+2.6 % median on alphapulse.scan at the 10 ms default (sampler: 1.6 % of a core)"

Key = tuple[str, int, str]


class _Window:
    """Samples of one window, accumulated in pstats's shape."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.ended = started  # time of the newest sample
        self.samples = 0
        # key -> [samples seen, own seconds, cumulative seconds]
        self.functions: dict[Key, list[float]] = {}
        # (caller, callee) -> [samples seen, own seconds of callee, cumulative seconds of callee]
        self.edges: dict[tuple[Key, Key], list[float]] = {}

    def add(self, stack: Sequence[Key], weight: float) -> None:
        """One thread's stack (outermost first) seen for `weight` seconds."""
        self.samples += 1
        functions, edges = self.functions, self.edges
        seen: set[Key] = set()
        for key in stack:
            if key not in seen:  # a recursive function is on the stack once per sample
                seen.add(key)
                entry = functions.get(key)
                if entry is None:
                    functions[key] = [1.0, 0.0, weight]
                else:
                    entry[0] += 1
                    entry[2] += weight
        functions[stack[-1]][1] += weight
        pairs: set[tuple[Key, Key]] = set()
        for i in range(1, len(stack)):
            pair = (stack[i - 1], stack[i])
            if pair not in pairs:
                pairs.add(pair)
                edge = edges.get(pair)
                if edge is None:
                    edges[pair] = [1.0, 0.0, weight]
                else:
                    edge[0] += 1
                    edge[2] += weight
        last = (stack[-2], stack[-1]) if len(stack) > 1 else None
        if last is not None:
            edges[last][1] += weight

    def stats(self) -> dict[Key, tuple[int, int, float, float, dict[Key, Any]]]:
        """pstats's dictionary: `(cc, nc, tt, ct, {caller: (nc, cc, tt, ct)})`, samples as calls."""
        callers: dict[Key, dict[Key, Any]] = {key: {} for key in self.functions}
        for (caller, callee), (n, own, cum) in self.edges.items():
            callers[callee][caller] = (int(n), int(n), own, cum)
        return {
            key: (int(n), int(n), own, cum, callers[key])
            for key, (n, own, cum) in self.functions.items()
        }


class ContinuousProfiler:
    """Profile the whole process in consecutive windows of `window` seconds; keep the last `keep`.

    Every window writes one capture, `out_dir/NAME-N.prof` and `NAME-N.txt`; when more than `keep`
    are on disk, the oldest this profiler wrote are removed. `stop()` ends the current window early
    and writes it (when it holds a sample), then returns once the sampler thread has ended.
    `start()` and `stop()` may be called from any thread; `stop()` on a stopped profiler does
    nothing, `start()` on a running one raises `RuntimeError`. A stopped profiler can start again.

    Overhead: see the module's documentation (`OVERHEAD`).
    """

    def __init__(
        self,
        out_dir: str | Path,
        *,
        window: float = 60.0,
        keep: int = 10,
        interval: float = 0.01,
        name: str = "continuous",
        top: int = 25,
    ) -> None:
        if not window > 0:
            raise ValueError(f"`window` must be positive seconds, not {window!r}")
        if not 0 < interval < window:
            raise ValueError(f"`interval` must be positive and below `window`, not {interval!r}")
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise ValueError(f"`keep` must be a positive integer, not {keep!r}")
        self.out_dir = Path(out_dir)
        self.window = float(window)
        self.keep = keep
        self.interval = float(interval)
        self.name = name
        self.top = top
        self.windows_written = 0
        self.sampler_seconds = 0.0  # CPU time the sampler thread has used, over all its runs
        self.write_seconds = 0.0  # the part of it spent writing captures
        self._captures: deque[CapturePaths] = deque()
        self._lock = threading.Lock()  # guards _thread, _stop and _captures
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._keys: dict[CodeType, Key] = {}

    @property
    def running(self) -> bool:
        """Started and not stopped, and the sampler thread alive (an error would have ended it,
        reported by `threading.excepthook`)."""
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    @property
    def captures(self) -> list[CapturePaths]:
        """The captures kept on disk, oldest first."""
        with self._lock:
            return list(self._captures)

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                raise RuntimeError("the continuous profiler is already running")
            self._stop = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(self._stop,), name="alphapulse-perf-sampler", daemon=True
            )
            self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Write the current window and end the sampler (within about one interval; waits up to
        `timeout` seconds for it)."""
        with self._lock:
            thread, self._thread = self._thread, None
            self._stop.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def __enter__(self) -> ContinuousProfiler:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # The sampler thread.

    def _run(self, stop: threading.Event) -> None:
        window = _Window(time.perf_counter())
        last = window.started
        while True:
            time.sleep(self.interval)  # half the CPU of `stop.wait` per wake-up, measured here
            if stop.is_set():
                break
            now = time.perf_counter()
            self._sample(window, now - last)
            last = window.ended = now
            if now - window.started >= self.window:
                self._write(window)
                window = _Window(time.perf_counter())
                last = window.started  # the writing is not the process's time
        self._write(window)
        self.sampler_seconds += time.thread_time()  # this thread's CPU time, from its start

    def _key(self, code: CodeType) -> Key:
        key = self._keys.get(code)
        if key is None:
            key = self._keys[code] = (code.co_filename, code.co_firstlineno, code.co_name)
        return key

    def _sample(self, window: _Window, weight: float) -> None:
        me = threading.get_ident()
        names = {t.ident: t.name for t in threading.enumerate()}
        frames = sys._current_frames()
        try:
            for ident, top in frames.items():
                if ident == me:
                    continue
                stack: list[Key] = []
                frame: FrameType | None = top
                while frame is not None:
                    stack.append(self._key(frame.f_code))
                    frame = frame.f_back
                stack.append(("~", 0, f"<thread {names.get(ident, ident)}>"))
                stack.reverse()
                window.add(stack, weight)
        finally:
            del frames  # hold no frame (and its locals) past the sample

    def _write(self, window: _Window) -> None:
        if not window.samples:
            return
        started = time.thread_time()
        try:
            self._write_capture(window)
        finally:
            self.write_seconds += time.thread_time() - started

    def _write_capture(self, window: _Window) -> None:
        title = (
            f"{self.name}: sampled every {self.interval * 1e3:g} ms for "
            f"{window.ended - window.started:.1f} s; calls count samples, not calls"
        )
        try:
            paths = write_capture(window.stats(), self.out_dir, self.name, self.top, title)
        except OSError as err:
            warnings.warn(
                f"continuous profiler: window not written to {self.out_dir} ({err})",
                RuntimeWarning,
                stacklevel=2,
            )
            return
        with self._lock:
            self.windows_written += 1
            self._captures.append(paths)
            dropped = [self._captures.popleft() for _ in range(len(self._captures) - self.keep)]
        for old in dropped:
            for path in (old.prof, old.txt):
                path.unlink(missing_ok=True)
