"""`profile-diff`'s table as text or Markdown: the renderers of a `ProfileDiff`.

Times share one unit for the whole table, chosen from its largest figure; each cell reads
"before -> after", "-" where the function is absent from a capture.
"""

from __future__ import annotations

from alphapulse_perf.profiling.diff import DiffRow, ProfileDiff, Side, Status
from alphapulse_perf.profiling.line_diff import FunctionLines
from alphapulse_perf.profiling.text import format_time, time_unit
from alphapulse_perf.report.tables import markdown_table, text_table

__all__ = ["render_diff", "render_diff_markdown", "render_diff_text", "render_line_diff"]


def _calls(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.3g}"


def _pair(before: str, after: str) -> str:
    return f"{before} -> {after}"


def _cells(row: DiffRow, unit: tuple[float, str]) -> dict[str, str]:
    b, a = row.before, row.after
    scale, _ = unit

    def t(side: Side | None, field: str) -> str:
        return "-" if side is None else f"{getattr(side, field) / scale:.3f}"

    def pct(side: Side | None) -> str:
        return "-" if side is None else f"{100 * side.share:.1f}%"

    status = "" if row.status is Status.CHANGED else f" ({row.status.value})"
    return {
        "attributed": f"{row.attributed / scale:+.3f}",
        "own": _pair(t(b, "own"), t(a, "own")),
        "cumulative": _pair(t(b, "cumulative"), t(a, "cumulative")),
        "calls": _pair(_calls(b.calls if b else None), _calls(a.calls if a else None)),
        "share": _pair(pct(b), pct(a)),
        "function": row.function + status,
    }


def _header(diff: ProfileDiff, unit: tuple[float, str]) -> list[tuple[str, str]]:
    change = diff.total_after - diff.total_before
    relative = f", {100 * change / diff.total_before:+.1f}%" if diff.total_before > 0 else ""
    before, after = format_time(diff.total_before, unit), format_time(diff.total_after, unit)
    return [
        ("before", diff.before),
        ("after", diff.after),
        ("times", f"in {unit[1]}, {diff.unit}"),
        ("total", f"{before} -> {after} ({format_time(change, unit, signed=True)}{relative})"),
        ("ranked", _RANKINGS[diff.sort]),
    ]


_RANKINGS = {
    "attributed": "by attributed change: own time per call, plus the calls made to others "
    "valued at their before cost",
    "own": "by change of own time",
    "cumulative": "by change of cumulative time",
}


_COLUMNS = ("attributed", "own", "cumulative", "calls", "share", "function")


def _shown(diff: ProfileDiff, top: int) -> tuple[list[DiffRow], tuple[float, str]]:
    rows = list(diff.rows[:top])
    values = [diff.total_before, diff.total_after]
    values += [abs(r.attributed) for r in rows]
    values += [s.cumulative for r in rows for s in (r.before, r.after) if s is not None]
    return rows, time_unit(values)


def render_diff_text(diff: ProfileDiff, top: int = 15) -> str:
    rows, unit = _shown(diff, top)
    lines = [f"{name:<7} {value}" for name, value in _header(diff, unit)]
    lines += ["", f"top {len(rows)} of {len(diff.rows)} functions"]
    table = [dict(zip(_COLUMNS, _COLUMNS, strict=True))] + [_cells(r, unit) for r in rows]
    widths = {c: max(len(cells[c]) for cells in table) for c in _COLUMNS[:-1]}
    for cells in table:
        numbers = "  ".join(cells[c].rjust(widths[c]) for c in _COLUMNS[:-1])
        lines.append(f"{numbers}  {cells['function']}")
    return "\n".join(lines) + "\n"


def render_diff_markdown(diff: ProfileDiff, top: int = 15) -> str:
    rows, unit = _shown(diff, top)
    lines = [f"- {name}: {value}" for name, value in _header(diff, unit)]
    lines += ["", f"Top {len(rows)} of {len(diff.rows)} functions:", ""]
    lines.append("| # | function | attributed | own | cumulative | calls | share |")
    lines.append("|---:|---|---:|---:|---:|---:|---:|")
    for rank, row in enumerate(rows, 1):
        c = _cells(row, unit)
        status = "" if row.status is Status.CHANGED else f" ({row.status.value})"
        function = f"`{row.function}`{status}"
        lines.append(
            f"| {rank} | {function} | {c['attributed']} | {c['own']} | {c['cumulative']} "
            f"| {c['calls']} | {c['share']} |"
        )
    return "\n".join(lines) + "\n"


def render_diff(diff: ProfileDiff, fmt: str, top: int = 15) -> str:
    """The diff as "text" or "markdown"."""
    renderers = {"text": render_diff_text, "markdown": render_diff_markdown}
    if fmt not in renderers:
        raise ValueError(f"format must be one of {', '.join(renderers)}, not {fmt!r}")
    return renderers[fmt](diff, top)


def render_line_diff(functions: list[FunctionLines], fmt: str) -> str:
    """Each function's timed lines, before -> after per benchmark call, in one unit."""
    seconds = [t for f in functions for c in f.lines for t in (c.before, c.after) if t]
    scale, name = time_unit(seconds or [0.0])

    def cell(value: float | None) -> str:
        return "-" if value is None else f"{value / scale:.3f}"

    out = []
    for f in functions:
        timed = [c for c in f.lines if (c.before or 0) > 0 or (c.after or 0) > 0]
        rows = [
            [str(c.line_after or ""), cell(c.before), cell(c.after),
             f"{((c.after or 0) - (c.before or 0)) / scale:+.3f}", c.source]
            for c in timed
        ]  # fmt: skip
        header = ["line", "before", "after", "change", "source"]
        if fmt == "markdown":
            out += [f"#### `{f.function}`, {name} per call", ""]
            out += markdown_table(header, [[*r[:4], f"`{r[4]}`"] for r in rows])
            out.append("")
        else:
            out.append(f"lines of {f.function} ({name} per call, before -> after):")
            out += ["  " + line for line in text_table([header, *rows])]
            out.append("")
    return "\n".join(out)
