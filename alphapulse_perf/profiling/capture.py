"""A profile capture (cProfile's pstats data) as plain records: what every profiling view reads.

pstats keeps, per function `(file, line, name)`, the tuple `(cc, nc, tt, ct, callers)`: `cc` the
primitive calls (those not made while the function was already running), `nc` all calls, `tt`
the function's own time, `ct` its cumulative time (counted once for a recursive function, at the
outermost call). `callers` maps each calling function to the same numbers for that one edge, but
in the order `(nc, cc, tt, ct)`: cProfile writes them so (Lib/cProfile.py, `snapshot_stats`), and
pstats prints them back the right way round. Mixing the two orders is how call counts get swapped;
this module reads both once, by name, into `FunctionStat` and `Edge`.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "Capture",
    "CaptureError",
    "Edge",
    "FunctionKey",
    "FunctionStat",
    "capture_from_stats",
    "load_capture",
    "load_stats",
    "short_path",
    "without_profiler_frames",
]

# What cProfile records of itself: the call that stops it. Never part of the work.
_PROFILER_FRAMES = frozenset({("~", 0, "<method 'disable' of '_lsprof.Profiler' objects>")})
_SITE_DIRS = ("site-packages", "dist-packages")


class CaptureError(ValueError):
    """A capture that cannot be read or is not pstats data; names the file."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


def short_path(filename: str) -> str:
    """The path a person recognises: after site-packages, else relative to the working directory.

    The same module then reads the same in a capture made from the source tree and in one made in
    asv's environment (`.asv/env/<hash>/lib/python3.11/site-packages/alphapulse/...`).
    """
    parts = Path(filename).parts
    for marker in _SITE_DIRS:
        if marker in parts:
            last = len(parts) - 1 - parts[::-1].index(marker)
            return "/".join(parts[last + 1 :])
    if os.path.isabs(filename):
        try:
            return Path(filename).relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass
        for prefix in {sys.base_prefix, sys.prefix}:
            stdlib = Path(prefix) / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
            try:
                return Path(filename).relative_to(stdlib).as_posix()
            except ValueError:
                continue
    return filename


@dataclass(frozen=True, order=True)
class FunctionKey:
    """pstats's name of a function: file ("~" for built-ins), first line, name."""

    file: str
    line: int
    name: str

    @property
    def builtin(self) -> bool:
        return self.file == "~" and self.line == 0

    @property
    def label(self) -> str:
        """`alphapulse/detection.py:130(scan)`, or the built-in's own name."""
        if self.builtin:
            return self.name
        return f"{short_path(self.file)}:{self.line}({self.name})"


@dataclass(frozen=True)
class Edge:
    """The calls of one function made by one caller, and the time they took."""

    calls: int
    primitive: int
    own: float
    cumulative: float


@dataclass(frozen=True)
class FunctionStat:
    key: FunctionKey
    calls: int  # every call (pstats `nc`)
    primitive: int  # calls not made from inside itself (pstats `cc`)
    own: float  # seconds in the function's own code (`tt`)
    cumulative: float  # seconds in it and everything it called (`ct`)
    callers: Mapping[FunctionKey, Edge]


@dataclass(frozen=True)
class Capture:
    """One capture: every function's figures, keyed by `FunctionKey`."""

    source: str
    functions: Mapping[FunctionKey, FunctionStat]

    @property
    def total(self) -> float:
        """Seconds captured: the sum of own times (pstats's `total_tt`), or the longest root.

        A root's cumulative time can exceed the sum of own times by the profiler's own cost of
        timing; taking the larger keeps every share at or under 100 %.
        """
        own = sum(f.own for f in self.functions.values())
        return max([own, *(f.cumulative for f in self.roots)])

    @property
    def calls(self) -> int:
        return sum(f.calls for f in self.functions.values())

    @property
    def primitive(self) -> int:
        return sum(f.primitive for f in self.functions.values())

    @staticmethod
    def root_calls(f: FunctionStat) -> int:
        """The calls of `f` that no recorded function made: those from outside the capture."""
        return f.calls - sum(e.calls for e in f.callers.values())

    @property
    def roots(self) -> list[FunctionStat]:
        """Functions called from outside the capture: where the captured work starts.

        Not only those without callers: the outermost call of a recursive function (or of `exec`,
        which imports call again) has none, the inner ones have the function itself.
        """
        return [f for f in self.functions.values() if self.root_calls(f) > 0]

    @property
    def entry(self) -> FunctionStat | None:
        """The root holding most time: the profiled function, the benchmark, the thread.

        asyncio's own frames are passed over when another root exists: in the capture of a
        coroutine, the event loop's iterations are roots that hold the coroutine's steps and the
        other tasks', and the coroutine (a root too) is the entry.
        """
        roots = [f for f in self.roots if Path(f.key.file).parent.name != "asyncio"] or self.roots
        return max(roots, key=lambda f: (f.cumulative, f.key)) if roots else None

    @cached_property
    def _callees(self) -> dict[FunctionKey, dict[FunctionKey, Edge]]:
        index: dict[FunctionKey, dict[FunctionKey, Edge]] = {}
        for f in self.functions.values():
            for caller, edge in f.callers.items():
                index.setdefault(caller, {})[f.key] = edge
        return index

    def callees(self, key: FunctionKey) -> dict[FunctionKey, Edge]:
        """What `key` called, with the figures of each edge."""
        return self._callees.get(key, {})


def _number(source: str, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CaptureError(source, f"is not pstats data ({what} is {type(value).__name__})")
    return float(value)


def _key(source: str, raw: Any) -> FunctionKey:
    if (
        not isinstance(raw, tuple)
        or len(raw) != 3
        or not isinstance(raw[0], str)
        or isinstance(raw[1], bool)
        or not isinstance(raw[1], int)
        or not isinstance(raw[2], str)
    ):
        raise CaptureError(source, f"is not pstats data (a function key is {raw!r:.60})")
    return FunctionKey(raw[0], raw[1], raw[2])


def capture_from_stats(stats: Mapping[Any, Any], source: str) -> Capture:
    """A `Capture` of a pstats dictionary (`pstats.Stats(...).stats`, `Profile.stats`), checked."""
    functions: dict[FunctionKey, FunctionStat] = {}
    for raw_key, value in stats.items():
        key = _key(source, raw_key)
        if not isinstance(value, tuple) or len(value) != 5 or not isinstance(value[4], dict):
            raise CaptureError(
                source, f"is not pstats data (the entry of {key.label} is malformed)"
            )
        cc, nc, tt, ct = (_number(source, v, key.label) for v in value[:4])
        callers: dict[FunctionKey, Edge] = {}
        for raw_caller, edge in value[4].items():
            caller = _key(source, raw_caller)
            if not isinstance(edge, tuple) or len(edge) != 4:
                raise CaptureError(
                    source, f"is not pstats data (the call {caller.label} -> {key.label})"
                )
            enc, ecc, ett, ect = (_number(source, v, key.label) for v in edge)  # (nc, cc, tt, ct)
            callers[caller] = Edge(int(enc), int(ecc), ett, ect)
        functions[key] = FunctionStat(key, int(nc), int(cc), tt, ct, callers)
    return Capture(source, functions)


def load_stats(path: Path) -> dict[Any, Any]:
    """The pstats dictionary of a `.prof` file (what `cProfile -o` and asv write), checked."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CaptureError(str(path), f"cannot be read ({err.strerror})") from None
    if not data:
        raise CaptureError(str(path), "is empty")
    try:
        stats = marshal.loads(data)
    except (EOFError, ValueError, TypeError):
        raise CaptureError(str(path), "is not pstats data (not a marshalled dictionary)") from None
    if not isinstance(stats, dict):
        raise CaptureError(str(path), "is not pstats data (not a marshalled dictionary)")
    if not stats:
        raise CaptureError(str(path), "holds no functions (nothing ran while profiling)")
    capture_from_stats(stats, str(path))  # the check
    return stats


def load_capture(path: Path) -> Capture:
    """Read a `.prof` file into a `Capture`."""
    return capture_from_stats(load_stats(path), str(path))


def without_profiler_frames(
    stats: Mapping[Any, Any], files: frozenset[str] = frozenset()
) -> dict[Any, Any]:
    """`stats` less the profiler's own calls and those of the functions in `files`.

    `files` holds source files (e.g. this package's wrapper module) whose functions were on the
    stack when profiling started or stopped: recorded, but not part of the profiled work.
    """

    def dropped(key: Any) -> bool:
        return key in _PROFILER_FRAMES or (isinstance(key, tuple) and key[0] in files)

    cleaned: dict[Any, Any] = {}
    for key, (cc, nc, tt, ct, callers) in stats.items():
        if dropped(key):
            continue
        cleaned[key] = (cc, nc, tt, ct, {c: e for c, e in callers.items() if not dropped(c)})
    return cleaned
