"""Records to decisions: settings, statistics, comparisons, drift, budgets, named baselines, the
check and its confirmation, and trends over history. Deciders return data; `report` renders it.
"""

from __future__ import annotations

from alphapulse_perf.regression.check import CheckReport, Revision, resolve_revision, run_check
from alphapulse_perf.regression.compare import Comparison, Status
from alphapulse_perf.regression.confirm import Confirmation
from alphapulse_perf.regression.settings import Settings, SettingsError, load_settings
from alphapulse_perf.regression.trend import Trend, trends

__all__ = [
    "CheckReport",
    "Comparison",
    "Confirmation",
    "Revision",
    "Settings",
    "SettingsError",
    "Status",
    "Trend",
    "load_settings",
    "resolve_revision",
    "run_check",
    "trends",
]
