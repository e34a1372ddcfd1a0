"""`trend --plot`'s pictures: one self-contained SVG per series, and safe file names for them."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import PurePosixPath

import pytest
from test_compare import SETTINGS, rec
from test_trend import COMMITS, LEVELS

from alphapulse_perf.results import Outcome, Record
from alphapulse_perf.trend import Point, Step, Trend, trends
from alphapulse_perf.trend_plot import CHAR, plot_files, render_trend_plot, safe_name

SVG = "{http://www.w3.org/2000/svg}"


def series(
    values: Sequence[float | None], name: str = "b.Bench.time_x", params: tuple[str, ...] = ("10",)
) -> Trend:
    """The one trend of a series with these values (ms; None: failed) at COMMITS, oldest first."""
    records: list[Record] = [
        rec(
            v if v is None else v * 0.001,
            commit=c,
            name=name,
            outcome=Outcome.OK if v is not None else Outcome.FAILED,
            params=params,
        )
        for v, c in zip(values, COMMITS, strict=False)
    ]
    (trend,) = trends(records, SETTINGS)
    return trend


def parse(trend: Trend) -> ET.Element:
    return ET.fromstring(render_trend_plot(trend))


def marks(svg: ET.Element, tag: str, kind: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if e.get("class") == kind]


def step_notes(svg: ET.Element) -> list[str]:
    return [(e.text or "") + "".join(c.tail or "" for c in e) for e in marks(svg, "text", "step")]


def test_a_point_per_commit_the_fit_and_each_step_with_its_ratio() -> None:
    trend = series(LEVELS)
    text = render_trend_plot(trend)
    svg = ET.fromstring(text)
    assert (svg.get("width"), svg.get("height")) == ("480", "200")
    assert len(marks(svg, "circle", "point")) == len(COMMITS)
    assert len(marks(svg, "path", "level")) == 1
    assert step_notes(svg) == [f"2.00x worse at {COMMITS[4][:8]}"]
    (line,) = marks(svg, "line", "step")
    assert line.get("stroke") == "#c92a2a"  # worse: red
    labels = [e.text for e in svg.iter(f"{SVG}text") if e.get("text-anchor") == "middle"]
    assert {COMMITS[0][:8], COMMITS[4][:8], COMMITS[-1][:8]} <= set(labels)
    ticks = [e.text or "" for e in svg.iter(f"{SVG}text") if e.get("text-anchor") == "end"]
    assert len(ticks) >= 3 and len(set(ticks)) == len(ticks)
    assert all(re.fullmatch(r"\d+(\.\d{1,2})? (ms|us)", t) for t in ticks), ticks
    # Self-contained and the same bytes every time.
    assert not re.search(r"<script|<style|href|url\(|@import", text)
    assert render_trend_plot(trend) == text


def test_a_step_in_the_good_direction_is_better_and_green() -> None:
    svg = parse(series(LEVELS, name="b.Bench.track_per_second"))
    assert step_notes(svg) == [f"2.00x better at {COMMITS[4][:8]}"]
    assert marks(svg, "line", "step")[0].get("stroke") == "#2b8a3e"


def test_labels_are_escaped() -> None:
    trend = series(LEVELS, name="b.Bench.time_<&>", params=("'a/b'",))
    svg = parse(trend)  # would raise on a bare < or &
    assert "b.Bench.time_<&>(n='a/b') [m1]" in [e.text for e in svg.iter(f"{SVG}text")]


def test_a_single_point() -> None:
    svg = parse(series([1.0]))
    assert len(marks(svg, "circle", "point")) == 1
    assert step_notes(svg) == []
    assert marks(svg, "path", "missing") == []


def test_commits_without_a_value_are_crosses_and_break_the_line() -> None:
    trend = series([1.0, 1.0, None, 1.0, 2.0, 2.0])
    assert [p.value is None for p in trend.history] == [False, False, True, False, False, False]
    svg = parse(trend)
    assert len(marks(svg, "circle", "point")) == 5
    assert len(marks(svg, "path", "missing")) == 1
    assert len(list(svg.iter(f"{SVG}polyline"))) == 2  # before and after the gap
    # A NaN that reaches the picture is drawn as missing too (the steps, now of commits not in
    # the history, are left out); with no value at all, the picture says so.
    history = (Point(COMMITS[0], math.nan, math.nan), Point(COMMITS[1], 1e-3, 1e-3))
    nan = parse(dataclasses.replace(trend, history=history))
    assert (len(marks(nan, "path", "missing")), len(marks(nan, "circle", "point"))) == (1, 1)
    assert step_notes(nan) == []
    nothing = dataclasses.replace(trend, history=history[:1])
    assert "no value" in [e.text for e in parse(nothing).iter(f"{SVG}text")]


def test_steps_at_neighbouring_commits_take_rows_without_overlapping() -> None:
    values = [2.0**k for k in range(len(COMMITS))]
    history = tuple(Point(c, v, v) for c, v in zip(COMMITS, values, strict=True))
    steps = tuple(
        Step(b.commit, a.commit, a.value or 0, b.value or 0, True)
        for a, b in itertools.pairwise(history)
    )
    svg = parse(Trend("x", "m", "e", "seconds", len(values), steps, history))
    notes = marks(svg, "text", "step")
    assert len(notes) == len(steps)
    assert int(svg.get("height") or 0) > 200  # grown by the extra rows
    spans = [
        (float(n.get("y") or 0), float(n.get("x") or 0), len(text) * CHAR)
        for n, text in zip(notes, step_notes(svg), strict=True)
    ]
    for i, (y, x, w) in enumerate(spans):
        for y2, x2, w2 in spans[i + 1 :]:
            assert y != y2 or x + w <= x2 or x2 + w2 <= x


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ("b.B.time_x(n=1, s='a/b')", "b.B.time_x-n=1,s=a_b"),
        ("b.B.time_x", "b.B.time_x"),
        ("../../etc", "etc"),
        ("-rf *", "rf"),
        ("..", "series"),
        ("x" * 300, "x" * 120 + "~"),
    ],
)
def test_safe_names(label: str, name: str) -> None:
    safe = safe_name(label)
    assert safe.startswith(name) if name.endswith("~") else safe == name
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._=,+~-]*", safe)


def test_plot_files_one_per_series_with_data_and_never_the_same() -> None:
    trend = series(LEVELS, params=("'a/b'",))
    other_env = dataclasses.replace(trend, env="env2")
    lookalike = dataclasses.replace(trend, label=trend.label.replace("a/b", "a_b"))
    empty = dataclasses.replace(trend, label="empty", history=(Point(COMMITS[0], None, None),))
    files = plot_files([trend, other_env, lookalike, empty])
    names = [str(path) for _, path in files]
    assert names[0] == "m1/b.Bench.time_x-n=a_b.svg"
    assert len(names) == 3 and len(set(names)) == 3
    assert all(p.parent == PurePosixPath("m1") for _, p in files)
