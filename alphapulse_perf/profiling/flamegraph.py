"""A flame graph of a capture as one self-contained SVG (no script, no external file).

Why our own renderer: the libraries that draw pstats data are unmaintained (flameprof, last
release 2018), need a server or a folder of assets and cannot mark functions (snakeviz, tuna), or
draw call graphs rather than flame graphs (gprof2dot, with Graphviz). This is 150 lines.

pstats keeps no whole stacks, only caller -> callee edges with their times, so the graph is
rebuilt from the roots down: a callee's block under a caller is the edge's cumulative time, scaled
by the share of the caller's time that the path to it holds. It is exact along a tree of calls and
an estimate where a function has several callers (their paths split its time in proportion to the
calls' times). Recursion is cut where a function would reappear on its own path. Blocks narrower
than `min_fraction` of the total are left out.

The marked functions (`profile-diff`'s top offenders) are drawn in blue with their rank, listed
above the graph with their attributed change; every block's tooltip gives its time and share.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from alphapulse_perf.profiling.capture import Capture, FunctionKey, FunctionStat
from alphapulse_perf.profiling.text import format_time, time_unit

__all__ = ["FlameNode", "build_flame", "render_flamegraph"]

WIDTH = 1200
ROW = 17
MARGIN = 10
CHAR = 6.6  # px per character of the 11 px monospace font


@dataclass
class FlameNode:
    key: FunctionKey | None  # None: the synthetic root of all roots
    label: str
    value: float  # seconds on this path
    children: list[FlameNode] = field(default_factory=list)

    @property
    def short(self) -> str:
        """The name first, so a narrow block still shows which function it is."""
        if self.key is None or self.key.builtin:
            return self.label
        return f"{self.key.name} ({self.label.removesuffix(f'({self.key.name})')})"

    @property
    def depth(self) -> int:
        return 1 + max((c.depth for c in self.children), default=0)


def build_flame(capture: Capture, min_fraction: float = 0.002, max_depth: int = 80) -> FlameNode:
    """The tree of paths of `capture` (see the module's documentation)."""
    roots = sorted(capture.roots, key=lambda f: (-f.cumulative, f.key))
    top = FlameNode(None, "all", sum(f.cumulative for f in roots))
    smallest = min_fraction * max(top.value, 1e-12)

    def expand(f: FunctionStat, value: float, path: frozenset[FunctionKey]) -> FlameNode:
        node = FlameNode(f.key, f.key.label, value)
        if len(path) >= max_depth or f.cumulative <= 0:
            return node
        scale = value / f.cumulative
        kids = [
            (callee, edge.cumulative * scale)
            for callee, edge in capture.callees(f.key).items()
            if callee not in path and callee in capture.functions
        ]
        spent = sum(v for _, v in kids)
        if spent > value:  # timer rounding, or callers' paths estimated apart
            kids = [(c, v * value / spent) for c, v in kids]
        for callee, v in sorted(kids, key=lambda kv: (-kv[1], kv[0])):
            if v >= smallest:
                node.children.append(expand(capture.functions[callee], v, path | {callee}))
        return node

    top.children = [expand(f, f.cumulative, frozenset({f.key})) for f in roots]
    top.children = [c for c in top.children if c.value >= smallest]
    return top


def _colour(label: str) -> str:
    """A warm colour fixed by the function's name, so one function looks the same everywhere."""
    digest = hashlib.blake2b(label.encode(), digest_size=3).digest()
    return f"rgb({205 + digest[0] % 50},{digest[1] % 200},{digest[2] % 55})"


def render_flamegraph(
    capture: Capture,
    title: str,
    marked: Mapping[FunctionKey, str] | None = None,
    min_fraction: float = 0.002,
) -> str:
    """The SVG text. `title` may hold several lines; `marked` maps functions to the note shown
    for them (e.g. "+2.1 ms attributed"), in rank order."""
    marked = dict(marked or {})
    ranks = {key: rank for rank, key in enumerate(marked, 1)}
    root = build_flame(capture, min_fraction)
    unit = time_unit([root.value])
    total = root.value if root.value > 0 else 1.0
    legend = [f"#{ranks[key]} {key.label}  {note}" for key, note in marked.items() if key in ranks]
    titles = title.splitlines() or [""]
    top_lines = len(titles) + 1 + len(legend)
    height = MARGIN * 2 + ROW * (top_lines + root.depth) + 4
    graph_bottom = height - MARGIN
    scale = (WIDTH - 2 * MARGIN) / total
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="monospace" font-size="11">',
        "<style>rect{stroke:#fff;stroke-width:0.5}rect.offender{stroke:#000;stroke-width:1.5}"
        "text{pointer-events:none}</style>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fdfdf8" stroke="none"/>',
    ]
    for i, line in enumerate(titles):
        size = ' font-size="13"' if i == 0 else ""
        out.append(f'<text x="{MARGIN}" y="{MARGIN + 12 + ROW * i}"{size}>{escape(line)}</text>')
    out.append(
        f'<text x="{MARGIN}" y="{MARGIN + 12 + ROW * len(titles)}">total '
        f"{format_time(root.value, unit)}; width is time, each block above its caller; "
        "hover a block for its figures</text>"
    )
    for i, line in enumerate(legend):
        y = MARGIN + 12 + ROW * (len(titles) + 1 + i)
        out.append(f'<text x="{MARGIN}" y="{y}" fill="#1f3fbf">{escape(line)}</text>')

    def draw(node: FlameNode, x: float, level: int) -> None:
        width = node.value * scale
        y = graph_bottom - ROW * (level + 1)
        rank = ranks.get(node.key) if node.key is not None else None
        label = node.short if rank is None else f"#{rank} {node.short}"
        tip = f"{node.label}\n{format_time(node.value, unit)}, {100 * node.value / total:.1f}%"
        if rank is not None:
            tip += f"\noffender #{rank}: {marked[node.key]}"  # type: ignore[index]
        fill = "#3b5bdb" if rank is not None else "#e8e8e8" if node.key is None else None
        attrs = ' class="offender"' if rank is not None else ""
        out.append(
            f'<g><title>{escape(tip)}</title><rect{attrs} x="{x:.2f}" y="{y}" '
            f'width="{max(width, 0.1):.2f}" height="{ROW - 1}" '
            f'fill="{fill or _colour(node.label)}"/>'
        )
        chars = int((width - 6) / CHAR)
        if chars >= 3:
            text = label if len(label) <= chars else label[: chars - 2] + ".."
            colour = "#fff" if rank is not None else "#000"
            out.append(
                f'<text x="{x + 3:.2f}" y="{y + ROW - 5}" fill="{colour}">{escape(text)}</text>'
            )
        out.append("</g>")
        offset = x
        for child in node.children:
            draw(child, offset, level + 1)
            offset += child.value * scale

    draw(root, MARGIN, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"
