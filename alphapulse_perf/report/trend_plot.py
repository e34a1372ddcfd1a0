"""A small picture of one series' history: one self-contained SVG per `Trend`, drawn by matplotlib
(imported on first use, so that the other commands do not pay for it).

x is the commit's place in the history (evenly spaced, oldest left), labelled with short hashes at
the ends and at the steps; y is the value, ticks in the series' unit. Dots are the measured values
(hover for commit and value); a grey cross on the x axis is a commit without one (failed, skipped).
The blue step line is asv's fitted levels; each step kept by `trend` is a dashed line where the
level changes, red when worse and green when better, tagged with its ratio (new / old level) and
listed under the plot with its commits and levels. The same Trend always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from html import escape
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from alphapulse_perf.regression.trend import Step, Trend
from alphapulse_perf.report.trend import describe_step
from alphapulse_perf.report.units import format_value

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.typing import RcKeyType

__all__ = ["plot_files", "render_trend_plot", "safe_name"]

HASH = 8  # short hashes, as asv names its run files
INK, FAINT, DIM, LEVEL, WORSE, BETTER = "#222", "#999", "#bbb", "#3b5bdb", "#c92a2a", "#2b8a3e"
WIDTH, HEIGHT, ROW = 6.0, 2.6, 0.14  # inches: the figure, and each line of the legend more
LEVELS = "asv's fitted levels"
LABELS, TAGS = 9, 14  # short hashes, and ratio tags, that fit side by side across the plot
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text as text: smaller and searchable
    "svg.hashsalt": "alphapulse-perf",  # the same ids, hence the same bytes, every time
    "text.parse_math": False,  # a `$` in a label is a dollar
    "font.family": "monospace",
    "font.monospace": ["DejaVu Sans Mono"],  # matplotlib's own: the same layout everywhere
    "font.size": 7.0,
    "lines.linewidth": 1.2,
    "figure.facecolor": "#fdfdf8",
    "axes.facecolor": "none",
    "axes.edgecolor": FAINT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e6e6e6",
    "xtick.color": FAINT,
    "ytick.color": FAINT,
}


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


# --- scale ----------------------------------------------------------------------------------


def _scale(trend: Trend) -> Decimal:
    """What the values are plotted in units of: a power of ten (times KiB, MiB or GiB for bytes,
    as `format_value` shows them) that brings the largest into [1, 10): in Decimal, which neither
    underflows nor overflows, so that a denormal and 1e300 both reach matplotlib as ordinary
    numbers; and round, so that the ticks are round in the unit."""
    values = [v for p in trend.history for v in (p.value, p.level) if v is not None]
    size = Decimal(max((abs(v) for v in values if math.isfinite(v)), default=0.0))
    if not size:
        return Decimal(1)
    bytes_ = trend.unit == "bytes"
    base = Decimal(1024) ** next((k for k in (3, 2, 1) if bytes_ and size >= 1024**k), 0)
    return base.scaleb((size / base).adjusted())


def _y(value: float | None, scale: Decimal) -> float:
    """`value` in units of `scale`; NaN if missing."""
    return float(Decimal(value) / scale) if value is not None and math.isfinite(value) else math.nan


def _limits(values: Sequence[float]) -> tuple[float, float]:
    """The y range: the values padded, and at least 10 % of their size tall so that noise is not
    blown up into a cliff (and the 3-digit tick labels stay distinct)."""
    lo, hi = min(values), max(values)
    least = 0.1 * max(abs(lo), abs(hi)) or 1.0
    if hi - lo < least:
        lo, hi = (lo + hi - least) / 2, (lo + hi + least) / 2
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def _tick(y: float, scale: Decimal, unit: str) -> str:
    """A value tick's label; for a count too wide for the picture, in short."""
    value = float(Decimal(float(y)) * scale)
    label = format_value(value, unit)
    return label if len(label) <= 20 else f"{value:.3g}"


def _spaced(wanted: Iterable[float], span: float, fit: int) -> list[float]:
    """Of the `wanted` x positions, in order, those at least 1/`fit` of `span` from all kept."""
    kept: list[float] = []
    for x in wanted:
        if all(abs(x - k) >= span / fit for k in kept):
            kept.append(x)
    return kept


# --- drawing --------------------------------------------------------------------------------

Placed = tuple[Step, int, float]  # a step, its first commit's index, where its level changes


def _placed(trend: Trend) -> list[Placed]:
    """The steps whose commits are in the history, each halfway between its two commits."""
    index = {p.commit: i for i, p in reversed(list(enumerate(trend.history)))}  # the first
    return [
        (s, index[s.commit], (index[s.previous] + index[s.commit]) / 2)
        for s in trend.steps
        if s.previous in index and s.commit in index
    ]


def _marks(ax: Axes, trend: Trend, scale: Decimal) -> dict[str, str]:
    """asv's fitted levels as a step line, the values joined (broken where one is missing), a dot
    per measured commit and a cross on the x axis per commit without a value, each its own group;
    returns their hover texts by gid."""
    ys = [_y(p.value, scale) for p in trend.history]
    fit = [(i, y) for i, p in enumerate(trend.history) if not math.isnan(y := _y(p.level, scale))]
    if len(fit) > 1:  # flat along each level, changing halfway between two commits
        ax.step(*zip(*fit, strict=True), where="mid", color=LEVEL, alpha=0.8, label=LEVELS)
    ax.plot(range(len(ys)), ys, color=DIM, linewidth=0.8)
    tips = {}
    for i, (p, y) in enumerate(zip(trend.history, ys, strict=True)):
        if math.isnan(y):
            tips[f"missing-{i}"] = f"{p.commit[:HASH]}: no value (failed or skipped)"
            axis = ax.get_xaxis_transform()  # x in commits, y in the axes: 0 is the x axis
            ax.plot(i, 0, "x", color=FAINT, transform=axis, clip_on=False, gid=f"missing-{i}")
        else:
            tips[f"point-{i}"] = f"{p.commit[:HASH]}: {format_value(p.value, trend.unit)}"
            ax.plot(i, y, "o", color=INK, markersize=3, gid=f"point-{i}")
    return tips


def _steps(ax: Axes, placed: list[Placed], unit: str, span: int) -> dict[str, str]:
    """A dashed line per step where its level changes, tagged above the plot with its ratio where
    there is room, and listed in the legend; returns their hover texts by gid."""
    tagged = set(_spaced([x for _, _, x in placed], span, TAGS))
    tips = {}
    for k, (step, _, x) in enumerate(placed):
        colour, tips[f"step-{k}"] = WORSE if step.worse else BETTER, describe_step(step, unit)
        ax.axvline(x, color=colour, ls=(0, (3, 2)), gid=f"step-{k}", label=tips[f"step-{k}"])
        if x in tagged:
            tagged.discard(x)  # once for steps at the same place
            ratio = f"{step.ratio:.2f}x" if abs(step.ratio) < 1e4 else f"{step.ratio:.2g}x"
            ax.text(x, 1.01, ratio, color=colour, transform=ax.get_xaxis_transform(), ha="center")
    return tips


def _axes(ax: Axes, trend: Trend, scale: Decimal, placed: list[Placed]) -> None:
    """Short hashes under the x axis (every commit's if all fit, else the ends' and the steps'),
    value ticks in the series' unit; "no value" if there is none."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n = len(trend.history)
    wanted = range(n) if n <= LABELS else [0, n - 1, *(i for _, i, _ in placed)]
    xs = [int(x) for x in _spaced(wanted, n - 1, LABELS)]
    ax.set_xticks(xs, [trend.history[x].commit[:HASH] for x in xs])
    ax.set_xlim(-0.5, max(n, 1) - 0.5)
    ys = [y for p in trend.history for v in (p.value, p.level) if not math.isnan(y := _y(v, scale))]
    if not ys:
        ax.set_yticks([])
        ax.text(0.5, 0.5, "no value", transform=ax.transAxes, ha="center", color=INK)
        return
    ax.set_ylim(*_limits(ys))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: _tick(y, scale, trend.unit)))


def _key(ax: Axes, trend: Trend) -> None:
    """The series and machine on top (clipped to the width, keeping the end: method and
    parameters); under the plot a summary line over the legend of the levels and steps."""
    title = f"{trend.label} [{trend.machine}]"
    chars = int(WIDTH * 72 / (0.6 * 8)) - 4  # monospace glyphs are 0.6 em wide
    title = title if len(title) <= chars else ".." + title[len(title) - chars + 2 :]
    ax.figure.suptitle(title, x=0.01, ha="left", fontsize=8, color=INK)
    n, steps = len(trend.history), len(trend.steps)
    summary = f"{n} commit{'s' * (n != 1)}, {steps} step{'s' * (steps != 1)}"
    if missing := sum(not _finite(p.value) for p in trend.history):
        summary += f", {missing} without a value"
    ax.figure.legend(
        *ax.get_legend_handles_labels(), loc="outside lower left", title=summary,
        alignment="left", frameon=False, fontsize=6.5, labelcolor=INK, title_fontsize=7,
    )  # fmt: skip


def _with_tips(svg: str, tips: dict[str, str]) -> str:
    """matplotlib writes no tooltips: a <title> first in each group named by a gid."""
    for gid, tip in tips.items():
        svg = svg.replace(f'<g id="{gid}">', f'<g id="{gid}"><title>{escape(tip)}</title>', 1)
    return svg


def render_trend_plot(trend: Trend) -> str:
    """The SVG text of one series (see the module's documentation)."""
    import matplotlib
    from matplotlib.figure import Figure

    scale, placed = _scale(trend), _placed(trend)
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(WIDTH, HEIGHT + ROW * len(placed)), layout="constrained")
        ax = fig.add_subplot()
        tips = _marks(ax, trend, scale) | _steps(ax, placed, trend.unit, len(trend.history))
        _axes(ax, trend, scale, placed)
        _key(ax, trend)
        out = io.StringIO()
        meta = {"Date": None, "Title": f"{trend.label} [{trend.machine}] {trend.env}: {trend.unit}"}
        fig.savefig(out, format="svg", metadata=meta)
    return _with_tips(out.getvalue(), tips)
