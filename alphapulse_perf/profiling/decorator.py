"""cProfile captures of any function or block: `profile` (`ContinuousProfiler`, in `sampler`,
samples a whole process).

    from alphapulse_perf.profiling import profile

    @profile                                   # capture named after the function
    def refresh(batch): ...

    @profile(name="scan", out_dir="profiles", top=40)
    async def refresh_async(batch): ...

    with profile("startup"):
        warm_up()

Each call of a decorated function, and each `with` block, is one capture: `NAME-N.prof` (pstats
data: `pstats.Stats`, snakeviz, `alphapulse-perf profile-diff` read it) and `NAME-N.txt` (the top
functions by cumulative time, then by own time, with total and primitive call counts), written
atomically into `out_dir` (default `profiles/` of the working directory), which is created on first
use. `N` is the first number free there, so captures never overwrite each other. Nothing happens on
import. The function runs exactly once; its result or exception passes through unchanged, and the
capture is written even when it raises. A capture that cannot be written (a full disk) is reported
with a `RuntimeWarning`, never raised into the profiled code.

Threads. cProfile records the thread that enables it. A sync capture is the calling thread's work
during the call; work handed to other threads (executors, numpy's own threads) is not in it.

Async. An `async def` is profiled on the event loop's thread from its first step to its return,
across every `await`. While it waits, the loop runs other tasks on that thread, and cProfile
records them too: the capture holds everything the loop thread ran during the coroutine's life, its
own work under its name and the interleaved tasks' work as other roots. Time the coroutine spends
suspended is not counted in its own cumulative time; each resumption counts as one call of a
coroutine (cProfile sees a resumption as a call): a coroutine that suspended three times shows 4
calls. `profile-diff` normalises per call of the entry, here per resumption: compare captures of
one coroutine call each with `--normalise none`. Work sent to executors or other processes is not
captured.

One capture per thread at a time. A second `profile` started on a thread where a profiler is
already running (a profiled function calling another, two profiled coroutines on one loop, or
`python -m cProfile` around everything) does not capture and says so with a `RuntimeWarning`: the
running capture already holds its work, and enabling a second cProfile would silently cut the first.
"""

from __future__ import annotations

import cProfile
import functools
import inspect
import os
import sys
import threading
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, cast, overload

from alphapulse_perf.profiling.capture import without_profiler_frames
from alphapulse_perf.profiling.capture_files import CapturePaths, capture_name, write_capture

__all__ = ["CapturePaths", "Profiling", "profile"]

DEFAULT_OUT_DIR = Path("profiles")
DEFAULT_TOP = 25

P = ParamSpec("P")
R = TypeVar("R")
F = TypeVar("F", bound=Callable[..., Any])

# The wrapper's own frames are on the stack when profiling starts and stops; leave them out.
_OWN_FILES = frozenset({__file__})
_active = threading.local()  # `.name`: the capture running on this thread, if any


class _Run:
    """One capture in progress on one thread."""

    def __init__(self, owner: Profiling, name: str) -> None:
        self.owner = owner
        self.name = name
        self.profiler: cProfile.Profile | None = None

    def start(self) -> None:
        running = getattr(_active, "name", None)
        if running is not None or sys.getprofile() is not None:
            what = f"capture {running!r}" if running is not None else "another profiler"
            warnings.warn(
                f"profile {self.name!r} not captured: {what} is already running on this thread "
                "and holds this work",
                RuntimeWarning,
                stacklevel=4,
            )
            return
        self.profiler = cProfile.Profile()
        _active.name = self.name
        self.profiler.enable()

    def stop(self) -> CapturePaths | None:
        if self.profiler is None:
            return None
        self.profiler.disable()
        _active.name = None
        self.profiler.create_stats()
        stats = without_profiler_frames(cast(dict[Any, Any], self.profiler.stats), _OWN_FILES)
        try:
            paths = write_capture(stats, self.owner.out_dir, self.name, self.owner.top)
        except OSError as err:
            warnings.warn(
                f"profile {self.name!r}: capture not written to {self.owner.out_dir} ({err})",
                RuntimeWarning,
                stacklevel=4,
            )
            return None
        self.owner.last = paths
        return paths


class Profiling:
    """A named capture setting: a context manager, and a decorator (sync or async functions).

    `profile(...)` makes one; use it directly. `last` holds the paths of the newest capture it
    wrote. One object may be used for many captures, also from several threads at once (each
    thread captures its own calls).
    """

    def __init__(
        self,
        name: str | None = None,
        out_dir: str | os.PathLike[str] | None = None,
        top: int = DEFAULT_TOP,
    ) -> None:
        if isinstance(top, bool) or not isinstance(top, int) or top < 1:
            raise ValueError(f"`top` must be a positive integer, not {top!r}")
        self.name = capture_name(name) if name is not None else None
        self._out_dir = Path(out_dir) if out_dir is not None else None
        self.top = top
        self.last: CapturePaths | None = None
        self._blocks = threading.local()  # `.runs`: this thread's open `with` blocks

    @property
    def out_dir(self) -> Path:
        """Where captures go; the default is resolved at write time, never at import."""
        return self._out_dir if self._out_dir is not None else DEFAULT_OUT_DIR

    def __enter__(self) -> Profiling:
        runs: list[_Run] = self._blocks.__dict__.setdefault("runs", [])
        run = _Run(self, self.name or "profile")
        runs.append(run)
        run.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._blocks.runs.pop().stop()  # an exception propagates unchanged

    def __call__(self, func: F) -> F:
        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"profile cannot wrap the generator function {func.__qualname__}: a call only "
                "creates the generator; profile the code that consumes it"
            )
        if not callable(func):
            raise TypeError(f"profile wraps functions, not {type(func).__name__}")
        qualname = getattr(func, "__qualname__", "profile").replace("<locals>.", "")
        name = self.name or capture_name(qualname)
        if inspect.iscoroutinefunction(func):
            return cast(F, self._wrap_async(func, name))
        return cast(F, self._wrap_sync(func, name))

    def _wrap_sync(self, func: Callable[P, R], name: str) -> Callable[P, R]:
        @functools.wraps(func)
        def profiled(*args: P.args, **kwargs: P.kwargs) -> R:
            run = _Run(self, name)
            run.start()
            try:
                return func(*args, **kwargs)
            finally:
                run.stop()

        return profiled

    def _wrap_async(self, func: Callable[P, Awaitable[R]], name: str) -> Callable[P, Awaitable[R]]:
        @functools.wraps(func)
        async def profiled(*args: P.args, **kwargs: P.kwargs) -> R:
            run = _Run(self, name)
            run.start()
            try:
                return await func(*args, **kwargs)
            finally:
                run.stop()

        return profiled


@overload
def profile(target: F, /) -> F: ...


@overload
def profile(
    target: str | None = None,
    /,
    *,
    name: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    top: int = DEFAULT_TOP,
) -> Profiling: ...


def profile(
    target: Callable[..., Any] | str | None = None,
    /,
    *,
    name: str | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    top: int = DEFAULT_TOP,
) -> Any:
    """`@profile`, `@profile(name=..., out_dir=..., top=...)`, or `with profile("name"):`.

    A function given directly is wrapped at once (its capture is named after its qualified name);
    otherwise the result is a `Profiling`, a decorator and context manager. See the module's
    documentation for what a capture holds.
    """
    if callable(target):
        return Profiling(name, out_dir, top)(target)
    if target is not None and name is not None:
        raise TypeError("give the capture's name once: profile('name') or profile(name='name')")
    return Profiling(target if target is not None else name, out_dir, top)
