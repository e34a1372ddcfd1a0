"""`profile-diff --lines K`: the lines of the functions that changed most, before and after.

The function table says which function; this says which line. The K functions of the project's
own package that the diff ranks first (built-ins and other packages' code cannot be changed here)
are timed line by line with line_profiler at both commits; each line's time per benchmark call is
set beside its time at the other commit. Lines are paired by their source text, in order: an edit
above a function moves its line numbers, not its text, and a line whose text changed shows as
removed at one side and added at the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf.profiling.capture import FunctionKey
from alphapulse_perf.profiling.diff import ProfileDiff

__all__ = ["FunctionLines", "LineChange", "function_spec", "functions_to_time", "pair_lines"]


def _module_of(filename: str) -> str | None:
    """The dotted module a source file is, from the package folders above it."""
    path = Path(filename)
    if path.suffix != ".py" or not path.is_file():
        return None
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) if parts else None


def function_spec(key: FunctionKey) -> str | None:
    """`package.module:name`, as the profile runner finds a function (None: not importable)."""
    module = None if key.builtin else _module_of(key.file)
    return f"{module}:{key.name}" if module else None


def functions_to_time(diff: ProfileDiff, package: str, k: int) -> list[str]:
    """The specs of the first `k` functions of `package` in the diff's ranking."""
    chosen: list[str] = []
    for row in diff.rows:
        side = row.after or row.before
        spec = function_spec(side.key) if side is not None else None
        if spec and spec.split(":")[0].split(".")[0] == package and spec not in chosen:
            chosen.append(spec)
        if len(chosen) == k:
            break
    return chosen


@dataclass(frozen=True)
class LineChange:
    source: str
    before: float | None  # seconds per benchmark call; None: the line is not at that side
    after: float | None
    line_after: int | None  # its number at the after commit (before's when it is gone)


@dataclass(frozen=True)
class FunctionLines:
    function: str  # `module.py:name`
    lines: tuple[LineChange, ...]


def _timed(data: Mapping[str, Any]) -> dict[str, list[tuple[int, float, str]]]:
    """Per function (`file:name`), its lines as (number, seconds per call, source)."""
    calls = max(1, int(data["calls"]))
    found: dict[str, list[tuple[int, float, str]]] = {}
    for f in data["functions"]:
        name = f"{Path(f['file']).name}:{f['function']}"
        found[name] = [(int(n), float(t) / calls, str(src)) for n, _hits, t, src in f["lines"]]
    return found


def pair_lines(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[FunctionLines]:
    """The per-line figures of two `.lines.json` files, paired by function and source text."""
    old, new = _timed(before), _timed(after)
    paired = []
    for function in [*new, *(f for f in old if f not in new)]:
        waiting: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, seconds, source in old.get(function, []):
            waiting[source.strip()].append((number, seconds))
        changes = []
        for number, seconds, source in new.get(function, []):
            match = waiting[source.strip()]
            earlier = match.pop(0)[1] if match else None
            changes.append(LineChange(source.strip(), earlier, seconds, number))
        for text, left in waiting.items():
            changes += [LineChange(text, seconds, None, number) for number, seconds in left]
        paired.append(FunctionLines(function, tuple(changes)))
    return paired
