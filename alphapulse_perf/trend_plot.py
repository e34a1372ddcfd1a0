"""A small picture of one series' history: one self-contained SVG per `Trend` (no script, no font,
no stylesheet), written by hand like `flamegraph` rather than adding a plotting dependency.

x is the commit's place in the history (evenly spaced, oldest left), labelled with short hashes at
the ends and at the steps; y is the value, ticks in the series' unit. Dots are the measured values
(hover for commit and value); a grey cross on the x axis is a commit without one (failed, skipped).
The blue step line is asv's fitted levels; each step kept by `trend` is a dashed line where the
level changes, red when worse and green when better, with its ratio (new / old level) and commit.
The same Trend always gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import PurePosixPath

from alphapulse_perf.render_trend import describe_step
from alphapulse_perf.trend import Point, Step, Trend
from alphapulse_perf.units import format_value

__all__ = ["plot_files", "render_trend_plot", "safe_name"]

WIDTH = 480
HEIGHT = 200  # with one row of step notes; each further row adds ROW
ROW = 12
MARGIN = 8
CHAR = 6.1  # px per character of the 10 px monospace font
TITLE_CHAR = 6.7  # the same at 11 px
HASH = 8  # short hashes, as asv names its run files
PAPER, INK, FAINT, GRID, LEVEL = "#fdfdf8", "#222", "#999", "#e6e6e6", "#3b5bdb"
WORSE, BETTER = "#c92a2a", "#2b8a3e"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


# --- file names -----------------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._=,+-]+")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def safe_name(text: str, limit: int = 120) -> str:
    """`text` as one portable file name: `m.f(n=1, s='a/b')` -> `m.f-n=1,s=a_b`.

    No separators, quotes, spaces or shell characters; no leading dot or dash (hidden files, `..`,
    options); at most `limit` characters (then a digest of `text` keeps it distinct)."""
    name = text.replace(", ", ",").replace("(", "-").replace(")", "")
    name = _UNSAFE.sub("_", name.replace("'", "").replace('"', "")).strip("._-")
    if len(name) > limit:
        name = f"{name[:limit]}~{_digest(text)}"
    return name or "series"


def plot_files(trends: Iterable[Trend]) -> list[tuple[Trend, PurePosixPath]]:
    """Each series with a measured value and its file, relative to the plot directory:
    `<machine>/<label>.svg`. A name already taken (two envs, or labels that differ only in the
    characters `safe_name` replaces, or in case) gets a digest of the whole series key appended."""
    taken: set[str] = set()
    files = []
    for t in trends:
        if not any(_finite(p.value) for p in t.history):
            continue
        machine, name = safe_name(t.machine), safe_name(t.label)
        if f"{machine}/{name}".casefold() in taken:
            name = f"{name}~{_digest(repr((t.machine, t.env, t.label)))}"
        taken.add(f"{machine}/{name}".casefold())
        files.append((t, PurePosixPath(machine, f"{name}.svg")))
    return files


# --- scales ---------------------------------------------------------------------------------


def _nice_steps(raw: float) -> Iterator[float]:
    """1, 2, 2.5, 5 x 10^k, from the smallest at least `raw` up."""
    power = 10.0 ** math.floor(math.log10(raw))
    while True:
        yield from (m * power for m in (1.0, 2.0, 2.5, 5.0) if m * power >= raw * (1 - 1e-9))
        power *= 10


def _value_range(values: list[float]) -> tuple[float, float]:
    """The y range: the values padded, and at least 10 % of their size tall so that noise is not
    blown up into a cliff (and the 3-digit tick labels stay distinct)."""
    lo, hi = min(values), max(values)
    least = 0.1 * max(abs(lo), abs(hi)) or 1.0
    if hi - lo < least:
        middle = (lo + hi) / 2
        lo, hi = middle - least / 2, middle + least / 2
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def _tick_scale(unit: str, size: float) -> float:
    """The unit ticks are round in: KiB, MiB or GiB for bytes (as `format_value` shows them),
    else 1 (the time units are powers of ten already)."""
    if unit != "bytes" or size < 1024:
        return 1.0
    return 1024.0 ** min(3, math.floor(math.log(size, 1024)))


def _ticks(lo: float, hi: float, unit: str) -> list[tuple[float, str]]:
    """Round values in [lo, hi] (three to seven) with their labels. A step whose ticks need more
    than the three digits `format_value` shows (122.5 ms) gives way to the next (125 ms)."""
    scale = _tick_scale(unit, max(abs(lo), abs(hi)))
    for step in _nice_steps((hi - lo) / 6 / scale):
        values = [
            k * step * scale
            for k in range(math.ceil(lo / scale / step), math.floor(hi / scale / step) + 1)
        ]
        if all(math.isclose(float(f"{v / scale:.3g}"), v / scale) for v in values):
            break
    ticks: list[tuple[float, str]] = []
    for value in values:
        label = format_value(value, unit)
        if not ticks or ticks[-1][1] != label:
            ticks.append((value, label))
    return ticks


@dataclasses.dataclass(frozen=True)
class _Frame:
    """The plot area in px and the value range it shows."""

    left: float
    right: float
    top: float
    bottom: float
    lo: float
    hi: float
    count: int  # commits

    def x(self, index: int) -> float:
        if self.count == 1:
            return (self.left + self.right) / 2
        inner = 8.0  # dots clear of the axis
        span = self.right - self.left - 2 * inner
        return self.left + inner + span * index / (self.count - 1)

    def y(self, value: float) -> float:
        return self.bottom - (self.bottom - self.top) * (value - self.lo) / (self.hi - self.lo)


# --- layout of the text ---------------------------------------------------------------------


def _apart(spans: list[tuple[float, float]], start: float, end: float, gap: float = 6.0) -> bool:
    """Whether [start, end] keeps `gap` px away from each of `spans`."""
    return all(end + gap <= s or start >= e + gap for s, e in spans)


def _clip(text: str, chars: int) -> str:
    """`text` in at most `chars` characters, keeping its end (the method and parameters)."""
    return text if len(text) <= chars else ".." + text[len(text) - chars + 2 :]


@dataclasses.dataclass(frozen=True)
class _Note:
    step: Step
    x: float  # where the level changes
    text: str
    start: float  # the text's extent
    end: float
    row: int


def _clear(placed: list[_Note], row: int, start: float, end: float, x: float, lines: bool) -> bool:
    """Whether a note in `row` over [start, end], its line down from there at `x`, keeps clear of
    the notes placed: no texts overlap, nor (if `lines`) does a line cross a text."""
    if not _apart([(n.start, n.end) for n in placed if n.row == row], start, end):
        return False
    crossing = [(n.x, n.x) for n in placed if n.row < row]  # their lines run through this row
    return not lines or (
        _apart(crossing, start, end)
        and _apart([(n.start, n.end) for n in placed if n.row > row], x, x)
    )


def _notes(steps: list[tuple[Step, float]]) -> list[_Note]:
    """Each step's note beside its line (right of it if there is room) in the first row, from the
    top, where it keeps clear of the others; if none does (steps at neighbouring commits), the
    first row where the texts at least do not overlap."""
    notes: list[_Note] = []
    for step, x in steps:
        kind = "worse" if step.worse else "better"
        text = f"{step.ratio:.2f}x {kind} at {step.commit[:HASH]}"
        width = len(text) * CHAR
        sides = [x + 3, x - 3 - width]  # right of the line, left of it
        sides = [a for a in sides if a >= MARGIN and a + width <= WIDTH - MARGIN] or sides[1:]
        row, start = next(
            (row, start)
            for lines in (True, False)
            for row in range(len(notes) + 1)
            for start in sides
            if _clear(notes, row, start, start + width, x, lines)
        )
        notes.append(_Note(step, x, text, start, start + width, row))
    return notes


def _commit_labels(frame: _Frame, history: tuple[Point, ...], steps: list[int]) -> list[str]:
    """Short hashes under the axis: every commit's if all fit, else the ends' and the steps'
    (`steps`: indices of the first commits at a new level), as many as fit, in that order."""
    width = HASH * CHAR
    wanted = list(range(len(history)))
    if len(history) * (width + 6) > frame.right - frame.left:
        wanted = [0, len(history) - 1, *steps]
    spans: list[tuple[float, float]] = []
    out = []
    for index in dict.fromkeys(wanted):
        centre = min(max(frame.x(index), MARGIN + width / 2), WIDTH - MARGIN - width / 2)
        if _apart(spans, centre - width / 2, centre + width / 2):
            spans.append((centre - width / 2, centre + width / 2))
            out.append(
                f'<text x="{centre:.1f}" y="{frame.bottom + 13:.1f}" text-anchor="middle" '
                f'fill="{FAINT}">{escape(history[index].commit[:HASH])}</text>'
            )
    return out


# --- drawing --------------------------------------------------------------------------------


def _axes(frame: _Frame, ticks: list[tuple[float, str]]) -> list[str]:
    out = []
    for value, label in ticks:
        y = frame.y(value)
        out.append(
            f'<line x1="{frame.left:.1f}" y1="{y:.1f}" x2="{frame.right:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
        )
        out.append(
            f'<text x="{frame.left - 4:.1f}" y="{y + 3.5:.1f}" text-anchor="end" '
            f'fill="{FAINT}">{escape(label)}</text>'
        )
    out.append(
        f'<path d="M{frame.left:.1f} {frame.top:.1f}V{frame.bottom:.1f}H{frame.right:.1f}" '
        f'fill="none" stroke="{FAINT}"/>'
    )
    return out


def _value_lines(frame: _Frame, history: tuple[Point, ...]) -> list[str]:
    """The measured values joined, broken where one is missing."""
    runs: list[list[str]] = [[]]
    for i, p in enumerate(history):
        if p.value is not None and math.isfinite(p.value):
            runs[-1].append(f"{frame.x(i):.1f},{frame.y(p.value):.1f}")
        elif runs[-1]:
            runs.append([])
    return [
        f'<polyline points="{" ".join(run)}" fill="none" stroke="#bbb"/>'
        for run in runs
        if len(run) > 1
    ]


def _value_marks(frame: _Frame, trend: Trend) -> list[str]:
    """A dot per measured commit, a cross on the x axis per commit without a value."""
    out = []
    for i, p in enumerate(trend.history):
        x = frame.x(i)
        if p.value is not None and math.isfinite(p.value):
            tip = f"{p.commit[:HASH]}: {format_value(p.value, trend.unit)}"
            out.append(
                f'<circle class="point" cx="{x:.1f}" cy="{frame.y(p.value):.1f}" r="2.5" '
                f'fill="{INK}"><title>{escape(tip)}</title></circle>'
            )
        else:
            y = frame.bottom
            out.append(
                f'<path class="missing" d="M{x - 3:.1f} {y - 3:.1f}l6 6m0 -6l-6 6" '
                f'stroke="{FAINT}" stroke-width="1.5"><title>{escape(p.commit[:HASH])}: '
                "no value (failed or skipped)</title></path>"
            )
    return out


def _levels(frame: _Frame, history: tuple[Point, ...]) -> list[str]:
    """asv's fit as a step line: flat along each level, changing halfway between two commits."""
    fitted = [
        (frame.x(i), p.level)
        for i, p in enumerate(history)
        if p.level is not None and math.isfinite(p.level)
    ]
    if len(fitted) < 2:
        return []
    path = [f"M{fitted[0][0]:.1f} {frame.y(fitted[0][1]):.1f}"]
    for (xa, a), (xb, b) in itertools.pairwise(fitted):
        if b != a:
            path.append(f"H{(xa + xb) / 2:.1f}V{frame.y(b):.1f}")
        path.append(f"H{xb:.1f}")
    return [
        f'<path class="level" d="{"".join(path)}" fill="none" stroke="{LEVEL}" '
        'stroke-width="1.5" stroke-opacity="0.8"/>'
    ]


def _step_marks(frame: _Frame, notes: list[_Note], unit: str) -> list[str]:
    """A dashed line per step, from its note down; the notes last, each on a halo of the
    background so that a line passing behind it leaves it readable."""
    lines, texts = [], []
    for n in notes:
        colour = WORSE if n.step.worse else BETTER
        top = frame.top - ROW * (_rows(notes) - n.row) + 2
        tip = f"<title>{escape(describe_step(n.step, unit))}</title>"
        lines.append(
            f'<line class="step" x1="{n.x:.1f}" y1="{top:.1f}" x2="{n.x:.1f}" '
            f'y2="{frame.bottom:.1f}" stroke="{colour}" stroke-dasharray="3 2">{tip}</line>'
        )
        texts.append(
            f'<text class="step" x="{n.start:.1f}" y="{top + 8:.1f}" fill="{colour}" '
            f'stroke="{PAPER}" stroke-width="3" paint-order="stroke">{tip}{escape(n.text)}</text>'
        )
    return lines + texts


def _rows(notes: list[_Note]) -> int:
    return max((n.row + 1 for n in notes), default=1)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _header(trend: Trend, height: int) -> list[str]:
    title = f"{trend.label} [{trend.machine}]"
    missing = sum(not _finite(p.value) for p in trend.history)
    summary = f"{_count(len(trend.history), 'commit')}, {_count(len(trend.steps), 'step')}"
    summary += f", {missing} without a value" if missing else ""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="10">',
        f"<title>{escape(f'{title} {trend.env}: {trend.unit}')}</title>",
        f'<rect width="{WIDTH}" height="{height}" fill="{PAPER}"/>',
        f'<text x="{MARGIN}" y="14" font-size="11" fill="{INK}">'
        f"{escape(_clip(title, int((WIDTH - 2 * MARGIN) / TITLE_CHAR)))}</text>",
        f'<text x="{MARGIN}" y="27" fill="{FAINT}">{escape(summary)}; '
        f'<tspan fill="{LEVEL}">blue: asv\'s fitted levels</tspan></text>',
    ]


def _step_positions(
    frame: _Frame, steps: tuple[Step, ...], index: dict[str, int]
) -> list[tuple[Step, float]]:
    """Each step with the x where its level changes: halfway between its two commits."""
    return [
        (s, (frame.x(index[s.previous]) + frame.x(index[s.commit])) / 2)
        for s in steps
        if s.previous in index and s.commit in index
    ]


def _document(trend: Trend, height: int, body: list[str]) -> str:
    return "\n".join([*_header(trend, height), *body, "</svg>"]) + "\n"


def render_trend_plot(trend: Trend) -> str:
    """The SVG text of one series (see the module's documentation)."""
    history = trend.history
    values = [v for p in history for v in (p.value, p.level) if v is not None and math.isfinite(v)]
    if not values:
        return _document(
            trend,
            HEIGHT,
            [f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">no value</text>'],
        )
    lo, hi = _value_range(values)
    ticks = _ticks(lo, hi, trend.unit)
    left = MARGIN + max((len(label) for _, label in ticks), default=0) * CHAR + 6
    frame = _Frame(left, WIDTH - MARGIN - 4, 50.0, HEIGHT - 26.0, lo, hi, len(history))
    index = {p.commit: i for i, p in reversed(list(enumerate(history)))}  # first occurrence
    notes = _notes(_step_positions(frame, trend.steps, index))
    extra = ROW * (_rows(notes) - 1)  # rows of notes beyond the first push the plot down
    frame = dataclasses.replace(frame, top=frame.top + extra, bottom=frame.bottom + extra)
    body = [
        *_axes(frame, ticks),
        *_value_lines(frame, history),
        *_levels(frame, history),
        *_value_marks(frame, trend),
        *_step_marks(frame, notes, trend.unit),
        *_commit_labels(frame, history, [index[n.step.commit] for n in notes]),
    ]
    return _document(trend, HEIGHT + extra, body)
