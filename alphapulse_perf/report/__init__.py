"""Decisions to text: check, confirm, trend and snapshot reports (text, Markdown, JSON), trend plots
(SVG), with one table writer (`tables`) and one unit formatter (`units`).
"""

from __future__ import annotations

from alphapulse_perf.report.check import render_check
from alphapulse_perf.report.confirm import render_confirmation
from alphapulse_perf.report.snapshot import render_snapshot
from alphapulse_perf.report.trend import render_trends
from alphapulse_perf.report.trend_plot import render_trend_plot

__all__ = [
    "render_check",
    "render_confirmation",
    "render_snapshot",
    "render_trend_plot",
    "render_trends",
]
