"""The readable side of a capture (`NAME.txt`): top functions by cumulative time, then by own time.

Each table shows both call counts pstats keeps: `calls` (every call) and `primitive` (calls not
made from inside the function itself); they differ only for recursive functions. Times share one
unit per table, chosen from its largest value, so a column reads at a glance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from alphapulse_perf.profiling.capture import Capture, FunctionStat

__all__ = ["format_time", "render_summary", "time_unit", "top_functions"]

_UNITS = ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"))


def time_unit(values: Iterable[float]) -> tuple[float, str]:
    """The unit (scale, name) in which the largest of `values` reads as 1 to 999."""
    largest = max((abs(v) for v in values), default=0.0)
    for scale, name in _UNITS:
        if largest >= scale:
            return scale, name
    return _UNITS[-1]


def format_time(seconds: float, unit: tuple[float, str], signed: bool = False) -> str:
    scale, name = unit
    return f"{seconds / scale:{'+' if signed else ''}.3f} {name}"


def top_functions(capture: Capture, by: str, n: int) -> list[FunctionStat]:
    """The `n` functions with most `by` time ("cumulative" or "own"); ties by name, stably."""
    if by not in ("cumulative", "own"):
        raise ValueError(f"`by` must be 'cumulative' or 'own', not {by!r}")
    ranked = sorted(capture.functions.values(), key=lambda f: (-getattr(f, by), f.key.label))
    return ranked[:n]


def _table(rows: Sequence[FunctionStat], by: str, total: float) -> list[str]:
    other = "own" if by == "cumulative" else "cumulative"
    unit = time_unit([getattr(f, by) for f in rows] + [getattr(f, other) for f in rows])
    cells = [
        (
            format_time(getattr(f, by), unit),
            format_time(getattr(f, other), unit),
            f"{100 * getattr(f, by) / total:.1f}%" if total > 0 else "-",
            f"{f.calls:,}",
            f"{f.primitive:,}",
            f.key.label,
        )
        for f in rows
    ]
    header = (by, other, "share", "calls", "primitive", "function")
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(5)]
    lines = []
    for row in [header, *cells]:
        numbers = "  ".join(cell.rjust(w) for cell, w in zip(row[:5], widths, strict=True))
        lines.append(f"{numbers}  {row[5]}")
    return lines


def render_summary(capture: Capture, top: int = 25, title: str | None = None) -> str:
    """The `.txt` of a capture: totals, then the top `top` by cumulative and by own time."""
    total = capture.total
    lines = [
        f"capture  {title or capture.source}",
        f"total    {total:.6f} s own time in {capture.calls:,} calls "
        f"({capture.primitive:,} primitive)",
    ]
    entry = capture.entry
    if entry is not None:
        lines.append(
            f"entry    {entry.key.label}: {capture.root_calls(entry):,} calls, "
            f"{entry.cumulative:.6f} s"
        )
    for by in ("cumulative", "own"):
        shown = top_functions(capture, by, top)
        lines += ["", f"top {len(shown)} by {by} time", *_table(shown, by, total)]
    return "\n".join(lines) + "\n"
