"""`trend --plot`'s pictures: one self-contained SVG per series, and safe file names for them."""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import PurePosixPath

import pytest
from builders import COMMITS, LEVELS, SETTINGS, rec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alphapulse_perf.regression.trend import Point, Step, Trend, trends
from alphapulse_perf.report.trend import describe_step
from alphapulse_perf.report.trend_plot import plot_files, render_trend_plot, safe_name
from alphapulse_perf.results import Outcome, Record

SVG = "{http://www.w3.org/2000/svg}"
WORSE, BETTER = "#c92a2a", "#2b8a3e"


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


def groups(svg: ET.Element, kind: str) -> list[ET.Element]:
    """The groups of one kind of mark (`point`, `missing`, `step`), in order."""
    return [g for g in svg.iter(f"{SVG}g") if re.fullmatch(rf"{kind}-\d+", g.get("id") or "")]


def tip(group: ET.Element) -> str:
    return group.findtext(f"{SVG}title") or ""


def colour(group: ET.Element) -> str:
    (path,) = group.iter(f"{SVG}path")
    found = re.search(r"stroke: (#\w+)", path.get("style") or "")
    return found.group(1) if found else ""


def texts(svg: ET.Element, group: str = "") -> list[str]:
    """The texts shown, or those under the groups whose id starts with `group` (`xtick_`...)."""
    inside = [g for g in svg.iter(f"{SVG}g") if (g.get("id") or "").startswith(group)]
    return list(dict.fromkeys(t.text or "" for g in inside for t in g.iter(f"{SVG}text")))


def test_a_point_per_commit_the_fit_and_each_step_with_its_ratio() -> None:
    trend = series(LEVELS)
    text = render_trend_plot(trend)
    svg = ET.fromstring(text)
    points = groups(svg, "point")
    assert [tip(p) for p in points[:2]] == [f"{COMMITS[0][:8]}: 1 ms", f"{COMMITS[1][:8]}: 1.01 ms"]
    assert len(points) == len(COMMITS) and groups(svg, "missing") == []
    (step,) = groups(svg, "step")
    assert (tip(step), colour(step)) == (describe_step(trend.steps[0], "seconds"), WORSE)
    shown = texts(svg)
    assert "b.Bench.time_x(n=10) [m1]" in shown
    assert {"8 commits, 1 step", "asv's fitted levels", "2.00x", tip(step)} <= set(shown)
    assert {COMMITS[0][:8], COMMITS[4][:8], COMMITS[-1][:8]} <= set(texts(svg, "xtick_"))
    ticks = texts(svg, "ytick_")
    assert len(ticks) >= 3 and all(re.fullmatch(r"\d+(\.\d{1,2})? (ms|us)", t) for t in ticks)
    # Self-contained, text as text (no glyph outlines), no date, and the same bytes every time.
    assert "<script" not in text and "<dc:date>" not in text
    assert all(v.startswith("#") for e in svg.iter() for k, v in e.attrib.items() if "href" in k)
    assert not any((e.get("id") or "").startswith("DejaVu") for e in svg.iter())
    assert render_trend_plot(trend) == text


def test_a_step_in_the_good_direction_is_better_and_green() -> None:
    svg = parse(series(LEVELS, name="b.Bench.track_per_second"))
    (step,) = groups(svg, "step")
    assert tip(step).endswith("(2.00x, better)") and colour(step) == BETTER


def test_labels_are_text_whatever_their_characters() -> None:
    trend = series(LEVELS, name="b.Bench.time_<&>", params=("'$a/b$'",))
    assert "b.Bench.time_<&>(n='$a/b$') [m1]" in texts(parse(trend))  # escaped, and no mathtext


def test_a_single_point() -> None:
    svg = parse(series([1.0]))
    assert [tip(p) for p in groups(svg, "point")] == [f"{COMMITS[0][:8]}: 1 ms"]
    assert groups(svg, "step") == groups(svg, "missing") == []
    assert texts(svg, "xtick_") == [COMMITS[0][:8]]


def test_commits_without_a_value_are_crosses() -> None:
    trend = series([1.0, 1.0, None, 1.0, 2.0, 2.0])
    svg = parse(trend)
    assert len(groups(svg, "point")) == 5
    (cross,) = groups(svg, "missing")
    assert tip(cross) == f"{COMMITS[2][:8]}: no value (failed or skipped)"
    assert "6 commits, 1 step, 1 without a value" in texts(svg)
    # A NaN that reaches the picture is drawn as missing too (the steps, now of commits not in
    # the history, are left out); with no value at all, the picture says so.
    history = (Point(COMMITS[0], math.nan, math.nan), Point(COMMITS[1], 1e-3, 1e-3))
    nan = parse(dataclasses.replace(trend, history=history))
    assert (len(groups(nan, "missing")), len(groups(nan, "point")), groups(nan, "step")) == (
        1,
        1,
        [],
    )
    nothing = parse(dataclasses.replace(trend, history=history[:1]))
    assert "no value" in texts(nothing) and groups(nothing, "point") == []


def test_steps_at_neighbouring_commits_each_have_a_line_and_an_entry() -> None:
    values = [2.0**k for k in range(len(COMMITS))]
    history = tuple(Point(c, v, v) for c, v in zip(COMMITS, values, strict=True))
    steps = tuple(
        Step(b.commit, a.commit, a.value or 0, b.value or 0, True)
        for a, b in itertools.pairwise(history)
    )
    one = parse(Trend("x", "m", "e", "seconds", len(values), steps[:1], history))
    svg = parse(Trend("x", "m", "e", "seconds", len(values), steps, history))
    assert [tip(g) for g in groups(svg, "step")] == [describe_step(s, "seconds") for s in steps]
    assert {tip(g) for g in groups(svg, "step")} <= set(texts(svg))  # the legend lists them all
    assert float((svg.get("height") or "0pt")[:-2]) > float((one.get("height") or "0pt")[:-2])


# Any history a Trend can hold: values and levels of every float (NaN and infinities drawn as
# missing), None, repeated commits, steps between any commits with any levels (but a zero one,
# which `trend` never keeps: a ratio needs the old level).
_values = st.none() | st.floats()
_commits = st.sampled_from(COMMITS[:5])
_trends = st.builds(
    Trend,
    label=st.just("b.Bench.track_x"),
    machine=st.just("m1"),
    env=st.just("e"),
    unit=st.sampled_from(["seconds", "bytes", "instructions", "percent", ""]),
    points=st.just(0),
    steps=st.lists(
        st.builds(Step, _commits, _commits, st.floats().filter(bool), st.floats(), st.booleans()),
        max_size=4,
    ).map(tuple),
    history=st.lists(st.builds(Point, _commits, _values, _values), max_size=12).map(tuple),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_trends)
def test_any_history_gives_one_well_formed_picture(trend: Trend) -> None:
    text = render_trend_plot(trend)
    svg = ET.fromstring(text)
    measured = sum(p.value is not None and math.isfinite(p.value) for p in trend.history)
    assert len(groups(svg, "point")) == measured
    assert len(groups(svg, "missing")) == len(trend.history) - measured
    assert render_trend_plot(trend) == text


def test_matplotlib_is_imported_only_to_draw() -> None:
    code = "import sys, alphapulse_perf.cli; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == "False\n"


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
